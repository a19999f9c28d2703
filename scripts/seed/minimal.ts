/**
 * The minimal bank (docs/data-model.md "Demo bank"): head office, the 13 branches with one group and one grid each, one bound
 * account per role and a handful of merchants in the demo accounts' grid. Seeds in well under a second.
 */
import { makeCreditCode, makeOrganizationCode } from '../../shared/domain/credit-code.rules';
import { maskMobile } from '../../shared/domain/mask.rules';
import { sealPi } from '../../server/pi';
import { merchantSearchKeys } from '../../shared/domain/search.rules';
import { SEARCH_KEYS_MARK, SEARCH_KEYS_VERSION } from '../../server/search-keys';
import { chinaInstant, dayIndex, dayOfIndex } from '../../shared/domain/period.rules';
import type { MakePoint, Dataset } from './demo';
import type { GridInfo } from './org';
import type { Rng } from './random';
import { DIVISION, XINGHUA_CODE } from './xinghua';
import { personName, shopName } from './names';
import { CHECK_ITEMS } from './catalog';

const SHOPS: { industry: string; acquiring: 'none' | 'active' | 'closed'; complete: boolean }[] = [
  { industry: '52', acquiring: 'active', complete: true },
  { industry: '62', acquiring: 'active', complete: true },
  { industry: '80', acquiring: 'none', complete: true },
  { industry: '52', acquiring: 'closed', complete: true },
  { industry: '81', acquiring: 'none', complete: false },
  { industry: '62', acquiring: 'active', complete: false },
];

/** A handful of merchants in `grid`: acquiring or not, complete or not, one of each kind that matters. */
export function generateMinimal(rng: Rng, grid: GridInfo, makePoint: MakePoint): Dataset {
  const merchants = SHOPS.map((s, i) => {
    const id = `m-${String(i + 1).padStart(6, '0')}`;
    const [lng, lat] = grid.pointIn(0.2 + 0.12 * i, 0.3 + 0.08 * i);
    const operatorName = personName(rng);
    const street = grid.roads[i % grid.roads.length];
    const door = `${10 + i * 7}号`;
    const filedDay = dayIndex('2024-05-06') + i * 3;
    const filedAt = chinaInstant(filedDay, 10, i);
    const since = s.acquiring === 'none' ? undefined : dayOfIndex(dayIndex('2024-06-01') + i * 5);
    const mobile = `1391528${String(1000 + i * 37).padStart(4, '0')}`;
    const products = s.acquiring === 'none' ? [{ product: 'acquiring', bank: 'other', otherBank: 'ccb', status: 'active' }] : [{ product: 'acquiring', bank: 'ours', status: s.acquiring, since, ...(s.acquiring === 'closed' ? { until: '2025-03-31' } : {}) }];
    const address = { district: DIVISION.district, township: grid.township, street, doorPlate: door, text: `${DIVISION.province}${DIVISION.city}${DIVISION.district}${grid.township}${street}${door}` };
    return {
      _id: id,
      name: shopName(rng, s.industry, operatorName, street, false),
      address,
      searchKeys: merchantSearchKeys({ address, unitPath: grid.unitPath }),
      location: makePoint(lng, lat),
      gridId: grid.id,
      unitPath: grid.unitPath,
      area: grid.area,
      industry: s.industry,
      operator: { name: operatorName, mobile: sealPi(mobile, maskMobile) },
      ...(i === 0 ? { licenceCode: makeCreditCode(`92${XINGHUA_CODE}${makeOrganizationCode('MA1XY2K3')}`) } : {}),
      ...(since ? { acquiringNo: `898${XINGHUA_CODE}${String(i + 1).padStart(6, '0')}` } : {}),
      photos: s.complete ? [{ fileId: `cloud://${process.env.TCB_ENV ?? 'local'}.${process.env.TCB_ENV ?? 'local'}-local/merchants/${id}/storefront-1.jpg`, takenAt: filedAt, location: makePoint(lng, lat), staffId: grid.marketingId }] : [],
      products,
      isComplete: s.complete,
      missingFields: s.complete ? [] : ['photos'],
      ...(s.complete ? { sweep: 2024, filedAt, filedBy: grid.marketingId } : {}),
      acquiring: since ? { status: s.acquiring, since, ...(s.acquiring === 'closed' ? { closedAt: '2025-03-31' } : {}), deviceStatus: s.acquiring === 'active' ? 'bound' : 'unbound' } : { status: 'none' },
      credit: { grantedFen: 0, drawnFen: 0 },
      depositFen: 0,
      lifecycleClass: s.acquiring === 'active' ? 'qualified' : s.acquiring === 'closed' ? 'lost' : 'to-win',
      classSince: s.acquiring === 'closed' ? '2025-03-31' : since ?? dayOfIndex(filedDay),
      createdAt: filedAt,
      updatedAt: filedAt,
      createdBy: grid.marketingId,
      version: 1,
    };
  });
  // A filing visit per complete file and one revisit with the six checks passed.
  const visits: Record<string, unknown>[] = [];
  merchants.forEach((m, i) => {
    if (!m.isComplete) return;
    const at = m.filedAt as Date;
    visits.push({ _id: rng.uuid(), merchantId: m._id, staffId: grid.marketingId, type: 'filing', at, day: dayOfIndex(dayIndex('2024-05-06') + i * 3), location: m.location, distanceM: 12, isFlagged: false, gridId: grid.id, unitPath: grid.unitPath, photos: m.photos, note: '上门建档', createdAt: at });
  });
  const revisitAt = chinaInstant(dayIndex('2025-07-15'), 10);
  visits.push({
    _id: rng.uuid(),
    merchantId: merchants[0]._id,
    staffId: grid.maintenanceId,
    type: 'revisit',
    at: revisitAt,
    day: '2025-07-15',
    location: merchants[0].location,
    distanceM: 8,
    isFlagged: false,
    gridId: grid.id,
    unitPath: grid.unitPath,
    checks: CHECK_ITEMS.map((item) => ({ item, result: 'pass' })),
    photos: [],
    createdAt: revisitAt,
  });
  const wechatGroups = [{ _id: `wg-${grid.id.slice(2)}-1`, name: `${grid.name.replace(/网格$/, '')}商户群`, gridId: grid.id, unitPath: grid.unitPath, createdAt: chinaInstant(dayIndex('2024-05-01'), 10) }];
  // The files carry their search keys: nothing to backfill (server/search-keys.ts).
  return { merchants, visits, wechatGroups, settings: [{ _id: SEARCH_KEYS_MARK, version: SEARCH_KEYS_VERSION }] };
}
