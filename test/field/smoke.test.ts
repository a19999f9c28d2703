import { useLocalCloud } from '../helpers/local-cloud';
import { O, seedFixture } from './fixture';

const local = useLocalCloud();
beforeAll(() => seedFixture(local));

it('resolves the caller from OPENID', async () => {
  const res = await local.call('user', { action: 'me' }, O.marketing);
  expect(res).toMatchObject({ ok: true, data: { role: 'marketing' } });
});
