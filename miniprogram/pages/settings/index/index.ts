import { type ReclassifyJob, fetchReclassifyJob, fetchSettings, saveSettings, startReclassify } from '../../../api/lifecycle.api';
import { jobPolling } from '../../../behaviors/job-polling';
import { loadsWhenAttached } from '../../../behaviors/loadable';
import { describeError, fieldErrors } from '../../../utils/errors';
import { definePage } from '../../../utils/page';
import { INDICATOR_LABELS } from '../../../utils/labels';
import { newId } from '../../../utils/format';
import { textScale } from '../../../behaviors/text-scale';


/** A reclassification job as the card shows it. */
export function toReclassifyRow(j: ReclassifyJob) {
  const percent = Math.round(Math.min(1, Math.max(0, j.progress.share)) * 100);
  const total = j.progress.total ?? 0;
  return {
    id: j.id,
    status: j.status,
    percent,
    label:
      j.status === 'running'
        ? `重算中 ${percent}%（${j.progress.done.toLocaleString('en-US')} / ${total.toLocaleString('en-US')} 户）`
        : j.status === 'done'
          ? `已完成：检查 ${j.checked.toLocaleString('en-US')} 户，调整 ${j.changed.toLocaleString('en-US')} 户，新开任务 ${j.tasksOpened.toLocaleString('en-US')} 个`
          : j.error ?? '重算失败，请重新发起',
  };
}

/** The head-office settings form: each field's dotted key in the settings document, label and unit. */
export const SETTING_GROUPS = [
  {
    title: '生命周期阈值',
    fields: [
      { key: 'lifecycle.qualifiedMinTxnCount', label: '达标：月交易笔数 ≥', unit: '笔', scale: 1 },
      { key: 'lifecycle.qualifiedMinAmountFen', label: '达标：或月交易额 ≥', unit: '元', scale: 100 },
      { key: 'lifecycle.premiumMinAmountFen', label: '优质：月交易额 ≥', unit: '元', scale: 100 },
      { key: 'lifecycle.premiumMinOurProducts', label: '优质：或本行产品数 ≥', unit: '个', scale: 1 },
      { key: 'lifecycle.abnormalDropRatio', label: '异动：较近 3 月均值下降 ≥', unit: '0–1', scale: 1 },
      { key: 'lifecycle.abnormalIdleDays', label: '异动：无交易天数 ≥', unit: '天', scale: 1 },
      { key: 'lifecycle.lostIdleDays', label: '流失：无交易天数 ≥', unit: '天', scale: 1 },
    ],
  },
  {
    title: '走访与任务',
    fields: [
      { key: 'visitRadiusM', label: '走访距离超过则标记异常', unit: '米', scale: 1 },
      { key: 'followUpDueDays', label: '必查整改任务期限', unit: '天', scale: 1 },
      { key: 'abnormalVisitDueDays', label: '异动走访任务期限', unit: '天', scale: 1 },
      { key: 'winBackDueDays', label: '流失挽回任务期限', unit: '天', scale: 1 },
      { key: 'marketingDueDays', label: '去营销任务期限', unit: '天', scale: 1 },
    ],
  },
];

/** Data keys can't hold dots (setData reads them as paths). */
function flat(key: string): string {
  return key.replace(/\./g, '_');
}

function get(obj: object, path: string): unknown {
  return path.split('.').reduce<any>((o, k) => (o == null ? undefined : o[k]), obj);
}

/** Settings (head office): thresholds, radius and due days; links to staff and grids. */
definePage<{ _pendingJobId?: string }>()({
  behaviors: [textScale, loadsWhenAttached, jobPolling],
  data: {
    groups: [] as { title: string; fields: ((typeof SETTING_GROUPS)[number]['fields'][number] & { flatKey: string; value: string })[] }[], values: {} as Record<string, string>, errors: {} as Record<string, string>, saving: false, saveError: '', saved: false,
    /** the indicators of the targets (考核指标), in the order of the list */
    indicators: [] as { code: string; label: string; on: boolean }[], indicatorsError: '',
    /** the reclassification started from this page, with its progress */
    reclassify: null as ReturnType<typeof toReclassifyRow> | null, reclassifyError: '', starting: false,
  },
  methods: {
    load() {
      return this.runLoad(async () => {
        const { settings: s, assessedIndicators } = await fetchSettings();
        // Every indicator, in the order of the shared list, marked when head office assesses it.
        const indicators = Object.entries(INDICATOR_LABELS).map(([code, label]) => ({ code, label, on: (assessedIndicators as string[]).includes(code) }));
        const values: Record<string, string> = {};
        const groups = SETTING_GROUPS.map((g) => ({
          title: g.title,
          fields: g.fields.map((f) => {
            const v = get(s, f.key);
            values[flat(f.key)] = typeof v === 'number' ? String(v / f.scale) : '';
            return { ...f, flatKey: flat(f.key), value: values[flat(f.key)] };
          }),
        }));
        this.setData({ status: 'ready', groups, values, indicators });
      });
    },
    onInput(e: WechatMiniprogram.Input) {
      this.setData({ [`values.${flat(String(e.currentTarget.dataset.key))}`]: e.detail.value, saved: false });
    },
    onIndicator(e: WechatMiniprogram.TouchEvent) {
      const i = Number(e.currentTarget.dataset.index);
      this.setData({ [`indicators[${i}].on`]: !this.data.indicators[i].on, indicatorsError: '', saved: false });
    },
    async onSave() {
      if (this.data.saving) return;
      const assessed = this.data.indicators.filter((x) => x.on).map((x) => x.code);
      if (!assessed.length) return this.setData({ indicatorsError: '至少选择一个考核指标', saveError: '请更正标红的设置。' });
      const patch: Record<string, any> = {};
      const errors: Record<string, string> = {};
      for (const g of SETTING_GROUPS) {
        for (const f of g.fields) {
          const raw = this.data.values[flat(f.key)];
          if (raw === '' || raw === undefined) continue;
          const n = Number(raw) * f.scale;
          if (!Number.isFinite(n) || n < 0) errors[flat(f.key)] = `“${f.label}”需要不小于 0 的数字`;
          const parts = f.key.split('.');
          if (parts.length === 2) (patch[parts[0]] ??= {})[parts[1]] = Math.round(n * 1e6) / 1e6;
          else patch[parts[0]] = n;
        }
      }
      if (Object.keys(errors).length) return this.setData({ errors, saveError: '请更正标红的设置。' });
      this.setData({ saving: true, saveError: '', errors: {} });
      try {
        await saveSettings(patch, assessed);
        this.setData({ saved: true });
      } catch (err) {
        const errs = fieldErrors(err);
        this.setData({ saveError: describeError(err), errors: Object.fromEntries(Object.entries(errs).map(([k, v]) => [flat(k.replace(/^patch\./, '')), v])) });
      } finally {
        this.setData({ saving: false });
      }
    },
    /** Reclassifies every merchant now (a job on the server); the page polls its progress until it ends. */
    async onReclassify() {
      if (this.data.starting || this.data.reclassify?.status === 'running') return;
      this.setData({ starting: true, reclassifyError: '' });
      // The job id is made here and kept until answered: a retried tap cannot start a second job.
      const jobId = this._pendingJobId ?? (this._pendingJobId = newId());
      try {
        const job = await startReclassify(jobId);
        this._pendingJobId = undefined;
        this.setData({ reclassify: toReclassifyRow(job) });
        this.pollReclassify();
      } catch (err) {
        this.setData({ reclassifyError: describeError(err) });
      } finally {
        this.setData({ starting: false });
      }
    },
    pollReclassify() {
      this.stopPolling();
      const job = this.data.reclassify;
      if (!job || job.status !== 'running') return;
      this.pollAfter(async () => {
        try {
          this.setData({ reclassify: toReclassifyRow(await fetchReclassifyJob(job.id)) });
        } catch {
          // Keep polling: a dropped answer is not a failed job.
        }
        this.pollReclassify();
      });
    },
    onStaff() {
      wx.navigateTo({ url: '/pages/settings/staff/index' });
    },
    onGrids() {
      wx.navigateTo({ url: '/pages/settings/grids/index' });
    },
    onImports() {
      wx.navigateTo({ url: '/pages/import/index' });
    },
  },
});
