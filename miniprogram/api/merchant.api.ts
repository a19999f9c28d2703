import { filesContract, merchantContract as C, qrcodeContract } from '../vendor/shared';
import { callAction } from './transport';
import { type InputOf, parseInput } from './validate';

type M = typeof import('../vendor/shared').merchantContract;
type In<K extends keyof M> = InputOf<M[K]>;
export type MerchantOut = import('../vendor/shared').merchantContract.MerchantOut;
export type MerchantRow = import('../vendor/shared').merchantContract.MerchantRow;
export type DuplicateOut = import('../vendor/shared').merchantContract.DuplicateOut;
export type MerchantFilters = In<'listMerchantsInput'>;
export type CreateMerchant = In<'createMerchantInput'>;
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Answer of create/update: the saved file, or the probable duplicates to decide on (nothing saved). */
export interface SaveResult {
  merchant?: MerchantOut;
  duplicates?: DuplicateOut[];
  isReplay?: boolean;
}

/** Fetches one page of merchants in the caller's scope (personal data masked). */
export function fetchMerchants(filters: MerchantFilters = {}): Promise<Page<MerchantRow>> {
  return callAction('merchant', 'list', parseInput(C.listMerchantsInput, filters));
}

/** Fetches a merchant's file (masked). */
export function fetchMerchant(id: string): Promise<MerchantOut> {
  return callAction('merchant', 'get', parseInput(C.getMerchantInput, { id }));
}

/** Reveals the operator's full personal data (entitled users only; the server records the view). */
export function revealOperator(id: string): Promise<import('../vendor/shared').merchantContract.RevealPiOutput> {
  return callAction('merchant', 'revealPi', parseInput(C.revealPiInput, { id }));
}

/** Files a new merchant (complete or not) with its client-made id. */
export function createMerchant(input: CreateMerchant): Promise<SaveResult> {
  return callAction('merchant', 'create', parseInput(C.createMerchantInput, input));
}

/** Updates (and completes) an existing file. */
export function updateMerchant(input: In<'updateMerchantInput'>): Promise<SaveResult> {
  return callAction('merchant', 'update', parseInput(C.updateMerchantInput, input));
}

/** Finds probable duplicates of a draft (same mobile, licence code, or name within ~50 m). */
export function checkDuplicates(input: In<'checkDuplicateInput'>): Promise<{ duplicates: DuplicateOut[] }> {
  return callAction('merchant', 'checkDuplicate', parseInput(C.checkDuplicateInput, input));
}

/** Short-lived links to a merchant file's storefront photos (the function checks scope first). */
export function fetchMerchantPhotoUrls(id: string): Promise<import('../vendor/shared').filesContract.FileLinksOutput> {
  return callAction('merchant', 'photoUrls', parseInput(filesContract.merchantPhotoUrlsInput, { id }));
}

/** The merchant code (商户码) of a file in scope: a link to its image for the stand sign. */
export function fetchMerchantCode(id: string): Promise<import('../vendor/shared').qrcodeContract.MerchantQrCodeOutput> {
  return callAction('merchant', 'qrCode', parseInput(qrcodeContract.merchantQrCodeInput, { id }));
}

/** The merchant a scanned code's scene names (refused, saying so, outside the caller's scope). */
export function resolveMerchantScene(scene: string): Promise<import('../vendor/shared').qrcodeContract.ResolveSceneOutput> {
  return callAction('merchant', 'resolveScene', parseInput(qrcodeContract.resolveSceneInput, { scene }));
}

/** Archives a merchant that closed or moved (leaders and above): it leaves the counts from `day`. */
export function archiveMerchant(input: In<'archiveMerchantInput'>): Promise<import('../vendor/shared').merchantContract.ArchiveMerchantOutput> {
  return callAction('merchant', 'archive', parseInput(C.archiveMerchantInput, input));
}

/** Reopens an archived merchant: it counts again from `day`. */
export function reopenMerchant(input: In<'reopenMerchantInput'>): Promise<import('../vendor/shared').merchantContract.ArchiveMerchantOutput> {
  return callAction('merchant', 'reopen', parseInput(C.reopenMerchantInput, input));
}
