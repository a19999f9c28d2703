import type { ImportKind } from '../shared/contracts/import.contract';
import type { Db, Tx } from './db';

/**
 * Imported figures are kept per kind and month in versions. Every import writes its rows as a new
 * version (`version`: the import's job id) beside the version that serves, and one small transaction
 * makes it the period's active version (`importPeriods`, `_id` `<kind>:<YYYY-MM>`). Readers take a row
 * only when its version is the active one of its month. Rows written before versions existed carry no
 * `version`: they serve while their month has no active version (no period document yet).
 */
export const PERIODS = 'importPeriods';

export const ROW_COLLECTIONS: Record<ImportKind, string> = { transactions: 'transactions', credit: 'credits', deposits: 'deposits' };

export interface PeriodDoc {
  _id: string;
  kind: ImportKind;
  month: string;
  /** job id of the version that serves; null: the rows without a version */
  activeVersion: string | null;
  previousVersion: string | null;
  /** rows of the active version */
  rows: number;
  updatedAt: Date;
}

export const periodId = (kind: ImportKind, month: string) => `${kind}:${month}`;

/** A row's version (null for rows written before versions). */
export const rowVersion = (row: { version?: string | null }): string | null => row.version ?? null;

/** The active version of each month of a kind (null where the month has no period document). */
export async function activeVersions(db: Db | Tx, kind: ImportKind, months: Iterable<string>): Promise<Map<string, string | null>> {
  const out = new Map<string, string | null>();
  const wanted = [...new Set(months)];
  for (const m of wanted) out.set(m, null);
  // By id: a period document per month, read in small groups (works inside a transaction too).
  for (let i = 0; i < wanted.length; i += 100) {
    const ids = wanted.slice(i, i + 100).map((m) => periodId(kind, m));
    if (!('command' in db)) {
      for (const id of ids) {
        const res = (await db.collection(PERIODS).doc(id).get()) as { data: PeriodDoc | PeriodDoc[] | null };
        const d = Array.isArray(res.data) ? res.data[0] : res.data;
        if (d) out.set(d.month, d.activeVersion ?? null);
      }
      continue;
    }
    const res = (await db.collection(PERIODS).where({ _id: (db as Db).command.in(ids) }).limit(ids.length).get()) as { data: PeriodDoc[] };
    for (const d of res.data) out.set(d.month, d.activeVersion ?? null);
  }
  return out;
}

/** Every period document of a kind (a few hundred at most: one per month imported), month → active version. */
export async function allActiveVersions(db: Db, kind: ImportKind): Promise<Map<string, string | null>> {
  const out = new Map<string, string | null>();
  for (let skip = 0; ; skip += 1000) {
    const res = (await db.collection(PERIODS).where({ kind }).orderBy('_id', 'asc').skip(skip).limit(1000).get()) as { data: PeriodDoc[] };
    for (const d of res.data) out.set(d.month, d.activeVersion ?? null);
    if (res.data.length < 1000) return out;
  }
}

/** True when a row serves: its version is the active one of its month (`active` from `activeVersions`). */
export function isServed(row: { month?: string; version?: string | null }, active: Map<string, string | null>): boolean {
  return rowVersion(row) === (active.get(row.month ?? '') ?? null);
}

/** A merchant's credit figures of one month (`credits` rows). */
export interface CreditRow {
  grantedFen: number;
  grantedAt: string | null;
  drawnFen: number;
}

/**
 * A merchant's serving deposit balances and credit figures by month (a merchant has one row per month
 * and version, a few dozen at most), read outside any transaction.
 */
export async function loadMerchantMonthly(db: Db, merchantId: string): Promise<{ deposits: Record<string, number>; credits: Record<string, CreditRow> }> {
  const rows = async (coll: string) => {
    const out: any[] = [];
    for (let skip = 0; ; skip += 1000) {
      const res = (await db.collection(coll).where({ merchantId }).skip(skip).limit(1000).get()) as { data: any[] };
      out.push(...res.data);
      if (res.data.length < 1000) return out;
    }
  };
  const [dep, cr] = await Promise.all([rows('deposits'), rows('credits')]);
  const [depActive, crActive] = await Promise.all([activeVersions(db, 'deposits', dep.map((d) => d.month)), activeVersions(db, 'credit', cr.map((c) => c.month))]);
  const deposits: Record<string, number> = {};
  for (const d of dep) if (d.month && isServed(d, depActive)) deposits[d.month] = d.balanceFen ?? 0;
  const credits: Record<string, CreditRow> = {};
  for (const c of cr) if (c.month && isServed(c, crActive)) credits[c.month] = { grantedFen: c.grantedFen ?? 0, grantedAt: c.grantedAt ?? null, drawnFen: c.drawnFen ?? 0 };
  return { deposits, credits };
}

/** A merchant's latest month of credit figures (what its file shows), or null. */
export async function latestCredit(db: Db, merchantId: string): Promise<(CreditRow & { month: string }) | null> {
  const { credits } = await loadMerchantMonthly(db, merchantId);
  const month = Object.keys(credits).sort().pop();
  return month ? { month, ...credits[month] } : null;
}
