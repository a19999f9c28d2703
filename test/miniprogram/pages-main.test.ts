/** @jest-environment jsdom */
import { answerCalls, calls, flush, installWx, mount } from './harness';

const ME = {
  staffId: 's-member-1', name: '王网格', role: 'member', roleLabel: '网格员', mobile: '138****1234',
  unit: { id: 'g-1', name: '城北一网格', kind: 'grid' },
  unitPath: [{ id: 'bank', name: '兴化农商银行', kind: 'bank' }, { id: 'b-1', name: '城北支行', kind: 'branch' }, { id: 'g-1', name: '城北一网格', kind: 'grid' }],
  grids: [{ id: 'g-1', name: '城北一网格', kind: 'grid' }], scope: ['g-1'], privacyAcceptedAt: '2025-07-01T02:00:00.000Z', privacyVersion: '2025-07',
};

beforeEach(() => {
  installWx();
  jest.isolateModules(() => undefined);
});

describe('mine (my profile)', () => {
  test('renders the staff member, unit path and grids it is given', async () => {
    answerCalls((fn, ev) => {
      if (fn === 'user' && ev.action === 'me') return ME;
      throw { code: 'NOT_FOUND' };
    });
    const page = mount('pages/mine/index');
    await flush();
    expect(page.text()).toContain('王网格');
    expect(page.text()).toContain('兴化农商银行 / 城北支行 / 城北一网格');
    expect(page.text()).toContain('138****1234');
    expect(page.text()).not.toContain('系统设置');
    expect(calls().map((c) => `${c.fn}.${c.action}`)).toEqual(['user.me']);
  });
});
