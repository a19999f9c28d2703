import type { z } from 'zod';
import type { FieldIssue } from '../shared/envelope';
import { AppError } from './errors';

/** Turns zod issues into `{ field, message }` with dotted field paths (`operator.mobile`, `photos.0.fileId`). */
export function toFieldIssues(error: z.ZodError): FieldIssue[] {
  const out: FieldIssue[] = [];
  for (const issue of error.issues) {
    const path = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) out.push({ field: path ? `${path}.${key}` : key, message: '不支持的字段' });
      continue;
    }
    out.push({ field: path || 'event', message: issue.message });
  }
  return out;
}

/** Validates `value` with `schema`; throws VALIDATION naming every bad field. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const res = schema.safeParse(value);
  if (res.success) return res.data;
  const issues = toFieldIssues(res.error);
  const first = issues[0];
  throw new AppError('VALIDATION', first ? `${first.field}: ${first.message}` : '输入无效', { details: { issues } });
}
