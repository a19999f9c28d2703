import { fetchSentNotices, type Notice, postNotice } from '../../../api/grid.api';
import { fetchUnits } from '../../../api/org.api';
import { loadsWhenAttached } from '../../../behaviors/loadable';
import { describeError, fieldErrors } from '../../../utils/errors';
import { definePage } from '../../../utils/page';
import { newId } from '../../../utils/format';
import { requireMe } from '../../../utils/session';
import { safeSetData } from '../../../utils/set-data';
import { UNIT_KINDS, UNIT_KIND_LABELS, chinaTime } from '../../../vendor/shared';
import type { Unit } from '../../../api/org.api';
import { textScale } from '../../../behaviors/text-scale';

const sentRow = (n: Notice) => ({ id: n.id, title: n.title, unitName: n.unitName, when: chinaTime(n.postedAt, 'YYYY-MM-DD HH:mm'), readCount: n.readCount ?? 0, audience: n.audience ?? 0 });

/**
 * Posting a notice (head office, branch managers) to the caller's own unit or a unit under it (a branch, a group
 * or a grid), and the notices posted there with how many have read them. One client id per notice, kept across
 * a retry.
 */
definePage<{ _noticeId?: string }>()({
  behaviors: [textScale, loadsWhenAttached],
  data: {
    units: [] as { id: string; label: string }[], unitIndex: -1, title: '', body: '', errors: {} as Record<string, string>, submitError: '', busy: false,
    sent: [] as ReturnType<typeof sentRow>[],
  },
  lifetimes: {
    attached() {
      void this.loadUnits();
    },
  },
  methods: {
    /** The units a notice may go to: the caller's own, then the branches (head office), groups and grids in scope. */
    async loadUnits() {
      try {
        const me = await requireMe();
        const unit = me.unit;
        if (!unit) return;
        const home = { id: unit.id, label: `${unit.name}（${UNIT_KIND_LABELS[unit.kind as keyof typeof UNIT_KIND_LABELS] ?? ''}全体）` };
        const kinds = (['branch', 'group', 'grid'] as const).filter((k) => UNIT_KINDS.indexOf(k) > UNIT_KINDS.indexOf(unit.kind as (typeof UNIT_KINDS)[number]));
        const lists = await Promise.all(kinds.map((kind) => fetchUnits({ kind })));
        const below = new Map<string, Unit>();
        for (const u of lists.flatMap((l) => l?.items ?? [])) if (u.id !== unit.id && !below.has(u.id)) below.set(u.id, u);
        const ordered = [...below.values()].sort((a, b) => UNIT_KINDS.indexOf(a.kind) - UNIT_KINDS.indexOf(b.kind));
        this.setData({ units: [home, ...ordered.map((u) => ({ id: u.id, label: `${u.name}（${UNIT_KIND_LABELS[u.kind]}）` }))], unitIndex: 0 });
      } catch (err) {
        this.setData({ submitError: describeError(err) });
      }
    },
    load() {
      return this.runLoad(async () => {
        const page = await fetchSentNotices({});
        await safeSetData(this, { sent: page.items.map(sentRow), status: page.items.length ? 'ready' : 'empty' });
      });
    },
    onUnit(e: WechatMiniprogram.PickerChange) {
      this._noticeId = undefined;
      this.setData({ unitIndex: Number(e.detail.value), errors: {} });
    },
    onTitle(e: WechatMiniprogram.Input) {
      this._noticeId = undefined;
      this.setData({ title: e.detail.value, errors: {} });
    },
    onBody(e: WechatMiniprogram.Input) {
      this._noticeId = undefined;
      this.setData({ body: e.detail.value, errors: {} });
    },
    async onSubmit() {
      if (this.data.busy) return;
      const unit = this.data.units[this.data.unitIndex];
      if (!unit) return this.setData({ errors: { unitId: '请选择发送范围' } });
      const id = this._noticeId ?? newId();
      this._noticeId = id;
      this.setData({ busy: true, submitError: '' });
      try {
        const posted = await postNotice({ id, unitId: unit.id, title: this.data.title, body: this.data.body });
        wx.showToast({ title: `已发送 ${posted.audience} 人`, icon: 'success' });
        this._noticeId = undefined;
        this.setData({ title: '', body: '' });
        await this.load();
      } catch (err) {
        const errors = fieldErrors(err);
        this.setData({ errors, submitError: Object.keys(errors).length ? '' : describeError(err) });
      } finally {
        this.setData({ busy: false });
      }
    },
  },
});
