/**
 * Exports: the grid report (网格报表, XLSX) of the person's unit for a month, made by the `export`
 * function's job, its progress followed with `export.get`, the person's export history (`export.list`)
 * and each file's download (a short-lived link the function signs).
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { Alert, Button, Progress, Tag } from 'tdesign-react';
import { errorText, fetchExport, fetchExports, newId, startExport, type ExportJobView } from '../api';
import { count, shortTime } from '../format';
import { useMe } from '../session';

const STATUS: Record<string, [string, 'primary' | 'success' | 'danger']> = { running: ['生成中', 'primary'], done: ['已完成', 'success'], failed: ['失败', 'danger'] };

export default function Export() {
  const me = useMe();
  const [month, setMonth] = useState(me.bankDay.slice(0, 7));
  const [jobs, setJobs] = useState<ExportJobView[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const pending = useRef<string | null>(null);
  const live = useRef(true);
  useEffect(() => () => void (live.current = false), []);

  const put = useCallback((job: ExportJobView) => setJobs((list) => [job, ...list.filter((j) => j.id !== job.id)].sort((a, b) => b.createdAt.localeCompare(a.createdAt))), []);

  const follow = useCallback(
    async (jobId: string) => {
      while (live.current) {
        await new Promise((r) => setTimeout(r, 1000));
        try {
          const job = await fetchExport(jobId);
          put(job);
          if (job.status !== 'running') return;
        } catch {
          // A dropped answer is not a failed export: ask again.
        }
      }
    },
    [put],
  );

  useEffect(() => {
    fetchExports(20).then(
      (r) => {
        if (!live.current) return;
        setJobs(r.items);
        r.items.filter((j) => j.status === 'running').forEach((j) => void follow(j.id));
      },
      (err) => live.current && setError(errorText(err)),
    );
  }, [follow]);

  const request = async () => {
    if (busy) return;
    setBusy(true);
    setError('');
    // The id is kept until the function answers: a retried request cannot start a second export.
    const jobId = (pending.current ??= newId());
    try {
      const job = await startExport({ jobId, period: month });
      pending.current = null;
      put(job);
      if (job.status === 'running') void follow(job.id);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="c-export">
      <div className="c-toolbar">
        <label>
          报表月份 <input type="month" value={month} max={me.bankDay.slice(0, 7)} onChange={(e) => e.target.value && setMonth(e.target.value)} aria-label="报表月份" />
        </label>
        <Button onClick={() => void request()} loading={busy}>
          导出网格报表
        </Button>
        <span className="c-muted">{me.unit?.name ?? ''} 的网格报表（Excel），含单位汇总、网格指标、员工工作量、商户清单与生命周期名单</span>
      </div>
      {error ? <Alert theme="error" message={error} /> : null}
      <h2 className="c-h2">导出记录</h2>
      {jobs.length === 0 ? <div className="c-muted">还没有导出记录</div> : null}
      <div className="c-jobs">
        {jobs.map((j) => {
          const [label, theme] = STATUS[j.status] ?? [j.status, 'primary'];
          return (
            <div key={j.id} className="c-job" data-job={j.id}>
              <div className="c-job-line">
                <b>网格报表 {j.period}</b>
                <Tag theme={theme} variant="light">
                  {label}
                </Tag>
                <span className="c-muted">{shortTime(j.createdAt)}</span>
                {j.status === 'running' ? (
                  <span className="c-progress">
                    <Progress percentage={Math.round(j.progress * 100)} theme="line" style={{ width: 200 }} />
                    {j.total ? `商户清单 ${count(j.done)} / ${count(j.total)} 户` : ''}
                  </span>
                ) : null}
                {j.status === 'done' && j.url ? (
                  <a className="c-download" href={j.url} download={`网格报表-${j.period}.xlsx`}>
                    下载
                  </a>
                ) : null}
                {j.status === 'done' ? <span className="c-muted">{Object.entries(j.rows).map(([k, v]) => `${k} ${count(v)} 行`).join(' · ')}</span> : null}
              </div>
              {j.error ? <div className="c-error">{j.error}</div> : null}
            </div>
          );
        })}
      </div>
    </div>
  );
}
