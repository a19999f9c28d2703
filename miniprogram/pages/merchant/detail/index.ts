import { fetchClassHistory, startMarketing } from '../../../api/lifecycle.api';
import { fetchMerchant, fetchMerchantCode, fetchMerchantPhotoUrls, resolveMerchantScene, revealOperator, type MerchantOut } from '../../../api/merchant.api';
import { fetchUnit } from '../../../api/org.api';
import { fetchTasks, fetchVisitPhotoUrls, fetchVisits, type TaskOut, type VisitOut } from '../../../api/visit.api';
import { actOnTask, closeTaskWithReason, confirmFlaggedVisit, reassignInGrid, toTaskCard, type Caller, type TaskCard } from '../../../utils/task-actions';
import { describeError } from '../../../utils/errors';
import { newId, shortTime } from '../../../utils/format';
import { LIFECYCLE_CLASS_LABELS, industryName, OTHER_BANK_LABELS, PRODUCT_LABELS, HOLDING_STATUS_LABELS, PRODUCTS, VISIT_TYPE_LABELS, reasonLabel } from '../../../utils/labels';
import { isManager, requireMe } from '../../../utils/session';
import { ARCHIVE_ROLES } from '../../../vendor/shared';
import { safeSetData } from '../../../utils/set-data';
import { PLACEMENT_REASON_LABELS } from '../../../vendor/shared';
import { definePage } from '../../../utils/page';
import { textScale } from '../../../behaviors/text-scale';

const FIELD_NAMES: Record<string, string> = { name: '店名', photos: '门头照', address: '门牌地址', location: '位置', industry: '行业', operator: '经营者', 'operator.name': '经营者姓名', 'operator.mobile': '经营者手机号', products: '产品覆盖' };

/** The product matrix: for each product, our status and the other banks holding it. */
export function productRows(holdings: MerchantOut['products'] = []) {
  const rows = holdings ?? [];
  return PRODUCTS.map((code) => {
    const ours = rows.find((h) => h.product === code && h.bank === 'ours');
    const others = rows.filter((h) => h.product === code && h.bank === 'other' && h.status !== 'none' && h.status !== 'closed');
    const status = ours?.status ?? 'none';
    return {
      code,
      label: PRODUCT_LABELS[code],
      ours: HOLDING_STATUS_LABELS[status] ?? status,
      oursTone: status === 'active' ? 'ok' : status === 'in-progress' ? 'warn' : 'muted',
      other: others.length ? others.map((o) => (o.otherBank ? OTHER_BANK_LABELS[o.otherBank] : '他行')).join('、') : '—',
      isGap: status !== 'active' && status !== 'in-progress',
    };
  });
}

/** The file's fields as the detail shows them. */
export function fileView(m: MerchantOut) {
  return {
    name: m.name,
    lifecycleClass: m.lifecycleClass,
    classLabel: LIFECYCLE_CLASS_LABELS[m.lifecycleClass] ?? '',
    addressText: m.address.text ?? [m.address.street, m.address.doorPlate].filter(Boolean).join(''),
    missing: m.missingFields.map((f) => FIELD_NAMES[f] ?? f).join('、'),
    industryLabel: industryName(m.industry),
    operatorName: m.operator.name ?? '—',
    operatorMobile: m.operator.mobile ?? '—',
    operatorId: m.operator.idNumber ?? '',
    licenceCode: m.licenceCode ?? '',
    gridName: m.gridId,
    // A grid picked by hand at filing, while its leader has not yet confirmed it.
    placementNote: m.placement?.status === 'pending' ? `建档人手动选择（${PLACEMENT_REASON_LABELS[m.placement.reason]}），待网格长确认` : '',
    acquiring: m.acquiring.status === 'active' ? `已开通${m.acquiring.since ? `（${m.acquiring.since}）` : ''}` : m.acquiring.status === 'closed' ? '已关闭' : '未开通',
    photos: m.photos.length,
    isFull: false,
    // Closed or moved (merchant-archive component).
    archived: m.archived ?? null,
    closures: m.closures ?? [],
    createdAt: m.createdAt ?? '',
  };
}

/** The visits, class history and tasks lists as the tabs show them. */
type VisitRow = { id: string; typeLabel: string; staffName: string; when: string; distance: string; isFlagged: boolean; failed: number; photos: number };
type HistoryRow = { key: string; day: string; reason: string; fromLabel: string; toLabel: string };

/** Merchant detail: file, products (ours/other, 去营销), visits, class history, tasks; full PI only when entitled. */
definePage()({
  behaviors: [textScale],
  data: {
    id: '', status: 'loading', error: '', tab: 'file', canSeeFull: false, canArchive: false, canTransfer: false, notice: '',
    tabs: [{ value: 'file', label: '档案' }, { value: 'products', label: '产品' }, { value: 'visits', label: '走访' }, { value: 'history', label: '分类' }, { value: 'tasks', label: '任务' }],
    m: {} as Record<string, unknown>, products: [] as ReturnType<typeof productRows>, gaps: [] as string[], visits: [] as VisitRow[], history: [] as HistoryRow[], tasks: [] as TaskCard[], tasksError: '', caller: null as Caller, visitsError: '', historyError: '',
    /** storefront photo links (short-lived, issued by the function after its scope check) */
    photoUrls: [] as string[], photoError: '',
    /** the merchant code (商户码) for the stand sign, once asked for */
    code: null as null | { url: string; scene: string }, codeError: '',
  },
  methods: {
    onLoad(query: Record<string, string>) {
      // Opened by a scanned merchant code, WeChat passes its scene (URL-encoded) instead of an id.
      if (query.scene) return void this.openScene(decodeURIComponent(query.scene));
      this.setData({ id: query.id ?? '' });
      void this.load();
    },
    async openScene(scene: string) {
      this.setData({ status: 'loading', error: '' });
      try {
        const { merchantId } = await resolveMerchantScene(scene);
        this.setData({ id: merchantId });
        await this.load();
      } catch (err) {
        // Outside the caller's scope the function says so (FORBIDDEN, SCOPE.OUTSIDE): shown as it is.
        this.setData({ status: 'error', error: describeError(err) });
      }
    },
    /** Links to the storefront photos: thumbnails on the file tab, full screen on a tap. */
    async loadPhotos() {
      try {
        const links = await fetchMerchantPhotoUrls(this.data.id);
        this.setData({ photoUrls: links.files.flatMap((f) => (f.url ? [f.url] : [])), photoError: '' });
      } catch (err) {
        this.setData({ photoError: describeError(err) });
      }
    },
    onPhoto(e: WechatMiniprogram.TouchEvent) {
      const urls = this.data.photoUrls;
      wx.previewImage({ urls, current: urls[Number(e.currentTarget.dataset.index) || 0] });
    },
    /** A visit's photos (its own and its checks'), full screen. */
    async onVisitPhotos(e: WechatMiniprogram.TouchEvent) {
      try {
        const links = await fetchVisitPhotoUrls(String(e.currentTarget.dataset.id));
        const urls = links.files.flatMap((f) => (f.url ? [f.url] : []));
        if (!urls.length) return this.setData({ notice: '这次走访没有照片。' });
        wx.previewImage({ urls, current: urls[0] });
      } catch (err) {
        this.setData({ notice: describeError(err) });
      }
    },
    /** The merchant code for the stand sign: shown, and full screen to save or print. */
    async onCode() {
      try {
        const code = this.data.code ?? (await fetchMerchantCode(this.data.id));
        if (!code.url) throw new Error('商户码图片暂不可用，请稍后重试');
        this.setData({ code: { url: code.url, scene: code.scene }, codeError: '' });
        wx.previewImage({ urls: [code.url], current: code.url });
      } catch (err) {
        this.setData({ codeError: describeError(err) });
      }
    },
    async load() {
      this.setData({ status: 'loading', error: '' });
      try {
        const [me, m, visits, history] = await Promise.all([
          requireMe(),
          fetchMerchant(this.data.id),
          // The side lists are secondary: the file shows even when one of them fails, and the failed list says why.
          fetchVisits(this.data.id).catch((err) => ({ items: [] as VisitOut[], error: describeError(err) })),
          fetchClassHistory(this.data.id).catch((err) => ({ items: [] as { from: string | null; to: string; reason: string; detail?: string | null; day: string }[], error: describeError(err) })),
        ]);
        // The merchant's own open tasks (any role that sees the merchant may list them), and the grid's name.
        const [tasks, grid] = await Promise.all([
          fetchTasks({ merchantId: m.id, status: 'open', limit: 50 }).catch((err) => ({ items: [] as TaskOut[], error: describeError(err) })),
          fetchUnit(m.gridId).catch(() => null),
        ]);
        const products = productRows(m.products);
        const caller = { role: me.role, staffId: me.staffId };
        await safeSetData(this, {
          status: 'ready',
          // Head office's setting (piRevealRoles), as `me` answers it; revealPi still decides and records the view.
          canSeeFull: Boolean(me.canRevealPi),
          canArchive: (ARCHIVE_ROLES as readonly string[]).includes(me.role),
          canTransfer: isManager(me.role),
          m: { ...fileView(m), gridName: grid?.unit.name ?? m.gridId },
          products,
          gaps: products.filter((p) => p.isGap).map((p) => p.code),
          visits: visits.items.map((v: any) => ({
            id: v.id,
            typeLabel: VISIT_TYPE_LABELS[v.type] ?? v.type,
            staffName: v.staffName ?? '',
            when: shortTime(v.at),
            distance: v.distanceM === undefined || v.distanceM === null ? '' : `${Math.round(v.distanceM)} 米${v.isFlagged ? '·超距' : ''}`,
            isFlagged: Boolean(v.isFlagged),
            failed: (v.checks ?? []).filter((c: any) => c.result === 'fail').length,
            photos: (v.photos ?? []).length + (v.checks ?? []).filter((c: any) => c.photo).length,
          })),
          history: history.items.map((h, i) => ({ key: `${h.day}-${i}`, day: h.day, reason: h.detail ?? reasonLabel(h.reason), fromLabel: LIFECYCLE_CLASS_LABELS[h.from ?? ''] ?? '新建', toLabel: LIFECYCLE_CLASS_LABELS[h.to] ?? h.to })),
          // The team board's card: assignee, due or overdue (as the server reads it, as of the bank's day), and
          // the actions this caller may take (a leader's 改派 / 关闭 / 确认走访; an assignee's 关闭 of its own).
          caller,
          tasks: tasks.items.map((t) => toTaskCard(t, caller)),
          // A list that could not load says so instead of looking empty.
          tasksError: 'error' in tasks ? tasks.error : '',
          visitsError: 'error' in visits ? visits.error : '',
          historyError: 'error' in history ? history.error : '',
        });
        if (m.photos.length) void this.loadPhotos();
      } catch (err) {
        this.setData({ status: 'error', error: describeError(err) });
      }
    },
    onTab(e: WechatMiniprogram.TouchEvent) {
      this.setData({ tab: String(e.currentTarget.dataset.value) });
    },
    async onShowFull() {
      try {
        const pi = await revealOperator(this.data.id);
        this.setData({ 'm.operatorName': pi.operator.name ?? '—', 'm.operatorMobile': pi.operator.mobile ?? '—', 'm.operatorId': pi.operator.idNumber ?? '', 'm.isFull': true });
      } catch (err) {
        this.setData({ notice: describeError(err) });
      }
    },
    onComplete() {
      wx.navigateTo({ url: `/pages/merchant/form/index?id=${this.data.id}` });
    },
    /** The grid screens of this merchant: its timeline, its WeChat group, a transfer. */
    onGridPage(e: WechatMiniprogram.TouchEvent) {
      wx.navigateTo({ url: `/pages/grid/${String(e.currentTarget.dataset.page)}/index?id=${this.data.id}` });
    },
    onRevisit() {
      wx.navigateTo({ url: `/pages/visit/revisit/index?merchantId=${this.data.id}` });
    },
    /** A task opens the visit that settles it; one waiting for the leader's confirmation or done starts none. */
    onOpen(e: WechatMiniprogram.TouchEvent) {
      const row = this.data.tasks.find((r) => r.id === e.currentTarget.dataset.id);
      if (!row || row.state === 'done') return;
      if (row.state === 'pending') return this.setData({ notice: '该任务已走访，待网格长确认，无需再次走访。' });
      wx.navigateTo({ url: `/pages/visit/revisit/index?merchantId=${this.data.id}&taskId=${row.id}` });
    },
    /** Replaces a task card with the task as the server answered. */
    replaceTask(t: TaskOut | null) {
      const i = this.data.tasks.findIndex((r) => r.id === t?.id);
      if (t && i >= 0) this.setData({ [`tasks[${i}]`]: toTaskCard(t, this.data.caller), notice: '' });
    },
    onClose(e: WechatMiniprogram.TouchEvent) {
      return actOnTask(this, () => closeTaskWithReason(String(e.currentTarget.dataset.id)), (t) => this.replaceTask(t));
    },
    onConfirm(e: WechatMiniprogram.TouchEvent) {
      return actOnTask(this, () => confirmFlaggedVisit(String(e.currentTarget.dataset.id)), (t) => this.replaceTask(t));
    },
    onReassign(e: WechatMiniprogram.TouchEvent) {
      const row = this.data.tasks.find((r) => r.id === String(e.currentTarget.dataset.id));
      if (row) return actOnTask(this, () => reassignInGrid(row), (t) => this.replaceTask(t));
    },
    async onMarket() {
      if (!this.data.gaps.length) return this.setData({ notice: '本行产品已全部开通，无需营销。' });
      try {
        // 去营销: a marketing task for the gaps, then the marketing visit form with them ticked.
        const { task } = await startMarketing({ merchantId: this.data.id, taskId: newId(), products: this.data.gaps });
        wx.navigateTo({ url: `/pages/visit/revisit/index?merchantId=${this.data.id}&type=marketing&taskId=${task.id}&products=${task.products.join(',')}` });
      } catch (err) {
        this.setData({ notice: describeError(err) });
      }
    },
  },
});
