import type { AuditEntryOut } from '../../../shared/contracts/org.contract';
import type { Page } from '../../../shared/contracts/common.contract';
import { searchAuditInput } from '../../../shared/contracts/org.contract';
import { defineAction } from '../../../server';
import { auditPage, auditViews } from '../audit.service';

/**
 * `searchAudit` (head office: the bank; a branch manager: the entries of its people and its records):
 * the audit log newest first, by who (`staffId`), what (`actions`), which record (`targetId`), which unit
 * and which days, paged by cursor.
 */
export const searchAudit = defineAction({
  schema: searchAuditInput,
  roles: ['hq', 'branch'],
  async handler(input, ctx): Promise<Page<AuditEntryOut>> {
    const { rows, nextCursor } = await auditPage(ctx, input, input.limit ?? 20, input.cursor);
    return { items: await auditViews(ctx, rows), nextCursor };
  },
});
