import { fetchTargets, saveTarget, type TargetsView } from '../../../api/metrics.api';
import { describeError, fieldErrors } from '../../../utils/errors';
import { count, money, percent } from '../../../utils/format';
import { chinaDay } from '../../../vendor/shared';
import { INDICATOR_LABELS } from '../../../utils/labels';
import { requireMe } from '../../../utils/session';
import { safeSetData } from '../../../utils/set-data';
import { loadable } from '../../../behaviors/loadable';
import { definePage } from '../../../utils/page';
import { textScale } from '../../../behaviors/text-scale';

type Kind = 'month' | 'year';
type Metric = TargetsView['items'][number]['metric'];

/** How an indicator is read and entered: a count, a rate (entered in %), or money (entered in 万元). */
const RATES = new Set<string>(['coverage', 'revisitRate', 'grantRate', 'usageRate']);
const MONEY = new Set<string>(['depositsFen', 'loansOutstandingFen']);
const UNITS: Record<string, string> = { visitsTotal: '次' };

export function unitOf(metric: string): string {
  return RATES.has(metric) ? '%' : MONEY.has(metric) ? '万元' : UNITS[metric] ?? '户';
}

/** An indicator's value as the screen shows it. */
export function shown(metric: string, v: number | null): string {
  if (v === null || v === undefined) return '—';
  return RATES.has(metric) ? percent(v) : MONEY.has(metric) ? money(v) : `${count(v)} ${unitOf(metric)}`;
}

/** A stored target in the unit it is entered in (% for rates, 万元 for money). */
export function toInput(metric: string, v: number | null): string {
  if (v === null || v === undefined) return '';
  const n = RATES.has(metric) ? v * 100 : MONEY.has(metric) ? v / 1_000_000 : v;
  return String(Math.round(n * 100) / 100);
}

/** What the user typed as the value stored (a rate as a fraction, money in fen), or a sentence saying what is wrong. */
export function fromInput(metric: string, text: string): { value: number } | { error: string } {
  const t = text.trim();
  if (!/^\d+(\.\d+)?$/.test(t)) return { error: `请输入不小于 0 的数字（${unitOf(metric)}）` };
  const n = Number(t);
  if (RATES.has(metric)) return n > 100 ? { error: '比率不能超过 100%' } : { value: Math.round(n * 10) / 1000 };
  if (MONEY.has(metric)) return { value: Math.round(n * 1_000_000) };
  return Number.isInteger(n) ? { value: n } : { error: '户数和次数应为整数' };
}

/** The panel's rows: actual against target, the bar filled to the share done (full at 100%). */
export function targetRows(v: TargetsView) {
  return v.items.map((it) => {
    const pct = it.ratio === null ? null : Math.round(it.ratio * 1000) / 10;
    return {
      metric: it.metric,
      label: INDICATOR_LABELS[it.metric] ?? it.metric,
      actual: shown(it.metric, it.actual),
      target: it.target === null ? '未设目标' : `目标 ${shown(it.metric, it.target)}`,
      rawTarget: it.target,
      done: pct === null ? '' : `完成 ${pct}%`,
      width: pct === null ? 0 : Math.min(100, pct),
      tone: pct === null ? '' : pct >= 100 ? 'ok' : pct < 60 ? 'warn' : '',
    };
  });
}

/** 考核指标 (去营销 panel): the indicators head office assesses for a unit, actual against target; head office sets the targets here. */
definePage()({
  behaviors: [textScale, loadable],
  data: {
    unitId: '', marketId: '', unitName: '', kind: 'month' as Kind, periodKey: '',
    /** a day in the month or year shown (the dashboard's, else today) */
    anchor: chinaDay(),
    kinds: [{ value: 'month', label: '月' }, { value: 'year', label: '年' }],
    rows: [] as ReturnType<typeof targetRows>, canEdit: false,
    editing: '' as string, draft: '', unit: '', editError: '', saving: false,
  },
  methods: {
    onLoad(query: Record<string, string> = {}) {
      const p = query.period ?? '';
      const kind: Kind = /^\d{4}$/.test(p) ? 'year' : 'month';
      const anchor = /^\d{4}$/.test(p) ? `${p}-01-01` : /^\d{4}-\d{2}$/.test(p) ? `${p}-01` : chinaDay();
      this.setData({ unitId: query.unitId ?? '', marketId: query.marketId ?? '', unitName: query.name ? decodeURIComponent(query.name) : '', kind, anchor });
      void this.load();
    },
    load() {
      const periodKey = this.data.kind === 'year' ? this.data.anchor.slice(0, 4) : this.data.anchor.slice(0, 7);
      return this.runLoad(async () => {
        const [me, view] = await Promise.all([requireMe(), fetchTargets({ ...(this.data.marketId ? { marketId: this.data.marketId } : { unitId: this.data.unitId || undefined }), period: periodKey })]);
        const rows = targetRows(view);
        await safeSetData(this, {
          status: rows.length ? 'ready' : 'empty',
          rows,
          unitId: view.scope.id,
          unitName: view.scope.name,
          // Targets are set for units (a market or an area has none): head office for any, a branch splitting
          // its own over the groups and grids under it (the server caps counted ones by the parent's target).
          canEdit: view.scope.type === 'unit' && (me.role === 'hq' || (me.role === 'branch' && view.scope.id !== me.unit?.id)),
        });
      }, { periodKey, editing: '' });
    },
    onKind(e: WechatMiniprogram.TouchEvent) {
      this.setData({ kind: e.currentTarget.dataset.value as Kind });
      void this.load();
    },
    onEdit(e: WechatMiniprogram.TouchEvent) {
      const metric = String(e.currentTarget.dataset.metric);
      const row = this.data.rows.find((r) => r.metric === metric);
      this.setData({ editing: metric, draft: toInput(metric, row?.rawTarget ?? null), unit: unitOf(metric), editError: '' });
    },
    onDraft(e: WechatMiniprogram.Input) {
      this.setData({ draft: e.detail.value, editError: '' });
    },
    onCancel() {
      this.setData({ editing: '', editError: '' });
    },
    async onSave() {
      if (this.data.saving) return;
      const metric = this.data.editing as Metric;
      const parsed = fromInput(metric, this.data.draft);
      if ('error' in parsed) return this.setData({ editError: parsed.error });
      this.setData({ saving: true });
      try {
        await saveTarget({ unitId: this.data.unitId, period: this.data.periodKey, metric, value: parsed.value });
        this.setData({ saving: false, editing: '' });
        await this.load();
      } catch (err) {
        const fields = fieldErrors(err);
        this.setData({ saving: false, editError: fields.value ?? describeError(err) });
      }
    },
  },
});
