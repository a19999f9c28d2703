/**
 * Impossible and far-off dates through the functions, as head office would send them: each is refused
 * with VALIDATION naming its field, at once, and nothing is stored (as happened before: a `metrics.reconcile` from
 * 9999-12-01 never answered and took the gateway down; `setTarget` stored 2025-13; `reclassify` wrote a
 * class change dated 0000-00-00 and answered INTERNAL for 2025-02-30).
 */
import { useLocalCloud } from '../helpers/local-cloud';

const local = useLocalCloud({ seed: 'minimal' });

async function refused(fn: string, event: Record<string, unknown>, field: string): Promise<void> {
  const res = await local.call(fn, event, 'demo-hq');
  expect({ event, ok: res.ok, code: res.error?.code, field: res.error?.details?.issues?.[0]?.field }).toEqual({ event, ok: false, code: 'VALIDATION', field });
}

describe('dates at the boundary', () => {
  it('metrics.reconcile refuses 9999-12-01, 9999-99-99 and a range longer than a year, at once', async () => {
    await refused('metrics', { action: 'reconcile', from: '9999-12-01' }, 'from');
    await refused('metrics', { action: 'reconcile', from: '9999-99-99' }, 'from');
    await refused('metrics', { action: 'reconcile', from: '2025-07-01', to: '9999-12-01' }, 'to');
    await refused('metrics', { action: 'reconcile', from: '2020-01-01', to: '2025-07-31' }, 'to');
    const day = await local.call('metrics', { action: 'reconcile', from: '2025-07-15', to: '2025-07-15' }, 'demo-hq');
    expect(day.ok).toBe(true);
  });

  it('metrics.setTarget stores no 2025-13, 2025-02-30 or 0000', async () => {
    const db = local.cloud.database();
    const unitId = (await db.collection('units').where({ kind: 'bank' }).get()).data[0]._id;
    for (const period of ['2025-13', '2025-02-30', '0000']) await refused('metrics', { action: 'setTarget', unitId, period, metric: 'acquiring', value: 1 }, 'period');
    expect((await db.collection('targets').where({ unitId }).get()).data.map((t: any) => t.period)).toEqual([]);
  });

  it('lifecycle.reclassify refuses 0000-00-00 and 2025-02-30 and writes no class change', async () => {
    const db = local.cloud.database();
    for (const asOf of ['0000-00-00', '2025-02-30']) await refused('lifecycle', { action: 'reclassify', asOf }, 'asOf');
    expect((await db.collection('classHistory').where({ day: db.command.in(['0000-00-00', '2025-02-30']) }).get()).data).toEqual([]);
  });

  it('a dashboard, an export and an import of a month past 2100 are refused', async () => {
    await refused('metrics', { action: 'dashboard', period: '9999-12' }, 'period');
    await refused('export', { action: 'start', jobId: 'job-dates-0001', period: '2999-01' }, 'period');
    await refused('import', { action: 'start', jobId: 'job-dates-0002', kind: 'transactions', period: '0000-01', fileId: 'cloud://local/x.csv' }, 'period');
  });
});
