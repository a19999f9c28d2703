/**
 * The roll-up rebuild under the client's own job id: a start whose call died can be followed, and retried,
 * with the id the client kept; a retried start answers the same job and builds nothing twice.
 */
import { okData, useLocalCloud } from '../helpers/local-cloud';

const local = useLocalCloud({ seed: 'minimal' });

it('starts a rebuild under the client id, answers the same job when the start is retried, and refuses an id of another kind', async () => {
  const first = await okData(local.call('metrics', { action: 'rebuild', jobId: 'client-rebuild-1' }, 'demo-hq'));
  expect(first).toMatchObject({ jobId: 'client-rebuild-1', status: 'done' });
  expect(first.merchants).toBeGreaterThan(0);

  const again = await okData(local.call('metrics', { action: 'rebuild', jobId: 'client-rebuild-1' }, 'demo-hq'));
  expect(again).toMatchObject({ jobId: 'client-rebuild-1', status: 'done', gen: first.gen, merchants: first.merchants, visits: first.visits });
  const db = local.cloud.database();
  expect((await db.collection('jobs').where({ kind: 'rebuild' }).count()).total).toBe(1);

  const reclassify = await okData(local.call('lifecycle', { action: 'reclassify', jobId: 'client-reclassify-1' }, 'demo-hq'));
  expect(reclassify.status).toBe('done');
  const wrongKind = await local.call('metrics', { action: 'rebuild', jobId: 'client-reclassify-1' }, 'demo-hq');
  expect(wrongKind.ok).toBe(false);
  expect(wrongKind.error).toMatchObject({ code: 'VALIDATION', reason: 'JOB.NOT_FOUND' });
});
