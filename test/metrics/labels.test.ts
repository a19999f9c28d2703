/**
 * The ranking documents' labels (server/rollup/labels.ts): an owner's label is written when it is new or
 * renamed, and only read when it is already there as it is; the labels document is created by the first label.
 */
import { engineRequests } from '../helpers/engine-requests';
import { useLocalCloud } from '../helpers/local-cloud';
import { labelOwner } from '../../server/rollup/labels';
import type { OwnerMeta } from '../../server/rollup/store';

const local = useLocalCloud({ seed: 'none' });

const grid = (name: string): OwnerMeta => ({ owner: 'u:g.1', ownerType: 'unit', ownerId: 'g.1', kind: 'grid', name, path: ['bank', 'br1', 'g.1'], parentId: 'br1' });
const staff: OwnerMeta = { owner: 's:s1', ownerType: 'staff', ownerId: 's1', kind: 'member', name: '张三', path: ['bank', 'br1', 'g.1'], parentId: 'g.1' };

/** The engine's requests while `fn` runs, as `action collection`. */
const requests = async (fn: () => Promise<void>) => (await engineRequests(local.cloud, fn)).map((r) => `${r.action} ${r.collection}`);

async function labels(): Promise<Record<string, unknown>> {
  const { data } = (await local.cloud.database().collection('rollupState').doc('labels').get()) as { data: any };
  return (Array.isArray(data) ? data[0] : data).n;
}

describe('ranking labels', () => {
  let now = Date.parse('2025-07-20T02:00:00Z');
  beforeEach(() => {
    // Each write below is a new look: past the ten minutes an instance trusts a label it wrote.
    now += 11 * 60_000;
    jest.spyOn(Date, 'now').mockReturnValue(now);
  });
  afterEach(() => jest.restoreAllMocks());

  it('the first label creates the labels document, a second owner is added to it', async () => {
    const db = local.cloud.database();
    expect(await requests(() => labelOwner(db, grid('网格一')))).toEqual(['getDocument rollupState', 'insertDocument rollupState']);
    await labelOwner(db, staff);
    // The dot of g.1 is escaped in the field name (it would nest).
    expect(await labels()).toEqual({ 'u:g%2E1': { name: '网格一', kind: 'grid', b: 'bank' }, 's:s1': { name: '张三', kind: 'member', b: 'bank' } });
  });

  it('an unchanged label is read, not written', async () => {
    const db = local.cloud.database();
    expect(await requests(() => labelOwner(db, grid('网格一')))).toEqual(['getDocument rollupState']);
  });

  it('a renamed owner\'s label is written, the others are kept', async () => {
    const db = local.cloud.database();
    expect(await requests(() => labelOwner(db, grid('网格一（新）')))).toEqual(['getDocument rollupState', 'modifyDocument rollupState']);
    expect(await labels()).toEqual({ 'u:g%2E1': { name: '网格一（新）', kind: 'grid', b: 'bank' }, 's:s1': { name: '张三', kind: 'member', b: 'bank' } });
  });

  it('within ten minutes an instance does not look again', async () => {
    const db = local.cloud.database();
    await labelOwner(db, staff);
    (Date.now as jest.Mock).mockReturnValue(now + 60_000);
    expect(await requests(() => labelOwner(db, staff))).toEqual([]);
  });
});
