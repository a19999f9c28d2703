import { isUtf8 } from 'node:buffer';
import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import * as iconv from 'iconv-lite';
import { IMPORT_COLUMNS, IMPORT_HEADER_ALIASES, type ImportKind } from '../../shared/contracts/import.contract';
import { chinaDay, isDayKey, monthEnd } from '../../shared/domain/period.rules';
import type { ErrorReason } from '../../shared/envelope';

/** A file that cannot be imported at all (wrong format, encoding or columns): nothing is applied. */
export class ImportFileError extends Error {
  constructor(
    message: string,
    readonly reason: ErrorReason,
  ) {
    super(message);
    this.name = 'ImportFileError';
  }
}

/** One problem with one row: the row number as the user sees it in the file (header = 1), the column and why. */
export interface RowError {
  row: number;
  column: string;
  reason: string;
}

/** The text table of a file: header and data rows, with the encoding detected. */
export interface Table {
  header: string[];
  rows: string[][];
  format: 'csv' | 'xlsx';
  encoding: 'utf-8' | 'gbk' | null;
}

const isZip = (b: Buffer) => b.length > 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;

/** One data row of a file: its number as the user sees it (header = 1) and its cells as text. */
export interface FileRow {
  n: number;
  cells: string[];
}

/**
 * A file opened for reading row by row: the header, then the data rows as they are parsed, so a file of
 * any length is read in bounded memory (the bytes of the file itself, at most the upload limit, aside).
 * Blank rows are skipped.
 */
export interface RowSource {
  header: string[];
  format: 'csv' | 'xlsx';
  encoding: 'utf-8' | 'gbk' | null;
  rows: AsyncIterator<FileRow>;
  close(): void;
}

/**
 * The encoding of CSV bytes: UTF-8 (with or without BOM) when the bytes are valid UTF-8, else GBK (what
 * Excel on a Chinese Windows writes). Text with NUL bytes is not a CSV. Checked without decoding.
 */
export function csvEncoding(buf: Buffer): 'utf-8' | 'gbk' {
  if (buf.includes(0)) throw new ImportFileError('文件不是文本表格（CSV）或 Excel（XLSX）', 'IMPORT.BAD_FORMAT');
  return isUtf8(buf) ? 'utf-8' : 'gbk';
}

/** Decodes CSV bytes whole (small files, tests): see `csvEncoding`. */
export function decodeCsv(buf: Buffer): { text: string; encoding: 'utf-8' | 'gbk' } {
  const encoding = csvEncoding(buf);
  const text = encoding === 'utf-8' ? buf.toString('utf8').replace(/^\uFEFF/, '') : iconv.decode(buf, 'gbk');
  if (encoding === 'gbk' && text.includes('\uFFFD')) throw new ImportFileError('无法识别文件编码（应为 UTF-8 或 GBK）', 'IMPORT.BAD_ENCODING');
  return { text, encoding };
}

/**
 * Lines of a CSV file, counted up to `cap` (a quick bound before parsing: a quoted cell may span lines,
 * so this counts at least the rows).
 */
export async function countLines(buf: Buffer, cap: number): Promise<number> {
  let n = 0;
  let next = 0;
  for (let i = buf.indexOf(10); i !== -1 && n <= cap; i = buf.indexOf(10, i + 1)) {
    n++;
    // A slice of the scan at a time: other callers of the instance are answered in between.
    if (i > next) {
      next = i + 1024 * 1024;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
  // A last line without a line break.
  if (n <= cap && buf.length && buf[buf.length - 1] !== 10) n++;
  return n;
}

function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return chinaDay(v);
  if (typeof v === 'object') {
    const o = v as { result?: unknown; text?: unknown; richText?: { text: string }[] };
    if (o.richText) return o.richText.map((r) => r.text).join('');
    if (o.text !== undefined) return String(o.text);
    if (o.result !== undefined) return cellText(o.result);
    return '';
  }
  return String(v).trim();
}

/** Bytes in slices, so a parser takes them as a stream. */
function byteStream(buf: Buffer): Readable {
  const SLICE = 64 * 1024;
  let i = 0;
  return new Readable({
    read() {
      this.push(i < buf.length ? buf.subarray(i, (i += SLICE)) : null);
    },
  });
}

const blank = (cells: string[]) => !cells.some((c) => c && c.trim());

async function openCsv(buf: Buffer): Promise<RowSource> {
  const encoding = csvEncoding(buf);
  const parser = parse({ bom: true, relax_column_count: true, skip_empty_lines: false, trim: true });
  const input = byteStream(buf);
  if (encoding === 'gbk') input.pipe(iconv.decodeStream('gbk')).pipe(parser);
  else input.pipe(parser);
  const it = parser[Symbol.asyncIterator]() as AsyncIterator<string[]>;
  let n = 0;
  const next = async (): Promise<IteratorResult<string[]>> => {
    try {
      const r = await it.next();
      if (!r.done) {
        n++;
        if (encoding === 'gbk' && r.value.some((c) => c.includes('\uFFFD'))) throw new ImportFileError('无法识别文件编码（应为 UTF-8 或 GBK）', 'IMPORT.BAD_ENCODING');
      }
      return r;
    } catch (err) {
      if (err instanceof ImportFileError) throw err;
      throw new ImportFileError(`CSV 格式错误：${(err as Error).message.slice(0, 120)}`, 'IMPORT.BAD_FORMAT');
    }
  };
  const first = await next();
  const header = first.done ? [] : first.value.map((h) => h.trim());
  const rows: AsyncIterator<FileRow> = {
    async next() {
      for (;;) {
        const r = await next();
        if (r.done) return { done: true, value: undefined };
        if (!blank(r.value)) return { done: false, value: { n, cells: r.value } };
      }
    },
  };
  return { header, format: 'csv', encoding, rows, close: () => input.destroy() };
}

async function openXlsx(buf: Buffer): Promise<RowSource> {
  const ExcelJS = require('exceljs');
  const input = byteStream(buf);
  // Streaming reader: rows are parsed as the sheet's XML is inflated, never the whole workbook at once.
  // Styles are read so that date cells come as dates.
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(input, { sharedStrings: 'cache', hyperlinks: 'ignore', styles: 'cache', worksheets: 'emit', entries: 'ignore' });
  const bad = () => new ImportFileError('Excel 文件已损坏或不是 XLSX 格式', 'IMPORT.BAD_FORMAT');
  let sheets: AsyncIterator<any>;
  let sheetRows: AsyncIterator<any>;
  try {
    sheets = reader[Symbol.asyncIterator]();
    const sheet = await sheets.next();
    if (sheet.done) throw new ImportFileError('Excel 文件没有工作表', 'IMPORT.EMPTY');
    sheetRows = sheet.value[Symbol.asyncIterator]();
  } catch (err) {
    input.destroy();
    throw err instanceof ImportFileError ? err : bad();
  }
  const next = async (): Promise<FileRow | null> => {
    try {
      const r = await sheetRows.next();
      if (r.done) return null;
      return { n: r.value.number, cells: (r.value.values as unknown[]).slice(1).map(cellText) };
    } catch {
      throw bad();
    }
  };
  const first = await next();
  // The header is the sheet's first row; a sheet whose first row is blank has no header.
  let pending: FileRow | null = first;
  let header: string[] = [];
  if (first && first.n === 1) {
    header = first.cells.map((h) => h.trim());
    pending = null;
  }
  const rows: AsyncIterator<FileRow> = {
    async next() {
      for (;;) {
        const r = pending ?? (await next());
        pending = null;
        if (!r) return { done: true, value: undefined };
        if (!blank(r.cells)) return { done: false, value: r };
      }
    },
  };
  return { header, format: 'xlsx', encoding: null, rows, close: () => input.destroy() };
}

/** Opens a CSV or XLSX file (first worksheet of a workbook) for reading row by row. */
export async function openTable(buf: Buffer): Promise<RowSource> {
  return isZip(buf) ? openXlsx(buf) : openCsv(buf);
}

/** Reads a whole (small) file into a table: header and data rows. */
export async function readTable(buf: Buffer): Promise<Table> {
  const src = await openTable(buf);
  const rows: string[][] = [];
  for (let r = await src.rows.next(); !r.done; r = await src.rows.next()) rows.push(r.value.cells);
  return { header: src.header, rows, format: src.format, encoding: src.encoding };
}

/** Maps header cells to column keys (English keys or the bank systems' Chinese names). */
export function mapHeader(kind: ImportKind, header: string[]): Map<string, number> {
  const known = new Set(IMPORT_COLUMNS[kind].map((c) => c.key));
  const out = new Map<string, number>();
  const unknown: string[] = [];
  header.forEach((h, i) => {
    const key = IMPORT_HEADER_ALIASES[h] ?? (known.has(h) ? h : null);
    if (!h) return;
    if (!key || !known.has(key)) unknown.push(h);
    else if (out.has(key)) throw new ImportFileError(`列「${h}」重复`, 'IMPORT.DUPLICATE_COLUMN');
    else out.set(key, i);
  });
  const missing = IMPORT_COLUMNS[kind].filter((c) => c.required && !out.has(c.key)).map((c) => c.key);
  if (missing.length) {
    throw new ImportFileError(`缺少必需的列：${missing.join('、')}${unknown.length ? `；无法识别的列：${unknown.slice(0, 10).join('、')}` : ''}`, 'IMPORT.WRONG_COLUMNS');
  }
  if (!['acquiringNo', 'licenceCode', 'mobile'].some((k) => out.has(k))) {
    throw new ImportFileError('至少需要一列商户标识：收单商户号（acquiringNo）、统一社会信用代码（licenceCode）或经营者手机号（mobile）', 'IMPORT.WRONG_COLUMNS');
  }
  return out;
}

/** A validated row, before matching to a merchant. */
export interface ParsedRow {
  row: number;
  keys: { acquiringNo?: string; licenceCode?: string; mobile?: string };
  count?: number;
  amountFen?: number;
  deviceStatus?: 'bound' | 'unbound' | null;
  lastTxnDay?: string | null;
  grantedFen?: number;
  grantedAt?: string | null;
  drawnFen?: number;
  balanceFen?: number;
}

/** Yuan with at most two decimals (thousands separators allowed) → integer fen. */
export function yuanToFen(text: string): number | null {
  const t = text.replace(/[,，\s¥￥]/g, '');
  if (!/^\d{1,13}(\.\d{1,2})?$/.test(t)) return null;
  const [int, dec = ''] = t.split('.');
  return Number(int) * 100 + Number((dec + '00').slice(0, 2));
}

const DEVICE: Record<string, 'bound' | 'unbound'> = { bound: 'bound', unbound: 'unbound', 绑定: 'bound', 已绑定: 'bound', 正常: 'bound', 解绑: 'unbound', 已解绑: 'unbound' };

function normaliseDay(text: string): string | null {
  const t = text.replace(/\//g, '-').replace(/^(\d{4})(\d{2})(\d{2})$/, '$1-$2-$3');
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(t);
  if (!m) return null;
  const d = `${m[1]}-${m[2].padStart(2, '0')}-${m[3].padStart(2, '0')}`;
  return isDayKey(d) ? d : null;
}

/** Validates one data row; returns the parsed row or the errors naming its columns. */
export function parseRow(kind: ImportKind, period: string, cols: Map<string, number>, cells: string[], rowNumber: number): { row: ParsedRow | null; errors: RowError[] } {
  const errors: RowError[] = [];
  const get = (k: string) => {
    const i = cols.get(k);
    return i === undefined ? '' : (cells[i] ?? '').trim();
  };
  const keys: ParsedRow['keys'] = {};
  const acq = get('acquiringNo');
  const lic = get('licenceCode').toUpperCase();
  const mob = get('mobile').replace(/[\s-]/g, '').replace(/^(\+?86|0086)/, '');
  if (acq) {
    if (!/^[0-9A-Za-z]{6,32}$/.test(acq)) errors.push({ row: rowNumber, column: 'acquiringNo', reason: '收单商户号格式无效' });
    else keys.acquiringNo = acq;
  }
  if (lic) {
    if (!/^[0-9A-Z]{18}$/.test(lic)) errors.push({ row: rowNumber, column: 'licenceCode', reason: '统一社会信用代码应为 18 位' });
    else keys.licenceCode = lic;
  }
  if (mob) {
    if (!/^1[3-9]\d{9}$/.test(mob)) errors.push({ row: rowNumber, column: 'mobile', reason: '手机号格式无效' });
    else keys.mobile = mob;
  }
  if (!acq && !lic && !mob) errors.push({ row: rowNumber, column: 'acquiringNo', reason: '缺少商户标识（收单商户号、统一社会信用代码或手机号）' });
  const row: ParsedRow = { row: rowNumber, keys };
  const money = (col: string, required: boolean): number | undefined => {
    const v = get(col);
    if (!v) {
      if (required) errors.push({ row: rowNumber, column: col, reason: '不能为空' });
      return undefined;
    }
    const fen = yuanToFen(v);
    if (fen === null) errors.push({ row: rowNumber, column: col, reason: '应为不小于 0 的金额（元，最多两位小数）' });
    return fen ?? undefined;
  };
  const lastOfPeriod = monthEnd(period);
  if (kind === 'transactions') {
    const c = get('count');
    if (!/^\d{1,9}$/.test(c.replace(/,/g, ''))) errors.push({ row: rowNumber, column: 'count', reason: '交易笔数应为不小于 0 的整数' });
    else row.count = Number(c.replace(/,/g, ''));
    row.amountFen = money('amount', true);
    const ds = get('deviceStatus');
    if (ds) {
      if (!DEVICE[ds]) errors.push({ row: rowNumber, column: 'deviceStatus', reason: '设备状态应为 bound/unbound（绑定/解绑）' });
      else row.deviceStatus = DEVICE[ds];
    }
    const ld = get('lastTxnDay');
    if (ld) {
      const d = normaliseDay(ld);
      if (!d) errors.push({ row: rowNumber, column: 'lastTxnDay', reason: '日期无效（YYYY-MM-DD）' });
      else if (d > lastOfPeriod) errors.push({ row: rowNumber, column: 'lastTxnDay', reason: `不能晚于 ${lastOfPeriod}` });
      else row.lastTxnDay = d;
    }
    if (row.count === 0 && (row.amountFen ?? 0) > 0) errors.push({ row: rowNumber, column: 'amount', reason: '交易笔数为 0 时金额应为 0' });
  } else if (kind === 'credit') {
    row.grantedFen = money('grantedAmount', true);
    row.drawnFen = money('drawnAmount', true);
    const ga = get('grantedAt');
    if (ga) {
      const d = normaliseDay(ga);
      if (!d) errors.push({ row: rowNumber, column: 'grantedAt', reason: '日期无效（YYYY-MM-DD）' });
      else if (d > lastOfPeriod) errors.push({ row: rowNumber, column: 'grantedAt', reason: `不能晚于 ${lastOfPeriod}` });
      else row.grantedAt = d;
    }
    if (row.grantedFen !== undefined && row.drawnFen !== undefined && row.drawnFen > row.grantedFen) errors.push({ row: rowNumber, column: 'drawnAmount', reason: '用信余额不能超过授信金额' });
  } else {
    row.balanceFen = money('balance', true);
  }
  return { row: errors.length ? null : row, errors };
}

/** The error report as CSV (UTF-8 with BOM so Excel opens Chinese text correctly): row, column, reason. */
export function errorReportCsv(errors: RowError[]): Buffer {
  const esc = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const lines = ['行号,列,原因', ...errors.map((e) => `${e.row},${esc(e.column)},${esc(e.reason)}`)];
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(lines.join('\r\n') + '\r\n', 'utf8')]);
}
