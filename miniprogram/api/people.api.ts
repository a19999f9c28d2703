import { orgContract } from '../vendor/shared';
import { callAction } from './transport';
import { type InputOf, parseInput } from './validate';
import type { BindCode, Staff } from './org.api';

type Org = typeof import('../vendor/shared').orgContract;
export type StaffDetail = import('../vendor/shared').orgContract.StaffDetail;
type In<K extends keyof Org> = InputOf<Org[K]>;

/** People management (head office; a branch manager within its branch): one staff member and the changes to them. */

/** A staff member's page: the record, its grids, its open tasks and its change history. */
export function fetchStaffMember(staffId: string): Promise<StaffDetail> {
  return callAction('org', 'getStaff', parseInput(orgContract.getStaffInput, { staffId }));
}

/** A fresh one-time binding code (text and QR, shown once); the previous code stops working. */
export function issueBindCode(input: In<'staffIdInput'>): Promise<BindCode> {
  return callAction('org', 'issueBindCode', parseInput(orgContract.staffIdInput, input));
}

/** Detaches the staff member's WeChat after a phone change; a new code is issued next. */
export function unbindStaff(input: In<'staffIdInput'>): Promise<Staff> {
  return callAction('org', 'unbindStaff', parseInput(orgContract.staffIdInput, input));
}

export function disableStaff(input: In<'staffIdInput'>): Promise<Staff> {
  return callAction('org', 'disableStaff', parseInput(orgContract.staffIdInput, input));
}

export function enableStaff(input: In<'staffIdInput'>): Promise<Staff> {
  return callAction('org', 'enableStaff', parseInput(orgContract.staffIdInput, input));
}

/** Moves a staff member to another home unit (grids outside its new branch are dropped). */
export function moveStaff(input: In<'moveStaffInput'>): Promise<Staff> {
  return callAction('org', 'moveStaff', parseInput(orgContract.moveStaffInput, input));
}

export function changeRole(input: In<'changeRoleInput'>): Promise<Staff> {
  return callAction('org', 'changeRole', parseInput(orgContract.changeRoleInput, input));
}
