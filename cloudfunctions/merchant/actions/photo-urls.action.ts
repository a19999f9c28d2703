import { type FileLinksOutput, PHOTO_LINK_AGE_S, merchantPhotoUrlsInput } from '../../../shared/contracts/files.contract';
import { defineAction } from '../../../server';
import { tempUrls } from '../../../server/jobs/files';
import { loadMerchantInScope } from '../../../server/merchant';

/** `photoUrls`: short-lived links to the storefront photos of a merchant file in scope (as `get` reads it). */
export const photoUrls = defineAction({
  schema: merchantPhotoUrlsInput,
  async handler(input, ctx): Promise<FileLinksOutput> {
    const m = await loadMerchantInScope(ctx, input.id);
    const ids = (m.photos ?? []).map((p) => p.fileId);
    const links = ids.length ? await tempUrls(ids, PHOTO_LINK_AGE_S) : new Map<string, string | null>();
    return { files: ids.map((fileId) => ({ fileId, url: links.get(fileId) ?? null })), maxAgeS: PHOTO_LINK_AGE_S };
  },
});
