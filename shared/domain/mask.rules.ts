/**
 * Masking of personal information (docs/domain.md §8, JR/T 0171-2020 C2): lists, dashboards, exports and logs
 * never show the full value.
 */

/** 13812341234 → 138****1234 */
export function maskMobile(mobile: string): string {
  if (mobile.length < 7) return '*'.repeat(mobile.length);
  return `${mobile.slice(0, 3)}****${mobile.slice(-4)}`;
}

/** ID number: first 1 and last 1 characters only. */
export function maskIdNumber(id: string): string {
  if (id.length <= 2) return '*'.repeat(id.length);
  return `${id[0]}${'*'.repeat(id.length - 2)}${id[id.length - 1]}`;
}

/** Account number: last 4 only. */
export function maskAccount(account: string): string {
  return account.length <= 4 ? account : `${'*'.repeat(account.length - 4)}${account.slice(-4)}`;
}

/** Person's name: surname kept, the rest starred (张三丰 → 张**). */
export function maskName(name: string): string {
  const chars = Array.from(name);
  return chars.length <= 1 ? name : chars[0] + '*'.repeat(chars.length - 1);
}
