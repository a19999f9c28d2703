import { type FileLinksOutput, PHOTO_LINK_AGE_S, visitPhotoUrlsInput } from '../../../shared/contracts/files.contract';
import { assertInScope, defineAction, getDoc, notFound } from '../../../server';
import { tempUrls } from '../../../server/jobs/files';
import type { VisitDoc } from '../visit.service';

/** `photoUrls`: short-lived links to a visit's photos and its checks' photos, for a visit in scope (as `get`). */
export const photoUrls = defineAction({
  schema: visitPhotoUrlsInput,
  async handler(input, ctx): Promise<FileLinksOutput> {
    const v = await getDoc<VisitDoc>(ctx.db, 'visits', input.visitId);
    if (!v) throw notFound('走访', 'VISIT.NOT_FOUND');
    assertInScope(ctx.caller, v.unitPath);
    const checks = (v.checks ?? []).flatMap((c) => (c.photo ? [c.photo] : []));
    const ids = [...new Set([...(v.photos ?? []).map((p) => p.fileId), ...checks])];
    const links = ids.length ? await tempUrls(ids, PHOTO_LINK_AGE_S) : new Map<string, string | null>();
    return { files: ids.map((fileId) => ({ fileId, url: links.get(fileId) ?? null })), maxAgeS: PHOTO_LINK_AGE_S };
  },
});
