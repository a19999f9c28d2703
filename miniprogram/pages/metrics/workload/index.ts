import { fetchWorkload, type WorkloadRow, type WorkloadView } from '../../../api/metrics.api';
import { chinaDay } from '../../../vendor/shared';
import { VISIT_TYPE_LABELS } from '../../../utils/labels';
import { bankDayOf, isManager, requireMe } from '../../../utils/session';
import { safeSetData } from '../../../utils/set-data';
import { loadable } from '../../../behaviors/loadable';
import { definePage } from '../../../utils/page';
import { textScale } from '../../../behaviors/text-scale';
import { type ChartLook, chartFont, chartLook, chartLookOf, chartRoom } from '../../../utils/theme';
import { chartLookFollows } from '../../../behaviors/chart-look';

type Grain = 'day' | 'month' | 'year';
const TYPES = ['filing', 'marketing', 'revisit', 'maintenance'];
const COLORS = ['#0052d9', '#2ba471', '#e37318', '#8e56dd'];

/** Team members shown in the chart (the table lists them all). */
const CHART_PEOPLE = 15;

/**
 * Stacked bars, one colour per visit type: a team as one horizontal bar per person (the busiest first), a
 * person's days, months or years as columns along time, every period of the answer.
 */
export function workloadOption(rows: (WorkloadRow & { name?: string })[], byPeriod = false, look: ChartLook = chartLookOf('light', 1)) {
  const ink = look.ink;
  const data = (t: string) => rows.map((r) => r.byType[t as keyof WorkloadRow['byType']]?.total ?? 0);
  const legend = { top: 0, itemWidth: 10, itemHeight: 8, textStyle: { fontSize: chartFont(10, look), color: ink.legend } };
  const tooltip = { trigger: 'axis', axisPointer: { type: 'shadow' }, confine: true };
  const values = { type: 'value', minInterval: 1, axisLabel: { fontSize: chartFont(10, look), color: ink.label }, splitLine: { lineStyle: { color: ink.split } } };
  if (byPeriod) {
    // Days read as 01…31 and months as 01…12: the card's title already says which month or year.
    const labels = rows.map((r) => (/^\d{4}-\d{2}(-\d{2})?$/.test(r.key) ? r.key.slice(-2) : r.key));
    return {
      color: COLORS,
      grid: { left: chartRoom(32, look), right: 8, top: chartRoom(28, look), bottom: chartRoom(20, look) },
      legend,
      tooltip,
      xAxis: { type: 'category', data: labels, axisTick: { alignWithLabel: true }, axisLabel: { fontSize: chartFont(9, look), color: ink.label } },
      yAxis: values,
      series: TYPES.map((t) => ({ name: VISIT_TYPE_LABELS[t], type: 'bar', stack: 'v', barMaxWidth: 14, data: data(t) })),
    };
  }
  return {
    color: COLORS,
    grid: { left: chartRoom(64, look), right: 16, top: chartRoom(28, look), bottom: chartRoom(20, look) },
    legend,
    tooltip,
    xAxis: values,
    yAxis: { type: 'category', data: rows.map((r) => r.name ?? r.key), inverse: true, axisLabel: { fontSize: chartFont(10, look), color: ink.label, width: chartRoom(56, look), overflow: 'truncate' } },
    series: TYPES.map((t) => ({ name: VISIT_TYPE_LABELS[t], type: 'bar', stack: 'v', barMaxWidth: 14, data: data(t) })),
  };
}

/** The period a grain shows: staff by day → this month's days; by month → this year's months; by year → the last 3 years. */
export function periodFor(grain: Grain, today: string, team: boolean): string {
  if (team) return grain === 'day' ? today : grain === 'month' ? today.slice(0, 7) : today.slice(0, 4);
  if (grain === 'day') return today.slice(0, 7);
  if (grain === 'month') return today.slice(0, 4);
  return `${Number(today.slice(0, 4)) - 2}-01-01..${today}`;
}

/** Which picker chooses the period: a team's day, month or year; a person's month (of days) or year (of months); none for years. */
export function pickerFields(grain: Grain, team: boolean): '' | Grain {
  if (team) return grain;
  return grain === 'day' ? 'month' : grain === 'month' ? 'year' : '';
}

/** The rows of a workload answer: the team's people, or one person's days/months/years. */
export function workloadRows(v: WorkloadView): (WorkloadRow & { staffId?: string; name: string })[] {
  if (v.team) return v.team.rows.map((r) => ({ ...r, name: r.name }));
  return (v.staff?.rows ?? []).map((r) => ({ ...r, name: r.key }));
}

/** The chart's height: a row per person (taller rows with large text), or a fixed height along time. */
export function chartHeightOf(people: number, byPeriod: boolean, look: ChartLook): number {
  return byPeriod ? chartRoom(220, look) : Math.max(160, people * chartRoom(26, look) + chartRoom(56, look));
}

/** Staff workload by day, month and year, by visit type, flagged apart; tap a person to see their days. */
definePage<{ _charted?: { rows: (WorkloadRow & { name?: string })[]; byPeriod: boolean } }>()({
  behaviors: [textScale, loadable, chartLookFollows],
  data: {
    unitId: '', staffId: '', staffName: '', grain: 'month' as Grain,
    grains: [{ value: 'day', label: '日' }, { value: 'month', label: '月' }, { value: 'year', label: '年' }],
    rows: [] as ReturnType<typeof workloadRows>, byPeriod: false, option: {}, chartHeight: 240, total: 0, flagged: 0, periodLabel: '',
    /** a day of the period shown (any day up to today), and the picker that moves it */
    today: chinaDay(), anchor: chinaDay(), fields: '' as '' | Grain,
  },
  methods: {
    async onLoad(query: Record<string, string> = {}) {
      let unitId = query.unitId ?? '';
      // The period opens on the day the dashboard shows, else on the day the bank's records run to (a demo
      // bank's last day, not an empty current month).
      let anchor = /^\d{4}-\d{2}-\d{2}$/.test(query.day ?? '') ? query.day : '';
      // Opened without a unit, a manager sees the team of their own unit; field staff see their own visits.
      if (!unitId && !query.staffId) {
        const me = await requireMe().catch(() => null);
        if (me && isManager(me.role)) unitId = me.unit?.id ?? '';
        anchor = anchor || bankDayOf(me);
      }
      // A staff row of a dashboard opens that person's own days and visits.
      this.setData({ unitId, anchor: anchor || chinaDay(), ...(query.staffId ? { staffId: query.staffId, staffName: decodeURIComponent(query.name ?? '') } : {}) });
      void this.load();
    },
    load() {
      const team = !this.data.staffId && !!this.data.unitId;
      const period = periodFor(this.data.grain, this.data.anchor, team);
      return this.runLoad(async () => {
        const view = await fetchWorkload(this.data.staffId ? { staffId: this.data.staffId, period } : { unitId: this.data.unitId || undefined, period });
        const rows = workloadRows(view);
        const total = rows.reduce((s, r) => s + r.total, 0);
        if (!rows.length || !total) return this.setData({ status: 'empty' });
        const byPeriod = !view.team;
        const table = rows.map((r) => ({ key: r.key, staffId: r.staffId ?? '', name: r.name, flagged: r.flagged, ...Object.fromEntries(TYPES.map((t) => [t, r.byType[t as keyof WorkloadRow['byType']]?.total ?? 0])) }));
        const charted = byPeriod ? rows : rows.slice(0, CHART_PEOPLE);
        const look = chartLook();
        this._charted = { rows: charted, byPeriod };
        await safeSetData(this, {
          status: 'ready',
          rows: table,
          byPeriod,
          option: workloadOption(charted, byPeriod, look),
          chartLook: look.key,
          chartHeight: chartHeightOf(charted.length, byPeriod, look),
          total,
          flagged: rows.reduce((s, r) => s + r.flagged, 0),
          periodLabel: period.replace('..', ' 至 '),
        });
      }, { fields: pickerFields(this.data.grain, team), periodLabel: period.replace('..', ' 至 ') });
    },
    /** Another period: the picker answers 'YYYY-MM-DD', 'YYYY-MM' or 'YYYY'. */
    onAnchor(e: WechatMiniprogram.PickerChange) {
      const v = String(e.detail.value);
      this.setData({ anchor: v.length === 4 ? `${v}-12-31` < this.data.today ? `${v}-12-31` : this.data.today : v.length === 7 ? `${v}-01` : v });
      void this.load();
    },
    onGrain(e: WechatMiniprogram.TouchEvent) {
      this.setData({ grain: e.currentTarget.dataset.value as Grain });
      void this.load();
    },
    /** The theme or the text scale changed (behaviors/chart-look): the chart again in the new look. */
    redrawCharts(look: ChartLook) {
      const c = this._charted;
      if (c) this.setData({ chartLook: look.key, option: workloadOption(c.rows, c.byPeriod, look), chartHeight: chartHeightOf(c.rows.length, c.byPeriod, look) });
    },
    onRow(e: WechatMiniprogram.TouchEvent) {
      const { staff, name } = e.currentTarget.dataset as { staff: string; name: string };
      if (!staff || this.data.staffId) return;
      this.setData({ staffId: staff, staffName: name });
      void this.load();
    },
    onBack() {
      this.setData({ staffId: '', staffName: '' });
      void this.load();
    },
  },
});
