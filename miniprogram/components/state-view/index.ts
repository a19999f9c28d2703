import { definePage } from '../../utils/page';

/** Loading, empty and error states of a screen; the slot shows when the data is ready. */
definePage()({
  options: { multipleSlots: false },
  properties: {
    status: { type: String, value: 'loading' },
    message: { type: String, value: '' },
    emptyText: { type: String, value: '暂无数据' },
  },
  methods: {
    onRetry() {
      this.triggerEvent('retry');
    },
  },
});
