/** @jest-environment jsdom */
import { answerCalls, flush, largestSetData, mount, resetApp } from './harness';
import { merchantRow } from './fixtures';
import { patchSize, SET_DATA_LIMIT, splitPatch } from '../../miniprogram/utils/set-data';

describe('the 64 KB setData budget', () => {
  test('splitPatch keeps every part under the limit and loses nothing', () => {
    const rows = Array.from({ length: 600 }, (_, i) => ({ id: `m-${i}`, name: `商户${i}`.repeat(20), note: 'x'.repeat(100) }));
    const patch = { rows, status: 'ready', title: '商户' };
    expect(patchSize(patch)).toBeGreaterThan(SET_DATA_LIMIT);
    const parts = splitPatch(patch);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect(patchSize(part)).toBeLessThanOrEqual(SET_DATA_LIMIT);
    // Applying the parts in order rebuilds the same data.
    const data: Record<string, any> = {};
    for (const part of parts)
      for (const [k, v] of Object.entries(part)) {
        const m = /^(\w+)\[(\d+)\]$/.exec(k);
        if (m) data[m[1]][Number(m[2])] = v;
        else data[k] = v;
      }
    expect(data).toEqual(patch);
  });

  test('a merchant list scrolled through 160 long rows (over 64 KB in all) never sends more than 64 KB at once', async () => {
    resetApp();
    const total = 160;
    answerCalls((fn, ev) => {
      const start = ev.cursor ? Number(ev.cursor) : 0;
      const items = Array.from({ length: 20 }, (_, i) => merchantRow(start + i, { name: `兴化市昭阳街道英武中路商户${start + i}号店`, address: `江苏省泰州市兴化市昭阳街道英武中路${start + i}号（城北菜场东门对面，靠近兴化农商银行城北支行）`.repeat(3) }));
      return { items, nextCursor: start + 20 < total ? String(start + 20) : null };
    });
    const page = mount('pages/merchants/index');
    await flush();
    for (let i = 0; i < total / 20 - 1; i++) {
      page.instance.onReachBottom();
      await flush(2);
    }
    expect(page.data.items).toHaveLength(total);
    expect(largestSetData).toBeGreaterThan(0);
    expect(largestSetData).toBeLessThanOrEqual(SET_DATA_LIMIT);
    expect(patchSize({ items: page.data.items })).toBeGreaterThan(SET_DATA_LIMIT);
  });
});
