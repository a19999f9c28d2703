import { assignGrids, fetchUnits, type Staff, type Unit } from '../../../api/org.api';
import { fetchWorkload } from '../../../api/metrics.api';
import { changeRole, disableStaff, enableStaff, fetchStaffMember, issueBindCode, moveStaff, unbindStaff } from '../../../api/people.api';
import { describeError, fieldErrors } from '../../../utils/errors';
import { shortTime } from '../../../utils/format';
import { bankDayOf, requireMe } from '../../../utils/session';
import { safeSetData } from '../../../utils/set-data';
import { definePage } from '../../../utils/page';
import { ROLE_LABELS, ROLES, type Role, TASK_KIND_LABELS } from '../../../vendor/shared';
import { textScale } from '../../../behaviors/text-scale';

const BRANCH_ROLES: Role[] = ['leader', 'member', 'marketing', 'maintenance'];

/** The fields this page shows an error under; a list's item (`gridIds.2`) is told under its list. */
const SHOWN_FIELDS = ['reason', 'unitId', 'role', 'gridIds'];

/** A refusal's field errors keyed by the field the page shows them under (the first one of a list's items). */
export function shownErrors(errors: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [field, message] of Object.entries(errors)) {
    const shown = field.split('.')[0];
    if (SHOWN_FIELDS.includes(shown) && !out[shown]) out[shown] = message;
  }
  return out;
}

/**
 * A staff member's page: grids, open tasks and this month's workload (from `metrics.workload`), and the
 * actions on them — binding code (text and QR, shown once), unbind, disable / enable, move, role, grids.
 */
definePage<{ _bankDay?: string }>()({
  behaviors: [textScale],
  data: {
    staffId: '', status: 'loading', error: '', staff: null as null | (Staff & { roleLabel: string }), grids: [] as { id: string; name: string }[],
    openTasks: { total: 0, items: [] as { id: string; kindLabel: string; dueDay: string }[] }, workload: { total: 0, flagged: 0, period: '', error: '' },
    units: [] as Unit[], unitIndex: 0, roles: [] as { value: Role; label: string }[], roleIndex: 0,
    gridChoices: [] as { id: string; name: string; checked: boolean }[],
    reason: '', busy: false, formError: '', errors: {} as Record<string, string>, notice: '',
    bindCode: '', bindCodeQr: '', bindCodeExpires: '',
  },
  methods: {
    async onLoad(query: Record<string, string> = {}) {
      this.setData({ staffId: query.id ?? '' });
      const me = await requireMe().catch(() => null);
      this._bankDay = bankDayOf(me);
      const roles = me?.role === 'branch' ? BRANCH_ROLES : [...ROLES];
      this.setData({ roles: roles.map((value) => ({ value, label: ROLE_LABELS[value] })) });
      void this.load();
    },
    async load() {
      this.setData({ status: 'loading', error: '' });
      try {
        // 本月 is the bank's month: a demo bank's records end before today's.
        const month = (this._bankDay ?? bankDayOf(null)).slice(0, 7);
        let workloadError = '';
        const [page, units, work] = await Promise.all([
          fetchStaffMember(this.data.staffId),
          fetchUnits({}),
          // Workload figures are a roll-up view; the page still opens when they fail, and says so instead of "0 次".
          fetchWorkload({ staffId: this.data.staffId, period: month }).catch((err) => {
            workloadError = describeError(err);
            return null;
          }),
        ]);
        const s = page.staff;
        const pickable = units.items.filter((u) => u.kind !== 'bank' || this.data.roles.some((r) => r.value === 'hq'));
        const grids = units.items.filter((u) => u.kind === 'grid' && (s.unitPath.length < 2 || u.unitPath[1] === s.unitPath[1]));
        await safeSetData(this, {
          status: 'ready',
          staff: { ...s, roleLabel: ROLE_LABELS[s.role] },
          grids: page.grids,
          openTasks: { total: page.openTasks.total, items: page.openTasks.items.map((t) => ({ id: t.id, kindLabel: (TASK_KIND_LABELS as Record<string, string>)[t.kind] ?? t.kind, dueDay: t.dueDay ?? '' })) },
          workload: { total: work?.staff?.totals.total ?? 0, flagged: work?.staff?.totals.flagged ?? 0, period: month, error: workloadError },
          units: pickable,
          unitIndex: Math.max(0, pickable.findIndex((u) => u.id === s.unitId)),
          roleIndex: Math.max(0, this.data.roles.findIndex((r) => r.value === s.role)),
          gridChoices: grids.map((g) => ({ id: g.id, name: g.name, checked: s.gridIds.includes(g.id) })),
        });
      } catch (err) {
        this.setData({ status: 'error', error: describeError(err) });
      }
    },
    onReason(e: WechatMiniprogram.Input) {
      this.setData({ reason: e.detail.value });
    },
    onUnit(e: WechatMiniprogram.PickerChange) {
      this.setData({ unitIndex: Number(e.detail.value) });
    },
    onRole(e: WechatMiniprogram.PickerChange) {
      this.setData({ roleIndex: Number(e.detail.value) });
    },
    onGrids(e: WechatMiniprogram.CheckboxGroupChange) {
      const chosen = e.detail.value as string[];
      this.setData({ gridChoices: this.data.gridChoices.map((g) => ({ ...g, checked: chosen.includes(g.id) })) });
    },
    /** Runs one action; a refusal shows its sentence and the field it names, the page reloads after a change. */
    async run(label: string, act: () => Promise<unknown>) {
      if (this.data.busy) return;
      this.setData({ busy: true, formError: '', errors: {}, notice: '' });
      try {
        await act();
        this.setData({ notice: `已${label}` });
        await this.load();
      } catch (err) {
        const errors = shownErrors(fieldErrors(err));
        // A refusal naming a field the page shows goes under it; anything else is said in the banner.
        this.setData({ formError: Object.keys(errors).length ? '' : describeError(err), errors });
      } finally {
        this.setData({ busy: false });
      }
    },
    reasonOf(): { reason: string | undefined } {
      return { reason: this.data.reason.trim() || undefined };
    },
    onIssueCode() {
      return this.run('生成绑定码', async () => {
        const out = await issueBindCode({ staffId: this.data.staffId, ...this.reasonOf() });
        this.setData({ bindCode: out.bindCode, bindCodeQr: out.bindCodeQr, bindCodeExpires: shortTime(out.bindCodeExpiresAt) });
      });
    },
    onUnbind() {
      return this.run('解绑', () => unbindStaff({ staffId: this.data.staffId, ...this.reasonOf() }));
    },
    onDisable() {
      return this.run('停用', () => disableStaff({ staffId: this.data.staffId, ...this.reasonOf() }));
    },
    onEnable() {
      return this.run('启用', () => enableStaff({ staffId: this.data.staffId, ...this.reasonOf() }));
    },
    onMove() {
      return this.run('调动', () => moveStaff({ staffId: this.data.staffId, unitId: this.data.units[this.data.unitIndex]?.id ?? '', ...this.reasonOf() }));
    },
    onChangeRole() {
      return this.run('变更角色', () => changeRole({ staffId: this.data.staffId, role: this.data.roles[this.data.roleIndex].value, ...this.reasonOf() }));
    },
    onAssignGrids() {
      return this.run('分配网格', () => assignGrids({ staffId: this.data.staffId, gridIds: this.data.gridChoices.filter((g) => g.checked).map((g) => g.id), ...this.reasonOf() }));
    },
  },
});
