/**
 * Search (issue 15 part 4): one text finds a merchant by name, street, mobile (through its keyed hash),
 * licence code, acquiring merchant number or door plate, in the caller's scope and nothing outside it.
 */
import { searchKeys } from '../../shared/domain/search.rules';
import { useLocalCloud } from '../helpers/local-cloud';
import { IN, O, S, U, completeFile, creditCode, mobile, photo, seedFixture } from './fixture';

const local = useLocalCloud();
const shared = { mobile: mobile(), licence: creditCode(), acquiringNo: '898321281000777', name: '顺丰鲜果铺' };
let inGr1 = '';
let inGr3 = '';

beforeAll(async () => {
  await seedFixture(local);
  const address = (doorPlate: string) => ({ district: '兴化市', township: '昭阳街道', street: '牌楼路', doorPlate, text: `兴化市昭阳街道牌楼路${doorPlate}` });
  const a = completeFile(S.marketing, { name: shared.name, address: address('66号'), licenceCode: shared.licence, operator: { name: '刘', mobile: shared.mobile } });
  const b = completeFile(S.marketing2, { name: shared.name, gridId: U.gr3, location: IN.gr3, photos: [photo(S.marketing2, IN.gr3)], address: address('66号'), licenceCode: shared.licence, operator: { name: '刘', mobile: shared.mobile }, force: true });
  inGr1 = (await local.call('merchant', { action: 'create', ...a }, O.marketing)).data.merchant.id;
  inGr3 = (await local.call('merchant', { action: 'create', ...b }, O.marketing2)).data.merchant.id;
  // The acquiring merchant number comes from the bank's system (imports), not from the form.
  for (const id of [inGr1, inGr3]) await local.cloud.database().collection('merchants').doc(id).update({ data: { acquiringNo: shared.acquiringNo } });
});

const search = async (q: string, openid: string): Promise<string[]> => {
  const res = await local.call('merchant', { action: 'list', q }, openid);
  if (!res.ok) throw new Error(JSON.stringify(res.error));
  return res.data.items.map((m: { id: string }) => m.id);
};

describe('merchant search by each identifier', () => {
  const texts = () => [
    ['name', shared.name],
    ['name prefix', '顺丰鲜'],
    ['street', '牌楼'],
    ['mobile', shared.mobile],
    ['mobile as typed', `+86 ${shared.mobile.slice(0, 3)} ${shared.mobile.slice(3, 7)} ${shared.mobile.slice(7)}`],
    ['licence code', shared.licence.toLowerCase()],
    ['acquiring merchant number', shared.acquiringNo],
    ['door plate', '66号'],
    ['street and door plate', '牌楼路66号'],
  ];

  it('finds the merchant in scope and nothing outside it', async () => {
    for (const [label, q] of texts()) {
      expect({ label, ids: await search(q, O.marketing) }).toEqual({ label, ids: [inGr1] });
      expect({ label, ids: await search(q, O.marketing2) }).toEqual({ label, ids: [inGr3] });
      expect({ label, ids: (await search(q, O.hq)).sort() }).toEqual({ label, ids: [inGr1, inGr3].sort() });
      expect({ label, ids: await search(q, O.branch) }).toEqual({ label, ids: [inGr1] });
    }
  });

  it('a text that is no identifier and begins no name or street finds nothing', async () => {
    expect(await search('无此商户', O.hq)).toEqual([]);
    expect(await search('13800000000', O.hq)).toEqual([]);
    expect(await search('99号', O.hq)).toEqual([]);
  });

  it('a mobile searched is a lookup by personal data: audited by its keyed hash, never the number', async () => {
    const db = local.cloud.database();
    const before = (await db.collection('auditLog').where({ action: 'pi-probe', staffId: S.leader }).count()).total;
    expect(await search(shared.mobile, O.leader)).toEqual([inGr1]);
    const after = (await db.collection('auditLog').where({ action: 'pi-probe', staffId: S.leader }).get()).data;
    expect(after).toHaveLength(before + 1);
    expect(JSON.stringify(after)).not.toContain(shared.mobile);
  });

  it('pages from the names to the streets without repeats or gaps', async () => {
    const tag = `分页${Date.now().toString(36).slice(-4)}`;
    const ids: string[] = [];
    for (let i = 0; i < 9; i++) {
      const street = i < 5 ? '英武路' : `${tag}路`;
      // The seventh matches both by name and by street: found once.
      const f = completeFile(S.marketing, { name: i < 5 || i === 6 ? `${tag}店${i}` : `别家${i}`, address: { district: '兴化市', township: '昭阳街道', street, doorPlate: `${i}号`, text: `${street}${i}号` }, force: true });
      ids.push(f.id);
      expect((await local.call('merchant', { action: 'create', ...f }, O.marketing)).ok).toBe(true);
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 10; page++) {
      const res = await local.call('merchant', { action: 'list', q: tag, limit: 2, ...(cursor ? { cursor } : {}) }, O.leader);
      expect(res.ok).toBe(true);
      seen.push(...res.data.items.map((r: { id: string }) => r.id));
      cursor = res.data.nextCursor ?? undefined;
      if (!cursor) break;
    }
    expect(seen).toHaveLength(9);
    expect([...seen].sort()).toEqual([...ids].sort());
  });

  it('reads the text as every identifier it could be', () => {
    expect(searchKeys('139 1234 5678').map((k) => k.kind)).toEqual(['mobile']);
    expect(searchKeys('898321281000777').map((k) => k.kind)).toEqual(['acquiring']);
    expect(searchKeys('牌楼路66号')).toEqual([
      { kind: 'doorPlate', doorPlate: '66号', street: '牌楼路' },
      { kind: 'doorPlate', doorPlate: '牌楼路66号', street: null },
      { kind: 'prefix', text: '牌楼路66号' },
    ]);
    expect(searchKeys('英武路菜市场A区12号').filter((k) => k.kind === 'doorPlate')).toEqual([
      { kind: 'doorPlate', doorPlate: '菜市场A区12号', street: '英武路' },
      { kind: 'doorPlate', doorPlate: '12号', street: '英武路菜市场A区' },
      { kind: 'doorPlate', doorPlate: '英武路菜市场A区12号', street: null },
    ]);
    expect(searchKeys('  ')).toEqual([]);
  });
});
