/**
 * Search (docs/api.md, `list` with `q`): one text finds a merchant by name, street, mobile (through its keyed hash),
 * licence code, acquiring merchant number or door plate, in the caller's scope and nothing outside it.
 */
import { merchantSearchKeys, searchKey, searchKeys } from '../../shared/domain/search.rules';
import { useLocalCloud } from '../helpers/local-cloud';
import { IN, O, S, U, completeFile, creditCode, mobile, photo, seedFixture } from './fixture';
import { SEARCH_KEYS_JOB_ID, SEARCH_KEYS_MARK, SEARCH_KEYS_VERSION, backfillSearchKeys } from '../../server/search-keys';

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
  const texts: [string, () => string][] = [
    ['name', () => shared.name],
    ['name prefix', () => '顺丰鲜'],
    ['street', () => '牌楼'],
    ['mobile', () => shared.mobile],
    ['mobile as typed', () => `+86 ${shared.mobile.slice(0, 3)} ${shared.mobile.slice(3, 7)} ${shared.mobile.slice(7)}`],
    ['licence code', () => shared.licence.toLowerCase()],
    ['acquiring merchant number', () => shared.acquiringNo],
    ['door plate', () => '66号'],
    ['street and door plate', () => '牌楼路66号'],
  ];

  it.each(texts)('by %s: finds the merchant in scope and nothing outside it', async (label, text) => {
    const q = text();
    expect({ label, ids: await search(q, O.marketing) }).toEqual({ label, ids: [inGr1] });
    expect({ label, ids: await search(q, O.marketing2) }).toEqual({ label, ids: [inGr3] });
    expect({ label, ids: (await search(q, O.hq)).sort() }).toEqual({ label, ids: [inGr1, inGr3].sort() });
    expect({ label, ids: await search(q, O.branch) }).toEqual({ label, ids: [inGr1] });
    expect({ label, ids: await search(q, O.member) }).toEqual({ label, ids: [inGr1] });
  });

  it.each(texts)('by %s with a grid asked for: only that grid, and an out-of-scope grid finds nothing', async (label, text) => {
    const q = text();
    const inGrid = async (gridId: string, openid: string) => {
      const res = await local.call('merchant', { action: 'list', q, gridId }, openid);
      return res.ok ? res.data.items.map((m: { id: string }) => m.id) : [];
    };
    expect({ label, ids: await inGrid(U.gr3, O.hq) }).toEqual({ label, ids: [inGr3] });
    expect({ label, ids: await inGrid(U.gr1, O.hq) }).toEqual({ label, ids: [inGr1] });
    expect({ label, ids: await inGrid(U.gr3, O.branch) }).toEqual({ label, ids: [] });
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
    // A full-width keyboard's digits read as the identifiers they are; a name is looked up as typed and in NFKC.
    expect(searchKeys('１３９ １２３４ ５６７８').map((k) => k.kind)).toEqual(['mobile']);
    expect(searchKeys('８９８３２１２８１０００７７７')).toEqual([{ kind: 'acquiring', no: '898321281000777' }]);
    expect(searchKeys('牌楼路６６号')[0]).toEqual({ kind: 'doorPlate', doorPlate: '66号', street: '牌楼路' });
    expect(searchKeys('ＡＢＣ超市')).toEqual([
      { kind: 'prefix', text: 'ＡＢＣ超市' },
      { kind: 'prefix', text: 'ABC超市' },
    ]);
    expect(searchKeys('\u3000')).toEqual([]);
  });
});

describe('the search keys (merchants.searchKeys)', () => {
  it('hold the normalised door plate, the plate within each unit of the path, and the street with its plate', () => {
    expect(merchantSearchKeys({ address: { street: '英武路 ', doorPlate: 'ａ区 １８号' }, unitPath: ['b', 'g'] })).toEqual(['p:A区18号', 'p:b:A区18号', 'p:g:A区18号', 's:英武路A区18号']);
    expect(merchantSearchKeys({ address: { street: '英武路' }, unitPath: ['b'] })).toEqual([]);
    expect(merchantSearchKeys({ address: { doorPlate: '3号' }, unitPath: [] })).toEqual(['p:3号']);
  });

  it('a door plate is read on the search-key index, within the unit, in id order', () => {
    const engine = local.cloud.engine;
    for (const criteria of [{ searchKeys: searchKey.doorPlate('66号', U.gr1) }, { searchKeys: searchKey.doorPlate('66号') }, { searchKeys: searchKey.streetPlate('牌楼路66号') }]) {
      const plan = engine.explain('merchants', criteria, [['_id', 1]]);
      expect([plan.index, plan.ordered, plan.exact]).toEqual(['searchKeys_1__id_1', true, true]);
    }
  });

  it('follow every write of the file: an edited plate, a transfer to another grid', async () => {
    const f = completeFile(S.marketing, { address: { district: '兴化市', township: '昭阳街道', street: '拱极路', doorPlate: '501号', text: '拱极路501号' }, force: true });
    const id = (await local.call('merchant', { action: 'create', ...f }, O.marketing)).data.merchant.id;
    expect(await search('拱极路501号', O.member)).toEqual([id]);
    const edited = await local.call('merchant', { action: 'update', id, address: { district: '兴化市', township: '昭阳街道', street: '拱极路', doorPlate: '502号', text: '拱极路502号' } }, O.member);
    expect(edited.ok).toBe(true);
    expect(await search('501号', O.member)).toEqual([]);
    expect(await search('拱极路502号', O.member)).toEqual([id]);
    const moved = await local.call('merchant', { action: 'transfer', id, toGridId: U.gr2, reason: '搬迁' }, O.branch);
    expect(moved.ok).toBe(true);
    expect(await search('502号', O.member)).toEqual([]);
    expect((await local.call('merchant', { action: 'list', q: '502号', gridId: U.gr2 }, O.branch)).data.items.map((m: { id: string }) => m.id)).toEqual([id]);
  });

  it('are backfilled for files written before them, which search then finds', async () => {
    const db = local.cloud.database();
    const f = completeFile(S.marketing, { address: { district: '兴化市', township: '昭阳街道', street: '拱极路', doorPlate: '777号', text: '拱极路777号' }, force: true });
    const id = (await local.call('merchant', { action: 'create', ...f }, O.marketing)).data.merchant.id;
    await db.collection('merchants').doc(id).update({ data: { searchKeys: db.command.remove() } });
    expect(await search('777号', O.member)).toEqual([]);
    const before = (await db.collection('merchants').doc(id).get()).data;
    const done = await backfillSearchKeys(db as never, { size: 7 });
    expect(done.written).toBe(1);
    expect(await search('777号', O.member)).toEqual([id]);
    expect(await search('拱极路777号', O.hq)).toEqual([id]);
    const after = (await db.collection('merchants').doc(id).get()).data;
    expect([after.version, after.updatedAt]).toEqual([before.version, before.updatedAt]);
    // Done once: a second run reads nothing.
    expect(await backfillSearchKeys(db as never)).toEqual({ read: 0, written: 0, skipped: true });
  });

  it('are backfilled on a deployed bank by the lifecycle timer, once, as a resumable job', async () => {
    const db = local.cloud.database();
    const f = completeFile(S.marketing, { address: { district: '兴化市', township: '昭阳街道', street: '拱极路', doorPlate: '778号', text: '拱极路778号' }, force: true });
    const id = (await local.call('merchant', { action: 'create', ...f }, O.marketing)).data.merchant.id;
    await db.collection('merchants').doc(id).update({ data: { searchKeys: db.command.remove() } });
    // A bank deployed before the keys: no mark, no job yet.
    await db.collection('settings').doc(SEARCH_KEYS_MARK).remove();
    await db.collection('jobs').where({ _id: SEARCH_KEYS_JOB_ID }).remove();
    expect(await search('778号', O.member)).toEqual([]);
    const fired = (await local.cloud.callDetailed('lifecycle', { Type: 'Timer', TriggerName: 'lifecycle-minute' }, { source: 'timer' })).result;
    expect(fired).toMatchObject({ ok: true, data: { status: 'done', written: 1 } });
    expect(fired.data.read).toBe((await db.collection('merchants').count()).total);
    expect(await search('778号', O.member)).toEqual([id]);
    expect((await db.collection('settings').doc(SEARCH_KEYS_MARK).get()).data).toMatchObject({ version: SEARCH_KEYS_VERSION, written: 1 });
    // The next minute does not run it again.
    await db.collection('merchants').doc(id).update({ data: { searchKeys: db.command.remove() } });
    await local.cloud.callDetailed('lifecycle', { Type: 'Timer', TriggerName: 'lifecycle-minute' }, { source: 'timer' });
    expect(await search('778号', O.member)).toEqual([]);
  });
});
