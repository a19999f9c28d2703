import { type LifecycleClass, type Month, addMonth, monthOf } from '../../shared/domain/metrics.rules';
import { type Classification, type MonthFigures, classifyMerchant, taskKindFor } from '../../shared/domain/lifecycle.rules';
import { countOurProducts } from '../../shared/domain/product.rules';
import { type Settings, resolveSettings } from '../../shared/domain/settings.rules';
import { addDays } from '../../shared/domain/period.rules';
import { type Db, getDoc } from '../db';
import { activeVersions, isServed } from '../periods';
import { inTransaction } from '../tx';
import { Increments, flushIncrements, merchantOwners, readDoc, scanCollection, scanMonths } from '../rollup';

/** The effective head-office settings (stored document over the code defaults). */
export async function loadLifecycleSettings(db: Db): Promise<Settings> {
  return resolveSettings(await getDoc(db, 'settings', 'global'));
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** What a merchant's class and its task depend on besides its transactions. */
const factsOf = (m: any) => JSON.stringify([m.acquiring ?? null, m.products ?? null, m.gridId ?? null, m.unitPath ?? null, m.marketId ?? null, m.area ?? null]);

/** Up to this many merchants are read by id (in chunks); more are read as one range and filtered. */
const BY_ID_MAX = 2000;
const BY_ID_CHUNK = 200;

/** Merchants whose class changes are written this many per transaction. */
const RECLASSIFY_BATCH = 100;

const MERCHANT_FIELDS = { _id: true, name: true, gridId: true, unitPath: true, marketId: true, area: true, acquiring: true, products: true, lifecycleClass: true, classSince: true };

export interface ReclassifyResult {
  asOf: string;
  checked: number;
  changed: number;
  byClass: Record<string, number>;
  tasksOpened: number;
  ms: number;
}

/** Staff to assign a lifecycle task to: the grid's member for a win-back, its maintenance assistant for an abnormal visit. */
async function assigneeFor(db: Db, gridId: string, kind: 'abnormal-visit' | 'win-back', cache: Map<string, string | null>): Promise<string | null> {
  const key = `${gridId}|${kind}`;
  if (cache.has(key)) return cache.get(key)!;
  const roles = kind === 'win-back' ? ['member', 'marketing'] : ['maintenance', 'member'];
  const res = (await db.collection('staff').where({ gridIds: gridId, status: 'active' }).limit(50).get()) as { data: { _id: string; role: string }[] };
  let id: string | null = null;
  for (const role of roles) {
    id = res.data.find((s) => s.role === role)?._id ?? null;
    if (id) break;
  }
  cache.set(key, id);
  return id;
}

/**
 * Reclassifies merchants as of a day (domain §6): each merchant whose class changes gets, in one
 * transaction, its new class, a classHistory record with the reason, the class counters of its roll-ups,
 * and — when it turns abnormal or lost — a visit or win-back task, unless one is already open. `merchants`
 * gives the documents when the caller has just read them whole (an import): they are not read again, and
 * every merchant whose class changes is read inside its transaction before it is written, so the history
 * and the counters always start from the class it has then.
 */
export async function reclassifyMerchants(db: Db, opts: { asOf: string; merchantIds?: string[]; merchants?: any[]; settings?: Settings; now?: Date }): Promise<ReclassifyResult> {
  const started = Date.now();
  const settings = opts.settings ?? (await loadLifecycleSettings(db));
  const t = settings.lifecycle;
  const lastMonth = monthOf(opts.asOf);
  const months: Month[] = [];
  for (let i = t.abnormalBaselineMonths + 1; i >= 0; i--) months.push(addMonth(lastMonth, -i));
  const _ = db.command;
  const merchants: any[] = [];
  const txns = new Map<string, MonthFigures[]>();
  const active = await activeVersions(db, 'transactions', months);
  const addTxn = (page: any[]) => {
    for (const r of page) {
      if (!isServed(r, active)) continue;
      let list = txns.get(r.merchantId);
      if (!list) txns.set(r.merchantId, (list = []));
      list.push({ month: r.month, count: r.count ?? 0, amountFen: r.amountFen ?? 0, lastTxnDay: r.lastTxnDay ?? null, deviceStatus: r.deviceStatus ?? null });
    }
  };
  const txnFields = { _id: true, merchantId: true, month: true, count: true, amountFen: true, lastTxnDay: true, deviceStatus: true, version: true };
  const monthRows = async (each: (page: any[]) => void) => {
    await scanMonths<any>(db, 'transactions', 'month', months, txnFields, each);
  };
  if (opts.merchants) {
    merchants.push(...opts.merchants);
    const wanted = new Set(opts.merchants.map((m) => m._id));
    await monthRows((page) => addTxn(page.filter((r) => wanted.has(r.merchantId))));
  } else if (opts.merchantIds && opts.merchantIds.length <= BY_ID_MAX) {
    for (let i = 0; i < opts.merchantIds.length; i += BY_ID_CHUNK) {
      const ids = opts.merchantIds.slice(i, i + BY_ID_CHUNK);
      await scanCollection<any>(db, 'merchants', { _id: _.in(ids) }, MERCHANT_FIELDS, (page) => void merchants.push(...page));
      await scanCollection<any>(db, 'transactions', { merchantId: _.in(ids), month: _.in(months) }, txnFields, addTxn);
    }
  } else if (opts.merchantIds) {
    // Many merchants (a whole-bank list): one ranged read of each collection, kept to the merchants asked
    // for, instead of id lists that every candidate document is tested against.
    const wanted = new Set(opts.merchantIds);
    await scanCollection<any>(db, 'merchants', {}, MERCHANT_FIELDS, (page) => {
      for (const m of page) if (wanted.has(m._id)) merchants.push(m);
    });
    await monthRows((page) => addTxn(page.filter((r) => wanted.has(r.merchantId))));
  } else {
    await scanCollection<any>(db, 'merchants', {}, MERCHANT_FIELDS, (page) => void merchants.push(...page));
    await monthRows(addTxn);
  }
  const byClass: Record<string, number> = {};
  const changes: { m: any; c: Classification; kind: 'abnormal-visit' | 'win-back' | null }[] = [];
  for (const m of merchants) {
    const c: Classification = classifyMerchant({ acquiring: m.acquiring, ourActiveProducts: countOurProducts(m.products ?? []), months: txns.get(m._id) ?? [] }, opts.asOf, t);
    byClass[c.cls] = (byClass[c.cls] ?? 0) + 1;
    if (c.cls !== m.lifecycleClass) changes.push({ m, c, kind: taskKindFor(c.cls) });
  }
  // Open lifecycle tasks of the merchants that change, so none gets a second one.
  const openTasks = new Set<string>();
  const needTask = changes.filter((x) => x.kind).map((x) => x.m._id);
  for (let i = 0; i < needTask.length; i += 500) {
    await scanCollection<any>(db, 'tasks', { merchantId: _.in(needTask.slice(i, i + 500)), status: 'open', kind: _.in(['abnormal-visit', 'win-back']) }, { _id: true, merchantId: true, kind: true }, (page) => {
      for (const task of page) openTasks.add(`${task.merchantId}|${task.kind}`);
    });
  }
  let tasksOpened = 0;
  const assignees = new Map<string, string | null>();
  const now = opts.now ?? new Date();
  for (const x of changes) if (x.kind && !openTasks.has(`${x.m._id}|${x.kind}`)) await assigneeFor(db, x.m.gridId, x.kind, assignees);
  // Merchants of one grid are written together, so a batch moves the class counters of a few owners
  // (its grid, group, branch, bank, market and area) instead of every owner of a hundred scattered merchants.
  changes.sort((a, b) => cmp((a.m.unitPath ?? []).join('/'), (b.m.unitPath ?? []).join('/')) || cmp(a.m._id, b.m._id));
  // Changes are written in batches, each in one transaction with the class counters it moves, so a
  // merchant's class, its history record, its task and the counters always agree.
  let changed = 0;
  for (let i = 0; i < changes.length; i += RECLASSIFY_BATCH) {
    const batch = changes.slice(i, i + RECLASSIFY_BATCH);
    const done = await inTransaction(db, async (tx) => {
      let n = 0;
      let written = 0;
      const incs = new Increments();
      for (const { m: seen, c, kind } of batch) {
        // The merchant as it is now, inside the transaction: the list above may be older (an import passes
        // the documents it matched rows with), and the history, counters and task follow the class it has.
        const m = await readDoc<any>(tx, 'merchants', seen._id);
        if (!m || m.lifecycleClass === c.cls) continue;
        // Its products, acquiring or place changed since it was read: left to the next classification
        // rather than classified on the old facts.
        if (factsOf(m) !== factsOf(seen)) continue;
        written++;
        await tx.collection('merchants').doc(m._id).update({ data: { lifecycleClass: c.cls, classSince: opts.asOf, classReason: c.reason, classDetail: c.detail, updatedAt: now } });
        // Deterministic ids: a rerun of the same day's classification rewrites the same records.
        await tx.collection('classHistory').doc(`${m._id}|${opts.asOf}|${c.cls}`).set({
          data: { merchantId: m._id, from: m.lifecycleClass ?? null, to: c.cls, reason: c.reason, detail: c.detail, day: opts.asOf, at: now, unitPath: m.unitPath ?? [] },
        });
        for (const owner of merchantOwners(m)) {
          if (m.lifecycleClass) incs.addCurrent(owner, `cls_${m.lifecycleClass}`, -1);
          incs.addCurrent(owner, `cls_${c.cls}`, 1);
        }
        if (kind && !openTasks.has(`${m._id}|${kind}`)) {
          const due = addDays(opts.asOf, kind === 'win-back' ? settings.winBackDueDays : settings.abnormalVisitDueDays);
          await tx.collection('tasks').doc(`${kind}|${m._id}|${opts.asOf}`).set({
            data: { kind, merchantId: m._id, gridId: m.gridId, unitPath: m.unitPath ?? [], assigneeId: assignees.get(`${m.gridId}|${kind}`) ?? null, dueDay: due, status: 'open', openedBy: { reason: c.reason, detail: c.detail }, createdAt: now },
          });
          n++;
        }
      }
      await flushIncrements(tx, incs);
      return { n, written };
    });
    tasksOpened += done.n;
    changed += done.written;
  }
  return { asOf: opts.asOf, checked: merchants.length, changed, byClass, tasksOpened, ms: Date.now() - started };
}

export type { LifecycleClass };
