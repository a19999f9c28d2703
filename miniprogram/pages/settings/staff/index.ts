import { createStaff, fetchStaff, fetchUnits, type Staff, type Unit } from '../../../api/org.api';
import { describeError, fieldErrors } from '../../../utils/errors';
import { shortTime } from '../../../utils/format';
import { ROLE_LABELS, ROLES } from '../../../vendor/shared';
import { safeSetData } from '../../../utils/set-data';
import { loadsWhenAttached } from '../../../behaviors/loadable';
import { definePage } from '../../../utils/page';

/** A staff member as the list shows them. */
function toStaffRow(s: Staff) {
  return { id: s.id, name: s.name, roleLabel: ROLE_LABELS[s.role], mobile: s.mobile ?? '', isBound: s.isBound, grids: s.gridIds.length ? `${s.gridIds.length} 个网格` : '未分配网格' };
}

/** Staff management (head office): create staff with a one-time binding code, see who is bound. */
definePage()({
  behaviors: [loadsWhenAttached],
  data: {
    form: { name: '', mobile: '' }, roles: ROLES.map((value) => ({ value, label: ROLE_LABELS[value] })), roleIndex: 3,
    units: [] as Unit[], unitIndex: 0, saving: false, error: '', errors: {} as Record<string, string>, bindCode: '', bindCodeExpires: '',
    status: 'loading', listError: '', items: [] as ReturnType<typeof toStaffRow>[],
  },
  methods: {
    async load() {
      this.setData({ status: 'loading', listError: '' });
      try {
        const [staff, units] = await Promise.all([fetchStaff({ limit: 50 }), fetchUnits({})]);
        await safeSetData(this, {
          units: units.items,
          items: staff.items.map(toStaffRow),
          status: staff.items.length ? 'ready' : 'empty',
        });
      } catch (err) {
        this.setData({ status: 'error', listError: describeError(err) });
      }
    },
    onInput(e: WechatMiniprogram.Input) {
      this.setData({ [`form.${e.currentTarget.dataset.field}`]: e.detail.value });
    },
    onRole(e: WechatMiniprogram.PickerChange) {
      this.setData({ roleIndex: Number(e.detail.value) });
    },
    onUnit(e: WechatMiniprogram.PickerChange) {
      this.setData({ unitIndex: Number(e.detail.value) });
    },
    async onCreate() {
      if (this.data.saving) return;
      this.setData({ saving: true, error: '', errors: {}, bindCode: '' });
      try {
        const out = await createStaff({
          name: this.data.form.name,
          mobile: this.data.form.mobile,
          role: this.data.roles[this.data.roleIndex].value,
          unitId: this.data.units[this.data.unitIndex]?.id ?? '',
        });
        this.setData({ bindCode: out.bindCode, bindCodeExpires: shortTime(out.bindCodeExpiresAt), form: { name: '', mobile: '' } });
        void this.load();
      } catch (err) {
        this.setData({ error: describeError(err), errors: fieldErrors(err) });
      } finally {
        this.setData({ saving: false });
      }
    },
  },
});
