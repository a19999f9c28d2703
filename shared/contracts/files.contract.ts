/**
 * Links to the files a record holds. Clients read no file from storage directly (the storage rule says
 * `"read": false`): the function that holds the record checks the caller's scope over it and signs
 * short-lived links to its files, so a file id alone opens nothing.
 */
import { z } from 'zod';
import { idSchema } from './common.contract';

/** `merchant.photoUrls`: links to a merchant file's storefront photos. */
export const merchantPhotoUrlsInput = z.strictObject({ id: idSchema });

/** `visit.photoUrls`: links to a visit's photos, the checks' photos included. */
export const visitPhotoUrlsInput = z.strictObject({ visitId: idSchema });

/** Seconds a link lasts. */
export const PHOTO_LINK_AGE_S = 600;

export interface FileLink {
  fileId: string;
  /** null when the file is no longer in storage */
  url: string | null;
}

export interface FileLinksOutput {
  files: FileLink[];
  /** how long each link lasts, in seconds */
  maxAgeS: number;
}
