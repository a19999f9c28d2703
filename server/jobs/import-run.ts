import { randomUUID } from 'node:crypto';
import { IMPORT_MAX_ROWS, IMPORT_SHRINK_RATIO, type ImportKind, type ImportMode, type ImportStatus } from '../../shared/contracts/import.contract';
import { monthEnd } from '../../shared/domain/period.rules';
import type { ErrorReason } from '../../shared/envelope';
import type { Db } from '../db';
import { PERIODS, type PeriodDoc, ROW_COLLECTIONS, periodId } from '../periods';
import { hashPi } from '../pi';
import { inTransaction } from '../tx';
import { Increments, MERCHANT_FIELDS, addCreditChange, addDepositChange, flushIncrements, readDoc } from '../rollup';
import { downloadFile, serverFilePath, uploadFile } from './files';
import { ImportFileError, type ParsedRow, type RowError, type RowSource, countLines, errorReportCsv, mapHeader, openTable, parseRow } from './import-file';
import { reclassifyMerchants } from './reclassify';
import { chunkItems } from './chunk-items';

export const IMPORTS = 'imports';
/** Row problems of a job (the error report is written from them), `_id` `<jobId>:<row>:<i>`. */
export const IMPORT_ERRORS = 'importErrors';
/** A job's roll-up change while it is being added up: `_id` the job id. */
export const IMPORT_STATES = 'importStates';

/**
 * A running job writes its heartbeat after every step (a few seconds at most). One whose heartbeat is
 * older than this has lost its instance (CloudBase ends a call after at most 60 s: cloud function
 * timeout range 1–60 s, https://docs.cloudbase.net/cloud-function/function-configuration), and the next
 * caller or timer takes it over from its cursor.
 */
export const STALE_JOB_MS = 120_000;

/** Time one invocation spends on a job before it hands over, far inside the 60 s function timeout. */
export const INVOCATION_BUDGET_MS = 15_000;
/** Rows read, validated, matched and staged per step. */
const STAGE_ROWS = 500;
/** Rows per page when copying, adding up, reclassifying or deleting a version. */
const PAGE_ROWS = 500;
/**
 * Roll-up documents moved per transaction: with the job document that records the cursor, 20 documents,
 * the most the project lets one transaction write (CloudBase transactions: keep them small; a public
 * project saw 47 writes in one fail every time; the strict local engine refuses more than 20).
 */
const FLUSH_DOCS = 19;
/** Row problems listed in the error report; the rest are counted. */
const MAX_ERRORS_LISTED = 10_000;
/** `_.in` lists are kept this short. */
const IN_CHUNK = 200;

export type ImportPhase = 'stage' | 'report' | 'decide' | 'merge' | 'flip' | 'count' | 'flush' | 'reclassify' | 'cleanup' | 'discard' | 'finished';

export interface ImportCursor {
  /** stage: last file row handled (header = 1) */
  row: number;
  /** merge/count/reclassify/cleanup/discard: last row `_id` handled */
  after: string | null;
  /** flush: roll-up documents already moved */
  index: number;
}

export interface ImportJobDoc {
  _id: string;
  kind: ImportKind;
  period: string;
  fileId: string;
  mode: ImportMode | null;
  status: ImportStatus;
  phase: ImportPhase;
  cursor: ImportCursor;
  /** the period's active version when the job started (the one it replaces) */
  previousVersion: string | null;
  /** data rows read so far (the whole file once staged; an estimate from the line count before) */
  total: number;
  done: number;
  /** valid rows staged: merchants in the file */
  applied: number;
  rejected: number;
  errorsListed: number;
  /** file merchants that the active version has too */
  overlap: number;
  activeMerchants: number;
  replaced: number;
  removed: number;
  kept: number;
  errorReportFileId: string | null;
  error: string | null;
  reason: ErrorReason | null;
  lastError: string | null;
  format: string | null;
  encoding: string | null;
  byStaffId: string | null;
  attempts: number;
  driverId: string | null;
  createdAt: Date;
  heartbeatAt: Date;
  finishedAt: Date | null;
  reclassified?: { changed: number; tasksOpened: number } | null;
}

/** True when a job is meant to be running but nothing has driven it for STALE_JOB_MS (its instance stopped). */
export function isStale(job: Pick<ImportJobDoc, 'status' | 'heartbeatAt'>, now = Date.now()): boolean {
  return job.status === 'running' && now - new Date(job.heartbeatAt).getTime() > STALE_JOB_MS;
}

/** True while a job still has work: running, or cleaning up after a failure or a discard. */
export const hasWork = (j: Pick<ImportJobDoc, 'status' | 'phase'>) => j.status === 'running' || j.phase === 'discard';

export interface StartImportInput {
  jobId: string;
  kind: ImportKind;
  period: string;
  fileId: string;
  mode?: ImportMode;
}

/**
 * Writes a new job document (nothing else): the period's active version is recorded as the one the job
 * will replace. A CSV whose line count is above the row cap is refused here, before anything is written.
 */
export async function createImportJob(db: Db, input: StartImportInput, opts: { byStaffId: string | null; now: Date; fileName?: string }): Promise<ImportJobDoc> {
  const period = await readDoc<PeriodDoc>(db, PERIODS, periodId(input.kind, input.period));
  const job: ImportJobDoc = {
    _id: input.jobId,
    kind: input.kind,
    period: input.period,
    fileId: input.fileId,
    mode: input.mode ?? null,
    status: 'running',
    phase: 'stage',
    cursor: { row: 1, after: null, index: 0 },
    previousVersion: period?.activeVersion ?? null,
    total: 0,
    done: 0,
    applied: 0,
    rejected: 0,
    errorsListed: 0,
    overlap: 0,
    activeMerchants: 0,
    replaced: 0,
    removed: 0,
    kept: 0,
    errorReportFileId: null,
    error: null,
    reason: null,
    lastError: null,
    format: null,
    encoding: null,
    byStaffId: opts.byStaffId,
    attempts: 0,
    driverId: null,
    createdAt: opts.now,
    heartbeatAt: opts.now,
    finishedAt: null,
    reclassified: null,
  };
  const { _id, ...body } = job;
  await db.collection(IMPORTS).doc(_id).set({ data: body });
  return job;
}

/** The too-many-rows refusal, naming the file. */
export function tooManyRows(fileId: string): ImportFileError {
  const name = fileId.split('/').pop() ?? fileId;
  return new ImportFileError(`文件「${name}」超过每个文件 ${IMPORT_MAX_ROWS.toLocaleString('en-US')} 行数据的上限，请拆分后用“合并”方式分批导入`, 'IMPORT.TOO_MANY_ROWS');
}

/**
 * True when a file holds more data rows than the cap, found before any work so `start` refuses it with
 * VALIDATION: a CSV by its line count (a memory scan), an XLSX by streaming its rows up to the cap (parse
 * only, yielding to other requests as it goes; about a second at the cap). A file that cannot be read
 * is left to the job, which reports why.
 */
export async function exceedsRowCap(buf: Buffer): Promise<boolean> {
  const isZip = buf.length > 4 && buf[0] === 0x50 && buf[1] === 0x4b;
  if (!isZip) return (await countLines(buf, IMPORT_MAX_ROWS + 1)) > IMPORT_MAX_ROWS + 1;
  let src: RowSource | null = null;
  try {
    src = await openTable(buf);
    let n = 0;
    for (let r = await src.rows.next(); !r.done; r = await src.rows.next()) {
      if (++n > IMPORT_MAX_ROWS) return true;
      if (n % 1000 === 0) await yieldToLoop();
    }
    return false;
  } catch {
    return false;
  } finally {
    src?.close();
  }
}

export interface DriveOptions {
  now?: () => Date;
  /** the business day today (China time), to reclassify as of min(today, end of the period) */
  today: string;
  budgetMs?: number;
  /** test hook: stop after this many steps as if the instance were killed (the driver is not released) */
  maxSteps?: number;
  /** the file's bytes when the caller has them already */
  file?: Buffer;
}

const isZipBytes = (buf: Buffer) => buf.length > 4 && buf[0] === 0x50 && buf[1] === 0x4b;

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Claims a job for this invocation: nobody drives it, or its driver stopped reporting. */
async function claim(db: Db, jobId: string, token: string, now: Date): Promise<ImportJobDoc | null> {
  return inTransaction(db, async (tx) => {
    const job = await readDoc<ImportJobDoc>(tx, IMPORTS, jobId);
    if (!job || !hasWork(job)) return null;
    if (job.driverId && now.getTime() - new Date(job.heartbeatAt).getTime() <= STALE_JOB_MS) return null;
    await tx.collection(IMPORTS).doc(jobId).update({ data: { driverId: token, heartbeatAt: now } });
    return { ...job, _id: jobId, driverId: token, heartbeatAt: now };
  });
}

/**
 * Runs a job's next steps for at most `budgetMs`, then hands it over (the next `start`/`continue` call
 * or the timer goes on from the cursor in the job document). Each step is small (a few hundred rows or
 * one transaction of at most 20 documents), writes its result and the cursor, and can be repeated after
 * an interruption without changing the outcome. Answers the job as it stands (null when another
 * invocation is driving it).
 */
export async function driveImport(db: Db, jobId: string, opts: DriveOptions): Promise<ImportJobDoc | null> {
  const now = opts.now ?? (() => new Date());
  const token = randomUUID();
  const job = await claim(db, jobId, token, now());
  if (!job) return null;
  const started = Date.now();
  const budget = opts.budgetMs ?? INVOCATION_BUDGET_MS;
  const run = new JobRun(db, job, opts, now);
  let steps = 0;
  while (hasWork(run.job) && run.job.status !== 'awaiting-choice') {
    try {
      await run.step();
    } catch (err) {
      await run.failed(err);
      // A passing failure is retried by the next invocation, not in a tight loop here.
      if (run.job.status === 'running') break;
    }
    steps++;
    if (opts.maxSteps !== undefined && steps >= opts.maxSteps) {
      run.close();
      return run.job;
    }
    if (Date.now() - started > budget) break;
    await yieldToLoop();
  }
  run.close();
  await run.save({ driverId: null });
  return run.job;
}

/** Merchants matched by their keys, for one chunk of rows. */
interface ChunkIndex {
  byAcq: Map<string, string>;
  byLicence: Map<string, string>;
  /** '' marks a mobile shared by several merchants */
  byMobileHash: Map<string, string>;
  unitPath: Map<string, string[]>;
}

async function matchIndexFor(db: Db, rows: ParsedRow[]): Promise<ChunkIndex> {
  const _ = db.command;
  const idx: ChunkIndex = { byAcq: new Map(), byLicence: new Map(), byMobileHash: new Map(), unitPath: new Map() };
  const fields = { _id: true, acquiringNo: true, licenceCode: true, operator: true, unitPath: true };
  const lookup = async (field: string, values: string[], put: (m: any) => void) => {
    const uniq = [...new Set(values)];
    for (let i = 0; i < uniq.length; i += IN_CHUNK) {
      const res = (await db.collection('merchants').where({ [field]: _.in(uniq.slice(i, i + IN_CHUNK)) }).field(fields).limit(1000).get()) as { data: any[] };
      for (const m of res.data) {
        idx.unitPath.set(m._id, m.unitPath ?? []);
        put(m);
      }
    }
  };
  await lookup('acquiringNo', rows.flatMap((r) => (r.keys.acquiringNo ? [r.keys.acquiringNo] : [])), (m) => idx.byAcq.set(String(m.acquiringNo), m._id));
  await lookup('licenceCode', rows.flatMap((r) => (r.keys.licenceCode ? [r.keys.licenceCode] : [])), (m) => idx.byLicence.set(String(m.licenceCode).toUpperCase(), m._id));
  await lookup('operator.mobile.hash', rows.flatMap((r) => (r.keys.mobile ? [hashPi(r.keys.mobile)] : [])), (m) => {
    const h = m.operator?.mobile?.hash;
    // A mobile shared by two merchants cannot identify either: marked ambiguous.
    if (h) idx.byMobileHash.set(h, idx.byMobileHash.has(h) && idx.byMobileHash.get(h) !== m._id ? '' : m._id);
  });
  return idx;
}

/** Finds the merchant of a row; every key given must point to the same merchant. */
function matchRow(idx: ChunkIndex, row: ParsedRow): { id: string | null; error: RowError | null } {
  const found: { col: string; id: string | undefined }[] = [];
  if (row.keys.acquiringNo) found.push({ col: 'acquiringNo', id: idx.byAcq.get(row.keys.acquiringNo) });
  if (row.keys.licenceCode) found.push({ col: 'licenceCode', id: idx.byLicence.get(row.keys.licenceCode) });
  if (row.keys.mobile) {
    const id = idx.byMobileHash.get(hashPi(row.keys.mobile));
    if (id === '') return { id: null, error: { row: row.row, column: 'mobile', reason: '该手机号对应多个商户，请使用收单商户号或信用代码' } };
    found.push({ col: 'mobile', id });
  }
  const ids = [...new Set(found.filter((f) => f.id).map((f) => f.id!))];
  if (ids.length === 0) return { id: null, error: { row: row.row, column: found[0]?.col ?? 'acquiringNo', reason: '未找到对应商户' } };
  if (ids.length > 1) return { id: null, error: { row: row.row, column: found[1].col, reason: '商户标识指向不同商户' } };
  return { id: ids[0], error: null };
}

/** The stored row of one merchant's figures of a version. */
function rowDoc(kind: ImportKind, period: string, version: string, merchantId: string, unitPath: string[], r: ParsedRow): Record<string, unknown> {
  const base = { _id: rowId(merchantId, period, version), merchantId, month: period, version, importId: version, row: r.row, unitPath };
  if (kind === 'transactions') return { ...base, count: r.count ?? 0, amountFen: r.amountFen ?? 0, lastTxnDay: r.lastTxnDay ?? null, deviceStatus: r.deviceStatus ?? null };
  if (kind === 'deposits') return { ...base, balanceFen: r.balanceFen ?? 0 };
  return { ...base, grantedFen: r.grantedFen ?? 0, grantedAt: r.grantedAt ?? null, drawnFen: r.drawnFen ?? 0, asOf: monthEnd(period) };
}

/**
 * One page of a version's rows along `_id`: by `version` for a staged or active version, by month for the
 * rows written before versions (those without `version`).
 */
export async function pageVersion(db: Db, kind: ImportKind, month: string, version: string | null, after: string | null, limit = chunkItems(PAGE_ROWS)): Promise<{ rows: any[]; last: string | null }> {
  const _ = db.command;
  const coll = ROW_COLLECTIONS[kind];
  const where: Record<string, unknown> = version === null ? { month } : { version };
  if (after !== null) where._id = _.gt(after);
  const res = (await db.collection(coll).where(where).orderBy('_id', 'asc').limit(limit).get()) as { data: any[] };
  const last = res.data.length ? res.data[res.data.length - 1]._id : null;
  const rows = version === null ? res.data.filter((r) => r.version === undefined || r.version === null) : res.data;
  return { rows, last: res.data.length < limit ? null : last };
}

/** Rows of a version (counted; the rows without versions are those of the month less the versioned ones). */
async function countVersion(db: Db, kind: ImportKind, month: string, version: string | null): Promise<number> {
  const _ = db.command;
  const coll = ROW_COLLECTIONS[kind];
  if (version !== null) return (await db.collection(coll).where({ version }).count()).total;
  const all = (await db.collection(coll).where({ month }).count()).total;
  const versioned = (await db.collection(coll).where({ month, version: _.exists(true) }).count()).total;
  return all - versioned;
}

/** The `_id` of a merchant's row of a month in a version (rows written before versions: `<merchantId>:<month>`). */
export const rowId = (merchantId: string, month: string, version: string | null) => (version === null ? `${merchantId}:${month}` : `${merchantId}:${month}:${version}`);

/** Rows of `version` for some merchants, read by `_id` (exact, whatever the month holds): merchantId → row. */
async function versionRowsOf(db: Db, kind: ImportKind, month: string, version: string | null, merchantIds: string[]): Promise<Map<string, any>> {
  const _ = db.command;
  const out = new Map<string, any>();
  const ids = [...new Set(merchantIds)];
  for (let i = 0; i < ids.length; i += IN_CHUNK) {
    const wanted = ids.slice(i, i + IN_CHUNK).map((m) => rowId(m, month, version));
    const res = (await db.collection(ROW_COLLECTIONS[kind]).where({ _id: _.in(wanted) }).limit(1000).get()) as { data: any[] };
    for (const r of res.data) if ((r.version ?? null) === version) out.set(r.merchantId, r);
  }
  return out;
}

/**
 * Inserts documents, INSERT_BATCH per request (CloudBase's database add takes an array:
 * @cloudbase/database collection.add → database.insertDocument with every document), yielding between
 * requests so that an import never holds the instance's other callers for long.
 */
const INSERT_BATCH = 100;
async function insertMany(db: Db, coll: string, docs: Record<string, unknown>[]): Promise<void> {
  for (let i = 0; i < docs.length; i += INSERT_BATCH) {
    await db.collection(coll).add({ data: docs.slice(i, i + INSERT_BATCH) as any });
    await yieldToLoop();
  }
}

async function removeIds(db: Db, coll: string, ids: string[]): Promise<void> {
  const _ = db.command;
  for (let i = 0; i < ids.length; i += IN_CHUNK) await db.collection(coll).where({ _id: _.in(ids.slice(i, i + IN_CHUNK)) }).remove();
}

type SerializedIncs = [string, string, string, string | null, string, string, [string, number][]][];

function serializeIncs(incs: Increments): SerializedIncs {
  return [...incs.docs.entries()].map(([id, d]) => [id, d.owner, d.year, d.ym, d.part, d.grain, [...d.inc.entries()]]);
}

function deserializeIncs(rows: SerializedIncs): Increments {
  const incs = new Increments();
  for (const [id, owner, year, ym, part, grain, inc] of rows) incs.docs.set(id, { owner, year, ym, part: part as any, grain: grain as any, inc: new Map(inc) });
  return incs;
}

interface StateDoc {
  _id: string;
  side: 'old' | 'new' | 'done';
  after: string | null;
  incs: SerializedIncs;
}

/**
 * The single place an import moves the roll-ups: a part of the change, inside the transaction that also
 * advances the job's cursor.
 */
async function applyRollupDelta(tx: Parameters<typeof flushIncrements>[0], incs: Increments): Promise<void> {
  await flushIncrements(tx, incs);
}

/** The steps of one job within one invocation (the open file is kept between steps). */
class JobRun {
  private src: RowSource | null = null;
  private fileRows = 0;

  constructor(
    private readonly db: Db,
    public job: ImportJobDoc,
    private readonly opts: DriveOptions,
    private readonly now: () => Date,
  ) {}

  close(): void {
    this.src?.close();
    this.src = null;
  }

  /** Writes job fields with the heartbeat (the driver's proof of life). */
  async save(patch: Partial<ImportJobDoc>): Promise<void> {
    const data = { ...patch, heartbeatAt: this.now() };
    Object.assign(this.job, data);
    // CloudBase's update turns a nested object into dotted paths, which cannot land inside a field that is
    // null (`reclassified` starts null): objects are replaced whole with `_.set`.
    const _ = this.db.command;
    const wire: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(data)) wire[k] = v !== null && typeof v === 'object' && !(v instanceof Date) && !Array.isArray(v) ? _.set(v) : v;
    await this.db.collection(IMPORTS).doc(this.job._id).update({ data: wire });
  }

  private get before(): boolean {
    return ['stage', 'report', 'decide', 'merge', 'flip'].includes(this.job.phase);
  }

  /** A step failed: a file that cannot be imported fails the job (its staged rows are deleted); other errors are retried. */
  async failed(err: unknown): Promise<void> {
    const known = err instanceof ImportFileError;
    const text = err instanceof Error ? err.message : String(err);
    if (!known) console.error(JSON.stringify({ level: 'error', fn: 'import', jobId: this.job._id, phase: this.job.phase, error: text }));
    const attempts = (this.job.attempts ?? 0) + 1;
    if (known || (this.before && attempts >= 5)) {
      // Nothing of the job serves yet: its staged rows go, the period keeps its figures.
      await this.save({
        status: 'failed',
        phase: 'discard',
        cursor: { row: 0, after: null, index: 0 },
        error: known ? err.message : '导入失败，未写入任何数据，请重试',
        reason: known ? err.reason : 'IMPORT.FAILED',
        finishedAt: this.now(),
      });
      return;
    }
    // Applied already, or a passing failure: the next invocation retries the step from the cursor.
    await this.save({ attempts, lastError: text.slice(0, 200) });
  }

  async step(): Promise<void> {
    switch (this.job.phase) {
      case 'stage':
        return this.stage();
      case 'report':
        return this.report();
      case 'decide':
        return this.decide();
      case 'merge':
        return this.merge();
      case 'flip':
        return this.flip();
      case 'count':
        return this.count();
      case 'flush':
        return this.flush();
      case 'reclassify':
        return this.reclassify();
      case 'cleanup':
        return this.cleanup();
      case 'discard':
        return this.discard();
      default:
        await this.save({ status: 'done', phase: 'finished' });
    }
  }

  private async open(): Promise<RowSource> {
    if (this.src) return this.src;
    const buf = this.opts.file ?? (await downloadFile(this.job.fileId));
    if (!isZipBytes(buf) && (await countLines(buf, IMPORT_MAX_ROWS + 1)) > IMPORT_MAX_ROWS + 1) throw tooManyRows(this.job.fileId);
    const src = await openTable(buf);
    mapHeader(this.job.kind, src.header);
    if (this.job.format === null) {
      const estimate = src.format === 'csv' ? Math.max(0, (await countLines(buf, IMPORT_MAX_ROWS + 1)) - 1) : 0;
      await this.save({ format: src.format, encoding: src.encoding, total: estimate });
    }
    this.src = src;
    this.fileRows = 0;
    return src;
  }

  /** Reads, validates and matches the next rows of the file and writes the good ones into the job's version. */
  private async stage(): Promise<void> {
    const { db, job } = this;
    const src = await this.open();
    const cols = mapHeader(job.kind, src.header);
    const chunk: { n: number; cells: string[] }[] = [];
    let ended = false;
    const rows = chunkItems(STAGE_ROWS);
    while (chunk.length < rows) {
      const r = await src.rows.next();
      if (r.done) {
        ended = true;
        break;
      }
      this.fileRows++;
      if (this.fileRows > IMPORT_MAX_ROWS) throw tooManyRows(job.fileId);
      // Rows handled before an interruption are read past, not again.
      if (r.value.n > job.cursor.row) chunk.push(r.value);
      if (this.fileRows % 200 === 0) await yieldToLoop();
    }
    const errors: RowError[] = [];
    const parsed: ParsedRow[] = [];
    for (const { cells, n } of chunk) {
      const p = parseRow(job.kind, job.period, cols, cells, n);
      if (p.row) parsed.push(p.row);
      else errors.push(...p.errors);
    }
    const idx = await matchIndexFor(db, parsed);
    const matched: { id: string; row: ParsedRow }[] = [];
    for (const r of parsed) {
      const m = matchRow(idx, r);
      if (m.error) errors.push(m.error);
      else matched.push({ id: m.id!, row: r });
    }
    // The same merchant twice in one file: the later row is rejected. Earlier chunks are seen through the
    // rows they staged (each records its file row), so this holds across interruptions too.
    const staged = await versionRowsOf(db, job.kind, job.period, job._id, matched.map((x) => x.id));
    const active = await versionRowsOf(db, job.kind, job.period, job.previousVersion, matched.map((x) => x.id));
    const firstRow = new Map<string, number>();
    const writes: Record<string, unknown>[] = [];
    let applied = 0;
    let overlap = 0;
    for (const { id, row } of matched) {
      const earlier = staged.get(id)?.row ?? firstRow.get(id);
      if (earlier !== undefined && earlier !== null && earlier < row.row) {
        errors.push({ row: row.row, column: 'acquiringNo', reason: `与第 ${earlier} 行是同一商户（重复行）` });
        continue;
      }
      firstRow.set(id, row.row);
      applied++;
      if (active.has(id)) overlap++;
      if (!staged.has(id)) writes.push(rowDoc(job.kind, job.period, job._id, id, idx.unitPath.get(id) ?? [], row));
    }
    await insertMany(db, ROW_COLLECTIONS[job.kind], writes);
    errors.sort((a, b) => a.row - b.row);
    const room = Math.max(0, MAX_ERRORS_LISTED - job.errorsListed);
    const listed = errors.slice(0, room).map((e, i) => ({ _id: `${job._id}:${e.row}:${i}`, jobId: job._id, ...e }));
    if (listed.length) {
      const _ = db.command;
      const have = (await db.collection(IMPORT_ERRORS).where({ _id: _.in(listed.slice(0, IN_CHUNK).map((e) => e._id)) }).field({ _id: true }).limit(1000).get()) as { data: { _id: string }[] };
      const seen = new Set(have.data.map((d) => d._id));
      if (listed.length > IN_CHUNK) {
        for (let i = IN_CHUNK; i < listed.length; i += IN_CHUNK) {
          const more = (await db.collection(IMPORT_ERRORS).where({ _id: _.in(listed.slice(i, i + IN_CHUNK).map((e) => e._id)) }).field({ _id: true }).limit(1000).get()) as { data: { _id: string }[] };
          for (const d of more.data) seen.add(d._id);
        }
      }
      await insertMany(db, IMPORT_ERRORS, listed.filter((e) => !seen.has(e._id)));
    }
    const lastRow = chunk.length ? chunk[chunk.length - 1].n : job.cursor.row;
    const done = job.done + chunk.length;
    const patch: Partial<ImportJobDoc> = {
      cursor: { ...job.cursor, row: lastRow },
      done,
      total: Math.max(job.total, done),
      applied: job.applied + applied,
      overlap: job.overlap + overlap,
      rejected: job.rejected + new Set(errors.map((e) => e.row)).size,
      errorsListed: job.errorsListed + listed.length,
    };
    if (ended) {
      if (done === 0) throw new ImportFileError('文件没有数据行', 'IMPORT.EMPTY');
      Object.assign(patch, { total: done, phase: 'report' as const });
    }
    await this.save(patch);
  }

  /** Writes the error report (row, column, reason) from the listed row problems. */
  private async report(): Promise<void> {
    const { db, job } = this;
    let errorReportFileId: string | null = null;
    if (job.errorsListed > 0) {
      const errors: RowError[] = [];
      let after: string | null = null;
      const _ = db.command;
      for (;;) {
        const where: Record<string, unknown> = { jobId: job._id };
        if (after) where._id = _.gt(after);
        const res = (await db.collection(IMPORT_ERRORS).where(where).orderBy('_id', 'asc').limit(1000).get()) as { data: any[] };
        for (const e of res.data) errors.push({ row: e.row, column: e.column, reason: e.reason });
        if (res.data.length < 1000) break;
        after = res.data[res.data.length - 1]._id;
      }
      errors.sort((a, b) => a.row - b.row);
      const more = job.rejected > new Set(errors.map((e) => e.row)).size;
      if (more) errors.push({ row: 0, column: '', reason: `另有 ${job.rejected - new Set(errors.map((e) => e.row)).size} 行有误，未逐条列出` });
      errorReportFileId = await uploadFile(serverFilePath('import-errors', job._id, 'csv', 'errors'), errorReportCsv(errors));
    }
    this.close();
    await this.save({ errorReportFileId, phase: 'decide' });
  }

  /** Replace or merge: a file covering far fewer merchants than the active figures waits for head office to choose. */
  private async decide(): Promise<void> {
    const { db, job } = this;
    const activeMerchants = await countVersion(db, job.kind, job.period, job.previousVersion);
    let mode = job.mode;
    if (!mode) {
      if (activeMerchants > 0 && job.applied < IMPORT_SHRINK_RATIO * activeMerchants) {
        await this.save({ activeMerchants, status: 'awaiting-choice' });
        return;
      }
      mode = 'replace';
    }
    await this.save({ activeMerchants, mode, phase: mode === 'merge' ? 'merge' : 'flip', cursor: { row: job.cursor.row, after: null, index: 0 } });
  }

  /** Merge: copies the active rows of the merchants the file does not have into the job's version. */
  private async merge(): Promise<void> {
    const { db, job } = this;
    const page = await pageVersion(db, job.kind, job.period, job.previousVersion, job.cursor.after);
    const staged = await versionRowsOf(db, job.kind, job.period, job._id, page.rows.map((r) => r.merchantId));
    const copies: Record<string, unknown>[] = [];
    let kept = 0;
    for (const r of page.rows) {
      const s = staged.get(r.merchantId);
      if (s && s.row !== null && s.row !== undefined) continue;
      kept++;
      if (!s) copies.push({ ...r, _id: rowId(r.merchantId, job.period, job._id), month: job.period, version: job._id, row: null, keptFrom: job.previousVersion });
    }
    await insertMany(db, ROW_COLLECTIONS[job.kind], copies);
    const kept2 = job.kept + kept;
    if (page.last === null) await this.save({ kept: kept2, phase: 'flip', cursor: { ...job.cursor, after: null } });
    else await this.save({ kept: kept2, cursor: { ...job.cursor, after: page.last } });
  }

  /** One small transaction: the job's version becomes the period's active one. */
  private async flip(): Promise<void> {
    const { db, job } = this;
    const id = periodId(job.kind, job.period);
    const mode = job.mode ?? 'replace';
    const replaced = job.overlap;
    const removed = mode === 'replace' ? Math.max(0, job.activeMerchants - job.overlap) : 0;
    const next: ImportPhase = job.kind === 'transactions' ? 'reclassify' : 'count';
    const patch = { phase: next, replaced, removed, cursor: { row: job.cursor.row, after: null, index: 0 }, heartbeatAt: this.now() };
    await inTransaction(db, async (tx) => {
      const period = await readDoc<PeriodDoc>(tx, PERIODS, id);
      const current = await readDoc<ImportJobDoc>(tx, IMPORTS, job._id);
      if (current?.phase !== 'flip') return; // flipped by an earlier attempt
      if ((period?.activeVersion ?? null) !== job.previousVersion) {
        throw new ImportFileError('导入期间另一次导入更新了同一月份，本次未应用，请重新导入', 'IMPORT.SUPERSEDED');
      }
      const doc: Omit<PeriodDoc, '_id'> = { kind: job.kind, month: job.period, activeVersion: job._id, previousVersion: job.previousVersion, rows: job.applied + job.kept, updatedAt: this.now() };
      await tx.collection(PERIODS).doc(id).set({ data: doc });
      await tx.collection(IMPORTS).doc(job._id).update({ data: patch });
    });
    Object.assign(this.job, patch);
  }

  /**
   * Adds up the roll-up change of the new version: every row of the old version taken out, every row of
   * the new one put in, each with its merchant as it is now. The sum and the cursor are kept in one state
   * document, written whole after each page, so a page is never counted twice.
   */
  private async count(): Promise<void> {
    const { db, job } = this;
    const state = (await readDoc<StateDoc>(db, IMPORT_STATES, job._id)) ?? { _id: job._id, side: 'old' as const, after: null, incs: [] };
    if (state.side === 'done') {
      await this.save({ phase: 'flush', cursor: { ...job.cursor, index: 0 } });
      return;
    }
    const version = state.side === 'old' ? job.previousVersion : job._id;
    const page = await pageVersion(db, job.kind, job.period, version, state.after);
    const incs = deserializeIncs(state.incs);
    const _ = db.command;
    const ids = [...new Set(page.rows.map((r) => r.merchantId))];
    const merchants = new Map<string, any>();
    for (let i = 0; i < ids.length; i += IN_CHUNK) {
      const res = (await db.collection('merchants').where({ _id: _.in(ids.slice(i, i + IN_CHUNK)) }).field(MERCHANT_FIELDS).limit(1000).get()) as { data: any[] };
      for (const m of res.data) merchants.set(m._id, m);
    }
    for (const r of page.rows) {
      const m = merchants.get(r.merchantId);
      if (!m) continue;
      const out = state.side === 'old';
      if (job.kind === 'deposits') addDepositChange(incs, m, job.period, out ? r.balanceFen ?? 0 : 0, out ? 0 : r.balanceFen ?? 0);
      else addCreditChange(incs, m, job.period, out ? r : null, out ? null : r);
    }
    const next: StateDoc = page.last === null ? { _id: job._id, side: state.side === 'old' ? 'new' : 'done', after: null, incs: serializeIncs(incs) } : { ...state, after: page.last, incs: serializeIncs(incs) };
    const { _id, ...body } = next;
    await db.collection(IMPORT_STATES).doc(_id).set({ data: body });
    await this.save({});
  }

  /** Moves the roll-ups by the added-up change, FLUSH_DOCS documents per transaction with the cursor. */
  private async flush(): Promise<void> {
    const { db, job } = this;
    const state = await readDoc<StateDoc>(db, IMPORT_STATES, job._id);
    const all = state ? deserializeIncs(state.incs) : new Increments();
    const ids = [...all.docs.keys()].sort();
    for (let t = 0; t < 10; t++) {
      const from = this.job.cursor.index;
      if (from >= ids.length) {
        await db.collection(IMPORT_STATES).doc(job._id).remove().catch(() => undefined);
        await this.save({ phase: 'cleanup', cursor: { ...this.job.cursor, index: from, after: null } });
        return;
      }
      const part = new Increments();
      for (const id of ids.slice(from, from + FLUSH_DOCS)) part.docs.set(id, all.docs.get(id)!);
      const cursor = { ...this.job.cursor, index: Math.min(ids.length, from + FLUSH_DOCS) };
      const moved = await inTransaction(db, async (tx) => {
        // The cursor is read inside: a part is moved once, whoever drives.
        const current = await readDoc<ImportJobDoc>(tx, IMPORTS, job._id);
        if (current?.phase !== 'flush' || current.cursor.index !== from) return false;
        await applyRollupDelta(tx, part);
        await tx.collection(IMPORTS).doc(job._id).update({ data: { cursor, heartbeatAt: this.now() } });
        return true;
      });
      if (!moved) throw new Error('import cursor moved by another invocation');
      this.job.cursor = cursor;
    }
  }

  /** Transactions: the merchants of the file are reclassified as of the period's end (or today), a page at a time. */
  private async reclassify(): Promise<void> {
    const { db, job } = this;
    const page = await pageVersion(db, job.kind, job.period, job._id, job.cursor.after);
    const ids = page.rows.filter((r) => r.row !== null && r.row !== undefined).map((r) => r.merchantId);
    const asOf = monthEnd(job.period) < this.opts.today ? monthEnd(job.period) : this.opts.today;
    const prev = job.reclassified ?? { changed: 0, tasksOpened: 0 };
    let r = { changed: 0, tasksOpened: 0 };
    if (ids.length) r = await reclassifyMerchants(db, { asOf, merchantIds: ids, now: this.now() });
    const reclassified = { changed: prev.changed + r.changed, tasksOpened: prev.tasksOpened + r.tasksOpened };
    if (page.last === null) await this.save({ reclassified, phase: 'cleanup', cursor: { ...job.cursor, after: null } });
    else await this.save({ reclassified, cursor: { ...job.cursor, after: page.last } });
  }

  /** Deletes the replaced version's rows, a page at a time; then the job is done. */
  private async cleanup(): Promise<void> {
    const { db, job } = this;
    const page = await pageVersion(db, job.kind, job.period, job.previousVersion, job.cursor.after);
    await removeIds(db, ROW_COLLECTIONS[job.kind], page.rows.map((r) => r._id));
    if (page.last === null) await this.save({ status: 'done', phase: 'finished', finishedAt: this.now() });
    else await this.save({ cursor: { ...job.cursor, after: page.last } });
  }

  /** Deletes the job's own staged rows (a failed or discarded job), a page at a time. */
  private async discard(): Promise<void> {
    const { db, job } = this;
    const page = await pageVersion(db, job.kind, job.period, job._id, job.cursor.after);
    await removeIds(db, ROW_COLLECTIONS[job.kind], page.rows.map((r) => r._id));
    if (page.last === null) await this.save({ phase: 'finished', finishedAt: job.finishedAt ?? this.now() });
    else await this.save({ cursor: { ...job.cursor, after: page.last } });
  }
}

/** Marks a job that has not been applied as discarded: its staged rows are deleted by the next steps. */
export async function discardImport(db: Db, jobId: string, now: Date): Promise<'discarded' | 'applied' | 'missing'> {
  return inTransaction(db, async (tx) => {
    const job = await readDoc<ImportJobDoc>(tx, IMPORTS, jobId);
    if (!job) return 'missing';
    if (job.status === 'discarded' || job.status === 'failed') return 'discarded';
    if (!['stage', 'report', 'decide', 'merge', 'flip'].includes(job.phase) || job.status === 'done') return 'applied';
    await tx.collection(IMPORTS).doc(jobId).update({ data: { status: 'discarded', phase: 'discard', cursor: { row: 0, after: null, index: 0 }, driverId: null, error: '已放弃，本月数据保持原样', reason: 'IMPORT.DISCARDED', finishedAt: now, heartbeatAt: now } });
    return 'discarded';
  });
}

/** Unfinished jobs (for the timer): running, or cleaning up after a failure. */
export async function unfinishedImports(db: Db, limit = 20): Promise<ImportJobDoc[]> {
  const _ = db.command;
  const res = (await db.collection(IMPORTS).where(_.or([{ status: 'running' }, { phase: 'discard' }])).limit(limit).get()) as { data: ImportJobDoc[] };
  return res.data;
}
