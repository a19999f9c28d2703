import { fetchTargets, saveTarget, type TargetsView } from '../../../api/metrics.api';
import { fetchUnits, type Unit } from '../../../api/org.api';
import { describeError, fieldErrors } from '../../../utils/errors';
import { count, money, percent } from '../../../utils/format';
import { RATIO_INDICATORS, UNIT_KIND_LABELS, chinaDay, isMonthKey, isYearKey, periodKey, periodOf } from '../../../vendor/shared';
import { INDICATOR_LABELS } from '../../../utils/labels';
import { bankDayOf, requireMe } from '../../../utils/session';
import { safeSetData } from '../../../utils/set-data';
import { loadable } from '../../../behaviors/loadable';
import { definePage } from '../../../utils/page';
import { textScale } from '../../../behaviors/text-scale';

type Kind = 'month' | 'year';
type Metric = TargetsView['items'][number]['metric'];

/** How an indicator is read and entered: a count, a rate (entered in %), or money (entered in 万元). */
const RATES = new Set<string>(RATIO_INDICATORS);
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

/** The targets' rows: actual against target, the bar filled to the share done (full at 100%). */
export function targetRows(v: TargetsView) {
  return v.items.map((it) => {
    const pct = it.ratio === null ? null : Math.round(it.ratio * 1000) / 10;
    return {
      metric: it.metric,
      label: INDICATOR_LABELS[it.metric] ?? it.metric,
      actual: shown(it.metric, it.actual),
      target: it.target === null ? '未设目标' : `目标 ${shown(it.metric, it.target)}`,
      rawTarget: it.target,
      /** a rate is not split: only counted indicators add up over the children (the server caps those) */
      isRatio: RATES.has(it.metric),
      done: pct === null ? '' : `完成 ${pct}%`,
      width: pct === null ? 0 : Math.min(100, pct),
      tone: pct === null ? '' : pct >= 100 ? 'ok' : pct < 60 ? 'warn' : '',
    };
  });
}

/** One child's share of the parent's target in the split, as the split section shows it. */
export interface ShareRow {
  id: string;
  name: string;
  kindLabel: string;
  raw: number | null;
  target: string;
  draft: string;
  error: string;
}

/** The split of one counted indicator's target over the unit's children: the parent's, the sum of the shares and what is left. */
export function splitSummary(metric: string, parent: number | null, shares: readonly (number | null)[]) {
  const sum = shares.reduce<number>((a, v) => a + (v ?? 0), 0);
  return {
    parentTarget: parent === null ? '未设目标' : shown(metric, parent),
    sum: shown(metric, sum),
    remainder: parent === null ? '—' : shown(metric, parent - sum),
    over: parent !== null && sum > parent,
  };
}

/**
 * 考核指标 (去营销 targets): the indicators head office assesses for a unit, actual against target; head office sets
 * the targets here. Whoever may set the targets of a unit's children (head office; a branch manager for its
 * branch and the groups under it) splits a counted indicator's target over them (分解): the parent's target, each
 * child's share, their sum and what is left; the server caps the shares at the parent's (`setTarget`).
 */
definePage<{ _children?: Unit[] }>()({
  behaviors: [textScale, loadable],
  data: {
    unitId: '', marketId: '', unitName: '', kind: 'month' as Kind, periodKey: '',
    /** a day in the month or year shown (the dashboard's, else today) */
    anchor: chinaDay(),
    kinds: [{ value: 'month', label: '月' }, { value: 'year', label: '年' }],
    rows: [] as ReturnType<typeof targetRows>, canEdit: false,
    editing: '' as string, draft: '', unit: '', editError: '', saving: false,
    /** whether the caller sets the targets of this unit's children (and the unit has any) */
    canSplit: false,
    split: null as null | ({ metric: string; label: string; unit: string; children: ShareRow[] } & ReturnType<typeof splitSummary>),
    splitError: '',
  },
  methods: {
    async onLoad(query: Record<string, string> = {}) {
      const p = query.period ?? '';
      const kind: Kind = isYearKey(p) ? 'year' : 'month';
      // Opened without a period: the bank's day (a demo bank's records end before today).
      const anchor = isYearKey(p) ? `${p}-01-01` : isMonthKey(p) ? `${p}-01` : await requireMe().then(bankDayOf, () => chinaDay());
      this.setData({ unitId: query.unitId ?? '', marketId: query.marketId ?? '', unitName: query.name ? decodeURIComponent(query.name) : '', kind, anchor });
      void this.load();
    },
    load() {
      const key = periodKey(periodOf(this.data.kind, this.data.anchor));
      return this.runLoad(async () => {
        const [me, view] = await Promise.all([requireMe(), fetchTargets({ ...(this.data.marketId ? { marketId: this.data.marketId } : { unitId: this.data.unitId || undefined }), period: key })]);
        const rows = targetRows(view);
        const isUnit = view.scope.type === 'unit';
        // Children to split over: a unit above the grids, for head office or a branch manager (its branch, or a
        // group of it: the server answers only units in scope).
        const mayShare = isUnit && view.scope.kind !== 'grid' && (me.role === 'hq' || (me.role === 'branch' && (view.scope.id === me.unit?.id || view.scope.kind === 'group')));
        this._children = mayShare ? (await fetchUnits({ parentId: view.scope.id })).items : [];
        await safeSetData(this, {
          status: rows.length ? 'ready' : 'empty',
          rows,
          unitId: view.scope.id,
          unitName: view.scope.name,
          // Targets are set for units (a market or an area has none): head office for any, a branch splitting
          // its own over the groups and grids under it (the server caps counted ones by the parent's target).
          canEdit: isUnit && (me.role === 'hq' || (me.role === 'branch' && view.scope.id !== me.unit?.id)),
          canSplit: this._children.length > 0,
        });
      }, { periodKey: key, editing: '', split: null, splitError: '' });
    },
    onKind(e: WechatMiniprogram.TouchEvent) {
      this.setData({ kind: e.currentTarget.dataset.value as Kind });
      void this.load();
    },
    /** 分解: the children's shares of one counted indicator, read from each child's targets. */
    async onSplit(e: WechatMiniprogram.TouchEvent) {
      const metric = String(e.currentTarget.dataset.metric);
      const row = this.data.rows.find((r) => r.metric === metric);
      if (!row) return;
      this.setData({ splitError: '' });
      try {
        const children = this._children ?? [];
        const views = await Promise.all(children.map((c) => fetchTargets({ unitId: c.id, period: this.data.periodKey })));
        const shares: ShareRow[] = children.map((c, i) => {
          const raw = views[i].items.find((it) => it.metric === metric)?.target ?? null;
          return { id: c.id, name: c.name, kindLabel: UNIT_KIND_LABELS[c.kind], raw, target: raw === null ? '未分' : shown(metric, raw), draft: toInput(metric, raw), error: '' };
        });
        await safeSetData(this, {
          split: { metric, label: row.label, unit: unitOf(metric), children: shares, ...splitSummary(metric, row.rawTarget, shares.map((c) => c.raw)) },
        });
      } catch (err) {
        this.setData({ splitError: describeError(err) });
      }
    },
    onCloseSplit() {
      this.setData({ split: null, splitError: '' });
    },
    onShareDraft(e: WechatMiniprogram.Input) {
      const index = Number(e.currentTarget.dataset.index);
      this.setData({ [`split.children[${index}].draft`]: e.detail.value, [`split.children[${index}].error`]: '' });
    },
    /** Saves one child's share; a refusal (over the parent's target) is shown under that child. */
    async onSaveShare(e: WechatMiniprogram.TouchEvent) {
      const split = this.data.split;
      const index = Number(e.currentTarget.dataset.index);
      const child = split?.children[index];
      if (!split || !child || this.data.saving) return;
      const parsed = fromInput(split.metric, child.draft);
      if ('error' in parsed) return this.setData({ [`split.children[${index}].error`]: parsed.error });
      this.setData({ saving: true });
      try {
        await saveTarget({ unitId: child.id, period: this.data.periodKey, metric: split.metric, value: parsed.value });
        this.setData({ saving: false });
        await this.onSplit({ currentTarget: { dataset: { metric: split.metric } } } as unknown as WechatMiniprogram.TouchEvent);
      } catch (err) {
        const fields = fieldErrors(err);
        this.setData({ saving: false, [`split.children[${index}].error`]: fields.value ?? describeError(err) });
      }
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
