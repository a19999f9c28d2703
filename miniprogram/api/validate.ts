import { ServiceError } from '../utils/errors';

/** What a caller may pass for a contract's schema: its input type (before zod's defaults and transforms). */
export type InputOf<Schema> = Schema extends { _zod: { input: infer I } } ? I : never;

interface SafeParser<T> {
  safeParse(input: unknown): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } };
}

/**
 * Checks input against the function's shared contract before anything is sent, so a form shows the same
 * field-naming VALIDATION error the server would give, without a round trip.
 */
export function parseInput<T>(schema: SafeParser<T>, input: unknown): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => ({ field: i.path.map(String).join('.') || '(input)', message: i.message }));
  throw new ServiceError({ code: 'VALIDATION', message: issues[0]?.message ?? 'invalid input', details: { issues } });
}
