/**
 * The merchant file's entry standard (建档信息录入标准, docs/domain.md §3) and the duplicate check.
 *
 * Why: "filed" (建档数) and coverage count only complete files (docs/domain.md §7), so completeness must be
 * one rule used by the form, the functions and the metrics. A file may be saved incomplete and
 * finished later; `missingFields` tells the grid worker what is left. The duplicate check finds
 * probable duplicates for the user to decide: nothing is merged silently.
 */
import { distanceMeters, type LngLat } from './geo.rules';
import type { ProductHolding } from './product.rules';

/** Storefront photos (门头照) a file needs: at least one, at most three. */
export const MIN_STOREFRONT_PHOTOS = 1;
export const MAX_STOREFRONT_PHOTOS = 3;

/** Same shop name closer than this (metres) is a probable duplicate. */
export const DUPLICATE_NAME_RADIUS_M = 50;

/** A location as the layers carry it: `[lng, lat]`, a contract's `{ lng, lat }`, a CloudBase Point, or GeoJSON. */
export type LocationLike =
  | readonly [number, number]
  | { lng: number; lat: number }
  | { longitude: number; latitude: number }
  | { type?: string; coordinates: readonly [number, number] };

/** The parts of a merchant file these rules read; everything optional, as drafts are incomplete. */
export interface MerchantFileFields {
  _id?: string;
  name?: string | null;
  photos?: readonly unknown[] | null;
  address?: {
    district?: string | null;
    township?: string | null;
    street?: string | null;
    doorPlate?: string | null;
  } | null;
  location?: LocationLike | null;
  industry?: string | null;
  /** The operator's mobile is a plain string before sealing, a sealed `{ hash, ... }` once stored. */
  operator?: { name?: string | null; mobile?: string | { hash?: string | null } | null } | null;
  /** `[]` declares "holds no product"; absent means not yet asked. */
  products?: readonly ProductHolding[] | null;
  licenceCode?: string | null;
}

/** The required fields of the entry standard, in form order, as dotted paths. */
export const REQUIRED_FILE_FIELDS = [
  'name',
  'photos',
  'address.district',
  'address.township',
  'address.street',
  'address.doorPlate',
  'location',
  'industry',
  'operator.name',
  'operator.mobile',
  'products',
] as const;
export type RequiredFileField = (typeof REQUIRED_FILE_FIELDS)[number];

/** `[lng, lat]` of any accepted location shape, or null when absent or not numeric. */
export function toLngLat(location: LocationLike | null | undefined): LngLat | null {
  if (!location || typeof location !== 'object') return null;
  let pair: readonly unknown[] | null = null;
  if (Array.isArray(location)) pair = location;
  else if ('coordinates' in location && Array.isArray(location.coordinates)) pair = location.coordinates;
  else if ('longitude' in location) pair = [location.longitude, location.latitude];
  else if ('lng' in location) pair = [location.lng, location.lat];
  if (!pair || pair.length !== 2) return null;
  const [lng, lat] = pair;
  return typeof lng === 'number' && typeof lat === 'number' && Number.isFinite(lng) && Number.isFinite(lat) ? [lng, lat] : null;
}

const isFilled = (s: unknown): boolean => typeof s === 'string' && s.trim().length > 0;

/** True when the operator's mobile is given, as a plain number or a sealed value with its hash. */
function hasMobile(mobile: unknown): boolean {
  if (typeof mobile === 'string') return mobile.trim().length > 0;
  return typeof mobile === 'object' && mobile !== null && isFilled((mobile as { hash?: unknown }).hash);
}

/** The required fields still missing from a file (empty when complete), in form order. */
export function missingFields(file: MerchantFileFields): RequiredFileField[] {
  const photos = Array.isArray(file.photos) ? file.photos.length : 0;
  const present: Record<RequiredFileField, boolean> = {
    name: isFilled(file.name),
    photos: photos >= MIN_STOREFRONT_PHOTOS,
    'address.district': isFilled(file.address?.district),
    'address.township': isFilled(file.address?.township),
    'address.street': isFilled(file.address?.street),
    'address.doorPlate': isFilled(file.address?.doorPlate),
    location: toLngLat(file.location) !== null,
    industry: isFilled(file.industry),
    'operator.name': isFilled(file.operator?.name),
    'operator.mobile': hasMobile(file.operator?.mobile),
    products: Array.isArray(file.products),
  };
  return REQUIRED_FILE_FIELDS.filter((f) => !present[f]);
}

/**
 * True when the file meets the entry standard: nothing required missing and no more than three
 * storefront photos. Only complete files count as filed (建档数).
 */
export function isComplete(file: MerchantFileFields): boolean {
  const photos = Array.isArray(file.photos) ? file.photos.length : 0;
  return missingFields(file).length === 0 && photos <= MAX_STOREFRONT_PHOTOS;
}

export const DUPLICATE_REASONS = ['same-mobile', 'same-licence', 'same-name-nearby'] as const;
export type DuplicateReason = (typeof DUPLICATE_REASONS)[number];

export interface DuplicateMatch {
  merchantId: string;
  reasons: DuplicateReason[];
  /** Distance between the two locations in metres, when both are known. */
  distanceM?: number;
}

/**
 * What a probable duplicate may tell a caller outside the match's scope (JR/T 0171-2020 minimum necessary):
 * that matches exist, why, and which unit to ask: one entry per unit, reasons merged, no id, name or place.
 */
export function outOfScopeDuplicates(matches: readonly { reasons: readonly DuplicateReason[]; askUnit: { id: string; name: string } }[]): { reasons: DuplicateReason[]; inScope: false; askUnit: { id: string; name: string } }[] {
  const byUnit = new Map<string, { reasons: Set<DuplicateReason>; askUnit: { id: string; name: string } }>();
  for (const m of matches) {
    const entry = byUnit.get(m.askUnit.id) ?? { reasons: new Set<DuplicateReason>(), askUnit: m.askUnit };
    for (const r of m.reasons) entry.reasons.add(r);
    byUnit.set(m.askUnit.id, entry);
  }
  return [...byUnit.values()].map((e) => ({ reasons: DUPLICATE_REASONS.filter((r) => e.reasons.has(r)), inScope: false as const, askUnit: e.askUnit }));
}

/** Shop name as compared for duplicates: width-folded, lower case, without spaces and punctuation. */
export function normalizeShopName(name: string): string {
  return name
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s\u3000·•.,，。、:：;；'"“”‘’()（）[\]【】<>《》\-_/\\|!！?？]/g, '');
}

/** Comparable key of a licence code: upper case without spaces, or null when absent. */
function licenceKey(code: unknown): string | null {
  return typeof code === 'string' && code.trim() ? code.replace(/\s/g, '').toUpperCase() : null;
}

/** Comparable key of an operator mobile: the sealed hash, or the plain number. */
function mobileKey(mobile: unknown): string | null {
  if (typeof mobile === 'string') return mobile.trim() ? `plain:${mobile.trim()}` : null;
  if (typeof mobile === 'object' && mobile !== null) {
    const hash = (mobile as { hash?: unknown }).hash;
    return typeof hash === 'string' && hash ? `hash:${hash}` : null;
  }
  return null;
}

/**
 * Probable duplicates of `candidate` among `existing` (docs/domain.md §3): the same operator mobile (by keyed
 * hash), the same licence code, or the same shop name within 50 m. Each match lists all its reasons;
 * matches with more reasons come first, then the nearer. The candidate itself (same `_id`) is skipped.
 */
export function duplicateReasons(
  candidate: MerchantFileFields,
  existing: readonly (MerchantFileFields & { _id: string })[],
): DuplicateMatch[] {
  const mobile = mobileKey(candidate.operator?.mobile);
  const licence = licenceKey(candidate.licenceCode);
  const name = typeof candidate.name === 'string' ? normalizeShopName(candidate.name) : '';
  const here = toLngLat(candidate.location);
  const matches: DuplicateMatch[] = [];
  for (const other of existing) {
    if (candidate._id !== undefined && other._id === candidate._id) continue;
    const reasons: DuplicateReason[] = [];
    const there = toLngLat(other.location);
    const distance = here && there ? distanceMeters(here, there) : undefined;
    if (mobile && mobileKey(other.operator?.mobile) === mobile) reasons.push('same-mobile');
    if (licence && licenceKey(other.licenceCode) === licence) reasons.push('same-licence');
    if (name && typeof other.name === 'string' && normalizeShopName(other.name) === name && distance !== undefined && distance <= DUPLICATE_NAME_RADIUS_M) {
      reasons.push('same-name-nearby');
    }
    if (reasons.length > 0) {
      matches.push(distance === undefined ? { merchantId: other._id, reasons } : { merchantId: other._id, reasons, distanceM: Math.round(distance) });
    }
  }
  return matches.sort(
    (a, b) => b.reasons.length - a.reasons.length || (a.distanceM ?? Infinity) - (b.distanceM ?? Infinity),
  );
}
