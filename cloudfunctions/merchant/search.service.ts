import type { z } from 'zod';
import type { listMerchantsInput } from '../../shared/contracts/merchant.contract';
import { type SearchKey, searchKey, searchKeys } from '../../shared/domain/search.rules';
import { type ActionContext, auditPiProbe, decodeCursor, encodeCursor, fieldError, getDoc, isInScope, takePiProbe } from '../../server';
import { mobileHash } from './merchant.service';
import { type MerchantDoc } from '../../server/merchant';

/**
 * One read of a search: a condition on an index, and the field the index orders its matches by. An
 * identifier (`exact`) matches a handful of files in the whole bank: it is read on its own index and the
 * scope checked on the rows, which keeps the scope's multikey index out of the planner's way.
 */
interface Read {
  key: SearchKey;
  cond: Record<string, unknown>;
  sort: '_id' | 'name' | 'address.street';
  exact?: boolean;
  /** A door plate read on its key within the caller's scope unit(s): every row is in scope, read `_id` on. */
  keyed?: boolean;
}

/** Files sharing one identifier read at most (a mobile or licence shared by more is not a search result). */
const EXACT_READ = 100;

/**
 * The units a door plate is read within (`searchKeys` holds the plate within each unit of a file's path): the
 * grid or unit asked for, else the caller's scope units; null for the whole bank (head office).
 */
function plateUnits(ctx: ActionContext, input: { gridId?: string; unitId?: string }): string[] | null {
  if (input.gridId) return [input.gridId];
  if (input.unitId) return [input.unitId];
  return ctx.caller.scope === 'all' ? null : ctx.caller.scope;
}

/** The index-backed reads for one reading of the search text (database/collections.json `merchants`). */
function readsOf(ctx: ActionContext, key: SearchKey, units: string[] | null): Read[] {
  const _ = ctx.db.command;
  switch (key.kind) {
    case 'mobile':
      return [{ key, cond: { 'operator.mobile.hash': mobileHash(key.mobile) }, sort: '_id', exact: true }];
    case 'licence':
      return [{ key, cond: { licenceCode: key.code }, sort: '_id', exact: true }];
    case 'acquiring':
      return [{ key, cond: { acquiringNo: key.no }, sort: '_id', exact: true }];
    case 'doorPlate': {
      // A street with its plate matches a handful of files in the bank: read on its key, the scope checked on the
      // rows. A plate alone (`18号`) is shared by a file in a few hundred: read on its key within the scope units.
      if (key.street) return [{ key, cond: { searchKeys: searchKey.streetPlate(`${key.street}${key.doorPlate}`) }, sort: '_id', exact: true }];
      const plates = (units ?? [undefined]).map((u) => searchKey.doorPlate(key.doorPlate, u));
      return [{ key, cond: { searchKeys: plates.length === 1 ? plates[0] : _.in(plates) }, sort: '_id', keyed: true }];
    }
    case 'prefix': {
      // Every text beginning with `text` sorts in [text, text + U+FFFF): a range on the name index, then the street's.
      const range = () => _.gte(key.text).and(_.lt(`${key.text}\uffff`));
      return [
        { key, cond: { name: range() }, sort: 'name' },
        { key, cond: { 'address.street': range() }, sort: 'address.street' },
      ];
    }
  }
}

function valueAt(doc: Record<string, unknown>, path: string): unknown {
  return path.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), doc);
}

/**
 * `list` with `q`: the merchants in scope matching what `q` could be (a mobile through its keyed hash, a
 * licence code, an acquiring merchant number, a door plate, the beginning of a name or street). Each reading
 * is one read on its own index with the scope and the list's filters beside it, and leaves out what an
 * earlier read found; identifiers come first, then names, then streets. The cursor holds the read it stopped
 * in (`k`) and its last row (`id`): the next page goes on from that row in the read's index order, so a deep
 * page costs what the first does. A mobile searched is a lookup by personal data: it takes one of the
 * caller's daily probes and is audited (its keyed hash and counts, never the number).
 */
export async function searchMerchants(
  ctx: ActionContext,
  input: z.output<typeof listMerchantsInput>,
  filters: Record<string, unknown>[],
  limit: number,
): Promise<{ rows: MerchantDoc[]; nextCursor: string | null }> {
  const keys = searchKeys(input.q ?? '');
  const scope = ctx.caller.scope;
  const cursor = input.cursor ? decodeCursor(input.cursor) : null;
  if (keys.length === 0 || (scope !== 'all' && scope.length === 0)) return { rows: [], nextCursor: null };
  const _ = ctx.db.command;
  const where = [
    ...(input.gridId ? [{ gridId: input.gridId }] : []),
    ...(input.unitId ? [{ unitPath: input.unitId }] : []),
  ];
  const inScope = scope === 'all' ? [] : [{ unitPath: scope.length === 1 ? scope[0] : _.in(scope) }];
  const fits = (m: MerchantDoc) => isInScope(ctx.caller, m.unitPath) && (!input.gridId || m.gridId === input.gridId) && (!input.unitId || (m.unitPath ?? []).includes(input.unitId));
  const units = plateUnits(ctx, input);
  // Every split of `英武路18号` into a street and a plate reads the same street-and-plate key: read it once.
  const reads = keys.flatMap((key) => readsOf(ctx, key, units)).filter((r, i, all) => all.findIndex((o) => JSON.stringify(o.cond) === JSON.stringify(r.cond)) === i);
  if (cursor && (!Number.isInteger(cursor.k) || cursor.k < 0 || cursor.k >= reads.length)) throw fieldError('cursor', '分页游标无效');
  const byMobile = keys.find((k): k is Extract<SearchKey, { kind: 'mobile' }> => k.kind === 'mobile');
  if (byMobile && !cursor) await takePiProbe(ctx);

  const merchants = ctx.db.collection('merchants');
  let probed = { matches: 0, inScope: 0 };
  const found: { doc: MerchantDoc; read: number }[] = [];
  for (let i = cursor ? cursor.k : 0; i < reads.length && found.length <= limit; i++) {
    const r = reads[i];
    const base = [r.cond, ...(r.exact || r.keyed ? [] : [...where, ...inScope]), ...filters, ...(i > 0 ? [_.nor(reads.slice(0, i).map((e) => e.cond))] : [])];
    const query = (extra: Record<string, unknown>[]) => merchants.where(_.and([...base, ...extra]));
    const need = limit + 1 - found.length;
    let docs: MerchantDoc[];
    const after = cursor && i === cursor.k ? cursor.id : null;
    if (r.exact) {
      const read = (await query(after === null ? [] : [{ _id: _.gt(after) }]).orderBy('_id', 'asc').limit(EXACT_READ).get()).data as MerchantDoc[];
      docs = read.filter(fits).slice(0, need);
      if (r.key === byMobile && !cursor) probed = { matches: read.length, inScope: read.filter(fits).length };
    } else if (r.keyed) {
      // The key names the unit: every row is in scope and in the grid or unit asked for (checked all the same).
      docs = ((await query(after === null ? [] : [{ _id: _.gt(after) }]).orderBy('_id', 'asc').limit(need).get()).data as MerchantDoc[]).filter(fits);
    } else if (after === null) {
      docs = (await (r.sort === '_id' ? query([]) : query([]).orderBy(r.sort, 'asc')).orderBy('_id', 'asc').limit(need).get()).data as MerchantDoc[];
    } else if (r.sort === '_id') {
      docs = (await query([{ _id: _.gt(after) }]).orderBy('_id', 'asc').limit(need).get()).data as MerchantDoc[];
    } else {
      // After the last row: the rest of its sort value by id, then greater values (two range reads, as `list` pages).
      const last = await getDoc<MerchantDoc>(ctx.db, 'merchants', after);
      const v = last && isInScope(ctx.caller, last.unitPath) ? valueAt(last, r.sort) : undefined;
      if (typeof v !== 'string') throw fieldError('cursor', '分页游标已失效，请重新搜索');
      docs = (await query([{ [r.sort]: v }, { _id: _.gt(after) }]).orderBy('_id', 'asc').limit(need).get()).data as MerchantDoc[];
      if (docs.length < need) docs.push(...((await query([{ [r.sort]: _.gt(v) }]).orderBy(r.sort, 'asc').orderBy('_id', 'asc').limit(need - docs.length).get()).data as MerchantDoc[]));
    }
    found.push(...docs.map((doc) => ({ doc, read: i })));
  }
  const page = found.slice(0, limit);
  const last = page[page.length - 1];
  if (byMobile && !cursor) await auditPiProbe(ctx.db, ctx.caller, { via: 'merchant.list', probes: ['mobile'], mobileHash: mobileHash(byMobile.mobile) }, probed, ctx.now);
  return { rows: page.map((f) => f.doc), nextCursor: found.length > limit && last ? encodeCursor({ k: last.read, id: last.doc._id }) : null };
}
