import { defineBehavior } from '../utils/page';

/** How often an open page asks after a running job (an export being written, an import going on). */
export const JOB_POLL_MS = 1500;

/**
 * Polling of running jobs while the page is open: one poll waits at a time, and none is left behind when
 * the page closes.
 */
export const jobPolling = defineBehavior<{ _pollTimer?: number }>()({
  lifetimes: {
    detached() {
      this.stopPolling();
    },
  },
  methods: {
    /** Runs `tick` after JOB_POLL_MS, in place of any poll already waiting. */
    pollAfter(tick: () => unknown): void {
      this.stopPolling();
      this._pollTimer = setTimeout(tick, JOB_POLL_MS);
    },
    /** Drops the poll waiting, if any. */
    stopPolling(): void {
      if (this._pollTimer !== undefined) clearTimeout(this._pollTimer);
    },
  },
});
