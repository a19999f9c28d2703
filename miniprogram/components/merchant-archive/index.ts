import { archiveMerchant, reopenMerchant } from '../../api/merchant.api';
import { describeError, fieldErrors } from '../../utils/errors';
import { definePage } from '../../utils/page';
import { ARCHIVE_REASONS, ARCHIVE_REASON_LABELS, chinaDay } from '../../vendor/shared';

type Closure = { from: string; to: string | null };
type Archive = { reason: string; day: string; note?: string | null } | null;

/**
 * A merchant's closed-or-moved state (docs/domain.md §3) on its detail page: shown to everyone; archive with
 * a reason and a day, or reopen with a day, for leaders and above (the function decides scope). The day
 * pickers stop at today and start where the rules allow (the file's first day, the last reopening, the
 * archive's day); the server checks again and names the field it refuses. A form, not a load: it takes its
 * state from the detail page's properties, so it has no `loadable` skeleton.
 */
definePage()({
  properties: {
    merchantId: { type: String, value: '' },
    archived: { type: Object, value: null as unknown as Record<string, unknown> },
    closures: { type: Array, value: [] as unknown[] },
    createdAt: { type: String, value: '' },
    canAct: { type: Boolean, value: false },
  },
  data: {
    mode: '' as '' | 'archive' | 'reopen',
    reasonNames: ARCHIVE_REASONS.map((r) => ARCHIVE_REASON_LABELS[r]),
    reasonIndex: -1,
    day: '',
    startDay: '',
    today: '',
    note: '',
    errors: {} as Record<string, string>,
    formError: '',
    busy: false,
    archivedReason: '',
  },
  observers: {
    archived(a: Archive) {
      this.setData({ archivedReason: a ? ((ARCHIVE_REASON_LABELS as Record<string, string>)[a.reason] ?? a.reason) : '' });
    },
  },
  methods: {
    open(mode: 'archive' | 'reopen') {
      const today = chinaDay();
      const closures = (this.data.closures ?? []) as Closure[];
      const archived = this.data.archived as Archive;
      const created = this.data.createdAt ? chinaDay(new Date(this.data.createdAt)) : '';
      const reopened = closures.length ? (closures[closures.length - 1].to ?? '') : '';
      const startDay = mode === 'reopen' ? (archived?.day ?? '') : [created, reopened].sort()[1] ?? created;
      this.setData({ mode, today, day: today, startDay, reasonIndex: -1, note: '', errors: {}, formError: '' });
    },
    onOpenArchive() {
      this.open('archive');
    },
    onOpenReopen() {
      this.open('reopen');
    },
    onCancel() {
      this.setData({ mode: '', errors: {}, formError: '' });
    },
    onReason(e: WechatMiniprogram.PickerChange) {
      this.setData({ reasonIndex: Number(e.detail.value), 'errors.reason': '' });
    },
    onDay(e: WechatMiniprogram.PickerChange) {
      this.setData({ day: String(e.detail.value), 'errors.day': '' });
    },
    onNote(e: WechatMiniprogram.Input) {
      this.setData({ note: e.detail.value });
    },
    async onSubmit() {
      if (this.data.busy) return;
      const { mode, day, reasonIndex } = this.data;
      const note = this.data.note.trim() || undefined;
      this.setData({ busy: true, errors: {}, formError: '' });
      try {
        const res =
          mode === 'archive'
            ? await archiveMerchant({ id: this.data.merchantId, reason: ARCHIVE_REASONS[reasonIndex] as (typeof ARCHIVE_REASONS)[number], day, note })
            : await reopenMerchant({ id: this.data.merchantId, day, note });
        this.setData({ mode: '' });
        this.triggerEvent('changed', { tasksClosed: res.tasksClosed });
      } catch (err) {
        const errors = fieldErrors(err);
        // A field the form shows is marked there; anything else (scope, a conflict) says so above the buttons.
        this.setData({ errors, formError: errors.reason || errors.day ? '' : describeError(err) });
      } finally {
        this.setData({ busy: false });
      }
    },
  },
});
