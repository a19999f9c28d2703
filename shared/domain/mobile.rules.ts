/**
 * Mainland China mobile numbers (手机号), the operator's and the staff member's contact.
 *
 * Source: the MIIT numbering plan (电信网编号计划): mobile numbers are 11 digits starting 13–19
 * (130–139, 145–149, 150–159, 162/165–167, 170–178, 180–189, 190–199). The second digit alone is
 * checked, as operators keep opening new 3-digit segments and a bank form must not refuse a new one.
 * Numbers are normalised before they are hashed, so the duplicate check (docs/domain.md §3) finds the same
 * person however the number was typed.
 */

const MOBILE_PATTERN = /^1[3-9]\d{9}$/;

/** Converts full-width digits and plus sign (typed with a Chinese IME) to ASCII. */
function toHalfWidth(input: string): string {
  return input.replace(/[\uFF10-\uFF19\uFF0B]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0));
}

/**
 * Canonical 11-digit form of what a user typed: strips spaces, hyphens, dots and brackets, the country
 * code (+86, 0086, 86 before 11 digits), and converts full-width digits. Returns the cleaned string even
 * when it is not a valid mobile, so `mobileProblem` can say what is wrong with it.
 */
export function normalizeMobile(input: string): string {
  let s = toHalfWidth(input).replace(/[\s\u3000\-().（）－]/g, '');
  if (s.startsWith('+86')) s = s.slice(3);
  else if (s.startsWith('0086')) s = s.slice(4);
  else if (s.length === 13 && s.startsWith('86')) s = s.slice(2);
  return s;
}

/** Why `mobile` (already normalised) is not a mainland mobile number, or null when it is. */
export function mobileProblem(mobile: string): string | null {
  if (typeof mobile !== 'string' || mobile.length === 0) return '请填写手机号';
  if (!/^\d+$/.test(mobile)) return '手机号只能包含数字';
  if (mobile.length !== 11) return `手机号应为11位，当前为${mobile.length}位`;
  if (!MOBILE_PATTERN.test(mobile)) return '手机号应以13至19开头';
  return null;
}

/** True when `mobile` is exactly an 11-digit mainland mobile number (normalise first). */
export function isMobile(mobile: string): boolean {
  return typeof mobile === 'string' && MOBILE_PATTERN.test(mobile);
}
