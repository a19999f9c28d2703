import { createMerchant, fetchMerchant, updateMerchant, type DuplicateOut, type SaveResult } from '../../../api/merchant.api';
import { uploadFile } from '../../../api/transport';
import { STORAGE_KEYS } from '../../../config';
import { describeError, fieldErrors, ServiceError } from '../../../utils/errors';
import { newId } from '../../../utils/format';
import { DUPLICATE_REASON_LABELS, industryOptions, OTHER_BANK_LABELS, PRODUCT_LABELS, HOLDING_STATUS_LABELS, PRODUCTS } from '../../../utils/labels';

import { getPosition, LocationError, type Fix } from '../../../utils/location';
import { takeStampedPhotos } from '../../../utils/photo';
import { ensurePrivacy, PrivacyRefused } from '../../../utils/privacy';
import { requireMe } from '../../../utils/session';
import { definePage } from '../../../utils/page';
import { merchantContract, stampTimeText, storagePath, XINGHUA_NAME, XINGHUA_TOWNSHIPS } from '../../../vendor/shared';
import { getOfflineQueue } from '../../../offline/index';
import type { PhotoToKeep } from '../../../offline/visit-queue';
import { fetchGridsInScope, type GridOption } from '../../../api/placement.api';
import { parseInput } from '../../../api/validate';
import { textScale } from '../../../behaviors/text-scale';

const OUR_CYCLE = ['none', 'in-progress', 'active'];

/** The 他行 picker: none, or which other bank holds the product (the contract's `otherBank` codes). */
export const OTHER_BANK_OPTIONS = [{ code: '', label: '他行无' }, ...Object.entries(OTHER_BANK_LABELS).map(([code, label]) => ({ code, label: `他行·${label}` }))];

/** A probable duplicate as the warning lists it (outside the user's scope only the reason shows). */
export function toDuplicateRow(d: DuplicateOut, index = 0) {
  return {
    key: d.merchantId ?? `ask-${d.askUnit?.id ?? ''}-${index}`,
    id: d.merchantId ?? '',
    // Outside the user's scope the server says only that a match exists and which unit to ask.
    name: d.inScope ? d.name ?? '' : `${d.askUnit?.name || '其他单位'}的商户`,
    address: d.inScope ? d.address ?? '' : '不在您的范围内，请联系该单位核实',
    why: d.reasons.map((r) => DUPLICATE_REASON_LABELS[r] ?? r).join('、') + (d.distanceM !== undefined ? `（相距 ${Math.round(d.distanceM)} 米）` : ''),
    inScope: d.inScope,
  };
}

/** The merchant filing form (建档): photos, location, industry, operator, products, duplicates, drafts. */
definePage<{ _version?: number }>()({
  behaviors: [textScale],
  data: {
    merchantId: '', editing: false, saving: false, error: '', errors: {} as Record<string, string>,
    form: { name: '', street: '', doorPlate: '', operatorName: '', operatorMobile: '', operatorIdNumber: '', licenceCode: '' } as Record<string, string>,
    district: XINGHUA_NAME, townships: XINGHUA_TOWNSHIPS.map((t) => ({ code: t.code, name: t.name })), townshipIndex: -1, townshipName: '',
    industries: industryOptions(), industryIndex: -1, industryLabel: '',
    /** Photos taken; `fileId` once uploaded, so a retried save does not upload them again. */
    photos: [] as { path: string; takenAt: string; location?: { lat: number; lng: number }; fileId?: string }[],
    location: null as Fix | null, markers: [] as { id: number; latitude: number; longitude: number; width: number; height: number }[], locationError: '', needsSetting: false,
    products: PRODUCTS.map((code) => ({ code, label: PRODUCT_LABELS[code], ours: 'none', oursLabel: HOLDING_STATUS_LABELS.none, other: '', otherLabel: OTHER_BANK_OPTIONS[0].label })),
    otherBanks: OTHER_BANK_OPTIONS,
    duplicates: [] as ReturnType<typeof toDuplicateRow>[],
    /** The grid picker (no fix, or a fix outside every boundary): grids in scope, kept for offline use. */
    grids: [] as GridOption[], gridIndex: -1, gridName: '',
    /** Set when fixing a filing kept in the offline queue. */
    queuedId: '',
  },
  methods: {
    onLoad(query: Record<string, string> = {}) {
      this.setData({ merchantId: query.queued || query.id || newId(), editing: Boolean(query.id), queuedId: query.queued || '' });
      if (query.id) void this.loadExisting(query.id);
      else void this.loadGrids().then(() => query.queued && this.loadQueued(query.queued));
    },
    async loadGrids() {
      try {
        this.setData({ grids: await fetchGridsInScope() });
      } catch {
        // No list yet and no network: the form files by location only until one is fetched.
      }
    },
    onGrid(e: WechatMiniprogram.PickerChange) {
      const i = Number(e.detail.value);
      this.setData({ gridIndex: i, gridName: this.data.grids[i]?.name ?? '', 'errors.gridId': '' });
    },
    /** Puts a filing kept in the offline queue back into the form, with what the server said about it. */
    loadQueued(id: string) {
      const item = getOfflineQueue().get(id);
      if (!item) return this.setData({ error: '该建档已发送或已放弃。', queuedId: '' });
      const r = item.record as Record<string, any>;
      const idx = this.data.industries.findIndex((i) => i.code === r.industry);
      const gridIndex = this.data.grids.findIndex((g) => g.id === r.gridId);
      this.setData({
        'form.name': r.name ?? '',
        'form.street': r.address?.street ?? '',
        'form.doorPlate': r.address?.doorPlate ?? '',
        'form.operatorName': r.operator?.name ?? '',
        'form.operatorMobile': r.operator?.mobile ?? '',
        'form.operatorIdNumber': r.operator?.idNumber ?? '',
        'form.licenceCode': r.licenceCode ?? '',
        townshipIndex: this.data.townships.findIndex((t) => t.name === r.address?.township),
        townshipName: r.address?.township ?? '',
        industryIndex: idx,
        industryLabel: idx >= 0 ? this.data.industries[idx].label : '',
        location: r.location ? { lat: r.location.lat, lng: r.location.lng, accuracy: 0 } : null,
        gridIndex,
        gridName: gridIndex >= 0 ? this.data.grids[gridIndex].name : '',
        // Kept photos: their device path stands for them, so a resend keeps (and does not re-upload) them.
        photos: item.photos.map((p) => ({ path: p.localPath, takenAt: p.takenAt, location: p.location })),
        error: item.lastError ?? '',
        errors: item.lastErrorFields ?? {},
      });
    },
    async loadExisting(id: string) {
      try {
        const m = await fetchMerchant(id);
        const idx = this.data.industries.findIndex((i) => i.code === m.industry);
        this._version = m.version;
        this.setData({
          'form.name': m.name,
          'form.street': m.address.street ?? '',
          'form.doorPlate': m.address.doorPlate ?? '',
          townshipIndex: this.data.townships.findIndex((t) => t.name === m.address.township),
          townshipName: m.address.township ?? '',
          // Masked values are not sent back: the user retypes personal data only to change it.
          'form.operatorName': '',
          location: m.location ? { lat: m.location.lat, lng: m.location.lng, accuracy: 0 } : null,
          industryIndex: idx,
          industryLabel: idx >= 0 ? this.data.industries[idx].label : '',
        });
      } catch (err) {
        this.setData({ error: describeError(err) });
      }
    },
    onInput(e: WechatMiniprogram.Input) {
      const field = String(e.currentTarget.dataset.field);
      this.setData({ [`form.${field}`]: e.detail.value });
    },
    onTownship(e: WechatMiniprogram.PickerChange) {
      const i = Number(e.detail.value);
      this.setData({ townshipIndex: i, townshipName: this.data.townships[i]?.name ?? '' });
    },
    onIndustry(e: WechatMiniprogram.PickerChange) {
      const i = Number(e.detail.value);
      this.setData({ industryIndex: i, industryLabel: this.data.industries[i]?.label ?? '' });
    },
    onCycleOurs(e: WechatMiniprogram.TouchEvent) {
      const i = Number(e.currentTarget.dataset.index);
      const next = OUR_CYCLE[(OUR_CYCLE.indexOf(this.data.products[i].ours) + 1) % OUR_CYCLE.length];
      this.setData({ [`products[${i}].ours`]: next, [`products[${i}].oursLabel`]: HOLDING_STATUS_LABELS[next] });
    },
    /** Which other bank holds the product (or none): the 他行 chip names it. */
    onOtherBank(e: WechatMiniprogram.PickerChange) {
      const i = Number(e.currentTarget.dataset.index);
      const picked = OTHER_BANK_OPTIONS[Number(e.detail.value)] ?? OTHER_BANK_OPTIONS[0];
      this.setData({ [`products[${i}].other`]: picked.code, [`products[${i}].otherLabel`]: picked.label });
    },
    async onLocate() {
      this.setData({ locationError: '', needsSetting: false });
      try {
        const fix = await getPosition();
        this.setData({ location: fix, markers: [{ id: 1, latitude: fix.lat, longitude: fix.lng, width: 28, height: 36 }] });
        return fix;
      } catch (err) {
        this.setData({ locationError: err instanceof LocationError || err instanceof PrivacyRefused ? err.message : '定位失败，请重试。', needsSetting: err instanceof LocationError && err.needsSetting });
        return null;
      }
    },
    onOpenSetting() {
      wx.openSetting({});
    },
    async onTakePhoto() {
      try {
        // One agreement prompt covers both the location and the camera that follow.
        await ensurePrivacy();
        const me = await requireMe();
        const fix = this.data.location ?? (await this.onLocate());
        const takenAt = new Date().toISOString();
        const place = fix ? `${fix.lng.toFixed(5)}, ${fix.lat.toFixed(5)}` : '位置未知';
        const paths = await takeStampedPhotos(3 - this.data.photos.length, { takenAt: stampTimeText(takenAt), place, staff: me.name });
        this.setData({ photos: [...this.data.photos, ...paths.map((path) => ({ path, takenAt, location: fix ? { lat: fix.lat, lng: fix.lng } : undefined }))].slice(0, 3), 'errors.photos': '' });
      } catch (err) {
        this.setData({ error: err instanceof PrivacyRefused ? err.message : /cancel/.test(String((err as Error)?.message)) ? '' : describeError(err) });
      }
    },
    /** The create/update input from the form; blank optional fields are left out. */
    payload(photos: { fileId: string; takenAt: string; location?: { lng: number; lat: number } }[], staffId: string) {
      const f = this.data.form;
      const ind = this.data.industries[this.data.industryIndex];
      const operator: Record<string, string> = {};
      if (f.operatorName.trim()) operator.name = f.operatorName;
      if (f.operatorMobile.trim()) operator.mobile = f.operatorMobile;
      if (f.operatorIdNumber.trim()) operator.idNumber = f.operatorIdNumber;
      const loc = this.data.location;
      const parts = { township: this.data.townshipName, street: f.street.trim(), doorPlate: f.doorPlate.trim() };
      const given = Object.fromEntries(Object.entries(parts).filter(([, v]) => v));
      // District and township come from the division list (entry standard); the text is the full line.
      const address = Object.keys(given).length ? { district: XINGHUA_NAME, ...given, text: `${XINGHUA_NAME}${parts.township}${parts.street}${parts.doorPlate}` } : null;
      return {
        id: this.data.merchantId,
        name: f.name,
        ...(address ? { address } : {}),
        ...(loc ? { location: { lng: loc.lng, lat: loc.lat } } : {}),
        ...(this.data.grids[this.data.gridIndex] ? { gridId: this.data.grids[this.data.gridIndex].id } : {}),
        ...(ind ? { industry: ind.code } : {}),
        ...(Object.keys(operator).length ? { operator } : {}),
        ...(f.licenceCode.trim() ? { licenceCode: f.licenceCode } : {}),
        // A photo takes the form's fix when it has none of its own; with no fix at all (a grid picked by hand)
        // it goes without a place, which the server accepts only for a file without a location.
        ...(photos.length ? { photos: photos.map((p) => { const at = p.location ?? (loc ? { lng: loc.lng, lat: loc.lat } : null); return { fileId: p.fileId, takenAt: p.takenAt, ...(at ? { location: at } : {}), staffId }; }) } : {}),
        products: this.data.products.flatMap((p) => [
          ...(p.ours !== 'none' ? [{ product: p.code, bank: 'ours' as const, status: p.ours as 'in-progress' | 'active' }] : []),
          ...(p.other ? [{ product: p.code, bank: 'other' as const, otherBank: p.other as keyof typeof OTHER_BANK_LABELS, status: 'active' as const }] : []),
        ]),
      };
    },
    /** What the entry standard still lacks, as a sentence ('' when the file is complete). */
    missing(): string {
      const f = this.data.form;
      const lacks = [
        !f.name.trim() && '店名',
        !this.data.photos.length && '门头照',
        !this.data.townshipName && '乡镇/街道',
        !f.street.trim() && '路名',
        !f.doorPlate.trim() && '门牌号',
        !this.data.location && '位置',
        this.data.industryIndex < 0 && '行业类别',
        !f.operatorName.trim() && '经营者姓名',
        !f.operatorMobile.trim() && '经营者手机号',
      ].filter(Boolean);
      return lacks.length ? `还缺：${lacks.join('、')}。可先“暂存”，补齐后再提交。` : '';
    },
    async uploadPhotos(): Promise<{ fileId: string; takenAt: string; location?: { lng: number; lat: number } }[]> {
      const out = [];
      const me = await requireMe();
      for (let i = 0; i < this.data.photos.length; i++) {
        const p = this.data.photos[i];
        // A path of its own per upload: the storage rule refuses overwriting a colleague's file, and a fresh
        // path never replaces the picture behind an older file id. The server accepts only our own uploads.
        const fileId = p.fileId ?? (await uploadFile(p.path, storagePath('merchants', me.staffId, 'jpg', newId())));
        if (!p.fileId) this.setData({ [`photos[${i}].fileId`]: fileId });
        out.push({ fileId, takenAt: p.takenAt, location: p.location ? { lng: p.location.lng, lat: p.location.lat } : undefined });
      }
      return out;
    },
    async send(options: { draft: boolean; force: boolean }) {
      if (this.data.saving) return;
      if (!options.draft && !this.data.editing) {
        const missing = this.missing();
        if (missing) return this.setData({ error: missing });
      }
      this.setData({ saving: true, error: '', errors: {} });
      if (!this.data.editing) return this.file(options);
      try {
        const me = await requireMe();
        const photos = await this.uploadPhotos();
        const body = this.payload(photos, me.staffId);
        const res: SaveResult = this.data.editing
          ? await updateMerchant({ ...body, expectedVersion: this._version, ...(options.force ? { force: true } : {}) })
          : await createMerchant({ ...body, ...(options.force ? { force: true } : {}) });
        if (res.duplicates?.length && !res.merchant) {
          // Nothing was saved: the user compares the matches and decides.
          this.setData({ duplicates: res.duplicates.map(toDuplicateRow) });
          return;
        }
        wx.removeStorageSync(STORAGE_KEYS.formDraft);
        wx.showToast({ title: res.merchant?.isComplete ? '建档成功' : '已暂存', icon: 'success' });
        wx.redirectTo({ url: `/pages/merchant/detail/index?id=${res.merchant?.id ?? this.data.merchantId}` });
      } catch (err) {
        if (err instanceof ServiceError && Array.isArray(err.details?.duplicates)) this.setData({ duplicates: (err.details.duplicates as DuplicateOut[]).map(toDuplicateRow) });
        this.setData({ error: describeError(err), errors: fieldErrors(err) });
      } finally {
        this.setData({ saving: false });
      }
    },
    /**
     * A new filing goes through the offline queue, as a visit does: kept on the device with its photos,
     * sent now if the network allows, else when it returns; the client id makes a resend safe.
     */
    async file(options: { draft: boolean; force: boolean }) {
      const queue = getOfflineQueue();
      const id = this.data.merchantId;
      try {
        const me = await requireMe();
        const record = { ...this.payload([], me.staffId), ...(options.force ? { force: true } : {}) };
        // Checked before it is kept, so the queue holds only what the contract accepts.
        parseInput(merchantContract.createMerchantInput, record);
        const loc = this.data.location;
        const photos: PhotoToKeep[] = this.data.photos.map((p) => ({ tempPath: p.path, takenAt: p.takenAt, location: p.location ?? (loc ? { lat: loc.lat, lng: loc.lng } : undefined), staffId: me.staffId }));
        const label = `建档 · ${record.name}`;
        if (queue.get(id)) await queue.revise(id, { record, photos, label });
        else await queue.enqueue({ id, filing: record, photos, label });
        await queue.flush();
        const left = queue.get(id);
        const answer = queue.answerOf(id) as SaveResult | undefined;
        if (!left && answer?.merchant) {
          wx.removeStorageSync(STORAGE_KEYS.formDraft);
          wx.showToast({ title: answer.merchant.isComplete ? '建档成功' : '已暂存', icon: 'success' });
          wx.redirectTo({ url: `/pages/merchant/detail/index?id=${answer.merchant.id}` });
        } else if (left?.state === 'rejected') {
          const err = queue.failureOf(id);
          if (err instanceof ServiceError && Array.isArray(err.details?.duplicates)) this.setData({ duplicates: (err.details.duplicates as DuplicateOut[]).map(toDuplicateRow) });
          // The kept copies stand for the photos from now on: a resend neither copies nor uploads them again.
          const photos = left.photos.map((p) => ({ path: p.localPath, takenAt: p.takenAt, location: p.location }));
          this.setData({ photos, error: left.lastError ?? '提交被退回。', errors: left.lastErrorFields ?? {} });
        } else {
          wx.removeStorageSync(STORAGE_KEYS.formDraft);
          wx.showToast({ title: '已保存，联网后自动提交', icon: 'none' });
          wx.redirectTo({ url: '/pages/merchant/queue/index' });
        }
      } catch (err) {
        this.setData({ error: describeError(err), errors: fieldErrors(err) });
      } finally {
        this.setData({ saving: false });
      }
    },
    onSubmit() {
      void this.send({ draft: false, force: false });
    },
    onSubmitAnyway() {
      void this.send({ draft: false, force: true });
    },
    onSaveDraft() {
      void this.send({ draft: true, force: false });
    },
    onOpenDuplicate(e: WechatMiniprogram.TouchEvent) {
      if (!e.currentTarget.dataset.scope) return;
      wx.navigateTo({ url: `/pages/merchant/detail/index?id=${e.currentTarget.dataset.id}` });
    },
  },
});
