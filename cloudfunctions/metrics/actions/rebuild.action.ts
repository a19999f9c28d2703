import { rebuildInput } from '../../../shared/contracts/metrics.contract';
import { defineAction, getDoc } from '../../../server';
import { continueJob, runRebuild } from '../metrics.jobs';

/**
 * `rebuild` (head office): recomputes every roll-up from the raw records into a new generation and then
 * serves it (the repair after a reported difference). Runs as a job: dashboards keep reading the current
 * generation until the flip; what this call does not finish, a call with its `jobId` or the minute timer
 * continues. `jobId` may be the client's own, given at the start.
 */
export const rebuild = defineAction({
  schema: rebuildInput,
  roles: ['hq'],
  async handler(input, ctx) {
    // A job id the store does not know starts the rebuild under it: the client keeps the id even when
    // its first call dies with the instance, and follows the job with it.
    if (input.jobId && (await getDoc(ctx.db, 'jobs', input.jobId))) {
      const { state, status } = await continueJob(ctx.db, input.jobId, 'rebuild');
      return { ...state, jobId: input.jobId, status };
    }
    return runRebuild(ctx.db, ctx.caller.staffId, ctx.now, undefined, input.jobId);
  },
});
