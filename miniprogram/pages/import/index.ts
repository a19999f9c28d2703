import { continueImport, discardImport, fetchImports, startImport, type ImportJob, type ImportKind, type ImportMode } from '../../api/import.api';
import { uploadFile } from '../../api/transport';
import { ServiceError, describeError } from '../../utils/errors';
import { count, newId, shortTime } from '../../utils/format';
import { IMPORT_KIND_LABELS } from '../../utils/labels';
import { ensurePrivacy, PrivacyRefused } from '../../utils/privacy';
import { safeSetData } from '../../utils/set-data';
import { definePage } from '../../utils/page';
import { jobPolling } from '../../behaviors/job-polling';
import { loadsWhenAttached } from '../../behaviors/loadable';
import { chinaDay, previousMonth, storagePath } from '../../vendor/shared';
import { textScale } from '../../behaviors/text-scale';

const STATUS: Record<string, [string, string]> = { running: ['导入中', 'warn'], 'awaiting-choice': ['待选择导入方式', 'warn'], done: ['已完成', 'ok'], failed: ['失败', 'danger'], discarded: ['已放弃', 'muted'] };
const EXTENSIONS = ['csv', 'xlsx'];

/** The month an import defaults to (shared/domain/period.rules, as the console's import screen). */
export { previousMonth };

/** A job as the list shows it: what it imported, how far it got, and what it did. */
export function toImportRow(j: ImportJob) {
  const [statusLabel, tone] = STATUS[j.status] ?? [j.status, 'muted'];
  const progress = j.total ? Math.round((j.done / j.total) * 100) : 0;
  const parts = j.status === 'done' ? [`导入 ${count(j.applied)} 行`, j.rejected ? `有误 ${count(j.rejected)} 行` : '', j.replaced ? `替换 ${count(j.replaced)} 行` : '', j.removed ? `移除 ${count(j.removed)} 行` : '', j.kept ? `保留 ${count(j.kept)} 行` : ''] : [];
  const waiting = j.status === 'awaiting-choice';
  return {
    id: j.id,
    title: `${IMPORT_KIND_LABELS[j.kind] ?? j.kind} ${j.period}`,
    when: shortTime(j.createdAt),
    status: j.status,
    statusLabel: j.status === 'running' && j.total ? `${statusLabel} ${progress}%` : statusLabel,
    tone,
    progress,
    summary: parts.filter(Boolean).join('，'),
    error: j.status === 'failed' ? j.error ?? '导入失败，未写入任何数据，请重试。' : '',
    reportUrl: j.errorReportUrl ?? '',
    kind: j.kind,
    period: j.period,
    fileId: j.fileId,
    // The choice, and what each option does, in the numbers of this file and this month.
    choice: waiting
      ? {
          what: `文件含 ${count(j.fileMerchants)} 户，本月现有数据 ${count(j.activeMerchants)} 户，其中 ${count(j.missingFromFile)} 户不在文件中。`,
          replace: `整体替换：以文件为本月全部数据，文件中没有的 ${count(j.missingFromFile)} 户本月数据将被清除。`,
          merge: `合并：文件中的商户更新为文件数据，其余 ${count(j.missingFromFile)} 户保留原数据。`,
        }
      : null,
  };
}

/** Data import (head office): a CSV or XLSX file of transactions, credit or deposits for one month. */
definePage<{ _pendingJobId?: string }>()({
  behaviors: [textScale, jobPolling, loadsWhenAttached],
  data: {
    kinds: (['transactions', 'credit', 'deposits'] as ImportKind[]).map((value) => ({ value, label: IMPORT_KIND_LABELS[value] })),
    kind: 'transactions' as ImportKind, month: previousMonth(chinaDay()), file: null as { name: string; path: string } | null,
    importing: false, error: '', status: 'loading', listError: '', jobs: [] as ReturnType<typeof toImportRow>[],
  },
  methods: {
    load() {
      return this.runLoad(async () => {
        const { items } = await fetchImports();
        await safeSetData(this, { jobs: items.map(toImportRow), status: items.length ? 'ready' : 'empty' });
      }, {}, 'listError');
    },
    onKind(e: WechatMiniprogram.TouchEvent) {
      this.setData({ kind: e.currentTarget.dataset.value as ImportKind });
    },
    onMonth(e: WechatMiniprogram.PickerChange) {
      this.setData({ month: String(e.detail.value) });
    },
    async onChoose() {
      // Choosing a chat file is a privacy interface: the user agrees to the guide first.
      try {
        await ensurePrivacy();
      } catch (err) {
        return this.setData({ error: err instanceof PrivacyRefused ? err.message : describeError(err) });
      }
      wx.chooseMessageFile({
        count: 1,
        type: 'file',
        extension: EXTENSIONS,
        success: (res) => {
          const f = res.tempFiles[0];
          this._pendingJobId = undefined;
          this.setData({ file: { name: f.name, path: f.path }, error: '' });
        },
        // Cancelling the picker is not an error.
        fail: () => undefined,
      });
    },
    async onStart() {
      if (this.data.importing) return;
      const file = this.data.file;
      if (!file) return this.setData({ error: '请先从聊天中选择 CSV 或 Excel 文件' });
      this.setData({ importing: true, error: '' });
      // One job id per chosen file and month: a retried request answers with the same job.
      const jobId = this._pendingJobId ?? (this._pendingJobId = newId());
      try {
        const ext = file.name.split('.').pop()!.toLowerCase();
        // The file goes into the job's own folder, under a name of its own (the job's record holds it).
        const fileId = await uploadFile(file.path, storagePath('imports', jobId, ext, newId()));
        const running = toImportRow({ id: jobId, kind: this.data.kind, period: this.data.month, fileId, status: 'running', phase: 'stage', mode: null, fileMerchants: 0, activeMerchants: 0, missingFromFile: 0, total: 0, done: 0, applied: 0, rejected: 0, replaced: 0, removed: 0, kept: 0, errorReportFileId: null, errorReportUrl: null, error: null, createdAt: new Date().toISOString(), finishedAt: null });
        await safeSetData(this, { jobs: [running, ...this.data.jobs.filter((j) => j.id !== jobId)], status: 'ready' });
        this.pollProgress(jobId);
        const job = await startImport({ jobId, kind: this.data.kind, period: this.data.month, fileId });
        this.stopPolling();
        this._pendingJobId = undefined;
        await safeSetData(this, { jobs: [toImportRow(job), ...this.data.jobs.filter((j) => j.id !== jobId)], file: null });
        // A large file goes on in steps: the page keeps the job moving while it is open.
        if (job.status === 'running') this.pollProgress(jobId);
      } catch (err) {
        if (err instanceof ServiceError && err.code === 'NETWORK' && this.data.jobs.some((j) => j.id === jobId)) {
          // A large file outlasts the request: the import goes on in the function, and its row keeps being polled.
          this.setData({ error: '连接中断或等待超时：导入仍在后台进行，下方记录会自动更新。' });
        } else {
          this.stopPolling();
          this.setData({ error: describeError(err) });
          void this.load();
        }
      } finally {
        this.setData({ importing: false });
      }
    },
    /**
     * While the import runs, the page asks the function to go on with it (each call runs its next steps
     * and answers its progress), until it has finished or waits for a choice.
     */
    pollProgress(jobId: string, misses = 0) {
      this.pollAfter(async () => {
        try {
          const fresh = toImportRow(await continueImport(jobId));
          const i = this.data.jobs.findIndex((j) => j.id === jobId);
          if (i >= 0 && this.data.jobs[i].status === 'running') this.setData({ [`jobs[${i}]`]: fresh });
          if (fresh.status !== 'running') {
            if (!this.data.importing && fresh.status === 'done') this.setData({ file: null, error: '' });
            return;
          }
          this.pollProgress(jobId);
        } catch {
          // Not written yet, or a dropped answer: keep asking for a while.
          if (misses < 40) this.pollProgress(jobId, misses + 1);
        }
      });
    },
    /** Head office's answer to a file covering far fewer merchants: replace the month, or merge into it. */
    async onChooseMode(e: WechatMiniprogram.TouchEvent) {
      const { id, mode } = e.currentTarget.dataset as { id: string; mode: ImportMode | 'discard' };
      const row = this.data.jobs.find((j) => j.id === id);
      if (!row || this.data.importing) return;
      this.setData({ importing: true, error: '' });
      try {
        const job = mode === 'discard' ? await discardImport(id) : await startImport({ jobId: id, kind: row.kind, period: row.period, fileId: row.fileId, mode });
        const i = this.data.jobs.findIndex((j) => j.id === id);
        await safeSetData(this, { [`jobs[${i}]`]: toImportRow(job) });
        if (job.status === 'running') this.pollProgress(id);
      } catch (err) {
        this.setData({ error: describeError(err) });
      } finally {
        this.setData({ importing: false });
      }
    },
    onCopyReport(e: WechatMiniprogram.TouchEvent) {
      const job = this.data.jobs.find((j) => j.id === e.currentTarget.dataset.id);
      if (!job?.reportUrl) return;
      // A CSV does not open inside WeChat: the link is copied for a browser or a computer.
      wx.setClipboardData({ data: job.reportUrl });
    },
  },
});
