/** Contract of the `user` function: binding a WeChat user to a staff record, the profile, the privacy agreement. */
import { z } from 'zod';
import type { Role } from '../domain/roles';
import { text } from './common.contract';

export const bindInput = z.strictObject({
  /** The one-time binding code head office handed out (8 characters; case and spaces ignored). */
  code: z
    .string({ error: '需要绑定码' })
    .max(32, '绑定码过长')
    .transform((s) => s.replace(/[\s-]/g, '').toUpperCase())
    .pipe(z.string().regex(/^[A-Z0-9]{6,16}$/, '绑定码应为 6–16 位字母或数字')),
});

export const meInput = z.strictObject({});

export const acceptPrivacyInput = z.strictObject({
  /** Version of the privacy agreement the user accepted. */
  version: text(32, '协议版本'),
});

export interface UnitRef {
  id: string;
  name: string;
  kind: 'bank' | 'branch' | 'group' | 'grid';
}

/** `me`: who the caller is and what they may see. */
export interface MeOutput {
  staffId: string;
  name: string;
  role: Role;
  roleLabel: string;
  mobile: string | null;
  unit: UnitRef | null;
  /** The home unit's path from the bank down. */
  unitPath: UnitRef[];
  grids: UnitRef[];
  /** 'all' (head office) or the unit ids whose subtrees the caller may see. */
  scope: 'all' | string[];
  privacyAcceptedAt: string | null;
  privacyVersion: string | null;
  /** The day the bank's records run to (today, or a demo bank's fixed as-of day): the screens' periods open on it. */
  bankDay: string;
}

export type BindOutput = MeOutput;

export interface AcceptPrivacyOutput {
  privacyAcceptedAt: string;
  privacyVersion: string;
}
