/**
 * The role lists of shared/domain/roles.ts are the ones the functions check (the mini program's menus read
 * the same lists): each role in a list is let through, each role outside it refused with ROLE.NOT_ALLOWED.
 */
import { useLocalCloud } from '../helpers/local-cloud';
import { O, seedFixture } from './fixture';
import { EXPORT_ROLES, PLACEMENT_REVIEWER_ROLES, ROLES, TASK_BOARD_ROLES, type Role } from '../../shared/domain/roles';

const local = useLocalCloud();

beforeAll(async () => {
  await seedFixture(local);
});

const refused = (res: any) => res.error?.code === 'FORBIDDEN';

describe('the shared role lists are what the functions let through', () => {
  const cases: [string, readonly Role[], (role: Role) => Promise<any>][] = [
    ['merchant.placements', PLACEMENT_REVIEWER_ROLES, (role) => local.call('merchant', { action: 'placements' }, O[role])],
    ['merchant.reviewPlacement', PLACEMENT_REVIEWER_ROLES, (role) => local.call('merchant', { action: 'reviewPlacement', id: 'm-none', decision: 'confirm' }, O[role])],
    ['visit.tasks (the board)', TASK_BOARD_ROLES, (role) => local.call('visit', { action: 'tasks', scope: 'unit' }, O[role])],
    // A refused role never reaches the handler; an allowed one is refused, if at all, for another reason.
    ['export.list', EXPORT_ROLES, (role) => local.call('export', { action: 'list' }, O[role])],
  ];
  it.each(cases)('%s', async (_name, roles, ask) => {
    for (const role of ROLES) {
      const res = await ask(role);
      expect([role, refused(res) && res.error.reason === 'ROLE.NOT_ALLOWED']).toEqual([role, !roles.includes(role)]);
    }
  });
});
