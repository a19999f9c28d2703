/**
 * The merchant file as the functions share it: its stored shape, its points and photos, and loading one in the
 * caller's scope. The merchant function files and corrects merchants; the visit function reads them for a
 * visit, so what both use lives here (docs/architecture.md: a function never reaches into another's folder).
 */
import type { PhotoInput, PointInput } from '../shared/contracts/common.contract';
import { toLngLat } from '../shared/domain/merchant-file.rules';
import type { Closure, MerchantArchive } from '../shared/domain/merchant-archive.rules';
import type { PlacementReason, PlacementStatus } from '../shared/domain/placement.rules';
import type { ProductHolding } from '../shared/domain/product.rules';
import { getDoc } from './db';
import { notFound } from './errors';
import type { GivenFile } from './jobs/files';
import type { SealedValue } from './pi';
import type { ActionContext } from './router';
import { assertInScope } from './scope';

/** A stored merchant file (data-model `merchants`). */
export interface MerchantDoc {
  _id: string;
  name: string;
  address?: { district?: string; township?: string; street?: string; doorPlate?: string; text?: string };
  location?: unknown;
  gridId: string;
  unitPath: string[];
  area: 'city' | 'township' | null;
  industry?: string;
  operator?: { name?: string; mobile?: SealedValue; idNumber?: SealedValue };
  licenceCode?: string;
  acquiringNo?: string;
  /** the normalised door plate, within each unit of the path, and with its street (shared/domain/search.rules.ts) */
  searchKeys?: string[];
  photos?: { fileId: string; takenAt: Date; location: unknown; staffId: string }[];
  products?: ProductHolding[];
  marketId?: string | null;
  wechatGroupId?: string | null;
  isComplete: boolean;
  missingFields: string[];
  filedAt?: Date | null;
  filedBy?: string | null;
  acquiring?: { status: string; since?: string; closedAt?: string; deviceStatus?: string };
  credit?: { grantedFen: number; drawnFen: number; grantedAt?: string };
  depositFen?: number;
  lifecycleClass: string;
  classSince?: string;
  createdAt: Date;
  updatedAt: Date;
  createdBy?: string;
  version: number;
  duplicateReview?: unknown;
  /** Closed or moved (docs/domain.md §3): the current archive, and every closed stretch for the metrics. */
  archived?: MerchantArchive | null;
  closures?: Closure[];
  /** A grid the filer picked (no fix, or a fix outside every boundary), for the grid leader to review. */
  placement?: StoredPlacement;
  [key: string]: unknown;
}

export interface StoredPlacement {
  reason: PlacementReason;
  status: PlacementStatus;
  gridId: string;
  by: string;
  at: Date;
  reviewedBy?: string;
  reviewedAt?: Date;
  toGridId?: string;
}

/** A CloudBase geo Point from a validated `{ lng, lat }`. */
export function toGeoPoint(ctx: Pick<ActionContext, 'db'>, p: PointInput): unknown {
  return ctx.db.Geo.Point(p.lng, p.lat);
}

/** `{ lng, lat }` of a stored Point (Geo class, GeoJSON or pair), or null. */
export function pointOut(v: unknown): { lng: number; lat: number } | null {
  const p = toLngLat(v as never);
  return p ? { lng: p[0], lat: p[1] } : null;
}

/** A stamped photo as given: a storefront photo of a filing without a fix has no place. */
type GivenPhoto = Omit<PhotoInput, 'location'> & { location?: PhotoInput['location'] };

/** Stamped photos as stored: instants as Dates, places as Points (null for a photo without a place). */
export function toStoredPhotos(ctx: Pick<ActionContext, 'db'>, photos: GivenPhoto[]): MerchantDoc['photos'] {
  return photos.map((p) => ({ fileId: p.fileId, takenAt: p.takenAt, location: p.location ? toGeoPoint(ctx, p.location) : null, staffId: p.staffId }));
}

/** A file's photos as files given to it: the id's field and the stamp's. */
export function photoFiles(photos: GivenPhoto[] | undefined): GivenFile[] {
  return (photos ?? []).map((p, i) => ({ field: `photos.${i}.fileId`, fileId: p.fileId, stamp: { field: `photos.${i}`, value: p } }));
}

/** Loads a merchant the caller may see, else NOT_FOUND/FORBIDDEN. */
export async function loadMerchantInScope(ctx: ActionContext, id: string): Promise<MerchantDoc> {
  const m = await getDoc<MerchantDoc>(ctx.db, 'merchants', id);
  if (!m) throw notFound('商户', 'MERCHANT.NOT_FOUND');
  assertInScope(ctx.caller, m.unitPath);
  return m;
}
