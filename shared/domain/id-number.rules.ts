/**
 * Resident identity card number (公民身份号码), the operator's optional ID number in a merchant file.
 *
 * Source: GB 11643-1999 《公民身份号码》: 6-digit address code (GB/T 2260), 8-digit birth date
 * YYYYMMDD, 3-digit sequence (odd for men, even for women), and a check character computed with
 * ISO 7064:1983 MOD 11-2 ('X' stands for 10). Only the 18-character form is accepted: 15-digit numbers
 * were retired with the first-generation cards in 2013.
 */
import { chinaDay, daysInMonth } from './period.rules';

/** Weights 2^(17-i) mod 11 of positions 1–17 (ISO 7064 MOD 11-2). */
export const ID_NUMBER_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;

/** Check characters indexed by (weighted sum mod 11). */
const CHECK_CHARS = '10X98765432';

/** Province-level prefixes of GB/T 2260 address codes that appear on resident ID cards. */
const PROVINCE_PREFIXES = new Set([
  '11', '12', '13', '14', '15', '21', '22', '23', '31', '32', '33', '34', '35', '36', '37',
  '41', '42', '43', '44', '45', '46', '50', '51', '52', '53', '54', '61', '62', '63', '64', '65',
  '71', '81', '82', '83',
]);

/** Earliest birth year accepted: nobody alive was born before it. */
const EARLIEST_BIRTH_YEAR = 1900;

/** Trims, removes spaces and upper-cases a trailing x. */
export function normalizeIdNumber(input: string): string {
  return input.replace(/[\s\u3000]/g, '').toUpperCase();
}

/** The check character for the first 17 digits (ISO 7064 MOD 11-2); throws on a non-digit. */
export function idNumberCheckChar(body17: string): string {
  if (!/^\d{17}$/.test(body17)) throw new Error('body must be 17 digits');
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(body17[i]) * ID_NUMBER_WEIGHTS[i];
  return CHECK_CHARS[sum % 11];
}

/** True when y-m-d is a real calendar day (Gregorian, leap years included). */
function isCalendarDay(y: number, m: number, d: number): boolean {
  return m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}

/**
 * Why `id` is not a valid 18-character ID number, as a sentence for the user, or null when it is valid.
 * `now` bounds the birth date (no one is born in the future). Call `normalizeIdNumber` first to accept
 * spaces and a lower-case x.
 */
export function idNumberProblem(id: string, now: Date = new Date()): string | null {
  if (typeof id !== 'string' || id.length === 0) return '请填写身份证号码';
  if (id.length !== 18) return `身份证号码应为18位，当前为${id.length}位`;
  if (!/^\d{17}[\dX]$/.test(id)) return '身份证号码前17位应为数字，最后一位为数字或X';
  if (!PROVINCE_PREFIXES.has(id.slice(0, 2))) return '身份证号码前6位不是有效的地址码';
  const y = Number(id.slice(6, 10));
  const m = Number(id.slice(10, 12));
  const d = Number(id.slice(12, 14));
  if (!isCalendarDay(y, m, d)) return '身份证号码中的出生日期不存在';
  if (y < EARLIEST_BIRTH_YEAR || id.slice(6, 14) > chinaDay(now).replace(/-/g, '')) return '身份证号码中的出生日期不合理';
  if (id.slice(14, 17) === '000') return '身份证号码顺序码不能为000';
  if (idNumberCheckChar(id.slice(0, 17)) !== id[17]) return '身份证号码校验位不正确，请核对是否输错';
  return null;
}

/** True when `id` is a valid 18-character resident ID number (exactly as given). */
export function isValidIdNumber(id: string, now: Date = new Date()): boolean {
  return idNumberProblem(id, now) === null;
}

/** Birth day 'YYYY-MM-DD' of a valid ID number, or null. */
export function idNumberBirthDay(id: string): string | null {
  if (!isValidIdNumber(id)) return null;
  return `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
}

/** Sex recorded by the sequence code (odd: male, even: female), or null for an invalid number. */
export function idNumberSex(id: string): 'male' | 'female' | null {
  if (!isValidIdNumber(id)) return null;
  return Number(id[16]) % 2 === 1 ? 'male' : 'female';
}

/**
 * Builds a valid ID number (for the demo seed and tests): `division` a 6-digit address code such as
 * '321281' (兴化市), `birthDay` 'YYYY-MM-DD', `sequence` 1–999. Throws when the parts are invalid.
 */
export function makeIdNumber(division: string, birthDay: string, sequence: number): string {
  if (!/^\d{6}$/.test(division)) throw new Error('division must be 6 digits');
  if (!/^\d{4}-\d{2}-\d{2}$/.test(birthDay)) throw new Error('birthDay must be YYYY-MM-DD');
  if (!Number.isInteger(sequence) || sequence < 1 || sequence > 999) throw new Error('sequence must be 1–999');
  const body = division + birthDay.replace(/-/g, '') + String(sequence).padStart(3, '0');
  const id = body + idNumberCheckChar(body);
  const problem = idNumberProblem(id);
  if (problem) throw new Error(problem);
  return id;
}
