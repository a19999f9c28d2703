/**
 * The demo bank (docs/data-model.md "Demo bank"): about 40,000 merchants of 兴化市 with three filing sweeps, revisits,
 * acquiring, deposits and credit, built so that the figures of docs/domain.md §1 come out exactly at 2025-07-31.
 *
 * How the figures are met: every merchant belongs to a cohort (area, how its file was made, when its
 * acquiring opened and closed) with an exact head count, so the acquiring, filing and coverage figures
 * follow by construction; deposit balances and drawn credit are scaled per month so their sums are exact
 * to the fen. Everything else (names, places, dates inside a cohort's window, volumes) is drawn from the
 * seeded generator, so the same seed always gives the same bank.
 */
import { isValidCreditCode, makeCreditCode, makeOrganizationCode, CREDIT_CODE_CHARSET } from '../../shared/domain/credit-code.rules';
import { makeIdNumber } from '../../shared/domain/id-number.rules';
import { classifyMerchant, type MonthFigures } from '../../shared/domain/lifecycle.rules';
import { maskIdNumber, maskMobile } from '../../shared/domain/mask.rules';
import { isMobile } from '../../shared/domain/mobile.rules';
import { merchantSearchKeys } from '../../shared/domain/search.rules';
import { SEARCH_KEYS_MARK, SEARCH_KEYS_VERSION } from '../../server/search-keys';
import { sealPi } from '../../server/pi';
import { CALENDAR_SETTINGS_ID } from '../../shared/domain/settings.rules';
import { CHECK_ITEMS, COMMON_OTHER_BANKS, VISIT_FLAG_RADIUS_M, countOurProducts, taskDueDay, type CheckItem, type ProductHolding } from './catalog';
import { chinaInstant, dayIndex, dayOfIndex, monthEnd, trendMonths } from '../../shared/domain/period.rules';
import { distanceM, offsetM, type LngLat } from './geo';
import { INDUSTRY_MIX, MARKET_INDUSTRY_MIX, personName, pickIndustry, shopName } from './names';
import { ORG_SINCE_DAY, type GridInfo, type Org } from './org';
import type { Rng } from './random';
import { DIVISION, XINGHUA_CODE } from './xinghua';

/** The day the reference figures are published for (docs/domain.md §1). */
export const AS_OF = '2025-07-31';
const D = dayIndex(AS_OF);

/** Reference figures the demo bank reproduces (docs/domain.md §1), in the units the data stores. */
export const REFERENCE = {
  acquiring: 30678,
  acquiringAtYearStart: 27660,
  depositsFen: 193_000_000_000,
  depositsAtYearStartFen: 175_000_000_000,
  creditGranted: 9221,
  creditDrawing: 6771,
  loansOutstandingFen: 354_000_000_000,
  sweepFiled: 27511,
  cityAcquiring: 6416,
  cityFiled: 12221,
  cityAcquiringAtFilingStart: 2106,
  cityFiledAtFilingStart: 9981,
  marketName: '城北菜场',
  marketMerchants: 132,
  marketFiled: 130,
  marketFiledAcquiring: 117,
  cityBranches: 9,
  townshipBranches: 4,
} as const;

type FileState = 's2021' | 's2022' | 's2024' | 'f2025' | 'incomplete';

interface Cohort {
  area: 'city' | 'township';
  file: FileState;
  count: number;
  /** acquiring opened in this window (days); `afterFiling` moves the start to a week after filing */
  since?: [string, string];
  afterFiling?: boolean;
  /** closed in this window (never sooner than 30 days after opening) */
  close?: [string, string];
}

/**
 * The head counts. City: 12,221 filed by the sweeps (9,981 in 2021), 2,106 acquiring at the end of
 * 2021 (all filed in 2021), 6,416 acquiring now (all filed). Bank: 27,660 acquiring at 2024-12-31,
 * 3,430 opened and 412 closed since. Township merchants include counter sign-ups whose files are not
 * complete (they count as acquiring, not as filed) and files made in 2025 (not a sweep).
 */
const COHORTS: Cohort[] = [
  { area: 'city', file: 's2021', count: 1900, since: ['2016-01-01', '2021-12-31'] },
  { area: 'city', file: 's2021', count: 150, since: ['2016-01-01', '2021-12-31'], close: ['2022-01-01', '2024-12-31'] },
  { area: 'city', file: 's2021', count: 56, since: ['2016-01-01', '2021-12-31'], close: ['2025-01-01', '2025-07-31'] },
  { area: 'city', file: 's2021', count: 3050, since: ['2022-01-01', '2024-12-31'] },
  { area: 'city', file: 's2021', count: 250, since: ['2025-01-01', '2025-07-25'] },
  { area: 'city', file: 's2021', count: 120, since: ['2022-01-01', '2024-06-30'], close: ['2022-03-01', '2024-12-31'] },
  { area: 'city', file: 's2021', count: 4455 },
  { area: 'city', file: 's2022', count: 800, since: ['2022-03-01', '2024-12-31'], afterFiling: true },
  { area: 'city', file: 's2022', count: 60, since: ['2025-01-01', '2025-07-25'] },
  { area: 'city', file: 's2022', count: 480 },
  { area: 'city', file: 's2024', count: 300, since: ['2024-03-01', '2024-12-31'], afterFiling: true },
  { area: 'city', file: 's2024', count: 56, since: ['2025-01-01', '2025-07-25'] },
  { area: 'city', file: 's2024', count: 544 },
  { area: 'city', file: 'incomplete', count: 400 },
  // township, by sweep
  { area: 'township', file: 's2021', count: 5500, since: ['2014-01-01', '2024-12-31'] },
  { area: 'township', file: 's2022', count: 4150, since: ['2014-01-01', '2024-12-31'] },
  { area: 'township', file: 's2024', count: 2350, since: ['2014-01-01', '2024-12-31'] },
  { area: 'township', file: 's2021', count: 120, since: ['2014-01-01', '2024-12-31'], close: ['2025-01-01', '2025-07-31'] },
  { area: 'township', file: 's2022', count: 80, since: ['2014-01-01', '2024-12-31'], close: ['2025-01-01', '2025-07-31'] },
  { area: 'township', file: 's2024', count: 50, since: ['2014-01-01', '2024-12-31'], close: ['2025-01-01', '2025-07-31'] },
  { area: 'township', file: 's2021', count: 200, since: ['2014-01-01', '2024-06-30'], close: ['2016-01-01', '2024-12-31'] },
  { area: 'township', file: 's2022', count: 130, since: ['2014-01-01', '2024-06-30'], close: ['2016-01-01', '2024-12-31'] },
  { area: 'township', file: 's2024', count: 70, since: ['2014-01-01', '2024-06-30'], close: ['2016-01-01', '2024-12-31'] },
  { area: 'township', file: 's2021', count: 380, since: ['2025-01-01', '2025-07-25'] },
  { area: 'township', file: 's2022', count: 300, since: ['2025-01-01', '2025-07-25'] },
  { area: 'township', file: 's2024', count: 220, since: ['2025-01-01', '2025-07-25'] },
  { area: 'township', file: 's2021', count: 800 },
  { area: 'township', file: 's2022', count: 630 },
  { area: 'township', file: 's2024', count: 310 },
  { area: 'township', file: 'f2025', count: 1200, since: ['2025-01-01', '2025-07-25'] },
  { area: 'township', file: 'f2025', count: 600 },
  { area: 'township', file: 'f2025', count: 3000, since: ['2014-01-01', '2024-12-31'] },
  { area: 'township', file: 'incomplete', count: 6198, since: ['2014-01-01', '2024-12-31'] },
  { area: 'township', file: 'incomplete', count: 106, since: ['2014-01-01', '2024-12-31'], close: ['2025-01-01', '2025-07-31'] },
  { area: 'township', file: 'incomplete', count: 964, since: ['2025-01-01', '2025-07-25'] },
  { area: 'township', file: 'incomplete', count: 200, since: ['2014-01-01', '2024-06-30'], close: ['2016-01-01', '2024-12-31'] },
];

/** Filing windows of the three door-to-door sweeps and of the 2025 filing (not a sweep). */
const FILING_WINDOWS: Record<Exclude<FileState, 'incomplete'>, [string, string]> = {
  s2021: ['2021-03-01', '2021-12-20'],
  s2022: ['2022-03-01', '2023-11-30'],
  s2024: ['2024-03-01', '2024-12-15'],
  f2025: ['2025-01-06', '2025-07-28'],
};
const SWEEP_OF: Record<FileState, 2021 | 2022 | 2024 | undefined> = { s2021: 2021, s2022: 2022, s2024: 2024, f2025: undefined, incomplete: undefined };

/** Month-end deposit totals of acquiring merchants (fen); 2024-12 and 2025-07 are the reference figures. */
const DEPOSIT_TOTALS: Record<string, number> = {
  '2024-08': 170_400_000_000,
  '2024-09': 171_900_000_000,
  '2024-10': 172_800_000_000,
  '2024-11': 173_600_000_000,
  '2024-12': REFERENCE.depositsAtYearStartFen,
  '2025-01': 176_300_000_000,
  '2025-02': 178_900_000_000,
  '2025-03': 181_200_000_000,
  '2025-04': 183_700_000_000,
  '2025-05': 186_500_000_000,
  '2025-06': 190_100_000_000,
  '2025-07': REFERENCE.depositsFen,
};
export const DEPOSIT_MONTHS = trendMonths('2025-07', 12);
/** Months of imported acquiring figures: the current month and the three before (lifecycle rules). */
export const TXN_MONTHS = trendMonths('2025-07', 4);

/** Markets (商圈): the showcase 城北菜场 and a few others, each over neighbouring grids of one branch. */
const MARKETS: { name: string; branch: string; gridIndexes: number[]; size: number }[] = [
  { name: REFERENCE.marketName, branch: '城北支行', gridIndexes: [2, 3], size: REFERENCE.marketMerchants },
  { name: '城中菜场', branch: '城中支行', gridIndexes: [9, 10], size: 96 },
  { name: '英武农贸市场', branch: '城西支行', gridIndexes: [5, 6], size: 74 },
  { name: '戴南不锈钢交易市场', branch: '戴南支行', gridIndexes: [1, 2], size: 88 },
  { name: '安丰古镇商业街', branch: '安丰支行', gridIndexes: [0, 1], size: 60 },
];

export type MakePoint = (lng: number, lat: number) => unknown;

export interface Dataset {
  [collection: string]: Record<string, unknown>[];
}

interface Plan {
  cohort: Cohort;
  market: boolean;
}

const pad = (n: number, w: number): string => String(n).padStart(w, '0');
const clampDay = (n: number, lo: number, hi: number): number => Math.max(lo, Math.min(hi, n));
const between = (rng: Rng, from: number, to: number): number => (to <= from ? from : rng.int(from, to));

/** A grid picked with probability proportional to its weight. */
function gridPicker(grids: GridInfo[]): (rng: Rng) => GridInfo {
  const cum: number[] = [];
  let total = 0;
  for (const g of grids) cum.push((total += g.weight));
  return (rng) => {
    const r = rng.float() * total;
    let lo = 0;
    let hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cum[mid] > r) hi = mid;
      else lo = mid + 1;
    }
    return grids[lo];
  };
}

/** Integer shares of `total` proportional to `weights`, summing to `total` exactly. */
export function apportion(weights: number[], total: number): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const scale = total / sum;
  const out = weights.map((w) => Math.max(0, Math.floor(w * scale)));
  // Floating point may leave the floors a few units off either way: settle the rest one unit at a time.
  let rest = total - out.reduce((a, b) => a + b, 0);
  for (let i = 0; rest !== 0; i = (i + 1) % out.length) {
    if (rest > 0) {
      out[i] += 1;
      rest--;
    } else if (out[i] > 0) {
      out[i] -= 1;
      rest++;
    }
  }
  return out;
}

/** Generates every merchant-side collection of the demo bank for `org`, step by step (each step draws from its own fork, in this order). */
export function generateDemo(rng: Rng, org: Org, makePoint: MakePoint, say: (message: string) => void = () => undefined): Dataset {
  let mark = Date.now();
  const phase = (name: string) => {
    say(`  ${name}: ${Date.now() - mark} ms`);
    mark = Date.now();
  };
  const plans = planMerchants(rng);
  const marketDocs = marketsOf(org);
  const { groups, groupsOfGrid } = wechatGroupsOf(org);
  const out: Dataset = { merchants: [], visits: [], tasks: [], transactions: [], deposits: [], credits: [], classHistory: [], markets: marketDocs.map((m) => m.doc), wechatGroups: groups, imports: [] };
  const rows = merchantRows(rng, org, makePoint, plans, marketDocs, groupsOfGrid);
  phase('merchants');
  addCredit(rng, rows, out);
  phase('credit');
  addDeposits(rng, rows, out);
  phase('deposits');
  const classOf = addTransactionsAndClasses(rng, rows, out);
  phase('transactions and classes');
  addClassHistoryAndTasks(rng, rows, classOf, out);
  phase('class history and lifecycle tasks');
  addVisits(rng, rows, makePoint, out);
  phase('visits and follow-up tasks');
  addImportJobs(org, out);
  addTargets(org, out);
  // The records end on AS_OF: the bank's nightly jobs and its screens' default periods work as of that
  // day whenever the demo runs (settings/calendar, read by loadBankDay; docs/operations.md).
  // The files carry their search keys: nothing to backfill (server/search-keys.ts).
  out.settings = [{ _id: CALENDAR_SETTINGS_ID, asOfDay: AS_OF }, { _id: SEARCH_KEYS_MARK, version: SEARCH_KEYS_VERSION }];
  for (const r of rows) r.doc.updatedAt = latestOf(r.doc.createdAt as Date, chinaInstant(D, 23));
  out.merchants = rows.map((r) => r.doc);
  // Safety net: the generators never emit a code the shared validators refuse.
  for (const m of out.merchants) if (m.licenceCode && !isValidCreditCode(m.licenceCode as string)) throw new Error(`invalid licence code ${m.licenceCode}`);
  return out;
}

/** A merchant of the demo while it is generated: its file, where it is, and its dates as day numbers. */
interface Row {
  doc: Record<string, unknown>;
  grid: GridInfo;
  point: LngLat;
  since: number | null;
  closed: number | null;
  filed: number | null;
  created: number;
  products: Record<string, unknown>[];
}

/** A merchant's lifecycle class at AS_OF, why, and since when (a day number). */
interface RowClass {
  cls: string;
  reason: string;
  detail: string;
  since: number;
}

type MarketDoc = ReturnType<typeof marketsOf>[number];

/** Whether the merchant acquires with us on `day`. */
function activeAt(r: Row, day: number): boolean {
  return r.since !== null && r.since <= day && !(r.closed !== null && r.closed <= day);
}

/** One cohort per merchant, city ones first; market merchants are drawn first so the market figures are exact. */
function planMerchants(rng: Rng): Plan[] {
  const planRng = rng.fork('plan');
  const cityPlans: Plan[] = [];
  const townPlans: Plan[] = [];
  for (const c of COHORTS) for (let i = 0; i < c.count; i++) (c.area === 'city' ? cityPlans : townPlans).push({ cohort: c, market: false });
  planRng.shuffle(cityPlans);
  planRng.shuffle(townPlans);
  const isActiveNow = (c: Cohort) => !!c.since && !c.close;
  const want = { active: REFERENCE.marketFiledAcquiring, idle: REFERENCE.marketFiled - REFERENCE.marketFiledAcquiring, incomplete: REFERENCE.marketMerchants - REFERENCE.marketFiled };
  for (const p of cityPlans) {
    const slot = p.cohort.file === 'incomplete' ? 'incomplete' : isActiveNow(p.cohort) ? 'active' : 'idle';
    if (want[slot] > 0) {
      want[slot]--;
      p.market = true;
    }
  }
  return [...cityPlans, ...townPlans];
}

/** The markets (商圈) over their branches' grids; the first is the showcase. */
function marketsOf(org: Org) {
  const gridById = new Map(org.grids.map((g) => [g.id, g]));
  const cityBranchGrids = (name: string) => {
    const b = org.branches.find((x) => x.name === name);
    if (!b) throw new Error(`no branch ${name}`);
    return b.gridIds.map((id) => gridById.get(id) as GridInfo);
  };
  const marketDocs = MARKETS.map((m, i) => {
    const grids = m.gridIndexes.map((k) => cityBranchGrids(m.branch)[k]);
    const branch = org.branches.find((b) => b.name === m.branch)!;
    return { def: m, grids, doc: { _id: `mk-${pad(i + 1, 2)}`, name: m.name, branchId: branch.id, unitPath: branch.unitPath, gridIds: grids.map((g) => g.id), createdAt: chinaInstant(dayIndex('2021-03-01'), 9) } };
  });
  return marketDocs;
}

/** WeChat groups: one per grid, a second one for the busiest grids. */
function wechatGroupsOf(org: Org): { groups: Record<string, unknown>[]; groupsOfGrid: Map<string, string[]> } {
  const groups: Record<string, unknown>[] = [];
  const groupsOfGrid = new Map<string, string[]>();
  for (const g of org.grids) {
    const n = g.weight > 2.8 ? 2 : 1;
    const ids: string[] = [];
    for (let k = 1; k <= n; k++) {
      const id = `wg-${g.id.slice(2)}-${k}`;
      ids.push(id);
      groups.push({ _id: id, name: `${g.name.replace(/网格$/, '')}商户${n > 1 ? `${k}群` : '群'}`, gridId: g.id, unitPath: g.unitPath, createdAt: chinaInstant(dayIndex('2021-06-01') + (k - 1) * 200, 10) });
    }
    groupsOfGrid.set(g.id, ids);
  }
  return { groups, groupsOfGrid };
}

/** The merchant files: grid, place, filing and acquiring dates, operator, licence, photos and products. */
function merchantRows(rng: Rng, org: Org, makePoint: MakePoint, allPlans: Plan[], marketDocs: MarketDoc[], groupsOfGrid: Map<string, string[]>): Row[] {
  const showcase = marketDocs[0];
  const cityGrids = org.grids.filter((g) => g.area === 'city');
  const townGrids = org.grids.filter((g) => g.area === 'township');
  const usedMobiles = new Set<string>();
  const usedLicences = new Set<string>();
  const usedIdNumbers = new Set<string>();
  const pickCity = gridPicker(cityGrids);
  const pickTown = gridPicker(townGrids);

  const rows: Row[] = [];
  const mrng = rng.fork('merchants');
  const marketOther = new Map<string, number>(marketDocs.slice(1).map((m) => [m.doc._id, m.def.size]));

  allPlans.forEach((plan, index) => {
    const c = plan.cohort;
    const id = `m-${pad(index + 1, 6)}`;
    const grid = plan.market ? mrng.pick(showcase.grids) : c.area === 'city' ? pickCity(mrng) : pickTown(mrng);
    let marketId: string | undefined = plan.market ? (showcase.doc._id as string) : undefined;
    if (!marketId) {
      const other = marketDocs.slice(1).find((m) => m.grids.some((g) => g.id === grid.id));
      if (other && (marketOther.get(other.doc._id) ?? 0) > 0 && mrng.chance(0.35)) {
        marketOther.set(other.doc._id, (marketOther.get(other.doc._id) ?? 0) - 1);
        marketId = other.doc._id;
      }
    }
    const point = grid.pointIn(0.04 + mrng.float() * 0.92, 0.04 + mrng.float() * 0.92);

    // file and acquiring dates
    const filed = c.file === 'incomplete' ? null : between(mrng, dayIndex(FILING_WINDOWS[c.file][0]), dayIndex(FILING_WINDOWS[c.file][1]));
    let since: number | null = null;
    let closed: number | null = null;
    if (c.since) {
      const lo = c.afterFiling && filed !== null ? Math.max(dayIndex(c.since[0]), filed + 7) : dayIndex(c.since[0]);
      since = between(mrng, lo, dayIndex(c.since[1]));
      if (c.close) closed = between(mrng, Math.max(dayIndex(c.close[0]), since + 30), dayIndex(c.close[1]));
    }
    let created: number;
    if (filed !== null) created = since !== null && since < filed && since >= ORG_SINCE_DAY ? since : filed;
    else if (since !== null) created = Math.max(since, ORG_SINCE_DAY + 1);
    else created = between(mrng, dayIndex('2025-03-01'), dayIndex('2025-07-28'));
    if (filed !== null && created > filed) created = filed;

    const operatorName = personName(mrng);
    const industry = pickIndustry(mrng, marketId === showcase.doc._id ? MARKET_INDUSTRY_MIX : INDUSTRY_MIX);
    const street = mrng.pick(grid.roads);
    const door = marketId ? `${marketDocs.find((m) => m.doc._id === marketId)!.def.name}${mrng.pick(['A', 'B', 'C', 'D'])}区${mrng.int(1, 60)}号` : `${mrng.int(1, 388)}号`;
    const name = shopName(mrng, industry, operatorName, street, marketId === showcase.doc._id);
    let mobile: string;
    do mobile = `1${mrng.pick(['3', '5', '8', '8', '9', '7'])}${pad(mrng.int(0, 999999999), 9)}`;
    while (!isMobile(mobile) || usedMobiles.has(mobile));
    usedMobiles.add(mobile);
    const operator: Record<string, unknown> = { name: operatorName, mobile: sealPi(mobile, maskMobile) };
    if (filed !== null && mrng.chance(0.35)) {
      let idn: string;
      do idn = makeIdNumber(XINGHUA_CODE, dayOfIndex(between(mrng, dayIndex('1958-01-01'), dayIndex('2001-12-31'))), mrng.int(1, 999));
      while (usedIdNumbers.has(idn));
      usedIdNumbers.add(idn);
      operator.idNumber = sealPi(idn, maskIdNumber);
    }
    let licenceCode: string | undefined;
    if (mrng.chance(c.file === 'incomplete' ? 0.3 : 0.6)) {
      const company = ['51', '33', '13', '50', '54', '72'].includes(industry) && mrng.chance(0.5);
      do {
        let body = 'MA';
        for (let k = 0; k < 6; k++) body += CREDIT_CODE_CHARSET[mrng.int(0, CREDIT_CODE_CHARSET.length - 1)];
        licenceCode = makeCreditCode(`${company ? '91' : '92'}${XINGHUA_CODE}${makeOrganizationCode(body)}`);
      } while (usedLicences.has(licenceCode));
      usedLicences.add(licenceCode);
    }
    const staffAtFiling = grid.marketingId;
    const filedAt = filed !== null ? chinaInstant(filed, mrng.int(9, 16), mrng.int(0, 59)) : undefined;
    const missingFields = c.file === 'incomplete' ? (since !== null ? ['photos'] : mrng.pick([['photos'], ['photos', 'products'], ['products']])) : [];
    const photoAt = filedAt ?? chinaInstant(created, mrng.int(9, 16), mrng.int(0, 59));
    const photos =
      !missingFields.includes('photos')
        ? Array.from({ length: mrng.int(1, 3) }, (_, k) => ({
            fileId: `cloud://${process.env.TCB_ENV ?? 'local'}.${process.env.TCB_ENV ?? 'local'}-local/merchants/${id}/storefront-${k + 1}.jpg`,
            takenAt: photoAt,
            location: makePoint(...offsetM(point, mrng.int(2, 25), mrng.float() * 2 * Math.PI)),
            staffId: staffAtFiling,
          }))
        : [];

    // products, ours and other banks'
    const products: Record<string, unknown>[] = [];
    const activeNow = since !== null && closed === null;
    if (since !== null) {
      const until = closed !== null ? dayOfIndex(closed) : undefined;
      products.push({ product: 'acquiring', bank: 'ours', status: activeNow ? 'active' : 'closed', since: dayOfIndex(since), ...(until ? { until } : {}) });
      if (mrng.chance(0.55)) products.push({ product: 'settlement-account', bank: 'ours', status: activeNow ? 'active' : 'closed', since: dayOfIndex(since), ...(until ? { until } : {}) });
      if (activeNow && mrng.chance(0.12)) products.push({ product: 'merchant-app', bank: 'ours', status: 'active', since: dayOfIndex(since) });
      if (activeNow && mrng.chance(0.1)) products.push({ product: 'mobile-banking', bank: 'ours', status: 'active', since: dayOfIndex(since) });
      if (activeNow && mrng.chance(0.04)) products.push({ product: 'deposit', bank: 'ours', status: 'active', since: dayOfIndex(since) });
      if (mrng.chance(0.2)) products.push({ product: 'settlement-account', bank: 'other', otherBank: mrng.pick(COMMON_OTHER_BANKS), status: 'active' });
    } else {
      if (mrng.chance(0.65)) products.push({ product: 'acquiring', bank: 'other', otherBank: mrng.pick(COMMON_OTHER_BANKS), status: 'active' });
      if (mrng.chance(0.3)) products.push({ product: 'settlement-account', bank: 'other', otherBank: mrng.pick(COMMON_OTHER_BANKS), status: 'active' });
      if (filed !== null && mrng.chance(0.06)) products.push({ product: 'acquiring', bank: 'ours', status: 'in-progress', since: dayOfIndex(Math.min(D, filed + mrng.int(30, 400))) });
    }
    const wechatGroupId = filed !== null && mrng.chance(0.45) ? mrng.pick(groupsOfGrid.get(grid.id)!) : undefined;
    const address = {
      district: DIVISION.district,
      township: grid.township,
      street,
      doorPlate: door,
      text: `${DIVISION.province}${DIVISION.city}${DIVISION.district}${grid.township}${street}${door}`,
    };
    const doc: Record<string, unknown> = {
      _id: id,
      name,
      address,
      searchKeys: merchantSearchKeys({ address, unitPath: grid.unitPath }),
      location: makePoint(point[0], point[1]),
      gridId: grid.id,
      unitPath: grid.unitPath,
      area: grid.area,
      industry,
      operator,
      ...(licenceCode ? { licenceCode } : {}),
      ...(since !== null ? { acquiringNo: `898${XINGHUA_CODE}${pad(index + 1, 6)}` } : {}),
      photos,
      // No products field means "not yet asked" (an empty list would declare "holds none").
      ...(missingFields.includes('products') ? {} : { products }),
      ...(marketId ? { marketId } : {}),
      ...(wechatGroupId ? { wechatGroupId } : {}),
      isComplete: c.file !== 'incomplete',
      missingFields,
      ...(SWEEP_OF[c.file] ? { sweep: SWEEP_OF[c.file] } : {}),
      ...(filedAt ? { filedAt, filedBy: staffAtFiling } : {}),
      acquiring:
        since === null
          ? { status: 'none' }
          : { status: closed !== null ? 'closed' : 'active', since: dayOfIndex(since), ...(closed !== null ? { closedAt: dayOfIndex(closed) } : {}), deviceStatus: closed !== null ? 'unbound' : 'bound' },
      credit: { grantedFen: 0, drawnFen: 0 },
      depositFen: 0,
      createdAt: filedAt && created === filed ? filedAt : chinaInstant(created, 10, mrng.int(0, 59)),
      createdBy: filed !== null ? staffAtFiling : org.hqStaffId,
      version: 1,
    };
    rows.push({ doc, grid, point, since, closed, filed, created, products });
  });
  return rows;
}

/** Credit (阳光e贷): exact counts and outstanding sum among merchants acquiring at AS_OF. */
function addCredit(rng: Rng, rows: Row[], out: Dataset): void {
  const crng = rng.fork('credit');
  const activeRows = rows.filter((r) => activeAt(r, D));
  const grantedRows = crng.shuffle([...activeRows]).slice(0, REFERENCE.creditGranted);
  const drawingRows = grantedRows.slice(0, REFERENCE.creditDrawing);
  const formerRows = crng.shuffle(rows.filter((r) => r.closed !== null)).slice(0, 120);
  const tiersYuan = [200_000, 300_000, 500_000, 800_000, 1_000_000, 1_500_000, 2_000_000];
  const grantOf = (drawing: boolean) => (drawing ? crng.weighted(tiersYuan, [8, 14, 22, 22, 18, 10, 6]) : crng.weighted(tiersYuan.slice(0, 5), [30, 30, 25, 10, 5]));
  const credit = new Map<Row, { grantedYuan: number; drawnYuan: number; grantedAt: number }>();
  for (const r of grantedRows) credit.set(r, { grantedYuan: grantOf(false), drawnYuan: 0, grantedAt: between(crng, Math.max(r.since!, dayIndex('2021-03-01')), dayIndex('2025-07-28')) });
  const weights: number[] = [];
  for (const r of drawingRows) {
    const c = credit.get(r)!;
    c.grantedYuan = grantOf(true);
    weights.push(c.grantedYuan * (0.3 + crng.float() * 0.65));
  }
  const drawn = fillExactly(weights, drawingRows.map((r) => credit.get(r)!.grantedYuan), REFERENCE.loansOutstandingFen / 100);
  drawingRows.forEach((r, i) => (credit.get(r)!.drawnYuan = drawn[i]));
  for (const r of formerRows) {
    const g = grantOf(false);
    credit.set(r, { grantedYuan: g, drawnYuan: crng.chance(0.5) ? Math.round(g * crng.float() * 0.8) : 0, grantedAt: between(crng, r.since!, r.closed! - 1) });
  }
  for (const [r, c] of credit) {
    const grantedAt = dayOfIndex(c.grantedAt);
    r.doc.credit = { grantedFen: c.grantedYuan * 100, grantedAt, drawnFen: c.drawnYuan * 100 };
    out.credits.push({ _id: `${r.doc._id}:2025-07`, merchantId: r.doc._id, month: '2025-07', grantedFen: c.grantedYuan * 100, grantedAt, drawnFen: c.drawnYuan * 100, asOf: AS_OF, importId: 'imp-credit-2025-07', unitPath: r.grid.unitPath });
    if (activeAt(r, D)) {
      r.products.push({ product: 'credit-granted', bank: 'ours', status: 'active', since: grantedAt });
      if (c.drawnYuan > 0) r.products.push({ product: 'credit-drawn', bank: 'ours', status: 'active', since: grantedAt });
    }
  }
}

/** Deposits: month-end balances, scaled so the acquiring merchants' sum is exact each month. */
function addDeposits(rng: Rng, rows: Row[], out: Dataset): void {
  const drng = rng.fork('deposits');
  const base = new Map<Row, { level: number; drift: number }>();
  for (const r of rows) if (r.since !== null) base.set(r, { level: Math.exp(Math.log(45_000) + 0.85 * drng.normal()), drift: (drng.float() - 0.4) * 0.05 });
  const lastBalance = new Map<Row, number>();
  const latestMonth = DEPOSIT_MONTHS[DEPOSIT_MONTHS.length - 1];
  DEPOSIT_MONTHS.forEach((month, k) => {
    const end = dayIndex(monthEnd(month));
    const start = dayIndex(`${month}-01`);
    const counted: Row[] = [];
    const raw: number[] = [];
    for (const r of rows) {
      if (!activeAt(r, end)) continue;
      const b = base.get(r)!;
      const ramp = Math.min(1, (end - r.since! + 15) / 120); // new merchants build their balance over months
      counted.push(r);
      raw.push(b.level * (1 + b.drift * k) * ramp * (0.93 + drng.float() * 0.14));
    }
    const fen = apportion(raw, DEPOSIT_TOTALS[month]);
    counted.forEach((r, i) => {
      lastBalance.set(r, fen[i]);
      if (month === latestMonth) r.doc.depositFen = fen[i];
      out.deposits.push({ _id: `${r.doc._id}:${month}`, merchantId: r.doc._id, month, balanceFen: fen[i], importId: `imp-deposit-${month}`, unitPath: r.grid.unitPath });
    });
    // A merchant that closed acquiring recently keeps a dwindling balance for two months (not counted).
    for (const r of rows) {
      if (r.closed === null || r.closed > end || r.closed < start - 62 || !lastBalance.has(r)) continue;
      const left = Math.floor((lastBalance.get(r)! * 0.45) / 100) * 100;
      lastBalance.set(r, left);
      if (left > 0 && month === latestMonth) r.doc.depositFen = left;
      if (left > 0) out.deposits.push({ _id: `${r.doc._id}:${month}`, merchantId: r.doc._id, month, balanceFen: left, importId: `imp-deposit-${month}`, unitPath: r.grid.unitPath });
    }
  });
}

/** Monthly acquiring figures, and the lifecycle class they give each merchant. */
function addTransactionsAndClasses(rng: Rng, rows: Row[], out: Dataset): Map<Row, RowClass> {
  const trng = rng.fork('transactions');
  const classOf = new Map<Row, RowClass>();
  for (const r of rows) {
    const months: MonthFigures[] = [];
    if (r.since !== null) {
      const recent = r.since >= dayIndex('2025-04-01');
      const behaviour = !activeAt(r, D) || recent ? 'normal' : trng.weighted(['normal', 'drop', 'idle30', 'idle90', 'unbound', 'low'], [84, 6, 3, 2, 2, 3]);
      const level = Math.max(12_000, Math.exp(Math.log(45_000) + 0.9 * trng.normal())); // yuan a month
      const ticket = recent ? 30 + trng.float() * 30 : 30 + trng.float() * 120;
      TXN_MONTHS.forEach((month, k) => {
        const start = dayIndex(`${month}-01`);
        const end = dayIndex(monthEnd(month));
        const from = Math.max(start, r.since!);
        const to = r.closed !== null ? Math.min(end, r.closed - 1) : end;
        if (from > to) return;
        const last = k === TXN_MONTHS.length - 1;
        if (behaviour === 'idle90' && k > 0) return;
        if (behaviour === 'idle30' && last) return;
        let amount = level * ((to - from + 1) / (end - start + 1)) * (0.85 + trng.float() * 0.3);
        if (behaviour === 'low') amount = 3_000 + trng.float() * 2_000;
        if (behaviour === 'drop' && last) amount = level * (0.1 + trng.float() * 0.3);
        let count = Math.max(1, Math.round(amount / ticket));
        if (behaviour === 'low') count = trng.int(5, 25);
        else if (behaviour === 'normal' && count < 35) count = 35 + trng.int(0, 20);
        const lastTxn =
          behaviour === 'idle30' && k === TXN_MONTHS.length - 2 ? between(trng, Math.max(from, dayIndex('2025-06-02')), to) :
          behaviour === 'idle90' ? between(trng, from, Math.min(to, dayIndex('2025-04-28'))) :
          Math.max(from, to - trng.int(0, 3));
        const amountFen = Math.round(amount * 100);
        const deviceStatus = behaviour === 'unbound' && last ? 'unbound' : r.closed !== null && r.closed <= end ? 'unbound' : 'bound';
        months.push({ month, count, amountFen, lastTxnDay: dayOfIndex(lastTxn), deviceStatus });
        out.transactions.push({ _id: `${r.doc._id}:${month}`, merchantId: r.doc._id, month, count, amountFen, lastTxnDay: dayOfIndex(lastTxn), deviceStatus, importId: `imp-txn-${month}`, unitPath: r.grid.unitPath });
      });
      if (behaviour === 'unbound') (r.doc.acquiring as Record<string, unknown>).deviceStatus = 'unbound';
    }
    const cls = classifyMerchant({ acquiring: r.doc.acquiring as never, ourActiveProducts: countOurProducts(r.products as unknown as ProductHolding[]), months }, AS_OF);
    const lastTxn = months.map((m) => m.lastTxnDay!).sort().pop();
    let since: number;
    if (cls.reason === 'closed') since = r.closed!;
    else if (cls.reason.startsWith('idle-')) since = dayIndex(lastTxn ?? dayOfIndex(r.since!)) + Number(cls.reason.slice(5));
    else if (cls.cls === 'abnormal' || cls.reason === 'below-minimum') since = D;
    else if (cls.cls === 'to-win') since = r.created;
    else if (cls.cls === 'premium') since = clampDay(Math.max(r.since! + 31, dayIndex('2025-01-31')), r.since!, D);
    else since = r.since!;
    classOf.set(r, { ...cls, since: clampDay(since, r.created, D) });
  }
  return classOf;
}

/** Class history, and the to-do tasks of the lists (abnormal visits, win-backs). */
function addClassHistoryAndTasks(rng: Rng, rows: Row[], classOf: Map<Row, RowClass>, out: Dataset): void {
  const hrng = rng.fork('history');
  let historySeq = 0;
  for (const r of rows) {
    const cur = classOf.get(r)!;
    r.doc.lifecycleClass = cur.cls;
    r.doc.classSince = dayOfIndex(cur.since);
    // As a reclassification writes them: the lists say why each merchant is in its class.
    r.doc.classReason = cur.reason;
    r.doc.classDetail = cur.detail;
    const hist = (from: string, to: string, reason: string, day: number) =>
      out.classHistory.push({ _id: `ch-${pad(++historySeq, 6)}`, merchantId: r.doc._id, from, to, reason, day: dayOfIndex(day), at: chinaInstant(day, 22, 30), unitPath: r.grid.unitPath });
    let base = 'to-win';
    if (r.since !== null) {
      if (r.since > r.created) hist('to-win', 'qualified', 'acquiring-opened', r.since);
      base = 'qualified';
    }
    if (cur.cls !== base) hist(base, cur.cls, cur.reason, cur.since);
    if (cur.cls === 'abnormal' || (cur.cls === 'lost' && cur.since >= dayIndex('2025-01-01'))) {
      const kind = cur.cls === 'abnormal' ? 'abnormal-visit' : 'win-back';
      out.tasks.push({
        _id: hrng.uuid(),
        kind,
        merchantId: r.doc._id,
        gridId: r.grid.id,
        unitPath: r.grid.unitPath,
        assigneeId: kind === 'abnormal-visit' ? r.grid.maintenanceId : r.grid.memberId,
        dueDay: taskDueDay(kind, dayOfIndex(cur.since)),
        status: 'open',
        openedBy: { reason: cur.reason, detail: cur.detail },
        createdAt: chinaInstant(cur.since, 22, 30),
      });
    }
  }
}

/** Visits: filing, marketing, device installs and the revisits with the six checks (and their follow-up tasks). */
function addVisits(rng: Rng, rows: Row[], makePoint: MakePoint, out: Dataset): void {
  const vrng = rng.fork('visits');
  const visitPoint = (r: Row): { location: unknown; distanceM: number; isFlagged: boolean } => {
    const far = vrng.chance(0.02);
    const p = offsetM(r.point, far ? vrng.int(210, 650) : vrng.int(3, 80), vrng.float() * 2 * Math.PI);
    const dist = Math.round(distanceM(r.point, p));
    return { location: makePoint(p[0], p[1]), distanceM: dist, isFlagged: dist > VISIT_FLAG_RADIUS_M };
  };
  const addVisit = (r: Row, type: string, day: number, staffId: string, extra: Record<string, unknown> = {}): Record<string, unknown> => {
    const at = chinaInstant(day, vrng.int(8, 17), vrng.int(0, 59), vrng.int(0, 59));
    const v = { _id: vrng.uuid(), merchantId: r.doc._id, staffId, type, at, day: dayOfIndex(day), ...visitPoint(r), gridId: r.grid.id, unitPath: r.grid.unitPath, photos: [], ...extra, createdAt: at };
    out.visits.push(v);
    return v;
  };
  const REVISIT_FROM = dayIndex('2024-10-01');
  const FAIL_WEIGHTS = [3, 1, 2, 2, 3, 3];
  for (const r of rows) {
    if (r.filed !== null) {
      const at = r.doc.filedAt as Date;
      const v = addVisit(r, 'filing', r.filed, r.grid.marketingId, { note: '上门建档' });
      v.at = at;
      v.createdAt = at;
      v.photos = r.doc.photos;
    }
    if (r.since === null && r.filed !== null && vrng.chance(0.45)) {
      const day = between(vrng, Math.max(r.filed + 20, dayIndex('2024-09-01')), D - 1);
      addVisit(r, 'marketing', day, vrng.chance(0.5) ? r.grid.memberId : r.grid.marketingId, {
        productsPitched: ['acquiring', ...(vrng.chance(0.4) ? ['settlement-account'] : [])],
        outcome: vrng.pick(['interested', 'follow-up', 'declined']),
      });
    }
    if (r.since === null) continue;
    if (r.since >= dayIndex('2023-01-01') && r.filed !== null && r.filed <= r.since) addVisit(r, 'maintenance', r.since, r.grid.maintenanceId, { note: '安装收款设备并培训' });
    // Revisits about once a quarter while acquiring, from October 2024 (older ones would not fit the seed's time budget).
    const endDay = r.closed !== null ? Math.min(D, r.closed - 1) : D;
    let day = Math.max(r.since, REVISIT_FROM, r.filed ?? 0) + vrng.int(15, 80);
    let pending: { task: Record<string, unknown>; item: CheckItem }[] = [];
    const hasSpeaker = vrng.chance(0.9);
    while (day <= endDay) {
      const failing = new Set<CheckItem>();
      if (vrng.chance(0.07)) failing.add(vrng.weighted(CHECK_ITEMS, FAIL_WEIGHTS));
      if (vrng.chance(0.01)) failing.add(vrng.weighted(CHECK_ITEMS, FAIL_WEIGHTS));
      for (const p of pending) failing.delete(p.item); // a follow-up's check passes on the next revisit
      const checks = CHECK_ITEMS.map((item) => {
        const result = item === 'speaker' && !hasSpeaker ? 'na' : failing.has(item) ? 'fail' : 'pass';
        return { item, result, ...(result === 'fail' ? { note: FAIL_NOTES[item] } : {}) };
      });
      const v = addVisit(r, 'revisit', day, vrng.chance(0.8) ? r.grid.maintenanceId : r.grid.memberId, { checks, ...(failing.size ? { note: '必查项未通过，已生成整改任务' } : {}) });
      for (const p of pending) {
        p.task.status = 'done';
        p.task.closedByVisitId = v._id;
        p.task.closedAt = v.at;
      }
      pending = [];
      for (const item of failing) {
        if (item === 'speaker' && !hasSpeaker) continue;
        const task: Record<string, unknown> = {
          _id: vrng.uuid(),
          kind: 'check-followup',
          merchantId: r.doc._id,
          gridId: r.grid.id,
          unitPath: r.grid.unitPath,
          assigneeId: r.grid.maintenanceId,
          check: item,
          dueDay: taskDueDay('check-followup', dayOfIndex(day)),
          status: 'open',
          openedBy: { visitId: v._id, reason: 'check-failed' },
          createdAt: v.at,
        };
        out.tasks.push(task);
        pending.push({ task, item });
      }
      day += vrng.int(75, 110);
    }
  }
}

/** The import jobs the figures came from. */
function addImportJobs(org: Org, out: Dataset): void {
  const hq = org.hqStaffId;
  const job = (id: string, kind: string, period: string, total: number, day: number) =>
    out.imports.push({ _id: id, kind, period, status: 'done', total, done: total, applied: total, rejected: 0, byStaffId: hq, createdAt: chinaInstant(day, 20), finishedAt: chinaInstant(day, 20, 5) });
  for (const month of TXN_MONTHS) job(`imp-txn-${month}`, 'transactions', month, out.transactions.filter((t) => t.month === month).length, dayIndex(monthEnd(month)));
  for (const month of DEPOSIT_MONTHS) job(`imp-deposit-${month}`, 'deposits', month, out.deposits.filter((t) => t.month === month).length, dayIndex(monthEnd(month)));
  job('imp-credit-2025-07', 'credit', '2025-07', out.credits.length, D);
}

/** Head office's targets for the bank this month (the targets (考核指标): each target against the actual figure). */
function addTargets(org: Org, out: Dataset): void {
  const bankId = String(org.units.find((u) => u.kind === 'bank')!._id);
  const month = AS_OF.slice(0, 7);
  const targets: [string, number][] = [['acquiring', 32_000], ['coverage', 0.75], ['revisitRate', 0.3], ['creditGranted', 10_000], ['usageRate', 0.75], ['depositsFen', 200_000_000_000]];
  out.targets = targets.map(([metric, value]) => ({ _id: `${bankId}|${month}|${metric}`, unitId: bankId, period: month, metric, value, byStaffId: org.hqStaffId, updatedAt: chinaInstant(dayIndex(`${month}-01`), 9) }));
}

const FAIL_NOTES: Record<CheckItem, string> = {
  app: '商户App未登录，需协助重新登录',
  'real-name': '实名认证信息过期',
  'realtime-settlement': '未开通实时到账',
  'payment-qr': '收款码破损，需更换',
  'stand-sign': '台卡立牌缺失',
  speaker: '收款喇叭故障',
};

function latestOf(a: Date, b: Date): Date {
  return a.getTime() > b.getTime() ? a : b;
}

/**
 * Whole amounts proportional to `weights`, each at most its `cap`, summing to `total` exactly (water
 * filling: amounts that hit their cap are fixed and the rest rescaled). Every amount is at least 1.
 */
export function fillExactly(weights: number[], caps: number[], total: number): number[] {
  const n = weights.length;
  const capSum = caps.reduce((a, b) => a + b, 0);
  if (capSum < total || n > total) throw new Error('the caps cannot hold the total');
  const out = new Array<number>(n).fill(0);
  const fixed = new Array<boolean>(n).fill(false);
  let remaining = total;
  for (;;) {
    let w = 0;
    for (let i = 0; i < n; i++) if (!fixed[i]) w += weights[i];
    let changed = false;
    for (let i = 0; i < n; i++) {
      if (fixed[i]) continue;
      const v = (weights[i] * remaining) / w;
      if (v >= caps[i]) {
        out[i] = caps[i];
        fixed[i] = true;
        remaining -= caps[i];
        changed = true;
      }
    }
    if (!changed) {
      for (let i = 0; i < n; i++) if (!fixed[i]) out[i] = Math.max(1, Math.floor((weights[i] * remaining) / w));
      break;
    }
  }
  let rest = total - out.reduce((a, b) => a + b, 0);
  for (let i = 0; rest !== 0; i = (i + 1) % n) {
    if (rest > 0 && out[i] < caps[i]) {
      out[i]++;
      rest--;
    } else if (rest < 0 && out[i] > 1) {
      out[i]--;
      rest++;
    }
  }
  return out;
}
