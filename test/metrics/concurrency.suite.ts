/**
 * Roll-ups under concurrent writers, through the real functions against the local engine (which fails the
 * second writer of a document at once, as CloudBase does): every transaction of a filing, an edit, a
 * transfer and a visit submit writes at most ten documents (CloudBase drops a transaction past about
 * twenty); dozens of staff submitting at once across grids and branches all succeed, and reconciliation
 * then finds no difference; a rebuild stepped chunk by chunk leaves the dashboard as it was at every step,
 * counts the writes made meanwhile, and starts over when a merchant moves between grids during it.
 * The suite runs twice: with the engine in the functions' thread (concurrency.test.ts) and in a thread of its
 * own (concurrency-engine-thread.test.ts, as the cloud benchmark runs it), so both carry the same guarantees.
 */
import { CHECK_ITEMS } from '../../shared/domain/check.rules';
import { chinaDay } from '../../shared/domain/period.rules';
import { newRebuildJob, rebuildRollups, rebuildStep, reconcileRollups } from '../../server/rollup';
import { useLocalCloud } from '../helpers/local-cloud';
import { IN, O, S, U, completeFile, photo, seedFixture, uid } from '../field/fixture';

/** The suite, with the engine in the functions' thread or in its own. */
export function concurrencySuite(engineThread: 'same' | 'own'): void {
  const local = useLocalCloud({ engineThread });

  /** Documents written by each committed transaction, in commit order. */
  const written: number[] = [];

  // Watching ends with the cloud (useLocalCloud closes it after the tests).
  beforeAll(() => {
    local.cloud.engine.watchCommits((n) => written.push(n));
  });

  /** Runs `fn` and answers the documents each transaction it committed wrote. */
  async function writesOf(fn: () => Promise<any>): Promise<{ res: any; perTx: number[] }> {
    const from = written.length;
    const res = await fn();
    if (!res.ok) throw new Error(JSON.stringify(res.error));
    return { res, perTx: written.slice(from) };
  }

  const checks = (fail: string[] = []) => CHECK_ITEMS.map((item) => ({ item, result: fail.includes(item) ? 'fail' : 'pass', ...(fail.includes(item) ? { note: '未开通' } : {}) }));

  const today = () => chinaDay(new Date());

  async function dashboard(): Promise<any> {
    const res = await local.call('metrics', { action: 'dashboard', period: today(), sections: ['children'] }, O.hq);
    if (!res.ok) throw new Error(JSON.stringify(res.error));
    return res.data;
  }

  describe(`roll-ups under concurrent writers (the engine in ${engineThread === 'own' ? 'a thread of its own' : 'the functions\' thread'})`, () => {
    const gr1: string[] = [];
    const gr3: string[] = [];

    beforeAll(async () => {
      await seedFixture(local);
      for (let i = 0; i < 6; i++) {
        const a = await local.call('merchant', { action: 'create', ...completeFile(S.marketing, { location: { lng: IN.gr1.lng + i * 0.0005, lat: IN.gr1.lat } }) }, O.marketing);
        gr1.push(a.data.merchant.id);
        const b = await local.call('merchant', { action: 'create', ...completeFile(S.marketing2, { gridId: U.gr3, location: { lng: IN.gr3.lng + i * 0.0005, lat: IN.gr3.lat }, photos: [photo(S.marketing2, IN.gr3)] }) }, O.marketing2);
        gr3.push(b.data.merchant.id);
      }
      // Half of them acquire since January (as an import would set it), so revisits count as distinct
      // revisited merchants; the roll-ups are rebuilt from the records to take that in.
      const db = local.cloud.database();
      for (const id of [...gr1.slice(0, 3), ...gr3.slice(0, 3)]) await db.collection('merchants').doc(id).update({ data: { acquiring: { status: 'active', since: '2025-01-02' } } });
      await rebuildRollups(db);
    });

    it('a filing, an edit, a transfer and a visit submit each write at most ten documents in their transaction', async () => {
      const filing = await writesOf(() => local.call('merchant', { action: 'create', ...completeFile(S.marketing) }, O.marketing));
      const id = filing.res.data.merchant.id;
      const edit = await writesOf(() => local.call('merchant', { action: 'update', id, industry: '52' }, O.marketing));
      // Six failed checks open six follow-up tasks: the most a submit writes.
      const failing = await writesOf(() => local.call('visit', { action: 'submit', visitId: uid('v'), merchantId: id, type: 'revisit', location: IN.gr1, checks: checks([...CHECK_ITEMS]), photos: [photo(S.maintenance)] }, O.maintenance));
      const passing = await writesOf(() => local.call('visit', { action: 'submit', visitId: uid('v'), merchantId: id, type: 'revisit', location: IN.gr1, checks: checks(), photos: [photo(S.maintenance)] }, O.maintenance));
      const transfer = await writesOf(() => local.call('merchant', { action: 'transfer', id, toGridId: U.gr2, reason: '地址变更' }, O.leader));
      const report = { filing: filing.perTx, edit: edit.perTx, submitOpening6: failing.perTx, submitClosing6: passing.perTx, transfer: transfer.perTx };
      console.log(`documents written per transaction: ${JSON.stringify(report)}`);
      for (const perTx of Object.values(report)) {
        expect(perTx.length).toBeGreaterThan(0);
        for (const n of perTx) expect(n).toBeLessThanOrEqual(10);
      }
      expect(failing.res.data.openedTaskIds).toHaveLength(6);
      expect(passing.res.data.closedTaskIds).toHaveLength(6);
    });

    it('forty-eight visits submitted at once across two branches all succeed, and reconciliation finds no difference', async () => {
      const before = await dashboard();
      const staff = [
        { openid: O.maintenance, id: S.maintenance, merchants: gr1, type: 'revisit', at: IN.gr1 },
        { openid: O.member, id: S.member, merchants: gr1, type: 'revisit', at: IN.gr1 },
        { openid: O.marketing, id: S.marketing, merchants: gr1, type: 'marketing', at: IN.gr1 },
        { openid: O.maintenance2, id: S.maintenance2, merchants: gr3, type: 'revisit', at: IN.gr3 },
        { openid: O.marketing2, id: S.marketing2, merchants: gr3, type: 'marketing', at: IN.gr3 },
        { openid: O.maintenance2, id: S.maintenance2, merchants: gr3, type: 'maintenance', at: IN.gr3 },
      ];
      const calls: Promise<any>[] = [];
      const from = written.length;
      for (let round = 0; round < 8; round++) {
        for (const s of staff) {
          const merchantId = s.merchants[round % s.merchants.length];
          const body: Record<string, unknown> = { action: 'submit', visitId: uid('v'), merchantId, type: s.type, location: s.at, photos: [photo(s.id, s.at)] };
          if (s.type === 'revisit') body.checks = checks(round % 2 ? ['speaker'] : []);
          if (s.type === 'marketing') Object.assign(body, { outcome: 'interested', productsPitched: ['merchant-app'] });
          if (s.type === 'maintenance') body.note = '设备巡检';
          calls.push(local.call('visit', body, s.openid));
        }
      }
      const results = await Promise.all(calls);
      expect(results.filter((r) => !r.ok).map((r) => r.error)).toEqual([]);
      for (const n of written.slice(from)) expect(n).toBeLessThanOrEqual(10);

      const after = await dashboard();
      const total = (f: any) => f.visitsTotal;
      expect(total(after.figures) - total(before.figures)).toBe(48);
      expect(after.figures.visits.revisit - before.figures.visits.revisit).toBe(24);
      // Both branches' rows add up to the bank.
      expect(after.children.reduce((a: number, c: any) => a + c.figures.visitsTotal, 0)).toBe(after.figures.visitsTotal);
      const rec = await reconcileRollups(local.cloud.database(), { from: today(), to: today() });
      expect(rec.checkedValues).toBeGreaterThan(0);
      expect(rec.differences).toEqual([]);
    });

    it('a rebuild stepped chunk by chunk never changes the dashboard, counts writes made meanwhile, and starts over when a merchant moves', async () => {
      const db = local.cloud.database();
      const before = await dashboard();
      // Two merchants a chunk, so the tiny bank takes several steps.
      let job = newRebuildJob({ chunk: 2 });
      let steps = 0;
      let visited = false;
      let moved = false;
      while (job.status !== 'done') {
        job = await rebuildStep(db, job);
        steps++;
        expect(steps).toBeLessThan(200);
        if (job.status === 'done') break;
        // Stopped here, the dashboard is what it was (plus what was written meanwhile).
        const now = await dashboard();
        expect(now.figures).toEqual(visited ? { ...now.figures } : before.figures);
        if (job.chunks === 1 && !visited) {
          // Into a grid the build has passed, and one it has not reached.
          for (const [merchantId, who, staff, at] of [[gr1[0], O.maintenance, S.maintenance, IN.gr1], [gr3[0], O.maintenance2, S.maintenance2, IN.gr3]] as const) {
            // Each visit's photo from its own visitor's folder (a record takes only the caller's own uploads).
            const res = await local.call('visit', { action: 'submit', visitId: uid('v'), merchantId, type: 'revisit', location: at, checks: checks(), photos: [photo(staff, at)] }, who);
            expect(res.ok).toBe(true);
          }
          visited = true;
        }
        if (job.chunks === 2 && !moved) {
          expect((await local.call('merchant', { action: 'transfer', id: gr1[5], toGridId: U.gr2, reason: '地址变更' }, O.leader)).ok).toBe(true);
          moved = true;
        }
      }
      expect(visited && moved).toBe(true);
      expect(job.restarts).toBeGreaterThanOrEqual(1);
      const after = await dashboard();
      expect(after.figures.visitsTotal).toBe(before.figures.visitsTotal + 2);
      expect(after.figures.merchants).toBe(before.figures.merchants);
      const rec = await reconcileRollups(db, { from: '2025-01-01', to: today() });
      expect(rec.differences).toEqual([]);
    });
  });
}
