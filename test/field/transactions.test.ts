/**
 * Transactions and their errors as function code sees them through the SDK, against the local engine
 * (first writer wins, the second fails at once, as on CloudBase): a conflict that outlasts the retries
 * reaches the user as CONFLICT (nothing was written, trying again is safe), other errors are not retried,
 * concurrent writers of one document all get through `inTransaction`'s backoff, and work registered to
 * run after the commit runs once, only for the attempt that committed.
 */
import { afterCommit, inTransaction, isWriteConflict, toEnvelope } from '../../server';
import { useLocalCloud } from '../helpers/local-cloud';

const local = useLocalCloud();

describe('transactions', () => {
  let db: any;
  beforeAll(async () => {
    db = local.cloud.database();
    await db.collection('settings').add({ data: { _id: 'counter', n: 0 } });
  });

  /** Two transactions writing one document at once, the SDK's own retries off: the error the loser gets. */
  async function conflictError(): Promise<unknown> {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const first = db.runTransaction(async (tx: any) => {
      await tx.collection('settings').doc('counter').update({ data: { n: db.command.inc(1) } });
      await held;
    }, 1);
    await new Promise((r) => setTimeout(r, 20));
    const second = db.runTransaction(async (tx: any) => {
      await tx.collection('settings').doc('counter').update({ data: { n: db.command.inc(1) } });
    }, 1);
    const err = await second.then(() => null, (e: unknown) => e);
    release();
    await first;
    return err;
  }

  it('a write conflict is recognised and answered as CONFLICT, never INTERNAL', async () => {
    const err = await conflictError();
    expect(err).not.toBeNull();
    expect(isWriteConflict(err)).toBe(true);
    const env = toEnvelope(err, 'test', 'write');
    expect(env).toMatchObject({ ok: false, error: { code: 'CONFLICT', reason: 'DB.CONFLICT' } });
  });

  it('concurrent writers of one document all commit through inTransaction, each exactly once', async () => {
    const before = (await db.collection('settings').doc('counter').get()).data.n;
    await Promise.all(Array.from({ length: 12 }, () => inTransaction(db, async (tx) => {
      const cur = (await tx.collection('settings').doc('counter').get()).data as { n: number };
      await tx.collection('settings').doc('counter').update({ data: { n: cur.n + 1 } });
    })));
    expect((await db.collection('settings').doc('counter').get()).data.n).toBe(before + 12);
  });

  it('an error other than a conflict is not retried', async () => {
    let attempts = 0;
    await expect(inTransaction(db, async () => {
      attempts++;
      throw new Error('boom');
    })).rejects.toThrow('boom');
    expect(attempts).toBe(1);
  });

  it('work after the commit runs once, for the attempt that committed only', async () => {
    const ran: number[] = [];
    let attempt = 0;
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    // Holds the document so inTransaction's first attempt conflicts.
    const holder = db.runTransaction(async (tx: any) => {
      await tx.collection('settings').doc('counter').update({ data: { n: db.command.inc(1) } });
      await held;
    }, 1);
    await new Promise((r) => setTimeout(r, 20));
    const run = inTransaction(db, async (tx) => {
      const mine = ++attempt;
      afterCommit(tx, async () => ran.push(mine));
      if (mine === 1) setTimeout(release, 10);
      await tx.collection('settings').doc('counter').update({ data: { n: db.command.inc(1) } });
    });
    await holder;
    await run;
    expect(attempt).toBeGreaterThan(1);
    expect(ran).toEqual([attempt]);
  });
});
