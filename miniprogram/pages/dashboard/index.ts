import { fetchDashboard, type DashboardView } from '../../api/metrics.api';
import { describeError } from '../../utils/errors';
import { count, money, percent } from '../../utils/format';
import { type PeriodKind, chinaDay, periodKey, periodLabel, periodOf, rangePeriod } from '../../vendor/shared';
import { bankDayOf, requireMe } from '../../utils/session';
import { safeSetData } from '../../utils/set-data';
import { definePage } from '../../utils/page';
import { textScale } from '../../behaviors/text-scale';

/** The key the dashboard asks for: the day, month or year around `anchor`, or the range `from..to`. */
function askedPeriod(kind: PeriodKind, anchor: string, from: string, to: string): string {
  return periodKey(kind === 'range' ? rangePeriod(from, to) : periodOf(kind, anchor));
}

function delta(n: number | null | undefined, fmt: (v: number) => string): { sub: string; tone: string } {
  if (n === null || n === undefined) return { sub: '', tone: '' };
  if (n === 0) return { sub: '较年初持平', tone: '' };
  return { sub: `较年初 ${n > 0 ? '+' : ''}${fmt(n)}`, tone: n > 0 ? 'up' : 'down' };
}

/** Turns a dashboard answer into the view's cards, breakdown and rankings. */
export function toView(d: DashboardView) {
  const m = d.figures;
  const c = d.change;
  const cards = [
    { key: 'acquiring', label: '收单商户', value: count(m.acquiring), ...delta(c.acquiring.sinceJanuary, count) },
    { key: 'filed', label: '建档商户', value: count(m.filed), ...delta(c.filed.sinceJanuary, count) },
    { key: 'coverage', label: '收单覆盖率', value: percent(m.coverage), ...delta(c.coverage.sinceJanuary, (v) => `${(v * 100).toFixed(1)}个点`) },
    { key: 'revisitRate', label: '回访率', value: percent(m.revisitRate), sub: `本期回访 ${count(m.revisited)} 户`, tone: '' },
    { key: 'grantRate', label: '授信率', value: percent(m.grantRate), sub: `授信 ${count(m.creditGranted)} 户`, tone: '' },
    { key: 'usageRate', label: '用信率', value: percent(m.usageRate), sub: `贷款余额 ${money(m.loansOutstandingFen)}`, tone: '' },
    { key: 'deposit', label: '资金沉淀', value: money(m.depositsFen), ...delta(c.depositsFen.sinceJanuary, money) },
    { key: 'visits', label: '走访次数', value: count(m.visitsTotal), sub: `其中异常 ${count(m.flaggedTotal)} 次`, tone: m.flaggedTotal ? 'down' : '' },
  ];
  const children = (d.children ?? []).map((ch) => ({
    unitId: ch.id,
    /** what the row names: a unit, a staff member (a grid's people) or a market (a branch's) */
    type: ch.type,
    name: ch.name,
    kind: ch.kind,
    acquiring: count(ch.figures.acquiring),
    coverage: percent(ch.figures.coverage),
    coverageWidth: Math.round((ch.figures.coverage ?? 0) * 100),
    revisitRate: percent(ch.figures.revisitRate),
  }));
  const rankings = (d.rankings?.gridsByCoverage ?? []).slice(0, 10).map((g) => ({ unitId: g.id, name: g.name, valueLabel: `${percent(g.figures.coverage)} · ${count(g.figures.acquiring)}户` }));
  const staff = (d.rankings?.staff ?? []).slice(0, 5).map((g) => ({ id: g.id, name: g.name, valueLabel: `${count(g.figures.visitsTotal)} 次走访` }));
  return { cards, children, rankings, staff };
}


type View = ReturnType<typeof toView>;

/** A level of the drill-down: a unit, or a market of a branch (its own dashboard, asked by `marketId`). */
export interface Crumb {
  unitId: string;
  name: string;
  type?: 'unit' | 'market';
}

/** The dashboard request of a crumb: a market is asked by `marketId`, anything else by `unitId`. */
export function targetOf(crumb: Crumb | undefined): { unitId?: string; marketId?: string } {
  if (!crumb) return {};
  return crumb.type === 'market' ? { marketId: crumb.unitId } : { unitId: crumb.unitId };
}

/** A crumb as the query of the pages it links to (trend, targets): `unitId=…` or `marketId=…`. */
export function targetQuery(crumb: Crumb | undefined): string {
  return crumb?.type === 'market' ? `marketId=${crumb.unitId}` : `unitId=${crumb?.unitId ?? ''}`;
}

/** Where tapping a staff row leads: that person's workload (their visits by day), not a dashboard. */
export function staffUrl(id: string, name: string, day: string): string {
  return `/pages/metrics/workload/index?staffId=${encodeURIComponent(id)}&name=${encodeURIComponent(name)}&day=${day}`;
}

/** Dashboard tab: metric cards for my unit, breakdown by child units with drill-down, rankings. */
definePage()({
  behaviors: [textScale],
  data: {
    status: 'loading', error: '', unitName: '', periodKind: 'month' as PeriodKind, periodLabel: '',
    periodKinds: [{ value: 'day', label: '日' }, { value: 'month', label: '月' }, { value: 'year', label: '年' }, { value: 'range', label: '区间' }],
    /** the day the period is around (any day up to today), and a range's first and last days */
    today: chinaDay(), anchor: chinaDay(), from: `${chinaDay().slice(0, 7)}-01`, to: chinaDay(),
    crumbs: [] as Crumb[], ...({ cards: [], children: [], rankings: [], staff: [] } as View),
  },
  lifetimes: {
    attached() {
      void this.start();
    },
  },
  methods: {
    async start() {
      try {
        const me = await requireMe();
        const top = me.scope === 'all' ? me.unitPath[0] : me.unit;
        // Opens on the day the bank's records run to: a demo bank's last day, not an empty current month.
        const day = bankDayOf(me);
        this.setData({ crumbs: top ? [{ unitId: top.id, name: top.name }] : [], anchor: day, from: `${day.slice(0, 7)}-01`, to: day });
      } catch (err) {
        this.setData({ status: 'error', error: describeError(err) });
        return;
      }
      await this.load();
    },
    async load() {
      const crumb = this.data.crumbs[this.data.crumbs.length - 1];
      const period = askedPeriod(this.data.periodKind, this.data.anchor, this.data.from, this.data.to);
      this.setData({ status: 'loading', error: '', periodLabel: periodLabel(period) });
      try {
        const d = await fetchDashboard({ ...targetOf(crumb), period, sections: ['children', 'rankings'] });
        await safeSetData(this, { status: 'ready', unitName: d.scope.name, periodLabel: periodLabel(period), ...toView(d) });
      } catch (err) {
        this.setData({ status: 'error', error: describeError(err) });
      }
    },
    onPeriod(e: WechatMiniprogram.TouchEvent) {
      this.setData({ periodKind: e.currentTarget.dataset.value as PeriodKind });
      void this.load();
    },
    /** Another day, month or year: the picker answers 'YYYY-MM-DD', 'YYYY-MM' or 'YYYY'. */
    onAnchor(e: WechatMiniprogram.PickerChange) {
      const v = String(e.detail.value);
      this.setData({ anchor: v.length === 4 ? `${v}-01-01` : v.length === 7 ? `${v}-01` : v });
      void this.load();
    },
    /** Back to today's period (the dashboard may open on a demo bank's last day of data). */
    onToday() {
      this.setData({ anchor: this.data.today });
      void this.load();
    },
    onRange(e: WechatMiniprogram.PickerChange) {
      const picked = { from: this.data.from, to: this.data.to, [String(e.currentTarget.dataset.end)]: String(e.detail.value) };
      // A first day after the last one swaps them: the range reads the same either way.
      this.setData(picked.from <= picked.to ? picked : { from: picked.to, to: picked.from });
      void this.load();
    },
    onDrill(e: WechatMiniprogram.TouchEvent) {
      const { id, name, kind, type } = e.currentTarget.dataset as { id: string; name: string; kind: string; type?: string };
      // A grid's rows are its people: a person opens their workload and visits, not a dashboard.
      if (type === 'staff') return wx.navigateTo({ url: staffUrl(id, name, this.shownDay()) });
      if (kind === 'grid' && this.data.crumbs.some((c) => c.unitId === id)) return;
      // A branch's market rows open the market's own dashboard (its merchants' coverage), asked by marketId.
      this.setData({ crumbs: [...this.data.crumbs, { unitId: id, name, type: type === 'market' ? 'market' : 'unit' }] });
      void this.load();
    },
    onStaff(e: WechatMiniprogram.TouchEvent) {
      const { id, name } = e.currentTarget.dataset as { id: string; name: string };
      if (id) wx.navigateTo({ url: staffUrl(id, name, this.shownDay()) });
    },
    onCrumb(e: WechatMiniprogram.TouchEvent) {
      const i = Number(e.currentTarget.dataset.index);
      this.setData({ crumbs: this.data.crumbs.slice(0, i + 1) });
      void this.load();
    },
    onTrend() {
      const crumb = this.data.crumbs[this.data.crumbs.length - 1];
      // The 12 months up to the month shown (a demo bank's last month, not an empty current one).
      const month = this.shownDay().slice(0, 7);
      wx.navigateTo({ url: `/pages/metrics/trend/index?${targetQuery(crumb)}&name=${encodeURIComponent(crumb?.name ?? '')}&month=${month}` });
    },
    onTargets() {
      const crumb = this.data.crumbs[this.data.crumbs.length - 1];
      // Targets are set per month or year: a day's dashboard opens its month.
      const period = periodKey(periodOf(this.data.periodKind === 'year' ? 'year' : 'month', this.data.periodKind === 'range' ? this.data.to : this.data.anchor));
      wx.navigateTo({ url: `/pages/metrics/targets/index?${targetQuery(crumb)}&name=${encodeURIComponent(crumb?.name ?? '')}&period=${period}` });
    },
    onWorkload() {
      const crumb = this.data.crumbs[this.data.crumbs.length - 1];
      // A market has no team of its own: its visits are in its grids' workloads.
      if (crumb?.type === 'market') return;
      wx.navigateTo({ url: `/pages/metrics/workload/index?unitId=${crumb?.unitId ?? ''}&day=${this.shownDay()}` });
    },
    /** The day the dashboard shows (a range's last day): the workload and the trend open on it. */
    shownDay(): string {
      return this.data.periodKind === 'range' ? this.data.to : this.data.anchor;
    },
        onPullDownRefresh() {
      void this.load().then(() => wx.stopPullDownRefresh());
    },
  },
});
