import { createReadStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { type MetricFigures } from '../../shared/domain/metrics.rules';
import { VISIT_TYPES } from '../../shared/domain/visit.rules';
import type { Period } from '../../shared/domain/period.rules';
import { industryLabel } from '../../shared/domain/industry.rules';
import { ACQUIRING_STATUS_LABELS, LIFECYCLE_CLASS_LABELS, ROLE_LABELS, UNIT_KIND_LABELS, VISIT_TYPE_LABELS, reasonLabel } from '../../shared/domain/labels';
import { maskName } from '../../shared/domain/mask.rules';
import type { Db } from '../db';
import { getCloud } from '../db';
import { downloadFile, serverFilePath, uploadFile } from './files';
import type { ChunkContext, ChunkResult, JobDoc, JobKind } from './runner';
import { type OwnerDocs, dayMonthsFor, flowOver, loadOwnerDocs, stockAt, unitOwner } from '../rollup';
import { acquiringStatusOn, countedFrom, figuresFrom } from '../../shared/domain/metrics.rules';
import { isArchivedOn } from '../../shared/domain/merchant-archive.rules';
import { activeVersions, isServed } from '../periods';
import { scanCollection } from '../rollup';
import { type EntryFigures, NO_BYTES, ZipFileWriter, deflatePiece } from './zip-entry';
import JSZip from 'jszip';

const FMT = { int: '#,##0', pct: '0.0%', yuan: '#,##0.00' };

interface Col {
  header: string;
  key: string;
  width: number;
  fmt?: string;
}

/** Columns of a figures row (unit summary, grid metrics). */
const FIGURE_COLS: Col[] = [
  { header: '商户数', key: 'merchants', width: 10, fmt: FMT.int },
  { header: '建档数', key: 'filed', width: 10, fmt: FMT.int },
  { header: '收单商户数', key: 'acquiring', width: 12, fmt: FMT.int },
  { header: '收单覆盖率', key: 'coverage', width: 12, fmt: FMT.pct },
  { header: '回访率', key: 'revisitRate', width: 10, fmt: FMT.pct },
  { header: '授信户数', key: 'creditGranted', width: 10, fmt: FMT.int },
  { header: '授信率', key: 'grantRate', width: 10, fmt: FMT.pct },
  { header: '用信户数', key: 'creditDrawing', width: 10, fmt: FMT.int },
  { header: '用信率', key: 'usageRate', width: 10, fmt: FMT.pct },
  { header: '贷款余额（元）', key: 'loansYuan', width: 18, fmt: FMT.yuan },
  { header: '资金沉淀（元）', key: 'depositsYuan', width: 18, fmt: FMT.yuan },
  { header: '走访次数', key: 'visitsTotal', width: 10, fmt: FMT.int },
  { header: '异常走访', key: 'flaggedTotal', width: 10, fmt: FMT.int },
];

function figureCells(f: MetricFigures): Record<string, unknown> {
  return {
    merchants: f.merchants,
    filed: f.filed,
    acquiring: f.acquiring,
    coverage: f.coverage,
    revisitRate: f.revisitRate,
    creditGranted: f.creditGranted,
    grantRate: f.grantRate,
    creditDrawing: f.creditDrawing,
    usageRate: f.usageRate,
    loansYuan: f.loansOutstandingFen / 100,
    depositsYuan: f.depositsFen / 100,
    visitsTotal: f.visitsTotal,
    flaggedTotal: f.flaggedTotal,
  };
}

/** A streamed sheet: `add(row)` writes and commits one row. */
interface Sheet {
  add(values: Record<string, unknown>): void;
  commit(): void;
  /** its number in the workbook (`xl/worksheets/sheet<id>.xml`) */
  id: number;
}

function addSheet(wb: any, name: string, cols: Col[]): Sheet {
  // Frozen header row (ySplit 1) so the headers stay in view while scrolling.
  const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = cols.map((c) => ({ header: c.header, key: c.key, width: c.width, style: c.fmt ? { numFmt: c.fmt } : {} }));
  ws.getRow(1).font = { bold: true };
  ws.getRow(1).commit();
  // exceljs copies the column style into a new object for every cell and resolves each copy to a style id
  // on write; one shared object per column is resolved once (its style table caches by object).
  const styles = cols.map((c) => Object.freeze(c.fmt ? { numFmt: c.fmt } : {}));
  return {
    add(values) {
      const row = ws.addRow(values);
      row.eachCell((cell: any, col: number) => {
        cell.style = styles[col - 1];
      });
      row.commit();
    },
    commit: () => ws.commit(),
    id: ws.id,
  };
}

const SUMMARY_COLS: Col[] = [{ header: '单位', key: 'name', width: 18 }, { header: '层级', key: 'kind', width: 8 }, { header: '上级', key: 'parent', width: 16 }, ...FIGURE_COLS];
const GRID_COLS: Col[] = [{ header: '网格', key: 'name', width: 18 }, { header: '网格组', key: 'group', width: 14 }, { header: '支行', key: 'branch', width: 14 }, ...FIGURE_COLS];
const STAFF_COLS: Col[] = [
  { header: '员工', key: 'name', width: 12 },
  { header: '角色', key: 'role', width: 10 },
  { header: '所属单位', key: 'unit', width: 16 },
  ...VISIT_TYPES.flatMap((t) => [
    { header: `${VISIT_TYPE_LABELS[t]}`, key: `v_${t}`, width: 10, fmt: FMT.int },
    { header: `${VISIT_TYPE_LABELS[t]}（异常）`, key: `vf_${t}`, width: 12, fmt: FMT.int },
  ]),
  { header: '合计', key: 'total', width: 10, fmt: FMT.int },
  { header: '异常合计', key: 'flagged', width: 10, fmt: FMT.int },
];
const MERCHANT_COLS: Col[] = [
  { header: '商户', key: 'name', width: 22 },
  { header: '网格', key: 'grid', width: 14 },
  { header: '地址', key: 'address', width: 30 },
  { header: '行业', key: 'industry', width: 16 },
  { header: '经营者', key: 'operator', width: 10 },
  { header: '手机号', key: 'mobile', width: 14 },
  { header: '建档完整', key: 'complete', width: 8 },
  { header: '收单状态', key: 'acquiring', width: 10 },
  { header: '收单开通日', key: 'since', width: 12 },
  { header: '授信（元）', key: 'granted', width: 14, fmt: FMT.yuan },
  { header: '用信余额（元）', key: 'drawn', width: 14, fmt: FMT.yuan },
  { header: '生命周期', key: 'cls', width: 10 },
];
const LIFECYCLE_COLS: Col[] = [
  { header: '名单', key: 'cls', width: 10 },
  { header: '商户', key: 'name', width: 22 },
  { header: '网格', key: 'grid', width: 14 },
  { header: '进入日期', key: 'since', width: 12 },
  { header: '原因', key: 'reason', width: 40 },
  { header: '手机号', key: 'mobile', width: 14 },
];
/** The lists of the last sheet, in the order the sheet shows them. */
const LISTED = ['abnormal', 'lost', 'to-win'] as const;
type Listed = (typeof LISTED)[number];

/** Merchants one chunk of the export takes at most: four `_id` pages (a get answers at most 1000). */
export const EXPORT_CHUNK = 4000;

/** What the export job is asked. */
export interface ExportParams {
  unitId: string;
  period: Period;
}

/** One staged part of the merchant list: its rows on the merchant sheet and on each list, its compressed bytes. */
interface PartCount {
  m: number;
  l: Record<Listed, number>;
  /** bytes of its compressed merchant rows (`m-<n>`) */
  packed: number;
}

/** A sheet that grows with the bank: written in compressed pieces by the chunks (docs/jobs.md, "A flat export file"). */
interface BigSheet {
  /** its entry in the workbook (`xl/worksheets/sheet<n>.xml`) */
  entry: string;
  /** the style id of each column's cells, as the workbook's style table numbers them */
  styles: number[];
  /** running CRC and sizes of the entry: its head (up to the header row) and every piece written so far */
  figures: EntryFigures;
}

/** What the export's chunks accumulate: row counts per sheet, the staged parts, the file once made. */
export interface ExportState {
  rows: Record<string, number>;
  /** where the staged parts live (`<prefix>template.xlsx`, `<prefix>m-<n>.deflate`, ...) */
  prefix: string | null;
  parts: PartCount[];
  /** merchants in scope seen so far (progress) */
  merchants: number;
  fileId: string | null;
  /** the merchant list and the lifecycle lists (set by the first chunk) */
  sheets?: { merchants: BigSheet; lists: BigSheet };
  /**
   * the lifecycle lists' pieces written so far, in the sheet's order: each the rows of one chunk, from the
   * (list, part) pair `at` on (a job staged before pieces were per chunk names its one pair by `cls` and `n`)
   */
  listed?: { at?: number; cls?: Listed; n?: number; rows: number; packed: number }[];
}

/**
 * Where the export is: the figures sheets, the merchant list after an `_id`, the lifecycle lists from the
 * `index`-th (list, part) pair, assembling the file, or deleting the staged parts once it is made.
 */
export type ExportCursor = null | { phase: 'merchants'; after: string | null; root: boolean } | { phase: 'lists'; index: number } | { phase: 'assemble' } | { phase: 'cleanup' };

const stagedName = (name: string) => (name.endsWith('.xlsx') || name.endsWith('.deflate') ? name : `${name}.json.gz`);

async function stage(jobId: string, name: string, value: unknown): Promise<string> {
  return uploadFile(`jobs/${jobId}/${stagedName(name)}`, gzipSync(Buffer.from(JSON.stringify(value))));
}

async function stageBytes(jobId: string, name: string, bytes: Buffer): Promise<string> {
  return uploadFile(`jobs/${jobId}/${stagedName(name)}`, bytes);
}

async function unstageBytes(prefix: string, name: string): Promise<Buffer> {
  return downloadFile(`${prefix}${stagedName(name)}`);
}

async function unstage<T>(prefix: string, name: string): Promise<T> {
  return JSON.parse(gunzipSync(await unstageBytes(prefix, name)).toString('utf8')) as T;
}

/** The streaming writer alone: the package's entry also loads the reader, about five times the start-up time. */
function workbookWriter(file: string): any {
  const WorkbookWriter = require('exceljs/lib/stream/xlsx/workbook-writer');
  const wb = new WorkbookWriter({ filename: file, useStyles: true, useSharedStrings: false });
  wb.creator = '商户网格数字化平台';
  return wb;
}

/** A sheet's XML split around its rows: everything up to the header row's end, and from `</sheetData>` on. */
function splitSheet(xml: string): { head: string; tail: string } {
  const at = xml.lastIndexOf('</sheetData>');
  if (at < 0) throw new Error('sheet without rows');
  return { head: xml.slice(0, at), tail: xml.slice(at) };
}

/**
 * The workbook without the rows of the merchant list and the lifecycle lists: exceljs's streaming writer
 * writes the figures sheets whole and those two sheets with their header row only. The two sheets' rows
 * are written by the chunks with the style ids this workbook's style table gives their columns.
 */
async function templateWorkbook(head: { summary: Record<string, unknown>[]; grids: Record<string, unknown>[]; staff: Record<string, unknown>[] }): Promise<{ bytes: Buffer; merchants: { entry: string; styles: number[] }; lists: { entry: string; styles: number[] } }> {
  const dir = mkdtempSync(join(tmpdir(), 'report-'));
  const file = join(dir, 'template.xlsx');
  try {
    const wb = workbookWriter(file);
    for (const [name, cols, rows] of [['单位汇总', SUMMARY_COLS, head.summary], ['网格指标', GRID_COLS, head.grids], ['员工工作量', STAFF_COLS, head.staff]] as const) {
      const sheet = addSheet(wb, name, cols);
      for (const r of rows) sheet.add(r);
      sheet.commit();
    }
    const big = (name: string, cols: Col[]) => {
      const sheet = addSheet(wb, name, cols);
      sheet.commit();
      // Registered before the style table is written: the id a cell of this column gets (0: the default).
      return { entry: `xl/worksheets/sheet${sheet.id}.xml`, styles: cols.map((c) => wb.styles.addStyleModel(c.fmt ? { numFmt: c.fmt } : {}, c.fmt ? 2 : 3) as number) };
    };
    const merchants = big('商户清单', MERCHANT_COLS);
    const lists = big('生命周期名单', LIFECYCLE_COLS);
    await wb.commit();
    return { bytes: readFileSync(file), merchants, lists };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The figures sheets (from the roll-ups) and the grid names the merchant list needs. */
async function headStep(db: Db, job: JobDoc<ExportParams, ExportState>): Promise<ChunkResult<ExportState>> {
  const { unitId, period } = job.params;
  const year = period.start.slice(0, 4);
  const months = dayMonthsFor([period.end], [period]);
  const figuresOf = (o: OwnerDocs) => figuresFrom(stockAt(o, period.end), flowOver(o, period.start, period.end));
  const units = await loadOwnerDocs(db, { ownerType: 'unit', path: unitId }, year, months);
  const unitRows = [...units.values()].sort((a, b) => a.meta.path.length - b.meta.path.length || a.meta.path.join('/').localeCompare(b.meta.path.join('/')));
  const names = new Map(unitRows.map((o) => [o.meta.ownerId, o.meta.name]));
  const rows: Record<string, number> = {};
  const count = (sheet: string, n: number) => {
    if (n) rows[sheet] = n;
  };
  const summary = unitRows
    .filter((u) => u.meta.kind !== 'grid')
    .map((o) => ({ name: o.meta.name, kind: UNIT_KIND_LABELS[o.meta.kind as keyof typeof UNIT_KIND_LABELS] ?? o.meta.kind, parent: names.get(o.meta.parentId ?? '') ?? '', ...figureCells(figuresOf(o)) }));
  const grids = unitRows
    .filter((u) => u.meta.kind === 'grid')
    .map((o) => ({ name: o.meta.name, group: names.get(o.meta.path[o.meta.path.length - 2]) ?? '', branch: names.get(o.meta.path[1]) ?? '', ...figureCells(figuresOf(o)) }));
  const staffDocs = await loadOwnerDocs(db, { ownerType: 'staff', path: unitId }, year, months);
  const staff = [...staffDocs.values()]
    .sort((a, b) => a.meta.name.localeCompare(b.meta.name, 'zh'))
    .map((o) => {
      const f = flowOver(o, period.start, period.end);
      const row: Record<string, unknown> = { name: o.meta.name, role: ROLE_LABELS[o.meta.kind as keyof typeof ROLE_LABELS] ?? o.meta.kind, unit: names.get(o.meta.parentId ?? '') ?? '' };
      let total = 0;
      let flagged = 0;
      for (const t of VISIT_TYPES) {
        row[`v_${t}`] = f[`v_${t}`] ?? 0;
        row[`vf_${t}`] = f[`vf_${t}`] ?? 0;
        total += f[`v_${t}`] ?? 0;
        flagged += f[`vf_${t}`] ?? 0;
      }
      return { ...row, total, flagged };
    });
  count('单位汇总', summary.length);
  count('网格指标', grids.length);
  count('员工工作量', staff.length);
  const template = await templateWorkbook({ summary, grids, staff });
  const templateId = await stageBytes(job._id, 'template.xlsx', template.bytes);
  const zip = await JSZip.loadAsync(template.bytes);
  const bigSheet = async (s: { entry: string; styles: number[] }): Promise<BigSheet> => {
    const { head } = splitSheet(await zip.file(s.entry)!.async('string'));
    return { ...s, figures: deflatePiece(Buffer.from(head, 'utf8'), NO_BYTES).figures };
  };
  const sheets = { merchants: await bigSheet(template.merchants), lists: await bigSheet(template.lists) };
  // The merchant list names each merchant's grid as the figures sheets do; a grid without figures yet (a
  // merchant just moved into it, before the roll-ups have it) by its unit's name, never by its id.
  const gridNames: Record<string, string> = {};
  await scanCollection<any>(db, 'units', { unitPath: unitId, kind: 'grid' }, { _id: true, name: true }, (page) => {
    for (const u of page) gridNames[u._id] = u.name;
  });
  await stage(job._id, 'names', { ...gridNames, ...Object.fromEntries([...names].filter(([id]) => units.get(unitOwner(id))?.meta.kind === 'grid')) });
  const total = ((await db.collection('merchants').where({ unitPath: unitId }).count()) as { total: number }).total;
  // The bank's whole list reads along `_id` with no filter: a `unitPath` filter matches every merchant then.
  const root = units.get(unitOwner(unitId))?.meta.path.length === 1;
  const state: ExportState = { ...job.state, rows: { ...job.state.rows, ...rows }, prefix: templateId.slice(0, -'template.xlsx'.length), sheets, listed: [] };
  return { cursor: { phase: 'merchants', after: null, root }, state, done: 0, total, finished: false };
}

/** A merchant's lifecycle class on a day: the class it had then, since when and why. */
interface ClassOn {
  cls: string;
  since: string;
  reason: string;
}

/**
 * The lifecycle class of each merchant on `day`: its class now when it has held it since `day` or earlier,
 * else the last change recorded on or before `day` (`classHistory`), else the class its first change left.
 * Reads the history of the merchants that changed after `day` only, 100 at a time.
 */
async function classesOn(db: Db, merchants: any[], day: string): Promise<Map<string, ClassOn>> {
  const _ = db.command;
  const out = new Map<string, ClassOn>();
  const later: string[] = [];
  for (const m of merchants) {
    if (!m.classSince || m.classSince <= day) out.set(m._id, { cls: m.lifecycleClass, since: m.classSince ?? '', reason: m.classDetail ?? reasonLabel(m.classReason) });
    else later.push(m._id);
  }
  const history = new Map<string, any[]>();
  for (let i = 0; i < later.length; i += 100) {
    await scanCollection<any>(db, 'classHistory', { merchantId: _.in(later.slice(i, i + 100)) }, null, (page) => {
      for (const h of page) {
        const list = history.get(h.merchantId);
        if (list) list.push(h);
        else history.set(h.merchantId, [h]);
      }
    });
  }
  for (const id of later) {
    const changes = (history.get(id) ?? []).sort((a, b) => (a.day === b.day ? String(a.at).localeCompare(String(b.at)) : a.day < b.day ? -1 : 1));
    const last = changes.filter((h) => h.day <= day).pop();
    if (last) out.set(id, { cls: last.to, since: last.day, reason: last.detail ?? reasonLabel(last.reason) });
    else out.set(id, { cls: changes[0]?.from ?? '', since: '', reason: '' });
  }
  return out;
}

/**
 * Each merchant's credit figures of `month` (the serving version's `credits` row), 100 merchants a query.
 * By merchant only (`merchantId_1_month_1`; a merchant has a row per month at most): with the month in the
 * condition the engine may take `month_1__id_1` for the `_id` order and read the whole month's rows.
 */
async function creditsOf(db: Db, ids: string[], month: string): Promise<Map<string, { grantedFen: number; drawnFen: number }>> {
  const _ = db.command;
  const active = await activeVersions(db, 'credit', [month]);
  const out = new Map<string, { grantedFen: number; drawnFen: number }>();
  for (let i = 0; i < ids.length; i += 100) {
    await scanCollection<any>(db, 'credits', { merchantId: _.in(ids.slice(i, i + 100)) }, { _id: true, merchantId: true, month: true, grantedFen: true, drawnFen: true, version: true }, (page) => {
      for (const c of page) if (c.month === month && isServed(c, active)) out.set(c.merchantId, { grantedFen: c.grantedFen ?? 0, drawnFen: c.drawnFen ?? 0 });
    });
  }
  return out;
}

/**
 * A merchant as a row of the list on the period's last day (personal data masked, docs/domain.md §8:
 * operator surname only, mobile 138****1234): acquiring as the figures count it that day, credit of that
 * month, the class held that day.
 */
function merchantRow(m: any, names: Record<string, string>, day: string, credit: { grantedFen: number; drawnFen: number } | undefined, cls: ClassOn | undefined): Record<string, unknown> {
  const acquiring = acquiringStatusOn(m, day);
  return {
    name: m.name,
    grid: names[m.gridId] ?? m.gridId,
    address: m.address?.text ?? '',
    industry: m.industry ? industryLabel(m.industry) : '',
    operator: m.operator?.name ? maskName(String(m.operator.name)) : '',
    mobile: m.operator?.mobile?.masked ?? '',
    complete: m.isComplete ? '是' : '否',
    acquiring: ACQUIRING_STATUS_LABELS[acquiring],
    since: acquiring === 'none' ? '' : (m.acquiring?.since ?? ''),
    granted: (credit?.grantedFen ?? 0) / 100,
    drawn: (credit?.drawnFen ?? 0) / 100,
    cls: LIFECYCLE_CLASS_LABELS[cls?.cls as keyof typeof LIFECYCLE_CLASS_LABELS] ?? '',
  };
}

const xmlEncode: (s: string) => string = require('exceljs/lib/utils/utils').xmlEncode;
const colName: (n: number) => string = require('exceljs/lib/utils/col-cache').n2l.bind(require('exceljs/lib/utils/col-cache'));

/**
 * Rows of a sheet as exceljs's streaming writer writes them (xlsx/xform/sheet/row-xform.js, cell-xform.js):
 * numbers as `<v>`, text as `t="str"` (no shared strings), each cell with its column's style id.
 */
function rowsXml(rows: Record<string, unknown>[], cols: Col[], styles: number[], firstRow: number): Buffer {
  const out: string[] = [];
  const letters = cols.map((_c, i) => colName(i + 1));
  rows.forEach((row, k) => {
    const r = firstRow + k;
    const cells: string[] = [];
    let min = 0;
    let max = 0;
    cols.forEach((c, i) => {
      const v = row[c.key];
      if (v === null || v === undefined) return;
      const s = styles[i] ? ` s="${styles[i]}"` : '';
      if (typeof v === 'number') cells.push(`<c r="${letters[i]}${r}"${s}><v>${v}</v></c>`);
      else cells.push(`<c r="${letters[i]}${r}"${s} t="str"><v>${xmlEncode(String(v))}</v></c>`);
      if (!min) min = i + 1;
      max = i + 1;
    });
    if (cells.length) out.push(`<row r="${r}" spans="${min}:${max}" x14ac:dyDescent="0.25">${cells.join('')}</row>`);
  });
  return Buffer.from(out.join(''), 'utf8');
}

/**
 * Up to EXPORT_CHUNK merchants of the unit after the cursor, as they stood on the period's last day: their
 * rows of the merchant sheet rendered and compressed as one piece of that sheet (`m-<n>`), and each list's
 * rows staged apart for the lists phase. Pieces are named by their number, so a retried chunk writes the
 * same pieces again, and the entry's running CRC and sizes move only with the cursor.
 */
async function merchantStep(ctx: ChunkContext<ExportParams, ExportState>, cursor: { after: string | null; root: boolean }): Promise<ChunkResult<ExportState>> {
  const { db, job } = ctx;
  const { unitId, period } = job.params;
  const day = period.end;
  const _ = db.command;
  const limit = Math.min(ctx.maxItems ?? EXPORT_CHUNK, EXPORT_CHUNK);
  const names = await unstage<Record<string, string>>(job.state.prefix!, 'names');
  const found: any[] = [];
  let after = cursor.after;
  let read = 0;
  let end = false;
  let sawAny = false;
  while (read < limit && (read === 0 || Date.now() < ctx.deadline)) {
    const size = Math.min(1000, limit - read);
    const where = { ...(cursor.root ? {} : { unitPath: unitId }), ...(after === null ? {} : { _id: _.gt(after) }) };
    // Whole documents: a projection of fifteen (nested) fields costs the local engine more than it saves.
    const page = ((await db.collection('merchants').where(where).orderBy('_id', 'asc').limit(size).get()) as { data: any[] }).data;
    read += page.length;
    if (page.length) {
      sawAny = true;
      after = page[page.length - 1]._id;
    }
    // A merchant filed after the period's last day is not on that day's list (nor in its figures), nor is one
    // closed or moved away that day (archived, docs/domain.md §3): the lists name the merchants the summary counts.
    for (const m of page) {
      const from = countedFrom(m);
      if (Array.isArray(m.unitPath) && m.unitPath.includes(unitId) && from !== null && from <= day && !isArchivedOn(m, day)) found.push(m);
    }
    if (page.length < size) {
      end = true;
      break;
    }
  }
  const ids = found.map((m) => m._id as string);
  const [credits, classes] = await Promise.all([creditsOf(db, ids, day.slice(0, 7)), classesOn(db, found, day)]);
  const merchants: Record<string, unknown>[] = [];
  const lists: Record<Listed, Record<string, unknown>[]> = { abnormal: [], lost: [], 'to-win': [] };
  for (const m of found) {
    const cls = classes.get(m._id);
    merchants.push(merchantRow(m, names, day, credits.get(m._id), cls));
    if (cls && (LISTED as readonly string[]).includes(cls.cls)) {
      lists[cls.cls as Listed].push({ cls: LIFECYCLE_CLASS_LABELS[cls.cls as Listed], name: m.name, grid: names[m.gridId] ?? m.gridId, since: cls.since, reason: cls.reason, mobile: m.operator?.mobile?.masked ?? '' });
    }
  }
  const sheets = job.state.sheets!;
  const state: ExportState = { ...job.state, rows: { ...job.state.rows }, parts: [...job.state.parts] };
  if (merchants.length) {
    const n = state.parts.length;
    const piece = deflatePiece(rowsXml(merchants, MERCHANT_COLS, sheets.merchants.styles, state.merchants + 2), sheets.merchants.figures);
    await stageBytes(job._id, `m-${n}.deflate`, piece.bytes);
    for (const cls of LISTED) if (lists[cls].length) await stage(job._id, `list-${cls}-${n}`, lists[cls]);
    state.parts.push({ m: merchants.length, l: { abnormal: lists.abnormal.length, lost: lists.lost.length, 'to-win': lists['to-win'].length }, packed: piece.bytes.length });
    state.sheets = { ...sheets, merchants: { ...sheets.merchants, figures: piece.figures } };
  }
  state.merchants += merchants.length;
  if (sawAny) state.rows['商户清单'] = state.merchants;
  return { cursor: end ? { phase: 'lists', index: 0 } : { phase: 'merchants', after, root: cursor.root }, state, done: state.merchants, finished: false };
}

/** The lifecycle lists' (list, part) pairs in the sheet's order: every abnormal part, then lost, then to-win. */
function listPairs(state: ExportState): { cls: Listed; n: number; rows: number }[] {
  return LISTED.flatMap((cls) => state.parts.flatMap((p, n) => (p.l[cls] ? [{ cls, n, rows: p.l[cls] }] : [])));
}

/**
 * The lifecycle lists' rows, up to EXPORT_CHUNK of them: the staged rows of (list, part) pairs from the cursor on,
 * rendered where they fall on the sheet (every row before them is counted in the state) and compressed as ONE
 * piece (`l-<first pair>`, the same name when a retried chunk writes it again): the assembly copies one piece per
 * chunk, not one per pair (three lists by every merchant chunk).
 */
async function listsStep(ctx: ChunkContext<ExportParams, ExportState>, cursor: { index: number }): Promise<ChunkResult<ExportState>> {
  const { job } = ctx;
  const pairs = listPairs(job.state);
  const limit = Math.min(ctx.maxItems ?? EXPORT_CHUNK, EXPORT_CHUNK);
  const sheets = job.state.sheets!;
  const listed = [...(job.state.listed ?? [])];
  const rowsBefore = listed.reduce((a, p) => a + p.rows, 0);
  const rows: Record<string, unknown>[] = [];
  let index = cursor.index;
  while (index < pairs.length && (rows.length === 0 || (rows.length + pairs[index].rows <= limit && Date.now() < ctx.deadline))) {
    const { cls, n } = pairs[index];
    rows.push(...(await unstage<Record<string, unknown>[]>(job.state.prefix!, `list-${cls}-${n}`)));
    index++;
  }
  let figures = sheets.lists.figures;
  if (rows.length) {
    const piece = deflatePiece(rowsXml(rows, LIFECYCLE_COLS, sheets.lists.styles, rowsBefore + 2), figures);
    await stageBytes(job._id, `l-${cursor.index}.deflate`, piece.bytes);
    listed.push({ at: cursor.index, rows: rows.length, packed: piece.bytes.length });
    figures = piece.figures;
  }
  const total = rowsBefore + rows.length;
  const state: ExportState = { ...job.state, listed, sheets: { ...sheets, lists: { ...sheets.lists, figures } } };
  if (index >= pairs.length) state.rows = { ...state.rows, ...(total ? { 生命周期名单: total } : {}) };
  return { cursor: index >= pairs.length ? { phase: 'assemble' } : { phase: 'lists', index }, state, done: job.state.merchants, finished: false };
}

/** The staged name of a lists piece. */
const listedName = (p: NonNullable<ExportState['listed']>[number]) => (p.at !== undefined ? `l-${p.at}.deflate` : `l-${p.cls}-${p.n}.deflate`);

/** Pieces the assembly downloads ahead of the one it copies (each download is a round trip on CloudBase). */
const PREFETCH = 4;

/**
 * Assembles the XLSX: the template's entries as they are, and the two long sheets as their head, the
 * chunks' compressed pieces in order and their tail. No row is rendered or compressed again: this chunk
 * copies bytes, a few pieces in memory at a time (the next ones downloading), and uploads the file; the next chunk deletes the staged parts.
 */
async function assembleStep(ctx: ChunkContext<ExportParams, ExportState>): Promise<ChunkResult<ExportState>> {
  const { job } = ctx;
  const prefix = job.state.prefix!;
  const sheets = job.state.sheets!;
  const zip = await JSZip.loadAsync(await unstageBytes(prefix, 'template.xlsx'));
  const dir = mkdtempSync(join(tmpdir(), 'report-'));
  const file = join(dir, `${job._id}.xlsx`);
  const out = new ZipFileWriter(file, new Date(job.createdAt));
  try {
    const pieces: Record<string, { sheet: BigSheet; names: string[]; packed: number[] }> = {
      [sheets.merchants.entry]: { sheet: sheets.merchants, names: job.state.parts.map((_p, n) => `m-${n}.deflate`), packed: job.state.parts.map((p) => p.packed) },
      [sheets.lists.entry]: { sheet: sheets.lists, names: (job.state.listed ?? []).map(listedName), packed: (job.state.listed ?? []).map((p) => p.packed) },
    };
    for (const entry of Object.keys(zip.files)) {
      const f = zip.files[entry];
      if (f.dir) continue;
      const content = await f.async('nodebuffer');
      const big = pieces[entry];
      if (!big) {
        out.add(entry, content);
        continue;
      }
      const { head, tail } = splitSheet(content.toString('utf8'));
      const headPiece = deflatePiece(Buffer.from(head, 'utf8'), NO_BYTES);
      const tailPiece = deflatePiece(Buffer.from(tail, 'utf8'), big.sheet.figures, true);
      // The pieces' sizes were counted by the chunks that wrote them: the entry's header comes first.
      out.begin(entry, tailPiece.figures);
      out.data(headPiece.bytes);
      const ahead: Promise<Buffer>[] = [];
      const fetchAt = (i: number) => {
        const p = unstageBytes(prefix, big.names[i]);
        p.catch(() => undefined); // awaited in turn below; a failure ahead of its turn is not unhandled
        ahead[i] = p;
      };
      for (let i = 0; i < Math.min(PREFETCH, big.names.length); i++) fetchAt(i);
      for (let i = 0; i < big.names.length; i++) {
        const bytes = await ahead[i];
        delete ahead[i];
        if (i + PREFETCH < big.names.length) fetchAt(i + PREFETCH);
        if (bytes.length !== big.packed[i]) throw new Error(`staged piece ${big.names[i]} has ${bytes.length} bytes, ${big.packed[i]} expected`);
        out.data(bytes);
        if (i % 20 === 19) await ctx.heartbeat();
      }
      out.data(tailPiece.bytes);
    }
    out.finish();
    const res = (await getCloud().uploadFile({ cloudPath: serverFilePath('reports', job._id, 'xlsx', 'report'), fileContent: createReadStream(file) })) as { fileID: string };
    // The pieces stay until this commit is made: a try that dies before it is run again from them.
    return { cursor: { phase: 'cleanup' }, state: { ...job.state, fileId: res.fileID }, done: job.state.merchants, finished: false };
  } catch (err) {
    out.abandon();
    throw err;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Deletes a job's staged parts (the storage API takes at most 50 files a call); a failure only leaves files behind. */
async function deleteStaged(job: JobDoc<ExportParams, ExportState>): Promise<void> {
  const prefix = job.state.prefix;
  if (!prefix) return;
  const names = [
    'template.xlsx',
    'names',
    ...job.state.parts.flatMap((p, n) => [`m-${n}.deflate`, ...LISTED.filter((c) => p.l[c]).map((c) => `list-${c}-${n}`)]),
    ...(job.state.listed ?? []).map(listedName),
    // A lists piece is named by the pair its chunk started at: any pair may have started one (a chunk that died).
    ...listPairs(job.state).map((_p, i) => `l-${i}.deflate`),
  ];
  const ids = [...new Set(names)].map((n) => `${prefix}${stagedName(n)}`);
  for (let i = 0; i < ids.length; i += 50) {
    try {
      await getCloud().deleteFile({ fileList: ids.slice(i, i + 50) });
    } catch {
      // Left behind: harmless staged rows, masked like the file itself.
    }
  }
}

/**
 * The grid report of a unit's subtree as a resumable job: the figures sheets from the roll-ups, the
 * merchant list and the lifecycle lists written in compressed pieces by bounded chunks, then the XLSX
 * assembled by copying the pieces (docs/jobs.md).
 */
export const exportJob: JobKind<ExportParams, ExportState> = {
  kind: 'report',
  initialState: () => ({ rows: {}, prefix: null, parts: [], merchants: 0, fileId: null }),
  async step(ctx) {
    const cursor = ctx.job.cursor as ExportCursor;
    if (cursor === null) return headStep(ctx.db, ctx.job);
    if (cursor.phase === 'merchants') return merchantStep(ctx, cursor);
    if (cursor.phase === 'lists') return listsStep(ctx, cursor);
    if (cursor.phase === 'assemble') return assembleStep(ctx);
    // The file is made: the staged parts go (deleting twice is harmless).
    await deleteStaged(ctx.job);
    return { cursor: null, state: ctx.job.state, done: ctx.job.state.merchants, finished: true };
  },
  onFailed: (_db, job) => deleteStaged(job),
};

/** The export's progress 0..1: the figures sheets a tenth, the merchant list to nine tenths, the lists and the file the rest. */
export function exportProgress(job: JobDoc<ExportParams, ExportState>): number {
  if (job.status === 'done') return 1;
  const cursor = job.cursor as ExportCursor;
  if (cursor === null) return 0;
  if (cursor.phase === 'lists') return 0.9;
  if (cursor.phase === 'assemble') return 0.95;
  if (cursor.phase === 'cleanup') return 0.99;
  const total = job.progress?.total ?? 0;
  return Math.round((0.1 + 0.8 * (total ? Math.min(1, job.state.merchants / total) : 1)) * 100) / 100;
}
