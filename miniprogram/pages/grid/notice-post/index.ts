import { fetchSentNotices, type Notice, postNotice } from '../../../api/grid.api';
import { fetchUnits } from '../../../api/org.api';
import { describeError, fieldErrors } from '../../../utils/errors';
import { newId } from '../../../utils/format';
import { requireMe } from '../../../utils/session';
import { safeSetData } from '../../../utils/set-data';
import { UNIT_KIND_LABELS, chinaTime } from '../../../vendor/shared';
import { textScale } from '../../../behaviors/text-scale';

const sentRow = (n: Notice) => ({ id: n.id, title: n.title, unitName: n.unitName, when: chinaTime(n.postedAt, 'YYYY-MM-DD HH:mm'), readCount: n.readCount ?? 0, audience: n.audience ?? 0 });

/**
 * Posting a notice (head office, branch managers) to the caller's own unit or a unit under it, and the notices
 * posted there with how many have read them. One client id per notice, kept across a retry.
 */
Component({
  behaviors: [textScale],
  data: {
    units: [] as { id: string; label: string }[], unitIndex: -1, title: '', body: '', errors: {} as Record<string, string>, submitError: '', busy: false, noticeId: '',
    status: 'loading', error: '', sent: [] as ReturnType<typeof sentRow>[],
  },
  methods: {
    onLoad() {
      void this.loadUnits();
      void this.loadSent();
    },
    async loadUnits() {
      try {
        const me = await requireMe();
        const unit = me.unit;
        if (!unit) return;
        const home = { id: unit.id, label: `${unit.name}（${UNIT_KIND_LABELS[unit.kind as keyof typeof UNIT_KIND_LABELS] ?? ''}全体）` };
        const [children, grids] = await Promise.all([fetchUnits({ parentId: unit.id }), fetchUnits({ kind: 'grid' })]);
        const below = [...children.items, ...grids.items.filter((g) => !children.items.some((c) => c.id === g.id))];
        this.setData({ units: [home, ...below.map((u) => ({ id: u.id, label: `${u.name}（${UNIT_KIND_LABELS[u.kind]}）` }))], unitIndex: 0 });
      } catch (err) {
        this.setData({ submitError: describeError(err) });
      }
    },
    async loadSent() {
      this.setData({ status: 'loading', error: '' });
      try {
        const page = await fetchSentNotices({});
        await safeSetData(this, { sent: page.items.map(sentRow), status: page.items.length ? 'ready' : 'empty' });
      } catch (err) {
        this.setData({ status: 'error', error: describeError(err) });
      }
    },
    onUnit(e: WechatMiniprogram.PickerChange) {
      this.setData({ unitIndex: Number(e.detail.value), errors: {}, noticeId: '' });
    },
    onTitle(e: WechatMiniprogram.Input) {
      this.setData({ title: e.detail.value, errors: {}, noticeId: '' });
    },
    onBody(e: WechatMiniprogram.Input) {
      this.setData({ body: e.detail.value, errors: {}, noticeId: '' });
    },
    async onSubmit() {
      if (this.data.busy) return;
      const unit = this.data.units[this.data.unitIndex];
      if (!unit) return this.setData({ errors: { unitId: '请选择发送范围' } });
      const id = this.data.noticeId || newId();
      this.setData({ busy: true, submitError: '', noticeId: id });
      try {
        const posted = await postNotice({ id, unitId: unit.id, title: this.data.title, body: this.data.body });
        wx.showToast({ title: `已发送 ${posted.audience} 人`, icon: 'success' });
        this.setData({ title: '', body: '', noticeId: '' });
        await this.loadSent();
      } catch (err) {
        const errors = fieldErrors(err);
        this.setData({ errors, submitError: Object.keys(errors).length ? '' : describeError(err) });
      } finally {
        this.setData({ busy: false });
      }
    },
  },
});
