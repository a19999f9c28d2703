/**
 * Imports (head office): a CSV or Excel file from the bank's systems dropped on the page (or chosen),
 * uploaded with progress, imported by the `import` function's job as the mini program does it (`start`
 * with a client-made job id, then `continue` while it runs), the replace-or-merge choice when the file
 * covers far fewer merchants, and the error report shown as a table.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { Alert, Button, Progress, Radio, Table, Tag } from 'tdesign-react';
import type { ImportKind, ImportMode } from '../../../shared/contracts/import.contract';
import { IMPORT_KIND_LABELS } from '../../../shared/domain/labels';
import { previousMonth } from '../../../shared/domain/period.rules';
import { storagePath } from '../../../shared/domain/storage-path.rules';
import { continueImport, discardImport, errorText, fetchImports, newId, startImport, uploadFile, type ImportJobView } from '../api';
import { count, shortTime } from '../format';
import { useMe } from '../session';

const EXTENSIONS = ['csv', 'xlsx', 'xls'];
/** The kinds, from their labels (the contract's list would bring its validator into the page). */
const KINDS = Object.keys(IMPORT_KIND_LABELS) as ImportKind[];
const STATUS: Record<string, [string, 'primary' | 'success' | 'danger' | 'warning' | 'default']> = {
  running: ['导入中', 'primary'],
  'awaiting-choice': ['待选择导入方式', 'warning'],
  done: ['已完成', 'success'],
  failed: ['失败', 'danger'],
  discarded: ['已放弃', 'default'],
};

interface ReportRow {
  key: string;
  row: string;
  column: string;
  reason: string;
}

/** The error report's CSV (行号,列,原因; UTF-8 with BOM) as rows. */
export function parseReport(text: string): ReportRow[] {
  const rows: string[][] = [];
  let field = '';
  let row: string[] = [];
  let quoted = false;
  const src = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < src.length; i++) {
    const ch = src[i];
    if (quoted) {
      if (ch === '"' && src[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && src[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field || row.length) rows.push([...row, field]);
  return rows.slice(1).filter((r) => r.length >= 3).map((r, i) => ({ key: String(i), row: r[0], column: r[1], reason: r[2] }));
}

function ErrorReport({ job }: { job: ImportJobView }) {
  const [rows, setRows] = useState<ReportRow[] | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    if (!job.errorReportUrl) return;
    let live = true;
    fetch(job.errorReportUrl)
      .then((r) => (r.ok ? r.text() : Promise.reject(new Error(`HTTP ${r.status}`))))
      .then((t) => live && setRows(parseReport(t)))
      .catch(() => live && setError('错误报告读取失败，请稍后重试。'));
    return () => {
      live = false;
    };
  }, [job.errorReportUrl]);
  if (error) return <Alert theme="error" message={error} />;
  if (!rows) return <div className="c-muted">正在读取错误报告…</div>;
  return (
    <div className="c-report" aria-label="错误报告">
      <div className="c-report-head">
        错误报告：{count(rows.length)} 处问题
        {job.errorReportUrl ? (
          <a href={job.errorReportUrl} download className="c-link">
            下载 CSV
          </a>
        ) : null}
      </div>
      <Table<ReportRow>
        rowKey="key"
        data={rows}
        size="small"
        bordered
        maxHeight={320}
        columns={[
          { colKey: 'row', title: '行号', width: 80 },
          { colKey: 'column', title: '列', width: 160 },
          { colKey: 'reason', title: '原因' },
        ]}
      />
    </div>
  );
}

export default function Import() {
  const me = useMe();
  const [kind, setKind] = useState<ImportKind>('transactions');
  const [month, setMonth] = useState(previousMonth(me.bankDay));
  const [file, setFile] = useState<File | null>(null);
  const [dragging, setDragging] = useState(false);
  const [uploadShare, setUploadShare] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [jobs, setJobs] = useState<ImportJobView[]>([]);
  const [openId, setOpenId] = useState<string | null>(null);
  const pending = useRef<string | null>(null);
  const live = useRef(true);
  useEffect(() => () => void (live.current = false), []);

  const put = useCallback((job: ImportJobView) => setJobs((list) => [job, ...list.filter((j) => j.id !== job.id)].sort((a, b) => b.createdAt.localeCompare(a.createdAt))), []);

  useEffect(() => {
    fetchImports(20).then((r) => live.current && setJobs(r.items), (err) => live.current && setError(errorText(err)));
  }, []);

  /** Keeps a running job moving while the screen is open: each `continue` runs its next steps. */
  const follow = useCallback(
    async (jobId: string) => {
      for (let misses = 0; live.current && misses < 40; ) {
        await new Promise((r) => setTimeout(r, 800));
        try {
          const job = await continueImport(jobId);
          put(job);
          if (job.status !== 'running') return job;
        } catch {
          misses++;
        }
      }
      return null;
    },
    [put],
  );

  const choose = (f: File | undefined) => {
    if (!f) return;
    const ext = f.name.split('.').pop()?.toLowerCase() ?? '';
    if (!EXTENSIONS.includes(ext)) return setError('请选择 CSV 或 Excel（.xlsx）文件');
    pending.current = null;
    setError('');
    setFile(f);
  };

  const start = async () => {
    if (!file || busy) return;
    setBusy(true);
    setError('');
    // One job id per chosen file and month: a retried start answers the same job.
    const jobId = (pending.current ??= newId());
    try {
      const ext = file.name.split('.').pop()!.toLowerCase();
      setUploadShare(0);
      const fileId = await uploadFile(file, storagePath('imports', jobId, ext, newId()), (s) => setUploadShare(s));
      setUploadShare(1);
      let job = await startImport({ jobId, kind, period: month, fileId });
      put(job);
      pending.current = null;
      setFile(null);
      if (job.status === 'running') job = (await follow(job.id)) ?? job;
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
      setUploadShare(null);
    }
  };

  const decide = async (job: ImportJobView, mode: ImportMode | 'discard') => {
    setBusy(true);
    setError('');
    try {
      const next = mode === 'discard' ? await discardImport(job.id) : await startImport({ jobId: job.id, kind: job.kind, period: job.period, fileId: job.fileId, mode });
      put(next);
      if (next.status === 'running') await follow(next.id);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const running = jobs.find((j) => j.status === 'running');
  return (
    <div className="c-import">
      <div className="c-toolbar">
        <Radio.Group value={kind} onChange={(v) => setKind(v as ImportKind)} variant="default-filled">
          {KINDS.map((k) => (
            <Radio.Button key={k} value={k}>
              {IMPORT_KIND_LABELS[k]}
            </Radio.Button>
          ))}
        </Radio.Group>
        <label>
          数据月份 <input type="month" value={month} onChange={(e) => e.target.value && setMonth(e.target.value)} aria-label="数据月份" />
        </label>
      </div>
      <label
        className={dragging ? 'c-drop on' : 'c-drop'}
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(e) => {
          e.preventDefault();
          setDragging(false);
          choose(e.dataTransfer.files[0]);
        }}
        data-testid="import-drop"
      >
        <input type="file" accept=".csv,.xlsx,.xls" hidden onChange={(e) => choose(e.target.files?.[0])} />
        {file ? (
          <span>
            已选择 <b>{file.name}</b>（{count(Math.ceil(file.size / 1024))} KB）
          </span>
        ) : (
          <span>把行内系统导出的 CSV 或 Excel 文件拖到这里，或点击选择文件</span>
        )}
      </label>
      <div className="c-toolbar">
        <Button onClick={() => void start()} disabled={!file || busy} loading={busy && uploadShare !== null}>
          开始导入
        </Button>
        {uploadShare !== null ? (
          <span className="c-progress">
            上传 <Progress percentage={Math.round(uploadShare * 100)} theme="line" style={{ width: 200 }} />
          </span>
        ) : null}
      </div>
      {error ? <Alert theme="error" message={error} /> : null}
      {running ? (
        <div className="c-progress" role="status">
          正在导入 {IMPORT_KIND_LABELS[running.kind]} {running.period}：{count(running.done)} / {count(running.total)} 行
          <Progress percentage={running.total ? Math.round((running.done / running.total) * 100) : 0} theme="line" style={{ width: 240 }} />
        </div>
      ) : null}
      <h2 className="c-h2">导入记录</h2>
      {jobs.length === 0 ? <div className="c-muted">还没有导入记录</div> : null}
      <div className="c-jobs">
        {jobs.map((j) => {
          const [label, theme] = STATUS[j.status] ?? [j.status, 'default'];
          return (
            <div key={j.id} className="c-job" data-job={j.id}>
              <div className="c-job-line">
                <b>
                  {IMPORT_KIND_LABELS[j.kind]} {j.period}
                </b>
                <Tag theme={theme} variant="light">
                  {label}
                </Tag>
                <span className="c-muted">{shortTime(j.createdAt)}</span>
                <span>
                  共 {count(j.total)} 行 · 导入 {count(j.applied)} · 有误 {count(j.rejected)}
                </span>
                {j.rejected > 0 && j.errorReportUrl ? (
                  <Button variant="text" theme="primary" onClick={() => setOpenId(openId === j.id ? null : j.id)}>
                    {openId === j.id ? '收起错误报告' : '查看错误报告'}
                  </Button>
                ) : null}
              </div>
              {j.error ? <div className="c-error">{j.error}</div> : null}
              {j.status === 'awaiting-choice' ? (
                <div className="c-choice">
                  文件只有 {count(j.fileMerchants)} 户，本月已有 {count(j.activeMerchants)} 户的数据（{count(j.missingFromFile)} 户不在文件中）。
                  <Button size="small" onClick={() => void decide(j, 'replace')} disabled={busy}>
                    整体替换
                  </Button>
                  <Button size="small" variant="outline" onClick={() => void decide(j, 'merge')} disabled={busy}>
                    合并
                  </Button>
                  <Button size="small" variant="text" onClick={() => void decide(j, 'discard')} disabled={busy}>
                    放弃
                  </Button>
                </div>
              ) : null}
              {openId === j.id && j.rejected > 0 ? <ErrorReport job={j} /> : null}
            </div>
          );
        })}
      </div>
    </div>
  );
}
