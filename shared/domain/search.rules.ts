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
  const text = q.trim();
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
  if (keys.length === 0 || !/^[\d\s+-]+$/.test(text)) keys.push({ kind: 'prefix', text });
  return keys;
}
