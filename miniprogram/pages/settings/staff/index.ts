import { createStaff, fetchStaff, fetchUnits, type Staff, type Unit } from '../../../api/org.api';
import { describeError, fieldErrors } from '../../../utils/errors';
import { newId, shortTime } from '../../../utils/format';
import { requireMe } from '../../../utils/session';
import { ROLE_LABELS, ROLES, type Role } from '../../../vendor/shared';
import { safeSetData } from '../../../utils/set-data';
import { definePage } from '../../../utils/page';
import { textScale } from '../../../behaviors/text-scale';

/** Roles a branch manager gives: those below its own (the server refuses others, docs/security.md "People"). */
const BRANCH_ROLES: Role[] = ['leader', 'member', 'marketing', 'maintenance'];
const ALL = { value: '', label: '全部' };
const STATUSES = [ALL, { value: 'active', label: '在职' }, { value: 'disabled', label: '停用' }];

/** The list row of a staff member. */
export function staffRow(s: Staff) {
  return { id: s.id, name: s.name, roleLabel: ROLE_LABELS[s.role], mobile: s.mobile ?? '', isBound: s.isBound, disabled: s.status === 'disabled', grids: s.gridIds.length ? `${s.gridIds.length} 个网格` : '未分配网格' };
}

/**
 * People (head office for the bank, a branch manager for its branch): the staff list filtered by unit, role
 * and status and searched by name, and the create form answering a one-time binding code as text and QR.
 */
definePage<{ _shown?: boolean }>()({
  behaviors: [textScale],
  data: {
    form: { name: '', mobile: '' }, roles: ROLES.map((value) => ({ value, label: ROLE_LABELS[value] })), roleIndex: 0,
    units: [] as Unit[], unitIndex: 0, saving: false, error: '', errors: {} as Record<string, string>, bindCode: '', bindCodeQr: '', bindCodeExpires: '',
    /** the client id of the staff member being created, kept across a retry of the same create */
    pendingId: '',
    filterUnits: [ALL] as { value: string; label: string }[], filterUnitIndex: 0,
    filterRoles: [ALL, ...ROLES.map((value) => ({ value, label: ROLE_LABELS[value] }))], filterRoleIndex: 0,
    statuses: STATUSES, statusIndex: 0, query: '',
    status: 'loading', listError: '', all: [] as ReturnType<typeof staffRow>[], items: [] as ReturnType<typeof staffRow>[], nextCursor: '' as string | null,
  },
  lifetimes: {
    attached() {
      void this.init();
    },
  },
  pageLifetimes: {
    show() {
      // Back from a staff member's page: its changes show in the list.
      if (this._shown) void this.load();
      this._shown = true;
    },
  },
  methods: {
    async init() {
      const me = await requireMe().catch(() => null);
      const roles = me?.role === 'branch' ? BRANCH_ROLES : [...ROLES];
      try {
        const units = (await fetchUnits({})).items.filter((u) => u.kind !== 'bank' || me?.role === 'hq');
        await safeSetData(this, {
          roles: roles.map((value) => ({ value, label: ROLE_LABELS[value] })),
          roleIndex: roles.indexOf('member'),
          units,
          filterUnits: [ALL, ...units.map((u) => ({ value: u.id, label: u.name }))],
        });
      } catch (err) {
        this.setData({ listError: describeError(err) });
      }
      await this.load();
    },
    async load(more = false) {
      if (!more) this.setData({ status: 'loading', listError: '' });
      try {
        const d = this.data;
        const page = await fetchStaff({
          limit: 50,
          ...(d.filterUnits[d.filterUnitIndex].value ? { unitId: d.filterUnits[d.filterUnitIndex].value } : {}),
          ...(d.filterRoles[d.filterRoleIndex].value ? { role: d.filterRoles[d.filterRoleIndex].value as Role } : {}),
          ...(d.statuses[d.statusIndex].value ? { status: d.statuses[d.statusIndex].value as 'active' | 'disabled' } : {}),
          ...(d.query.trim() ? { q: d.query.trim() } : {}),
          ...(more && d.nextCursor ? { cursor: d.nextCursor } : {}),
        });
        const all = [...(more ? d.all : []), ...page.items.map(staffRow)];
        await safeSetData(this, { all, nextCursor: page.nextCursor });
        this.applyQuery();
      } catch (err) {
        this.setData({ status: 'error', listError: describeError(err) });
      }
    },
    /** Shows the pages loaded: the server answered them for the name searched, in scope. */
    applyQuery() {
      const items = this.data.all;
      this.setData({ items, status: items.length ? 'ready' : 'empty' });
    },
    /** The name search is the server's (listStaff `q`, on the name index): each change asks again from the first page. */
    onQuery(e: WechatMiniprogram.Input) {
      if (e.detail.value.trim() === this.data.query.trim()) return void this.setData({ query: e.detail.value });
      this.setData({ query: e.detail.value });
      void this.load();
    },
    onFilter(e: WechatMiniprogram.PickerChange) {
      this.setData({ [e.currentTarget.dataset.key as string]: Number(e.detail.value) });
      void this.load();
    },
    onMore() {
      if (this.data.nextCursor) void this.load(true);
    },
    onOpen(e: WechatMiniprogram.TouchEvent) {
      void wx.navigateTo({ url: `/pages/settings/staff-detail/index?id=${e.currentTarget.dataset.id}` });
    },
    onInput(e: WechatMiniprogram.Input) {
      this.setData({ [`form.${e.currentTarget.dataset.field}`]: e.detail.value, pendingId: '' });
    },
    onRole(e: WechatMiniprogram.PickerChange) {
      this.setData({ roleIndex: Number(e.detail.value), pendingId: '' });
    },
    onUnit(e: WechatMiniprogram.PickerChange) {
      this.setData({ unitIndex: Number(e.detail.value), pendingId: '' });
    },
    async onCreate() {
      if (this.data.saving) return;
      const id = this.data.pendingId || newId();
      this.setData({ saving: true, error: '', errors: {}, bindCode: '', bindCodeQr: '', pendingId: id });
      try {
        const out = await createStaff({
          id,
          name: this.data.form.name,
          mobile: this.data.form.mobile,
          role: this.data.roles[this.data.roleIndex].value,
          unitId: this.data.units[this.data.unitIndex]?.id ?? '',
        });
        this.setData({ bindCode: out.bindCode, bindCodeQr: out.bindCodeQr, bindCodeExpires: shortTime(out.bindCodeExpiresAt), form: { name: '', mobile: '' }, pendingId: '' });
        void this.load();
      } catch (err) {
        this.setData({ error: describeError(err), errors: fieldErrors(err) });
      } finally {
        this.setData({ saving: false });
      }
    },
  },
});
