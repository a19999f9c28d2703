/** Visit-function answers the pages read (the visit contract names the rest). */
export interface PointOut {
  lng: number;
  lat: number;
}

export interface Visit {
  id: string;
  type: string;
  at: string;
  staffName?: string;
  distanceM?: number;
  isFlagged?: boolean;
  outcome?: string;
  note?: string;
  checks?: { item: string; result: string; note?: string }[];
}

export interface Task {
  id: string;
  kind: string;
  merchantId: string;
  merchantName?: string;
  check?: string;
  dueDay: string;
  status: 'open' | 'done';
  products?: string[];
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
