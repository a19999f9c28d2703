import { fetchMerchant } from '../../../api/merchant.api';
import { fetchTasks, type SubmitVisitOutput, type TaskOut } from '../../../api/visit.api';
import { getVisitQueue } from '../../../offline/index';
import { loadable } from '../../../behaviors/loadable';
import { describeError, fieldErrors, ServiceError } from '../../../utils/errors';
import { newId } from '../../../utils/format';
import { CHECK_ITEMS, CHECK_LABELS, MARKETING_OUTCOMES, MARKETING_OUTCOME_LABELS, PRODUCT_LABELS, PRODUCTS, TASK_KIND_LABELS, VISIT_TYPE_LABELS } from '../../../utils/labels';
import { stampTimeText, visitTypeFor } from '../../../vendor/shared';
import { distanceM, getPosition, LocationError, type Fix } from '../../../utils/location';
import { takeStampedPhotos } from '../../../utils/photo';
import { PrivacyRefused } from '../../../utils/privacy';
import { requireMe } from '../../../utils/session';
import { definePage } from '../../../utils/page';
import { textScale } from '../../../behaviors/text-scale';

/** Default flag radius (docs/domain.md §5); the server applies head office's configured value. */
const DEFAULT_RADIUS_M = 200;

interface CheckRow {
  item: string;
  label: string;
  result: '' | 'pass' | 'fail' | 'na';
  note: string;
  photo: string;
  /** when the photo was taken (ISO), the time its stamp says */
  photoAt: string;
}

/** The line saying which task this visit works on. */
function taskLine(t: TaskOut): string {
  return `${TASK_KIND_LABELS[t.kind] ?? t.kind}${t.check ? `：${CHECK_LABELS[t.check] ?? t.check}` : ''} · ${t.dueDay} 前完成`;
}

/**
 * Revisit / marketing / maintenance visit: GPS check-in with distance, six checks, note; queued offline-first.
 * Opened from a task (`taskId`), it starts the visit that settles it (shared/domain/task.rules.ts) and sends
 * the task with the visit.
 */
definePage<{ _visitId?: string }>()({
  behaviors: [textScale, loadable],
  data: {
    merchantId: '', taskId: '', merchant: { name: '', address: '', location: null as null | { lat: number; lng: number } },
    type: 'revisit', types: ['revisit', 'marketing', 'maintenance'].map((value) => ({ value, label: VISIT_TYPE_LABELS[value] })),
    fix: null as Fix | null, distance: 0, far: false, radius: DEFAULT_RADIUS_M, locationError: '', needsSetting: false,
    checks: CHECK_ITEMS.map((item) => ({ item, label: CHECK_LABELS[item], result: '', note: '', photo: '', photoAt: '' })) as CheckRow[],
    results: [{ value: 'pass', label: '通过' }, { value: 'fail', label: '未通过' }, { value: 'na', label: '不适用' }],
    productChoices: PRODUCTS.map((code) => ({ code, label: PRODUCT_LABELS[code], on: false })),
    outcomes: MARKETING_OUTCOMES.map((value) => ({ value, label: (MARKETING_OUTCOME_LABELS as Record<string, string>)[value] })), outcome: '',
    task: null as null | { id: string; line: string; check: string }, typeFromQuery: false, taskError: '',
    note: '', saving: false, formError: '', errors: {} as Record<string, string>, result: null as null | { title: string; tasks: string[]; sub: string },
  },
  methods: {
    onLoad(query: Record<string, string> = {}) {
      const wanted = (query.products ?? '').split(',').filter(Boolean);
      this.setData({
        merchantId: query.merchantId ?? '',
        taskId: query.taskId ?? '',
        type: query.type === 'marketing' || query.type === 'maintenance' ? query.type : 'revisit',
        typeFromQuery: Boolean(query.type),
        productChoices: this.data.productChoices.map((p) => ({ ...p, on: wanted.includes(p.code) })),
      });
      void this.load();
    },
    load() {
      return this.runLoad(async () => {
        const [m] = await Promise.all([fetchMerchant(this.data.merchantId), this.loadTask()]);
        this.setData({ status: 'ready', merchant: { name: m.name, address: m.address?.text ?? '', location: m.location ?? null } });
      });
    },
    /**
     * The task it was opened from, among the merchant's open ones. When it cannot be read the page says so with
     * a retry: the task's kind picks the visit type, so sending blind could settle nothing (a 回访 for a marketing task).
     */
    async loadTask() {
      if (!this.data.taskId) return;
      this.setData({ taskError: '' });
      let tasks: { items: TaskOut[] };
      try {
        tasks = await fetchTasks({ merchantId: this.data.merchantId, status: 'open', limit: 50 });
      } catch (err) {
        return this.setData({ taskError: describeError(err) });
      }
      const t = tasks.items.find((x) => x.id === this.data.taskId);
      const patch: Record<string, unknown> = {};
      if (t) {
        patch.task = { id: t.id, line: taskLine(t), check: t.check ?? '' };
        if (!this.data.typeFromQuery) patch.type = visitTypeFor(t.kind);
        const wanted = t.products ?? [];
        if (wanted.length && !this.data.productChoices.some((p) => p.on)) patch.productChoices = this.data.productChoices.map((p) => ({ ...p, on: wanted.includes(p.code) }));
      } else {
        patch.task = { id: this.data.taskId, line: '该任务已完成或已关闭', check: '' };
      }
      this.setData({ ...patch, formError: '' });
    },
    onType(e: WechatMiniprogram.TouchEvent) {
      this.setData({ type: String(e.currentTarget.dataset.value), formError: '' });
    },
    async onCheckIn() {
      this.setData({ locationError: '', needsSetting: false });
      try {
        const fix = await getPosition();
        const loc = this.data.merchant.location;
        const distance = loc ? distanceM(fix, loc) : 0;
        this.setData({ fix, distance, far: distance > this.data.radius });
      } catch (err) {
        this.setData({ locationError: err instanceof LocationError || err instanceof PrivacyRefused ? err.message : '定位失败，请重试。', needsSetting: err instanceof LocationError && err.needsSetting });
      }
    },
    onOpenSetting() {
      wx.openSetting({});
    },
    onResult(e: WechatMiniprogram.TouchEvent) {
      const i = Number(e.currentTarget.dataset.index);
      this.setData({ [`checks[${i}].result`]: String(e.currentTarget.dataset.value) });
    },
    onNote(e: WechatMiniprogram.Input) {
      this.setData({ [`checks[${Number(e.currentTarget.dataset.index)}].note`]: e.detail.value });
    },
    onOutcome(e: WechatMiniprogram.TouchEvent) {
      const v = String(e.currentTarget.dataset.value);
      this.setData({ outcome: this.data.outcome === v ? '' : v });
    },
    onVisitNote(e: WechatMiniprogram.Input) {
      this.setData({ note: e.detail.value });
    },
    onProduct(e: WechatMiniprogram.TouchEvent) {
      const i = Number(e.currentTarget.dataset.index);
      this.setData({ [`productChoices[${i}].on`]: !this.data.productChoices[i].on });
    },
    async onCheckPhoto(e: WechatMiniprogram.TouchEvent) {
      const i = Number(e.currentTarget.dataset.index);
      try {
        const me = await requireMe();
        const takenAt = new Date();
        const [path] = await takeStampedPhotos(1, { takenAt: stampTimeText(takenAt), place: this.data.merchant.name, staff: me.name });
        this.setData({ [`checks[${i}].photo`]: path, [`checks[${i}].photoAt`]: takenAt.toISOString() });
      } catch (err) {
        if (err instanceof PrivacyRefused) this.setData({ formError: err.message });
      }
    },
    /** What is missing before the visit can be sent, as a sentence, or ''. */
    problem(): string {
      if (this.data.taskError && !this.data.typeFromQuery) return '任务未能读取，请点“重试”后再提交，以免走访类型与任务不符。';
      if (!this.data.fix) return '请先完成 GPS 签到。';
      if (this.data.type === 'revisit') {
        const i = this.data.checks.findIndex((c) => !c.result);
        if (i >= 0) return `请填写第 ${i + 1} 项必查“${this.data.checks[i].label}”的结果。`;
        const j = this.data.checks.findIndex((c) => c.result === 'fail' && !c.note.trim());
        if (j >= 0) return `第 ${j + 1} 项“${this.data.checks[j].label}”未通过，请写明问题。`;
      }
      if (this.data.type === 'marketing' && !this.data.productChoices.some((p) => p.on)) return '请选择本次营销的产品。';
      return '';
    },
    async onSubmit() {
      if (this.data.saving) return;
      const problem = this.problem();
      if (problem) return this.setData({ formError: problem });
      this.setData({ saving: true, formError: '', errors: {} });
      try {
        const me = await requireMe();
        const fix = this.data.fix as Fix;
        // One id per form: tapping submit again after a lost answer resends the same visit.
        const id = this._visitId ?? (this._visitId = newId());
        const at = new Date().toISOString();
        const photos: { tempPath: string; takenAt: string; location: { lat: number; lng: number }; staffId: string }[] = [];
        const checkPhotos: Record<string, number> = {};
        const checks = this.data.type === 'revisit'
          ? this.data.checks.map((c) => {
              if (c.photo) {
                checkPhotos[c.item] = photos.length;
                // Its stamp: the time drawn on it, the visit's fix, the visitor; the server holds it against the visit.
                photos.push({ tempPath: c.photo, takenAt: c.photoAt || at, location: { lat: fix.lat, lng: fix.lng }, staffId: me.staffId });
              }
              return { item: c.item, result: c.result, ...(c.note.trim() ? { note: c.note.trim() } : {}) };
            })
          : undefined;
        const visit = {
          merchantId: this.data.merchantId,
          type: this.data.type,
          at,
          location: { lng: fix.lng, lat: fix.lat },
          ...(checks ? { checks } : {}),
          ...(this.data.type === 'marketing' ? { productsPitched: this.data.productChoices.filter((p) => p.on).map((p) => p.code) } : {}),
          ...(this.data.type === 'marketing' && this.data.outcome ? { outcome: this.data.outcome } : {}),
          ...(this.data.taskId ? { taskId: this.data.taskId } : {}),
          ...(this.data.note.trim() ? { note: this.data.note.trim() } : {}),
        };
        const queue = getVisitQueue();
        await queue.enqueue({ id, visit, photos, checkPhotos, label: `${VISIT_TYPE_LABELS[this.data.type]} · ${this.data.merchant.name}` });
        await queue.flush();
        const left = queue.summary().items.find((i) => i.id === id);
        const failed = (checks ?? []).filter((c) => c.result === 'fail').map((c) => CHECK_LABELS[c.item]);
        const answer = queue.answerOf(id) as SubmitVisitOutput | undefined;
        if (!left && answer) {
          const v = answer.visit;
          const sub = [
            v.distanceM === null ? '' : `距商户 ${Math.round(v.distanceM)} 米${v.isFlagged ? '，已标记为异常走访' : ''}。`,
            answer.closedTaskIds.length ? `已关闭 ${answer.closedTaskIds.length} 个任务。` : '',
            answer.pendingTaskIds?.length ? `走访超出范围，${answer.pendingTaskIds.length} 个任务待网格长确认后关闭。` : '',
          ].join('');
          this._visitId = undefined;
          this.setData({ result: { title: '走访已提交', tasks: answer.openedTaskIds.length ? failed : [], sub } });
        } else if (left?.state === 'rejected') {
          this.setData({ formError: left.lastError ?? '提交被退回。' });
          // The user fixes the form and submits again: the refused copy must not linger in the queue.
          await queue.discard(id);
        } else {
          this._visitId = undefined;
          this.setData({ result: { title: '已保存在手机上，联网后自动提交', tasks: failed, sub: '可在工作台“待同步”查看进度。' } });
        }
      } catch (err) {
        this.setData({ formError: describeError(err), errors: err instanceof ServiceError ? fieldErrors(err) : {} });
      } finally {
        this.setData({ saving: false });
      }
    },
  },
});
