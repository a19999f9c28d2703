import type { DuplicateOut, MerchantOut, MerchantRow, PlacementOut } from '../../shared/contracts/merchant.contract';
import { type PlacementReason, manualPlacementReason } from '../../shared/domain/placement.rules';
import type { PointInput } from '../../shared/contracts/common.contract';
import { maskIdNumber, maskMobile, maskName } from '../../shared/domain/mask.rules';
import { type DuplicateMatch, type MerchantFileFields, duplicateReasons, isComplete, missingFields, normalizeShopName, outOfScopeDuplicates } from '../../shared/domain/merchant-file.rules';
import { HOLDING_STATUS_LABELS, PRODUCT_LABELS, type ProductCode } from '../../shared/domain/product.rules';
import type { FileSnapshot } from '../../shared/domain/timeline.rules';
import { merchantSearchKeys } from '../../shared/domain/search.rules';
import {
  type ActionContext,
  AppError,
  type UnitDoc,
  auditPiProbe,
  fieldError,
  findGridForPoint,
  getDoc,
  hashPi,
  isInScope,
  iso,
  loadUnits,
  sealPi,
  takePiProbe,
} from '../../server';
import { type MerchantDoc, pointOut } from '../../server/merchant';

export { recordMerchantChange, suggestedGridOf, withoutId } from '../../server/transfer';

/**
 * A file as flat display values, compared before and after an edit for the history (what changed, from what
 * to what). Personal data enters only masked, as stored beside its seal; the market, the group and the industry
 * as their ids and code, named when the timeline is read; photos by count.
 */
export function fileSnapshot(m: MerchantDoc): FileSnapshot {
  const p = pointOut(m.location);
  const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
  return {
    name: text(m.name),
    'address.district': text(m.address?.district),
    'address.township': text(m.address?.township),
    'address.street': text(m.address?.street),
    'address.doorPlate': text(m.address?.doorPlate),
    'address.text': text(m.address?.text),
    location: p ? `${p.lng.toFixed(6)}, ${p.lat.toFixed(6)}` : null,
    industry: text(m.industry),
    'operator.name': text(m.operator?.name),
    'operator.mobile': text(m.operator?.mobile?.masked),
    'operator.idNumber': text(m.operator?.idNumber?.masked),
    licenceCode: text(m.licenceCode),
    photos: m.photos?.length ? `${m.photos.length} 张` : null,
    products: m.products?.length ? m.products.map((h) => `${PRODUCT_LABELS[h.product] ?? h.product}（${h.bank === 'ours' ? '本行' : '他行'}${HOLDING_STATUS_LABELS[h.status as keyof typeof HOLDING_STATUS_LABELS] ?? h.status}）`).join('、') : null,
    marketId: text(m.marketId),
    wechatGroupId: text(m.wechatGroupId),
  };
}

/** The products held with us (active), for lists and filters. */
export function productsHeld(m: Pick<MerchantDoc, 'products' | 'acquiring'>): ProductCode[] {
  const held = new Set<ProductCode>();
  for (const p of m.products ?? []) if (p.bank === 'ours' && p.status === 'active') held.add(p.product);
  // Acquiring is what the bank's system says (imports), whatever the staff-entered matrix shows.
  if (m.acquiring?.status === 'active') held.add('acquiring');
  else held.delete('acquiring');
  return [...held];
}

/** The detail view: personal information masked. */
export function merchantView(m: MerchantDoc): MerchantOut {
  return {
    id: m._id,
    name: m.name,
    address: {
      district: m.address?.district ?? null,
      township: m.address?.township ?? null,
      street: m.address?.street ?? null,
      doorPlate: m.address?.doorPlate ?? null,
      text: m.address?.text ?? null,
    },
    location: pointOut(m.location),
    gridId: m.gridId,
    unitPath: m.unitPath ?? [],
    area: m.area ?? null,
    industry: m.industry ?? null,
    operator: { name: m.operator?.name ?? null, mobile: m.operator?.mobile?.masked ?? null, idNumber: m.operator?.idNumber?.masked ?? null },
    licenceCode: m.licenceCode ?? null,
    acquiringNo: m.acquiringNo ?? null,
    photos: (m.photos ?? []).map((p) => ({ fileId: p.fileId, takenAt: iso(p.takenAt) ?? '', location: pointOut(p.location), staffId: p.staffId })),
    products: m.products ?? null,
    productsHeld: productsHeld(m),
    marketId: m.marketId ?? null,
    wechatGroupId: m.wechatGroupId ?? null,
    isComplete: Boolean(m.isComplete),
    missingFields: m.missingFields ?? [],
    lifecycleClass: m.lifecycleClass,
    acquiring: m.acquiring ?? { status: 'none' },
    filedAt: iso(m.filedAt),
    createdAt: iso(m.createdAt),
    updatedAt: iso(m.updatedAt),
    createdBy: m.createdBy ?? null,
    placement: placementView(m.placement),
    version: m.version ?? 1,
    archived: m.archived ? { reason: m.archived.reason, day: m.archived.day, note: m.archived.note ?? null, byStaffId: m.archived.byStaffId, at: iso(m.archived.at) } : null,
    closures: m.closures ?? [],
  };
}

/** A stored manual placement as the views show it. */
export function placementView(p: MerchantDoc['placement']): PlacementOut | null {
  if (!p) return null;
  return { reason: p.reason, status: p.status, gridId: p.gridId, by: p.by, at: iso(p.at) ?? '', reviewedBy: p.reviewedBy ?? null, reviewedAt: iso(p.reviewedAt) };
}

/** A list row: operator name and mobile masked. */
export function merchantRow(m: MerchantDoc): MerchantRow {
  return {
    id: m._id,
    name: m.name,
    address: m.address?.text ?? ([m.address?.street, m.address?.doorPlate].filter(Boolean).join('') || null),
    gridId: m.gridId,
    industry: m.industry ?? null,
    lifecycleClass: m.lifecycleClass,
    isComplete: Boolean(m.isComplete),
    operatorName: m.operator?.name ? maskName(m.operator.name) : null,
    operatorMobile: m.operator?.mobile?.masked ?? null,
    productsHeld: productsHeld(m),
    marketId: m.marketId ?? null,
    location: pointOut(m.location),
    updatedAt: iso(m.updatedAt),
    archived: m.archived ? { reason: m.archived.reason, day: m.archived.day } : null,
  };
}

/** Seals the operator's personal information (mobile, ID number) for storage. */
export function sealOperator(op: { name?: string; mobile?: string; idNumber?: string }): NonNullable<MerchantDoc['operator']> {
  return {
    ...(op.name ? { name: op.name } : {}),
    ...(op.mobile ? { mobile: sealPi(op.mobile, maskMobile) } : {}),
    ...(op.idNumber ? { idNumber: sealPi(op.idNumber, maskIdNumber) } : {}),
  };
}

/** Recomputes completeness (entry standard) on a file about to be stored. */
export function withCompleteness<T extends MerchantDoc>(m: T, ctx: Pick<ActionContext, 'caller' | 'now'>): T {
  const file = m as unknown as MerchantFileFields;
  const missing = missingFields(file);
  const complete = isComplete(file);
  const out = { ...m, nameKey: normalizeShopName(m.name ?? ''), searchKeys: merchantSearchKeys(m), isComplete: complete, missingFields: missing };
  // The day a file first meets the standard is its filing day (建档).
  if (complete && !m.filedAt) Object.assign(out, { filedAt: ctx.now, filedBy: ctx.caller.staffId });
  return out;
}

/**
 * Loads a grid by id for a write: VALIDATION if absent or not a grid, FORBIDDEN outside scope; both name
 * the field that carried the id (a picked grid outside scope is the form's grid field to correct).
 */
export async function loadGridForWrite(ctx: ActionContext, gridId: string, field = 'gridId'): Promise<UnitDoc> {
  const grid = await getDoc<UnitDoc>(ctx.db, 'units', gridId);
  if (!grid || grid.kind !== 'grid') throw fieldError(field, '网格不存在', 'UNIT.NOT_FOUND');
  if (!isInScope(ctx.caller, grid.unitPath)) {
    const message = '不能在其他网格建档或操作';
    throw new AppError('FORBIDDEN', `${field}: ${message}`, { reason: 'SCOPE.OTHER_GRID', details: { issues: [{ field, message }] } });
  }
  return grid;
}

/** Where a new file goes, and why its grid was picked by hand (null when a boundary placed it). */
export interface Placement {
  grid: UnitDoc;
  manual: PlacementReason | null;
}

/**
 * Decides the grid of a new file: the given one (checked against the boundaries: a location inside
 * another grid's polygon is refused; no location, or one in no polygon, makes it a manual placement), or
 * the grid whose polygon contains the location.
 */
export async function placeInGrid(ctx: ActionContext, gridId: string | undefined, location: PointInput | undefined): Promise<Placement> {
  // The grid given and the grid of the location are independent reads: sent together.
  const [placed, given] = await Promise.all([location ? findGridForPoint(ctx.db, location.lng, location.lat) : null, gridId ? loadGridForWrite(ctx, gridId) : null]);
  if (given) {
    const grid = given;
    if (placed && placed !== grid._id) {
      throw fieldError('gridId', '位置在另一个网格的边界内', 'MERCHANT.GRID_MISMATCH', { suggestedGridId: placed });
    }
    return { grid, manual: manualPlacementReason(Boolean(location), placed) };
  }
  if (!location) throw fieldError('gridId', '请选择网格或提供位置', 'MERCHANT.GRID_REQUIRED');
  if (!placed) throw fieldError('gridId', '该位置不在任何网格边界内，请选择网格', 'MERCHANT.NO_GRID_FOR_LOCATION');
  return { grid: await loadGridForWrite(ctx, placed), manual: null };
}

/** Checks that a market and a WeChat group fit the merchant's grid. */
export async function checkMarketAndGroup(ctx: ActionContext, grid: Pick<UnitDoc, '_id' | 'unitPath'>, marketId?: string | null, wechatGroupId?: string | null): Promise<void> {
  if (marketId) {
    const market = await getDoc<{ gridIds?: string[]; branchId?: string }>(ctx.db, 'markets', marketId);
    if (!market) throw fieldError('marketId', '商圈不存在', 'MARKET.NOT_FOUND');
    const fits = (market.gridIds ?? []).includes(grid._id) || (market.branchId !== undefined && grid.unitPath.includes(market.branchId));
    if (!fits) throw fieldError('marketId', '商圈不覆盖该商户所在网格', 'MARKET.OTHER_GRID');
  }
  if (wechatGroupId) {
    const group = await getDoc<{ gridId?: string }>(ctx.db, 'wechatGroups', wechatGroupId);
    if (!group) throw fieldError('wechatGroupId', '微信群不存在', 'WECHAT_GROUP.NOT_FOUND');
    if (group.gridId !== grid._id) throw fieldError('wechatGroupId', '微信群不属于该商户所在网格', 'WECHAT_GROUP.OTHER_GRID');
  }
}

export interface DuplicateProbe {
  id?: string;
  name?: string;
  location?: PointInput | null;
  mobileHash?: string | null;
  licenceCode?: string | null;
}

/** What a duplicate lookup found: the view for the caller, and every match's id for the stored review. */
export interface FoundDuplicates {
  view: DuplicateOut[];
  matches: { merchantId: string; reasons: DuplicateMatch['reasons'] }[];
}

/**
 * Probable duplicates (docs/domain.md §3), looked up bank-wide: same operator mobile (by keyed hash), same licence
 * code, same name within the configured radius. The answer follows the caller's scope: a match inside it
 * as the caller may see it (masked), one outside only as "one exists, ask this unit" (docs/security.md).
 */
export async function findDuplicates(ctx: ActionContext, probe: DuplicateProbe): Promise<FoundDuplicates> {
  const { db } = ctx;
  const _ = db.command;
  const found = new Map<string, MerchantDoc>();
  const add = (rows: MerchantDoc[]) => rows.forEach((r) => found.set(r._id, r));
  const fields = { _id: true, name: true, location: true, operator: true, licenceCode: true, unitPath: true, gridId: true, address: true };
  const lookups: Promise<{ data: MerchantDoc[] }>[] = [];
  if (probe.mobileHash) lookups.push(db.collection('merchants').where({ 'operator.mobile.hash': probe.mobileHash }).field(fields).limit(20).get());
  if (probe.licenceCode) lookups.push(db.collection('merchants').where({ licenceCode: probe.licenceCode }).field(fields).limit(20).get());
  if (probe.name && probe.location) {
    // Same name by index (the stored name, or the normalised key of files written since), then distance
    // and the normalised comparison in the rule: a handful of documents instead of a grid's worth.
    const byName = _.or([{ name: probe.name }, { nameKey: normalizeShopName(probe.name) }]);
    lookups.push(db.collection('merchants').where(byName).field(fields).limit(50).get());
  }
  // Independent queries: sent together (one round trip), added in the order they were asked.
  for (const res of await Promise.all(lookups)) add(res.data);
  if (found.size === 0) return { view: [], matches: [] };
  const candidate: MerchantFileFields = {
    ...(probe.id ? { _id: probe.id } : {}),
    name: probe.name ?? null,
    location: probe.location ? [probe.location.lng, probe.location.lat] : null,
    operator: { mobile: probe.mobileHash ? { hash: probe.mobileHash } : null },
    licenceCode: probe.licenceCode ?? null,
  };
  const matches = duplicateReasons(candidate, [...found.values()] as never);
  const inside: DuplicateOut[] = [];
  const outside: { reasons: DuplicateMatch['reasons']; askUnit: { id: string; name: string } }[] = [];
  const outsideUnits = matches.filter((x) => !isInScope(ctx.caller, found.get(x.merchantId)!.unitPath)).map((x) => askUnitOf(found.get(x.merchantId)!));
  const units = await loadUnits(db, outsideUnits);
  for (const match of matches) {
    const m = found.get(match.merchantId)!;
    if (isInScope(ctx.caller, m.unitPath)) {
      inside.push({ ...match, inScope: true, name: m.name, address: m.address?.text ?? null, gridId: m.gridId, operatorMobile: m.operator?.mobile?.masked ?? null });
    } else {
      const unitId = askUnitOf(m);
      outside.push({ reasons: match.reasons, askUnit: { id: unitId, name: units.get(unitId)?.name ?? '' } });
    }
  }
  return { view: [...inside, ...outOfScopeDuplicates(outside)], matches: matches.map(({ merchantId, reasons }) => ({ merchantId, reasons })) };
}

/** The unit to ask about a match outside scope: its branch (the bank for a file without one). */
function askUnitOf(m: Pick<MerchantDoc, 'unitPath'>): string {
  return m.unitPath?.[1] ?? m.unitPath?.[0] ?? '';
}

/**
 * A duplicate lookup that carries personal data (an operator mobile) or is asked for on its own
 * (`checkDuplicate`): taken from the caller's daily quota, looked up, and audited with what it found.
 * A lookup whose answer is not shown (a filing forced past duplicates) is neither counted nor audited.
 */
export async function lookUpDuplicates(ctx: ActionContext, probe: DuplicateProbe, via: string, counted: boolean): Promise<FoundDuplicates> {
  if (!counted) return findDuplicates(ctx, probe);
  await takePiProbe(ctx);
  const found = await findDuplicates(ctx, probe);
  const kinds = [probe.mobileHash ? 'mobile' : null, probe.licenceCode ? 'licence' : null, probe.name && probe.location ? 'name' : null].filter((k): k is string => k !== null);
  await auditPiProbe(ctx.db, ctx.caller, { via, probes: kinds, mobileHash: probe.mobileHash ?? null, merchantId: probe.id ?? null }, { matches: found.matches.length, inScope: found.view.filter((d) => d.inScope).length }, ctx.now);
  return found;
}

/** Refuses to save over probable duplicates unless the caller decided (confirmDuplicateOf / force). */
export function assertDuplicatesDecided(found: FoundDuplicates, decision: { confirmDuplicateOf?: string; force?: boolean }): unknown {
  if (found.matches.length === 0) return undefined;
  // Only a match the caller was shown can be confirmed as a different merchant.
  const confirmed = decision.confirmDuplicateOf && found.view.some((d) => d.merchantId === decision.confirmDuplicateOf);
  if (!decision.force && !confirmed) {
    throw new AppError('CONFLICT', '发现疑似重复商户，请核对后选择', { reason: 'MERCHANT.DUPLICATE', details: { duplicates: found.view } });
  }
  return { matches: found.matches, decision: decision.force ? 'force' : 'confirmed-distinct', confirmedId: decision.confirmDuplicateOf ?? null };
}

/** Keyed hash of a normalised mobile, as stored beside the sealed value. */
export function mobileHash(mobile: string | undefined): string | null {
  return mobile ? hashPi(mobile) : null;
}

