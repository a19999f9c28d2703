import { fetchExportJob, fetchExportLink, startExport, type ExportJob } from '../../api/export.api';
import { describeError } from '../../utils/errors';
import { newId, shortTime } from '../../utils/format';
import { chinaDay } from '../../vendor/shared';
import { safeSetData } from '../../utils/set-data';
import { bankDayOf, requireMe } from '../../utils/session';
import { definePage } from '../../utils/page';
import { jobPolling } from '../../behaviors/job-polling';
import { loadsWhenAttached } from '../../behaviors/loadable';
import { textScale } from '../../behaviors/text-scale';

const STATUS: Record<string, [string, string]> = { running: ['生成中', 'warn'], done: ['已完成', 'ok'], failed: ['失败', 'danger'] };
/** The device remembers the last exports it asked for (the export function answers one job at a time). */
const JOBS_KEY = 'grid.exportJobs';
const KEEP_JOBS = 10;

interface StoredJob {
  id: string;
  period: string;
}

/** A job as the list shows it. */
export function toJobRow(j: ExportJob, period: string) {
  const [statusLabel, tone] = STATUS[j.status] ?? [j.status, 'muted'];
  // The function answers the share done (0..1); the bar and the label show per cent.
  const percent = Math.round(Math.min(1, Math.max(0, j.progress)) * 100);
  return {
    id: j.id,
    title: `网格报表 ${period}`,
    when: shortTime(j.createdAt),
    status: j.status,
    statusLabel: j.status === 'running' ? `${statusLabel} ${percent}%` : statusLabel,
    tone,
    progress: percent,
    /** merchants listed so far, while the merchant list is written */
    detail: j.status === 'running' && j.total ? `商户清单 ${j.done.toLocaleString('en-US')} / ${j.total.toLocaleString('en-US')} 户` : '',
    fileId: j.fileId ?? '',
    url: j.url ?? '',
    error: j.status === 'failed' ? j.error ?? '生成失败，请重新导出。' : '',
  };
}

function storedJobs(): StoredJob[] {
  return (wx.getStorageSync(JOBS_KEY) as StoredJob[] | '') || [];
}

/** Export (head office, branch): request an XLSX grid report, watch its progress, open the file. */
definePage<{ _pendingJobId?: string }>()({
  behaviors: [textScale, jobPolling, loadsWhenAttached],
  data: { month: chinaDay().slice(0, 7), lastMonth: chinaDay().slice(0, 7), requesting: false, error: '', status: 'loading', listError: '', jobs: [] as ReturnType<typeof toJobRow>[] },
  methods: {
    load() {
      return this.runLoad(async () => {
        // The bank's records end on its day (a demo bank's is in the past): the month opens there and goes no later.
        const lastMonth = (await requireMe().then(bankDayOf, () => chinaDay())).slice(0, 7);
        if (lastMonth !== this.data.lastMonth) await safeSetData(this, { month: lastMonth, lastMonth });
        const stored = storedJobs();
        const jobs = await Promise.all(stored.map(async (s) => toJobRow(await fetchExportJob(s.id), s.period)));
        await safeSetData(this, { jobs, status: jobs.length ? 'ready' : 'empty' });
        this.pollRunning();
      }, {}, 'listError');
    },
    onMonth(e: WechatMiniprogram.PickerChange) {
      this.setData({ month: String(e.detail.value) });
    },
    async onRequest() {
      if (this.data.requesting) return;
      this.setData({ requesting: true, error: '' });
      // The job id is made here and kept: a retried request cannot start a second export.
      const jobId = this._pendingJobId ?? (this._pendingJobId = newId());
      try {
        const job = await startExport({ jobId, period: this.data.month });
        this._pendingJobId = undefined;
        wx.setStorageSync(JOBS_KEY, [{ id: job.id, period: this.data.month }, ...storedJobs().filter((s) => s.id !== job.id)].slice(0, KEEP_JOBS));
        await safeSetData(this, { jobs: [toJobRow(job, this.data.month), ...this.data.jobs.filter((j) => j.id !== job.id)], status: 'ready' });
        this.pollRunning();
      } catch (err) {
        this.setData({ error: describeError(err) });
      } finally {
        this.setData({ requesting: false });
      }
    },
    pollRunning() {
      this.stopPolling();
      if (!this.data.jobs.some((j) => j.status === 'running')) return;
      this.pollAfter(async () => {
        for (let i = 0; i < this.data.jobs.length; i++) {
          const j = this.data.jobs[i];
          if (j.status !== 'running') continue;
          try {
            const fresh = await fetchExportJob(j.id);
            this.setData({ [`jobs[${i}]`]: { ...toJobRow(fresh, ''), title: j.title } });
          } catch {
            // Keep polling: a dropped answer is not a failed export.
          }
        }
        this.pollRunning();
      });
    },
    async onOpen(e: WechatMiniprogram.TouchEvent) {
      const job = this.data.jobs.find((j) => j.id === e.currentTarget.dataset.id);
      if (!job) return;
      try {
        const url = await fetchExportLink({ id: job.id, url: job.url || null });
        const file = await new Promise<string>((resolve, reject) =>
          wx.downloadFile({ url, success: (r) => resolve(r.tempFilePath), fail: (er) => reject(new Error(er.errMsg)) }),
        );
        wx.openDocument({ filePath: file, fileType: 'xlsx', showMenu: true });
      } catch (err) {
        this.setData({ error: err instanceof Error && !('code' in err) ? '文件下载失败，请检查网络后重试。' : describeError(err) });
      }
    },
  },
});
