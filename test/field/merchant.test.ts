import { useLocalCloud } from '../helpers/local-cloud';
import { IN, O, S, U, completeFile, counts, creditCode, makeIdNumber, mobile, photo, seedFixture, uid } from './fixture';

const local = useLocalCloud();
beforeAll(() => seedFixture(local));

const call = (action: string, event: Record<string, unknown>, openid: string = O.marketing) => local.call('merchant', { action, ...event }, openid);

describe('merchant.create', () => {
  it('files a complete merchant in the caller grid with masked PI and history', async () => {
    const file = completeFile(S.marketing, { operator: { name: '王大明', mobile: '139 1234 5678', idNumber: makeIdNumber('321281', '1980-05-06', 12) } });
    const res = await call('create', file);
    expect(res.ok).toBe(true);
    const m = res.data.merchant;
    expect(m).toMatchObject({ id: file.id, gridId: U.gr1, isComplete: true, missingFields: [], lifecycleClass: 'to-win', version: 1 });
    expect(m.operator.mobile).toBe('139****5678');
    expect(m.operator.idNumber).toMatch(/^3\*{16}\w$/);
    expect(m.filedAt).not.toBeNull();
    const stored = (await local.cloud.database().collection('merchants').doc(file.id).get()).data;
    const doc = Array.isArray(stored) ? stored[0] : stored;
    expect(JSON.stringify(doc)).not.toContain('13912345678');
    expect(doc.operator.mobile.hash).toMatch(/^[0-9a-f]{64}$/);
    const hist = await call('history', { id: file.id });
    expect(hist.data.items.map((h: any) => h.change).sort()).toEqual(['completed', 'created']);
  });

  it('saves an incomplete file and lists what is missing', async () => {
    const res = await call('create', { id: uid('m'), name: '小卖部', gridId: U.gr1 });
    expect(res.ok).toBe(true);
    expect(res.data.merchant.isComplete).toBe(false);
    expect(res.data.merchant.missingFields).toEqual(expect.arrayContaining(['photos', 'location', 'industry', 'operator.mobile', 'products']));
    expect(res.data.merchant.filedAt).toBeNull();
  });

  it('places the merchant by the grid boundary when no grid is given', async () => {
    const res = await local.call('merchant', { action: 'create', id: uid('m'), name: '二号网格水果店', location: IN.gr2 }, O.leader);
    expect(res.ok).toBe(true);
    expect(res.data.merchant.gridId).toBe(U.gr2);
  });

  it('refuses a grid whose neighbour polygon holds the location, and a location in no grid', async () => {
    const mismatch = await call('create', { id: uid('m'), name: '错格店', gridId: U.gr1, location: IN.gr2 }, O.leader);
    expect(mismatch).toMatchObject({ ok: false, error: { code: 'VALIDATION', reason: 'MERCHANT.GRID_MISMATCH', details: { suggestedGridId: U.gr2 } } });
    expect(mismatch.error.details.issues[0].field).toBe('gridId');
    const nowhere = await call('create', { id: uid('m'), name: '荒野店', location: IN.nowhere });
    expect(nowhere.error.details.issues[0].field).toBe('gridId');
  });

  it('is idempotent on the client id: a retry returns the first result', async () => {
    const file = completeFile(S.marketing);
    const first = await call('create', file);
    const before = await counts(local, ['merchants', 'merchantHistory']);
    const again = await call('create', file);
    expect(again.ok).toBe(true);
    expect(again.data.isReplay).toBe(true);
    expect(again.data.merchant.id).toBe(first.data.merchant.id);
    expect(await counts(local, ['merchants', 'merchantHistory'])).toEqual(before);
    // Someone else reusing the id is a conflict, not a replay.
    const other = await local.call('merchant', { action: 'create', ...file }, O.member);
    expect(other).toMatchObject({ ok: false, error: { code: 'CONFLICT', reason: 'MERCHANT.ID_TAKEN' } });
  });

  it('returns probable duplicates for the caller to decide, and files after confirmation', async () => {
    const m1 = completeFile(S.marketing, { licenceCode: creditCode() });
    expect((await call('create', m1)).ok).toBe(true);
    const sameMobile = completeFile(S.marketing, { operator: { name: '王大明', mobile: (m1.operator as any).mobile } });
    const before = await counts(local, ['merchants']);
    const dup = await call('create', sameMobile);
    expect(dup).toMatchObject({ ok: false, error: { code: 'CONFLICT', reason: 'MERCHANT.DUPLICATE' } });
    expect(dup.error.details.duplicates[0]).toMatchObject({ merchantId: m1.id, reasons: ['same-mobile'], inScope: true });
    expect(await counts(local, ['merchants'])).toEqual(before);
    const confirmed = await call('create', { ...sameMobile, confirmDuplicateOf: m1.id });
    expect(confirmed.ok).toBe(true);

    const sameName = completeFile(S.marketing, { name: m1.name, location: { lng: IN.gr1.lng + 0.0002, lat: IN.gr1.lat } });
    const byName = await call('create', sameName);
    expect(byName.error.details.duplicates.map((d: any) => d.reasons).flat()).toContain('same-name-nearby');
    const byLicence = await call('checkDuplicate', { licenceCode: (m1 as Record<string, unknown>).licenceCode });
    expect(byLicence.data.duplicates[0]).toMatchObject({ merchantId: m1.id, reasons: ['same-licence'] });
    const forced = await call('create', { ...sameName, force: true });
    expect(forced.ok).toBe(true);
  });

  it('hides the details of a duplicate outside the caller scope', async () => {
    const shared = mobile();
    const inGr3 = completeFile(S.marketing2, { gridId: U.gr3, location: IN.gr3, photos: [photo(S.marketing2, IN.gr3)], operator: { name: '周', mobile: shared } });
    expect((await local.call('merchant', { action: 'create', ...inGr3 }, O.marketing2)).ok).toBe(true);
    const res = await call('checkDuplicate', { mobile: shared });
    // Outside scope: that one exists and which unit to ask, no id (docs/security.md, oracles).
    expect(res.data.duplicates).toEqual([{ reasons: ['same-mobile'], inScope: false, askUnit: { id: U.br2, name: '戴南支行' } }]);
  });

  it('validates every field with its dotted name and writes nothing', async () => {
    const before = await counts(local);
    const cases: [Record<string, unknown>, string][] = [
      [{ licenceCode: '91320000MA1X00001X' }, 'licenceCode'],
      [{ operator: { name: 'x', mobile: '12345' } }, 'operator.mobile'],
      [{ operator: { name: 'x', mobile: mobile(), idNumber: '321281198005061235' } }, 'operator.idNumber'],
      [{ industry: 'ZZ' }, 'industry'],
      [{ location: { lng: 2.35, lat: 48.85 } }, 'location'],
      [{ photos: [] }, 'photos'],
      [{ photos: [photo(S.marketing), photo(S.marketing), photo(S.marketing), photo(S.marketing)] }, 'photos'],
      [{ photos: [{ ...photo(S.marketing), fileId: 'https://x/y.jpg' }] }, 'photos.0.fileId'],
      [{ products: [{ product: 'acquiring', bank: 'other', status: 'active' }] }, 'products'],
      [{ name: '  ' }, 'name'],
    ];
    for (const [over, field] of cases) {
      const res = await call('create', completeFile(S.marketing, over));
      expect(res.ok).toBe(false);
      expect(res.error.code).toBe('VALIDATION');
      expect(res.error.details.issues.map((i: any) => i.field)).toContain(field);
    }
    expect(await counts(local)).toEqual(before);
  });
});

describe('merchant.update / products / assign / transfer', () => {
  it('completes a file, guards the version and re-checks duplicates', async () => {
    const id = uid('m');
    await call('create', { id, name: '待补充', gridId: U.gr1 });
    const full = completeFile(S.marketing);
    const { id: _drop, gridId: _g, name: _n, ...fields } = full;
    const res = await call('update', { id, expectedVersion: 1, ...fields });
    expect(res.ok).toBe(true);
    expect(res.data.merchant).toMatchObject({ isComplete: true, version: 2 });
    const stale = await call('update', { id, expectedVersion: 1, name: '新名字' });
    expect(stale).toMatchObject({ ok: false, error: { code: 'CONFLICT', reason: 'MERCHANT.VERSION' } });
    const hist = await call('history', { id });
    expect(hist.data.items.map((h: any) => h.change)).toEqual(expect.arrayContaining(['created', 'updated', 'completed']));
  });

  it('replaces the product matrix and filters lists by product held and missing', async () => {
    const file = completeFile(S.marketing, { name: `手机银行店${uid('x').slice(-4)}` });
    await call('create', file);
    const res = await call('updateProducts', { id: file.id, products: [{ product: 'mobile-banking', bank: 'ours', status: 'active', since: '2025-07-01' }] });
    expect(res.data.merchant.productsHeld).toEqual(['mobile-banking']);
    const held = await call('list', { productHeld: 'mobile-banking', limit: 50 });
    expect(held.data.items.map((r: any) => r.id)).toContain(file.id);
    const missing = await call('list', { productMissing: 'mobile-banking', limit: 50 });
    expect(missing.data.items.map((r: any) => r.id)).not.toContain(file.id);
    const bad = await call('updateProducts', { id: file.id, products: [{ product: 'deposit', bank: 'ours', status: 'active' }, { product: 'deposit', bank: 'ours', status: 'none' }] });
    expect(bad.error.details.issues[0].field).toBe('products');
  });

  it('assigns markets and WeChat groups of the merchant grid only', async () => {
    const file = completeFile(S.marketing);
    await call('create', file);
    const market = await local.call('org', { action: 'createMarket', name: '城北菜场', branchId: U.br1, gridIds: [U.gr1] }, O.hq);
    const group = await local.call('org', { action: 'createWechatGroup', name: '城北1号商户群', gridId: U.gr1 }, O.member);
    const other = await local.call('org', { action: 'createWechatGroup', name: '戴南群', gridId: U.gr3 }, O.hq);
    const ok = await call('assign', { id: file.id, marketId: market.data.id, wechatGroupId: group.data.id });
    expect(ok.data.merchant).toMatchObject({ marketId: market.data.id, wechatGroupId: group.data.id });
    const wrong = await call('assign', { id: file.id, wechatGroupId: other.data.id });
    expect(wrong.error.details.issues[0].field).toBe('wechatGroupId');
    const cleared = await call('assign', { id: file.id, marketId: null });
    expect(cleared.data.merchant.marketId).toBeNull();
    const byMarket = await call('list', { marketId: market.data.id });
    expect(byMarket.data.items).toEqual([]);
  });

  it('transfers between grids with history, for managers in scope only', async () => {
    const file = completeFile(S.marketing);
    await call('create', file);
    expect((await call('transfer', { id: file.id, toGridId: U.gr2, reason: '地址调整' })).error.code).toBe('FORBIDDEN');
    const res = await local.call('merchant', { action: 'transfer', id: file.id, toGridId: U.gr2, reason: '地址调整' }, O.leader);
    expect(res.data.merchant).toMatchObject({ gridId: U.gr2, unitPath: [U.bank, U.br1, U.g1, U.gr2] });
    const out = await local.call('merchant', { action: 'transfer', id: file.id, toGridId: U.gr3, reason: '跨支行' }, O.leader);
    expect(out.error.code).toBe('FORBIDDEN');
    const hist = await local.call('merchant', { action: 'history', id: file.id }, O.leader);
    expect(hist.data.items[0]).toMatchObject({ change: 'transferred', fromGridId: U.gr1, toGridId: U.gr2, reason: '地址调整' });
    // The marketing assistant of grid 1 no longer sees it.
    expect((await call('get', { id: file.id })).error.code).toBe('FORBIDDEN');
  });
});

describe('merchant.get / revealPi / list', () => {
  it('reveals PI only to entitled roles and audits the view', async () => {
    const m = completeFile(S.marketing, { operator: { name: '刘', mobile: '13700001111' } });
    await call('create', m);
    expect((await call('revealPi', { id: m.id })).error).toMatchObject({ code: 'FORBIDDEN', reason: 'PI.NOT_ENTITLED' });
    const before = await counts(local, ['auditLog']);
    const res = await local.call('merchant', { action: 'revealPi', id: m.id }, O.branch);
    expect(res.data.operator.mobile).toBe('13700001111');
    expect((await counts(local, ['auditLog'])).auditLog).toBe(before.auditLog + 1);
    const out = await local.call('merchant', { action: 'revealPi', id: m.id }, O.branch2);
    expect(out.error.code).toBe('FORBIDDEN');
  });

  it('pages through a filtered list with an opaque cursor, without repeats or gaps', async () => {
    const tag = `翻页${uid('t').slice(-5)}`;
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      const f = completeFile(S.marketing, { name: `${tag}店${i}`, address: { district: '兴化市', township: '昭阳街道', street: '英武路', doorPlate: `${i}号`, text: `${tag}路${i}号` } });
      ids.push(f.id);
      expect((await call('create', f)).ok).toBe(true);
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 10; page++) {
      const res = await local.call('merchant', { action: 'list', q: tag, limit: 3, ...(cursor ? { cursor } : {}) }, O.branch);
      expect(res.ok).toBe(true);
      seen.push(...res.data.items.map((r: any) => r.id));
      for (const r of res.data.items) expect(r.operatorMobile).toMatch(/^\d{3}\*{4}\d{4}$/);
      cursor = res.data.nextCursor ?? undefined;
      if (!cursor) break;
    }
    expect(seen.sort()).toEqual([...ids].sort());
    const tampered = await call('list', { cursor: 'not-a-cursor' });
    expect(tampered.error.details.issues[0].field).toBe('cursor');
  });

  it('pages through a run of merchants changed at the same instant without repeats or gaps', async () => {
    const db = local.cloud.database();
    const at = new Date('2024-01-01T00:00:00Z');
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) {
      const id = uid('tie');
      ids.push(id);
      await db.collection('merchants').add({ data: { _id: id, name: `同刻店${i}`, gridId: U.gr2, unitPath: [U.bank, U.br1, U.g1, U.gr2], area: 'city', isComplete: false, missingFields: [], lifecycleClass: 'lost', acquiring: { status: 'none' }, createdAt: at, updatedAt: at, version: 1 } });
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const res = await local.call('merchant', { action: 'list', gridId: U.gr2, lifecycleClass: 'lost', limit: 3, ...(cursor ? { cursor } : {}) }, O.leader);
      seen.push(...res.data.items.map((r: any) => r.id));
      cursor = res.data.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual([...ids].sort().reverse());
  });

  it('lists a branch, a unit inside it and a field role holding two grids in recency order across pages, each merchant once', async () => {
    const db = local.cloud.database();
    const at = new Date('2024-02-01T00:00:00Z');
    // Two grids changed at one instant, plus a merchant outside branch 1.
    const paths: Record<string, string[]> = { [U.gr1]: [U.bank, U.br1, U.g1, U.gr1], [U.gr2]: [U.bank, U.br1, U.g1, U.gr2], [U.gr3]: [U.bank, U.br2, U.g2, U.gr3] };
    for (let i = 0; i < 9; i++) {
      const gridId = [U.gr1, U.gr2, U.gr3][i % 3];
      await db.collection('merchants').add({ data: { _id: uid('scope'), name: `范围店${i}`, gridId, unitPath: paths[gridId], area: 'city', isComplete: false, missingFields: [], lifecycleClass: 'to-win', acquiring: { status: 'none' }, createdAt: at, updatedAt: new Date(at.getTime() + (i % 4) * 1000), version: 1 } });
    }
    const got = (await db.collection('staff').doc(S.marketing).get()).data;
    const multi = { ...(Array.isArray(got) ? got[0] : got), _id: uid('s'), openid: uid('o'), gridIds: [U.gr1, U.gr2] };
    await db.collection('staff').add({ data: multi });
    const all = (await db.collection('merchants').limit(1000).get()).data as { _id: string; unitPath: string[]; updatedAt: Date }[];
    const expected = (units: string[]) =>
      all
        .filter((m) => m.unitPath?.some((u) => units.includes(u)))
        .sort((a, b) => new Date(b.updatedAt).getTime() - new Date(a.updatedAt).getTime() || (a._id < b._id ? 1 : -1))
        .map((m) => m._id);
    const walk = async (openid: string, filter: Record<string, unknown>) => {
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const res = await local.call('merchant', { action: 'list', limit: 4, ...filter, ...(cursor ? { cursor } : {}) }, openid);
        expect(res.ok).toBe(true);
        seen.push(...res.data.items.map((r: any) => r.id));
        cursor = res.data.nextCursor ?? undefined;
      } while (cursor);
      return seen;
    };
    expect(await walk(O.branch, {})).toEqual(expected([U.br1]));
    expect(await walk(multi.openid, {})).toEqual(expected([U.gr1, U.gr2]));
    expect(await walk(O.branch, { unitId: U.gr2 })).toEqual(expected([U.gr2]));
    expect(await walk(O.branch, { unitId: U.gr3 })).toEqual([]);
    expect(await walk(O.hq, { unitId: U.gr3 })).toEqual(expected([U.gr3]));
  });

  it('filters by grid, completeness, industry and class within scope', async () => {
    const res = await local.call('merchant', { action: 'list', gridId: U.gr1, isComplete: true, industry: '62', lifecycleClass: 'to-win', limit: 50 }, O.branch);
    expect(res.data.items.length).toBeGreaterThan(0);
    for (const r of res.data.items) expect(r).toMatchObject({ gridId: U.gr1, isComplete: true, industry: '62', lifecycleClass: 'to-win' });
    const outsider = await local.call('merchant', { action: 'list', gridId: U.gr1, limit: 50 }, O.branch2);
    expect(outsider.data.items).toEqual([]);
  });
});
