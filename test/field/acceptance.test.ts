/**
 * The field workflow end to end (docs/domain.md §3 and §5: file, visit with the six checks, follow-up tasks), with the demo accounts of the seeded minimal bank
 * (the same accounts `npm start` prints), through the local cloud's function calls.
 */
import { CHECK_ITEMS } from '../../shared/domain/check.rules';
import { centroid } from '../../shared/domain/geo.rules';
import { useLocalCloud } from '../helpers/local-cloud';
import { counts, creditCode, mobile, uid } from './fixture';
import { storagePath } from '../../shared/domain/storage-path.rules';

const local = useLocalCloud({ seed: 'minimal' });

/** A photo uploaded into the caller's own folder of the local storage, stamped now at `at`. */
const photoAt = (staffId: string, at: { lng: number; lat: number }) => ({ fileId: local.cloud.storage.upload(storagePath('visits', staffId, 'jpg', uid('p')), Buffer.from([0xff, 0xd8, 0xff, 0xd9])), takenAt: new Date().toISOString(), location: at, staffId });

async function gridCentre(gridId: string): Promise<{ lng: number; lat: number }> {
  const unit = await local.call('org', { action: 'getUnit', unitId: gridId }, 'demo-hq');
  const [lng, lat] = centroid(unit.data.unit.boundary);
  return { lng, lat };
}

function file(staffId: string, gridId: string, at: { lng: number; lat: number }, over: Record<string, unknown> = {}) {
  return {
    id: uid('m'),
    name: `验收小吃店${uid('n').slice(-5)}`,
    gridId,
    location: at,
    address: { district: '兴化市', township: '昭阳街道', street: '英武路', doorPlate: '8号', text: '兴化市昭阳街道英武路8号' },
    industry: '62',
    operator: { name: '陈', mobile: mobile() },
    photos: [photoAt(staffId, at)],
    products: [],
    ...over,
  };
}

describe('field workflow with the demo accounts', () => {
  let me: any;
  let myGrid = '';
  let otherGrid = '';
  let centre = { lng: 0, lat: 0 };
  let merchantId = '';

  beforeAll(async () => {
    me = (await local.call('user', { action: 'me' }, 'demo-marketing')).data;
    myGrid = me.grids[0].id;
    const grids = await local.call('org', { action: 'listUnits', kind: 'grid' }, 'demo-hq');
    otherGrid = grids.data.items.find((g: any) => !me.grids.some((m: any) => m.id === g.id)).id;
    centre = await gridCentre(myGrid);
  });

  it('a marketing assistant files a merchant in its grid, and is refused in another', async () => {
    const ok = await local.call('merchant', { action: 'create', ...file(me.staffId, myGrid, centre) }, 'demo-marketing');
    expect(ok.ok).toBe(true);
    expect(ok.data.merchant).toMatchObject({ gridId: myGrid, isComplete: true });
    merchantId = ok.data.merchant.id;
    const elsewhere = await gridCentre(otherGrid);
    const before = await counts(local);
    const refused = await local.call('merchant', { action: 'create', ...file(me.staffId, otherGrid, elsewhere) }, 'demo-marketing');
    expect(refused.error.code).toBe('FORBIDDEN');
    expect(await counts(local)).toEqual(before);
  });

  it('an invalid credit code comes back as VALIDATION naming licenceCode, with nothing written', async () => {
    const good = creditCode();
    const bad = good.slice(0, 17) + (good[17] === '0' ? '1' : '0');
    const before = await counts(local);
    const res = await local.call('merchant', { action: 'create', ...file(me.staffId, myGrid, centre, { licenceCode: bad }) }, 'demo-marketing');
    expect(res.error.code).toBe('VALIDATION');
    expect(res.error.details.issues.map((i: any) => i.field)).toEqual(['licenceCode']);
    expect(await counts(local)).toEqual(before);
  });

  it("a branch manager's merchant list shows masked mobiles", async () => {
    const res = await local.call('merchant', { action: 'list', limit: 50 }, 'demo-branch');
    const withMobile = res.data.items.filter((r: any) => r.operatorMobile);
    expect(withMobile.length).toBeGreaterThan(0);
    for (const r of withMobile) expect(r.operatorMobile).toMatch(/^1\d{2}\*{4}\d{4}$/);
    expect(JSON.stringify(res.data)).not.toMatch(/1[3-9]\d{9}/);
  });

  it("a failed six-check appears in the maintenance assistant's tasks and closes after a passing revisit", async () => {
    const checks = (failed: string[]) => CHECK_ITEMS.map((item) => ({ item, result: failed.includes(item) ? 'fail' : 'pass' }));
    const revisit = (failed: string[]) => ({ action: 'submit', visitId: uid('v'), merchantId, type: 'revisit', location: centre, checks: checks(failed) });
    const failed = await local.call('visit', revisit(['speaker']), 'demo-member');
    expect(failed.data.openedTaskIds).toHaveLength(1);
    const tasks = await local.call('visit', { action: 'tasks', limit: 50 }, 'demo-maintenance');
    const task = tasks.data.items.find((t: any) => t.merchantId === merchantId);
    expect(task).toMatchObject({ kind: 'check-followup', check: 'speaker', status: 'open' });
    const passed = await local.call('visit', revisit([]), 'demo-maintenance');
    expect(passed.data.closedTaskIds).toEqual([task.id]);
    const after = await local.call('visit', { action: 'tasks', limit: 50 }, 'demo-maintenance');
    expect(after.data.items.find((t: any) => t.id === task.id)).toBeUndefined();
  });
});
