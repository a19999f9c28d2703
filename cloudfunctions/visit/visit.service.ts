import type { TaskOut, VisitOut } from '../../shared/contracts/visit.contract';
import { isOverdue } from '../../shared/domain/visit.rules';
import { type Db, getDb, iso } from '../../server';
import { chinaDay } from '../../shared/domain/period.rules';
import { pointOut } from '../merchant/merchant.service';

/** A stored visit (data-model `visits`); `result` keeps what the first submit answered, for retries. */
export interface VisitDoc {
  _id: string;
  merchantId: string;
  staffId: string;
  type: VisitOut['type'];
  at: Date;
  day: string;
  location: unknown;
  distanceM: number | null;
  isFlagged: boolean;
  gridId: string;
  unitPath: string[];
  checks?: VisitOut['checks'];
  outcome?: string;
  note?: string;
  photos: { fileId: string; takenAt: Date; location: unknown; staffId: string }[];
  productsPitched?: string[];
  result?: { openedTaskIds: string[]; closedTaskIds: string[] };
  createdAt: Date;
}

export interface TaskDoc {
  _id: string;
  kind: TaskOut['kind'];
  merchantId: string;
  gridId: string;
  unitPath: string[];
  assigneeId: string | null;
  check?: TaskOut['check'];
  products?: string[];
  dueDay: string;
  status: 'open' | 'done';
  openedBy?: { visitId?: string; reason: string; detail?: string };
  closedByVisitId?: string | null;
  closedBy?: string | null;
  note?: string;
  createdAt: Date;
  closedAt?: Date | null;
}

/** The visit as clients see it. */
export function visitView(v: VisitDoc): VisitOut {
  return {
    id: v._id,
    merchantId: v.merchantId,
    staffId: v.staffId,
    type: v.type,
    at: iso(v.at),
    day: v.day,
    location: pointOut(v.location),
    distanceM: v.distanceM ?? null,
    isFlagged: Boolean(v.isFlagged),
    gridId: v.gridId,
    checks: v.checks ?? null,
    outcome: v.outcome ?? null,
    note: v.note ?? null,
    photos: (v.photos ?? []).map((p) => ({ fileId: p.fileId, takenAt: iso(p.takenAt) ?? '', location: pointOut(p.location) ?? { lng: 0, lat: 0 }, staffId: p.staffId })),
    productsPitched: v.productsPitched ?? null,
    createdAt: iso(v.createdAt),
  };
}

/** The task as clients see it (with the merchant's name when known). */
export function taskView(t: TaskDoc, merchantName: string | null, today = chinaDay(new Date())): TaskOut {
  return {
    id: t._id,
    kind: t.kind,
    merchantId: t.merchantId,
    merchantName,
    gridId: t.gridId,
    assigneeId: t.assigneeId ?? null,
    check: t.check ?? null,
    dueDay: t.dueDay,
    isOverdue: t.status === 'open' && isOverdue(t.dueDay, today),
    status: t.status,
    openedBy: t.openedBy ?? null,
    closedByVisitId: t.closedByVisitId ?? null,
    createdAt: iso(t.createdAt),
    closedAt: iso(t.closedAt),
  };
}

/** Merchant names by id, for task lists. */
export async function merchantNames(db: Db, ids: string[]): Promise<Map<string, string>> {
  const unique = [...new Set(ids)];
  const out = new Map<string, string>();
  for (let i = 0; i < unique.length; i += 100) {
    const res = await db.collection('merchants').where({ _id: getDb().command.in(unique.slice(i, i + 100)) }).field({ _id: true, name: true }).limit(100).get();
    for (const m of res.data as { _id: string; name: string }[]) out.set(m._id, m.name);
  }
  return out;
}
