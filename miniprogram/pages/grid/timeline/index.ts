import { fetchTimeline, type TimelineEvent } from '../../../api/grid.api';
import { describeError } from '../../../utils/errors';
import { loadable } from '../../../behaviors/loadable';
import { definePage } from '../../../utils/page';
import { safeSetData } from '../../../utils/set-data';
import { TIMELINE_KIND_LABELS, chinaTime } from '../../../vendor/shared';
import { textScale } from '../../../behaviors/text-scale';

type Change = { label: string; from: string | null; to: string | null };

/** An edit's changed fields, one line each (the server names the values and masks personal data); none for other events. */
const changesOf = (e: TimelineEvent): { label: string; from: string; to: string }[] =>
  Array.isArray(e.detail.changes) ? (e.detail.changes as Change[]).map((c) => ({ label: c.label, from: c.from ?? '空', to: c.to ?? '空' })) : [];

const row = (e: TimelineEvent) => ({ key: e.key, kindLabel: TIMELINE_KIND_LABELS[e.kind] ?? e.kind, summary: e.summary, changes: changesOf(e), when: chinaTime(e.at, 'YYYY-MM-DD HH:mm'), byName: e.byName ?? '' });

/** Every event of a merchant's file, newest first: filing, edits, visits, tasks, classes, transfers, products, imports. */
definePage()({
  behaviors: [textScale, loadable],
  data: { id: '', events: [] as ReturnType<typeof row>[], cursor: '', loadingMore: false, moreError: '' },
  methods: {
    onLoad(query: Record<string, string> = {}) {
      this.setData({ id: query.id ?? '' });
      void this.load();
    },
    load() {
      return this.runLoad(async () => {
          const page = await fetchTimeline(this.data.id);
          await safeSetData(this, { events: page.items.map(row), cursor: page.nextCursor ?? '', status: page.items.length ? 'ready' : 'empty' });
      });
    },
    async onMore() {
      if (!this.data.cursor || this.data.loadingMore) return;
      this.setData({ loadingMore: true, moreError: '' });
      try {
        const page = await fetchTimeline(this.data.id, this.data.cursor);
        await safeSetData(this, { events: [...this.data.events, ...page.items.map(row)], cursor: page.nextCursor ?? '' });
      } catch (err) {
        this.setData({ moreError: describeError(err) });
      } finally {
        this.setData({ loadingMore: false });
      }
    },
  },
});
