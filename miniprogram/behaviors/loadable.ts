import { describeError } from '../utils/errors';
import { defineBehavior } from '../utils/page';

/**
 * The load skeleton every screen repeats: `status` (loading, then ready or empty, or error) and the
 * sentence of a failure in `error`, which the state-view shows with its retry.
 */
export const loadable = defineBehavior()({
  data: { status: 'loading', error: '' },
  methods: {
    /**
     * Shows loading (with `patch`, sent in the same setData), then runs `work`; a failure shows its sentence
     * in `errorField` (a screen whose `error` belongs to a form keeps its list's failure apart).
     */
    async runLoad(work: () => Promise<unknown>, patch: Record<string, unknown> = {}, errorField = 'error'): Promise<void> {
      this.setData({ status: 'loading', [errorField]: '', ...patch });
      try {
        await work();
      } catch (err) {
        this.setData({ status: 'error', [errorField]: describeError(err) });
      }
    },
  },
});

/** `loadable`, for a screen whose data needs nothing from its query: it loads as soon as it is attached. */
export const loadsWhenAttached = defineBehavior<{ load(): Promise<unknown> }>()({
  behaviors: [loadable],
  lifetimes: {
    attached() {
      void this.load();
    },
  },
});
