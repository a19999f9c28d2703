/**
 * What a search box's text can be (docs/domain.md, finding a merchant): one text, read as every
 * identifier it could be, each looked up by equality or prefix on an index, never by scanning files.
 */
import { isValidCreditCode, normalizeCreditCode } from './credit-code.rules';
import { mobileProblem, normalizeMobile } from './mobile.rules';

export type SearchKey =
  /** the operator's mobile: looked up by its keyed hash only (the mobile is sealed at rest) */
  | { kind: 'mobile'; mobile: string }
  /** the unified social credit code on the business licence */
  | { kind: 'licence'; code: string }
  /** the acquiring merchant number (收单商户号), as the bank's system writes it */
  | { kind: 'acquiring'; no: string }
  /** a door plate (`18号`), or a street with its door plate (`英武路18号`) */
  | { kind: 'doorPlate'; doorPlate: string; street: string | null }
  /** the beginning of a shop name or of a street name */
  | { kind: 'prefix'; text: string };

/** Acquiring merchant numbers are 12–20 digits (the demo bank's: 15). */
const ACQUIRING_NO = /^\d{12,20}$/;
/** A door plate is a number with 号 and anything after it (`18号`); what goes before may be the street. */
const DOOR_PLATE = /^(.*?)(\d+号.*)$/;

/** Every identifier `q` could be, most specific first; empty text searches nothing. */
export function searchKeys(q: string): SearchKey[] {
  // Identifiers are read in NFKC (a phone's full-width keyboard types `１３９…`, `１８号`); a name or street is
  // looked up as typed, which is how it is stored, and also in NFKC when that differs.
  const typed = q.trim();
  const text = typed.normalize('NFKC').replace(/\u3000/g, ' ').trim();
  if (!text) return [];
  const keys: SearchKey[] = [];
  const mobile = normalizeMobile(text);
  if (/^[\d\s+-]+$/.test(text) && !mobileProblem(mobile)) keys.push({ kind: 'mobile', mobile });
  const code = normalizeCreditCode(text);
  if (code.length === 18 && isValidCreditCode(code)) keys.push({ kind: 'licence', code });
  if (ACQUIRING_NO.test(text)) keys.push({ kind: 'acquiring', no: text });
  if (DOOR_PLATE.test(text)) {
    // `英武路18号` is a street and its plate, `英武路菜市场A区12号` a street and a stall's plate: the street ends
    // where a street word does (路, 街, 巷, 道, 弄, 村) or where the plate's number begins; or the text is the plate.
    const splits = new Set<number>([DOOR_PLATE.exec(text)![1].length]);
    for (const m of text.matchAll(/[路街巷道弄村]/g)) if (DOOR_PLATE.test(text.slice(m.index + 1))) splits.add(m.index + 1);
    for (const at of [...splits].sort((a, b) => a - b)) if (at > 0) keys.push({ kind: 'doorPlate', doorPlate: text.slice(at), street: text.slice(0, at) });
    keys.push({ kind: 'doorPlate', doorPlate: text, street: null });
  }
  if (keys.length === 0 || !/^[\d\s+-]+$/.test(text)) {
    keys.push({ kind: 'prefix', text: typed });
    if (text !== typed) keys.push({ kind: 'prefix', text });
  }
  return keys;
}

/**
 * The text of an address part as searched and stored in `searchKeys`: NFKC (full-width digits and letters to
 * ASCII), no spaces, letters in upper case (`a区12号` and `Ａ区 12号` are `A区12号`).
 */
export function normalizeAddressPart(text: string): string {
  return text.normalize('NFKC').replace(/[\s\u3000]/g, '').toUpperCase();
}

/**
 * The search key of a door plate (`p:18号`), read by head office; of a door plate within one unit of the
 * merchant's path (`p:<unitId>:18号`), read by everyone else, so a plate shared by a thousand files in the bank
 * is read as the handful in the caller's grid; of a street with its plate (`s:英武路18号`).
 */
export const searchKey = {
  doorPlate: (plate: string, unitId?: string): string => (unitId ? `p:${unitId}:${normalizeAddressPart(plate)}` : `p:${normalizeAddressPart(plate)}`),
  streetPlate: (text: string): string => `s:${normalizeAddressPart(text)}`,
};

/**
 * `searchKeys` of a merchant file (database/collections.json `merchants`, index `searchKeys_1__id_1`): the
 * normalised door plate, the plate within each unit of its path, and the street with its plate. Written on
 * every write of the file; a file without a plate has none.
 */
export function merchantSearchKeys(m: { address?: { street?: string | null; doorPlate?: string | null } | null; unitPath?: readonly string[] | null }): string[] {
  const plate = normalizeAddressPart(m.address?.doorPlate ?? '');
  if (!plate) return [];
  const street = normalizeAddressPart(m.address?.street ?? '');
  const keys = [searchKey.doorPlate(plate), ...(m.unitPath ?? []).map((u) => searchKey.doorPlate(plate, u))];
  if (street) keys.push(searchKey.streetPlate(`${street}${plate}`));
  return [...new Set(keys)];
}
