import { rebuildInput } from '../../../shared/contracts/stats.contract';
import { defineAction } from '../../../server';
import { continueJob, runRebuild } from '../stats.jobs';

/**
 * `rebuild` (head office): recomputes every roll-up from the raw records into a new generation and then
 * serves it (the repair after a reported difference). Runs as a job: dashboards keep reading the current
 * generation until the flip; what this call does not finish, the minute timer continues.
 */
export const rebuild = defineAction({
  schema: rebuildInput,
  roles: ['hq'],
  async handler(input, ctx) {
    if (input.jobId) {
      const { state, status } = await continueJob(ctx.db, input.jobId, 'rebuild');
      return { ...state, jobId: input.jobId, status };
    }
    return runRebuild(ctx.db, ctx.caller.staffId, ctx.now);
  },
});
