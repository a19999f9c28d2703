/** What the pages read from the functions' answers (the fields they show; the contracts hold the rest). */

export interface PointOut {
  lng: number;
  lat: number;
}

export interface MerchantSummary {
  _id: string;
  name: string;
  address?: { text?: string };
  industry?: string;
  lifecycleClass?: string;
  isComplete?: boolean;
  gridId?: string;
  gridName?: string;
  location?: PointOut;
  operator?: { name?: string; mobile?: string };
  acquiring?: { status?: string };
}

export interface ProductHolding {
  product: string;
  bank: 'ours' | 'other';
  otherBank?: string;
  status: string;
  since?: string;
}

export interface MerchantDetail extends MerchantSummary {
  address?: { text?: string; district?: string; township?: string; street?: string; doorPlate?: string };
  operator?: { name?: string; mobile?: string; idNumber?: string };
  products?: ProductHolding[];
  photos?: { fileId: string; takenAt: string }[];
  missingFields?: string[];
  licenceCode?: string;
  isFull?: boolean;
  depositFen?: number;
  classSince?: string;
}

export interface Visit {
  _id: string;
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
  _id: string;
  kind: string;
  merchantId: string;
  merchantName?: string;
  check?: string;
  dueDay: string;
  status: 'open' | 'done';
  products?: string[];
}

export interface ClassChange {
  from: string | null;
  to: string;
  reason: string;
  day: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
