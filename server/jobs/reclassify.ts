import { type Classification, type MonthFigures, classifyMerchant, taskKindFor, type LifecycleClass } from '../../shared/domain/lifecycle.rules';
import { countOurProducts } from '../../shared/domain/product.rules';
import type { Role } from '../../shared/domain/roles';
import { taskAssignee } from '../../shared/domain/visit.rules';
import { type Settings, resolveSettings } from '../../shared/domain/settings.rules';
import { addDays, type Month, addMonths, monthOf } from '../../shared/domain/period.rules';
import { type Db, getDoc } from '../db';
import { activeVersions, isServed } from '../periods';
import { inTransaction } from '../tx';
import { type AssignedTask, remindAssigned } from '../notify';
import { Increments, flushIncrements, merchantOwners, readDoc, scanCollection } from '../rollup';
import type { ChunkContext, ChunkResult, JobKind } from './runner';

/** The effective head-office settings (stored document over the code defaults). */
export async function loadLifecycleSettings(db: Db): Promise<Settings> {
  return resolveSettings(await getDoc(db, 'settings', 'global'));
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** What a merchant's class and its task depend on besides its transactions. */
const factsOf = (m: any) => JSON.stringify([m.acquiring ?? null, m.products ?? null, m.gridId ?? null, m.unitPath ?? null, m.marketId ?? null, m.area ?? null]);

/** Merchants read by id per request (an `_.in` list), and their transaction rows with them. */
const BY_ID_CHUNK = 200;
/** Merchants classified and written between two looks at the clock. */
const GROUP = 100;
/** Merchants one chunk takes at most (one `_id` page: a get answers at most 1000 documents). */
export const RECLASSIFY_CHUNK = 1000;
/**
 * Documents one transaction writes at most: the strict engine admits 20, as a CloudBase transaction that
 * grows past a few dozen writes fails (see docs/jobs.md). A merchant writes its own document, a history
 * record and perhaps a task; its owners' class counters are shared by the merchants of one grid.
 */
const TX_MAX_DOCS = 20;

const MERCHANT_FIELDS = { _id: true, name: true, gridId: true, unitPath: true, marketId: true, area: true, acquiring: true, products: true, lifecycleClass: true, classSince: true, archived: true };
const TXN_FIELDS = { _id: true, merchantId: true, month: true, count: true, amountFen: true, lastTxnDay: true, deviceStatus: true, version: true };

export interface ReclassifyResult {
  asOf: string;
  checked: number;
  changed: number;
  byClass: Record<string, number>;
  tasksOpened: number;
  ms: number;
}

/** What a reclassification adds up over its chunks. */
export interface ReclassifyTally {
  checked: number;
  changed: number;
  tasksOpened: number;
  byClass: Record<string, number>;
}

const emptyTally = (): ReclassifyTally => ({ checked: 0, changed: 0, tasksOpened: 0, byClass: {} });

function addTally(into: ReclassifyTally, t: ReclassifyTally): ReclassifyTally {
  const byClass = { ...into.byClass };
  for (const [k, v] of Object.entries(t.byClass)) byClass[k] = (byClass[k] ?? 0) + v;
  return { checked: into.checked + t.checked, changed: into.changed + t.changed, tasksOpened: into.tasksOpened + t.tasksOpened, byClass };
}

/** Everything one classification run fixes at its start, so every chunk classifies alike. */
export interface ReclassifyRun {
  asOf: string;
  settings: Settings;
  now: Date;
  /** the job whose writes these are (their records carry it), null for a run outside a job */
  jobId: string | null;
  /** this chunk is being run again: writes of the earlier try are recognised by `jobId` and counted */
  replay: boolean;
}

/** The months a classification as of `asOf` reads: the baseline months, the month before and its own. */
function monthsFor(run: ReclassifyRun): Month[] {
  const lastMonth = monthOf(run.asOf);
  const months: Month[] = [];
  for (let i = run.settings.lifecycle.abnormalBaselineMonths + 1; i >= 0; i--) months.push(addMonths(lastMonth, -i));
  return months;
}

/** Staff to assign a lifecycle task to: the grid's member for a win-back, its maintenance assistant for an abnormal visit. */
async function assigneeFor(db: Db, gridId: string, kind: 'abnormal-visit' | 'win-back', cache: Map<string, string | null>): Promise<string | null> {
  const key = `${gridId}|${kind}`;
  if (cache.has(key)) return cache.get(key)!;
  const res = (await db.collection('staff').where({ gridIds: gridId, status: 'active' }).limit(50).get()) as { data: { _id: string; role: Role }[] };
  const id = taskAssignee(kind, res.data)?._id ?? null;
  cache.set(key, id);
  return id;
}

type Change = { m: any; c: Classification; kind: 'abnormal-visit' | 'win-back' | null };

/** Cuts changes (sorted by grid) into transactions of at most TX_MAX_DOCS written documents. */
function batchesOf(changes: Change[]): Change[][] {
  const out: Change[][] = [];
  let batch: Change[] = [];
  let owners = new Set<string>();
  let docs = 0;
  for (const x of changes) {
    const own = merchantOwners(x.m);
    const added = own.filter((o) => !owners.has(o)).length;
    const mine = 2 + (x.kind ? 1 : 0);
    if (batch.length && docs + mine + added > TX_MAX_DOCS) {
      out.push(batch);
      batch = [];
      owners = new Set();
      docs = 0;
    }
    batch.push(x);
    for (const o of own) {
      if (owners.has(o)) continue;
      owners.add(o);
      docs++;
    }
    docs += mine;
  }
  if (batch.length) out.push(batch);
  return out;
}

/**
 * Classifies some merchants as of a day (docs/domain.md §6) and writes each change: in one transaction per few
 * merchants, its new class, a classHistory record with the reason, the class counters of its roll-ups,
 * and — when it turns abnormal or lost — a visit or win-back task unless one is already open. Every
 * merchant whose class changes is read inside its transaction, so the history and the counters start
 * from the class it has then, and a chunk run twice writes nothing twice (deterministic ids; a merchant
 * already in its new class is left alone). Answers what it found, counting as changed the merchants an
 * earlier try of the same job changed (recognised by the job id on their history record).
 */
export async function classifyAndWrite(db: Db, given: any[], run: ReclassifyRun): Promise<ReclassifyTally> {
  const _ = db.command;
  // An archived merchant (closed or moved, docs/domain.md §3) keeps the class it had and gets no task.
  const merchants = given.filter((m) => !m.archived);
  const t = run.settings.lifecycle;
  const months = monthsFor(run);
  const txns = new Map<string, MonthFigures[]>();
  // Only the rows of each month's active version count (an import staged but not switched in does not).
  const active = await activeVersions(db, 'transactions', months);
  for (let i = 0; i < merchants.length; i += BY_ID_CHUNK) {
    const ids = merchants.slice(i, i + BY_ID_CHUNK).map((m) => m._id);
    await scanCollection<any>(db, 'transactions', { merchantId: _.in(ids), month: _.in(months) }, TXN_FIELDS, (page) => {
      for (const r of page) {
        if (!isServed(r, active)) continue;
        let list = txns.get(r.merchantId);
        if (!list) txns.set(r.merchantId, (list = []));
        list.push({ month: r.month, count: r.count ?? 0, amountFen: r.amountFen ?? 0, lastTxnDay: r.lastTxnDay ?? null, deviceStatus: r.deviceStatus ?? null });
      }
    });
  }
  const tally = emptyTally();
  tally.checked = merchants.length;
  const changes: Change[] = [];
  const again: Change[] = [];
  for (const m of merchants) {
    // The transaction rows in month order whatever order the reads gave them.
    const rows = (txns.get(m._id) ?? []).sort((a, b) => cmp(a.month, b.month));
    const c: Classification = classifyMerchant({ acquiring: m.acquiring, ourActiveProducts: countOurProducts(m.products ?? []), months: rows }, run.asOf, t);
    tally.byClass[c.cls] = (tally.byClass[c.cls] ?? 0) + 1;
    if (c.cls !== m.lifecycleClass) changes.push({ m, c, kind: taskKindFor(c.cls) });
    else if (run.replay && run.jobId && m.classSince === run.asOf) again.push({ m, c, kind: taskKindFor(c.cls) });
  }
  if (again.length) {
    // A retried chunk: what the dead try wrote is counted as this chunk's, once.
    const history = (await db.collection('classHistory').where({ _id: _.in(again.map((x) => `${x.m._id}|${run.asOf}|${x.c.cls}`)) }).limit(1000).get()) as { data: any[] };
    tally.changed += history.data.filter((h) => h.jobId === run.jobId).length;
    const taskIds = again.filter((x) => x.kind).map((x) => `${x.kind}|${x.m._id}|${run.asOf}`);
    if (taskIds.length) {
      const tasks = (await db.collection('tasks').where({ _id: _.in(taskIds) }).limit(1000).get()) as { data: any[] };
      tally.tasksOpened += tasks.data.filter((task) => task.jobId === run.jobId).length;
    }
  }
  if (!changes.length) return tally;
  // Open lifecycle tasks of the merchants that change, so none gets a second one.
  const openTasks = new Set<string>();
  const needTask = changes.filter((x) => x.kind).map((x) => x.m._id);
  for (let i = 0; i < needTask.length; i += 500) {
    await scanCollection<any>(db, 'tasks', { merchantId: _.in(needTask.slice(i, i + 500)), status: 'open', kind: _.in(['abnormal-visit', 'win-back']) }, { _id: true, merchantId: true, kind: true }, (page) => {
      for (const task of page) openTasks.add(`${task.merchantId}|${task.kind}`);
    });
  }
  const assignees = new Map<string, string | null>();
  for (const x of changes) if (x.kind && !openTasks.has(`${x.m._id}|${x.kind}`)) await assigneeFor(db, x.m.gridId, x.kind, assignees);
  // Merchants of one grid are written together, so a transaction moves the class counters of a few owners
  // (its grid, group, branch, bank, market and area) instead of every owner of scattered merchants.
  changes.sort((a, b) => cmp((a.m.unitPath ?? []).join('/'), (b.m.unitPath ?? []).join('/')) || cmp(a.m._id, b.m._id));
  const stamp = run.jobId ? { jobId: run.jobId } : {};
  for (const batch of batchesOf(changes)) {
    const opened: { task: AssignedTask; name?: string }[] = [];
    const done = await inTransaction(db, async (tx) => {
      opened.length = 0;
      let n = 0;
      let written = 0;
      const incs = new Increments();
      for (const { m: seen, c, kind } of batch) {
        // The merchant as it is now, inside the transaction: the list above may be older (an import passes
        // the documents it matched rows with), and the history, counters and task follow the class it has.
        const m = await readDoc<any>(tx, 'merchants', seen._id);
        if (!m || m.archived || m.lifecycleClass === c.cls) continue;
        // Its products, acquiring or place changed since it was read: left to the next classification
        // rather than classified on the old facts.
        if (factsOf(m) !== factsOf(seen)) continue;
        written++;
        await tx.collection('merchants').doc(m._id).update({ data: { lifecycleClass: c.cls, classSince: run.asOf, classReason: c.reason, classDetail: c.detail, updatedAt: run.now } });
        // Deterministic ids: a rerun of the same day's classification rewrites the same records.
        await tx.collection('classHistory').doc(`${m._id}|${run.asOf}|${c.cls}`).set({
          data: { merchantId: m._id, from: m.lifecycleClass ?? null, to: c.cls, reason: c.reason, detail: c.detail, day: run.asOf, at: run.now, unitPath: m.unitPath ?? [], ...stamp },
        });
        for (const owner of merchantOwners(m)) {
          if (m.lifecycleClass) incs.addCurrent(owner, `cls_${m.lifecycleClass}`, -1);
          incs.addCurrent(owner, `cls_${c.cls}`, 1);
        }
        if (kind && !openTasks.has(`${m._id}|${kind}`)) {
          const due = addDays(run.asOf, kind === 'win-back' ? run.settings.winBackDueDays : run.settings.abnormalVisitDueDays);
          const assigneeId = assignees.get(`${m.gridId}|${kind}`) ?? null;
          await tx.collection('tasks').doc(`${kind}|${m._id}|${run.asOf}`).set({
            data: { kind, merchantId: m._id, gridId: m.gridId, unitPath: m.unitPath ?? [], assigneeId, dueDay: due, status: 'open', openedBy: { reason: c.reason, detail: c.detail }, createdAt: run.now, ...stamp },
          });
          opened.push({ task: { _id: `${kind}|${m._id}|${run.asOf}`, kind, merchantId: m._id, dueDay: due, assigneeId }, name: m.name });
          n++;
        }
      }
      await flushIncrements(tx, incs);
      return { n, written };
    });
    // The new tasks' assignees are told once the batch has committed (once per task and day: a rerun of
    // the chunk sends nothing twice).
    for (const o of opened) await remindAssigned(db, o.task, run.asOf, run.now, o.name);
    tally.tasksOpened += done.n;
    tally.changed += done.written;
  }
  return tally;
}

/** Reads merchants by id, in `_.in` lists of BY_ID_CHUNK. */
async function merchantsById(db: Db, ids: string[]): Promise<any[]> {
  const out: any[] = [];
  for (let i = 0; i < ids.length; i += BY_ID_CHUNK) {
    await scanCollection<any>(db, 'merchants', { _id: db.command.in(ids.slice(i, i + BY_ID_CHUNK)) }, MERCHANT_FIELDS, (page) => void out.push(...page));
  }
  return out.sort((a, b) => cmp(a._id, b._id));
}

/** The next page of the whole bank after `afterId`, in `_id` order. */
async function merchantPage(db: Db, afterId: string | null, limit: number): Promise<any[]> {
  const where = afterId === null ? {} : { _id: db.command.gt(afterId) };
  const res = (await db.collection('merchants').where(where).field(MERCHANT_FIELDS).orderBy('_id', 'asc').limit(Math.min(limit, 1000)).get()) as { data: any[] };
  return res.data;
}

/** Classifies `merchants` in groups of GROUP until the deadline; answers how many it did and the tally. */
async function classifyUntil(db: Db, merchants: any[], run: ReclassifyRun, deadline: number): Promise<{ taken: number; tally: ReclassifyTally }> {
  let tally = emptyTally();
  let taken = 0;
  while (taken < merchants.length && (taken === 0 || Date.now() < deadline)) {
    const group = merchants.slice(taken, taken + GROUP);
    tally = addTally(tally, await classifyAndWrite(db, group, run));
    taken += group.length;
  }
  return { taken, tally };
}

/** Parameters of a reclassification job. */
export interface ReclassifyParams {
  asOf: string;
  /** only these merchants (at most 1000: the contract's bound); null for the whole bank */
  merchantIds: string[] | null;
  settings: Settings;
  /** when the job was asked for: its writes are stamped with it */
  now: string;
}

/** The parameters of a job as of `asOf`, its ids sorted and unique, the settings in force now. */
export async function reclassifyParams(db: Db, opts: { asOf: string; merchantIds?: string[] | null; now: Date }): Promise<ReclassifyParams> {
  const ids = opts.merchantIds ? [...new Set(opts.merchantIds)].sort(cmp) : null;
  return { asOf: opts.asOf, merchantIds: ids, settings: await loadLifecycleSettings(db), now: opts.now.toISOString() };
}

/**
 * The reclassification job: whole bank by `_id` cursor, or a list of ids by index; each chunk at most
 * RECLASSIFY_CHUNK merchants and its time budget.
 */
export const reclassifyJob: JobKind<ReclassifyParams, ReclassifyTally> = {
  kind: 'reclassify',
  initialState: () => emptyTally(),
  async step(ctx: ChunkContext<ReclassifyParams, ReclassifyTally>): Promise<ChunkResult<ReclassifyTally>> {
    const { db, job } = ctx;
    const p = job.params;
    const run: ReclassifyRun = { asOf: p.asOf, settings: p.settings, now: new Date(p.now), jobId: job._id, replay: job.attempts > 1 };
    const limit = Math.min(ctx.maxItems ?? RECLASSIFY_CHUNK, RECLASSIFY_CHUNK);
    if (p.merchantIds) {
      // The ids are sorted (reclassifyParams), as merchantsById answers: the cursor is an index into them.
      const from = typeof job.cursor === 'number' ? job.cursor : 0;
      const ids = p.merchantIds.slice(from, from + limit);
      const found = await merchantsById(db, ids);
      const { taken, tally } = await classifyUntil(db, found, run, ctx.deadline);
      // Ids that name no merchant are passed over with the ones around them.
      const next = taken === found.length ? from + ids.length : p.merchantIds.indexOf(found[taken - 1]._id, from) + 1;
      const state = addTally(job.state, tally);
      return { cursor: next, state, done: next, total: p.merchantIds.length, finished: next >= p.merchantIds.length };
    }
    const after = typeof job.cursor === 'string' ? job.cursor : null;
    const page = await merchantPage(db, after, limit);
    const { taken, tally } = await classifyUntil(db, page, run, ctx.deadline);
    const state = addTally(job.state, tally);
    const cursor = taken ? page[taken - 1]._id : after;
    const finished = page.length < limit && taken === page.length;
    return { cursor, state, done: state.checked, finished };
  },
};

/**
 * Reclassifies merchants as of a day in this call, in the same chunks a job runs (an import reclassifies
 * the merchants its file touched): the given documents (read again in the transaction that writes them),
 * the given ids, or the whole bank by `_id` cursor. Never holds more than one chunk of merchants beyond
 * what the caller passed.
 */
export async function reclassifyMerchants(db: Db, opts: { asOf: string; merchantIds?: string[]; merchants?: any[]; settings?: Settings; now?: Date }): Promise<ReclassifyResult> {
  const started = Date.now();
  const run: ReclassifyRun = { asOf: opts.asOf, settings: opts.settings ?? (await loadLifecycleSettings(db)), now: opts.now ?? new Date(), jobId: null, replay: false };
  let tally = emptyTally();
  const never = Number.POSITIVE_INFINITY;
  if (opts.merchants) {
    tally = (await classifyUntil(db, opts.merchants, run, never)).tally;
  } else if (opts.merchantIds && opts.merchantIds.length <= 2000) {
    for (let i = 0; i < opts.merchantIds.length; i += RECLASSIFY_CHUNK) {
      tally = addTally(tally, (await classifyUntil(db, await merchantsById(db, opts.merchantIds.slice(i, i + RECLASSIFY_CHUNK)), run, never)).tally);
    }
  } else {
    // The whole bank, or a list so long that one ranged read filtered to it costs less than id lists.
    const wanted = opts.merchantIds ? new Set(opts.merchantIds) : null;
    let after: string | null = null;
    for (;;) {
      const page = await merchantPage(db, after, RECLASSIFY_CHUNK);
      if (!page.length) break;
      tally = addTally(tally, (await classifyUntil(db, wanted ? page.filter((m) => wanted.has(m._id)) : page, run, never)).tally);
      after = page[page.length - 1]._id;
      if (page.length < RECLASSIFY_CHUNK) break;
    }
  }
  return { asOf: opts.asOf, ...tally, ms: Date.now() - started };
}

export type { LifecycleClass };
