/**
 * Business days as integers (days since 1970-01-01) while generating, formatted as the data model's
 * `YYYY-MM-DD` China-time strings when written. Instants are built from a China-time day and hour.
 */
const DAY_MS = 86400000;

// The generator converts the same few thousand days and months hundreds of thousands of times: parsing
// and formatting dates dominated it, so each conversion is remembered (the values never change).
const numbers = new Map<string, number>();
const strings = new Map<number, string>();
const monthEnds = new Map<string, number>();

/** `YYYY-MM-DD` → day number. */
export function dayNumber(day: string): number {
  let n = numbers.get(day);
  if (n === undefined) numbers.set(day, (n = Math.floor(Date.parse(`${day}T00:00:00Z`) / DAY_MS)));
  return n;
}

/** Day number → `YYYY-MM-DD`. */
export function dayString(n: number): string {
  let s = strings.get(n);
  if (s === undefined) strings.set(n, (s = new Date(n * DAY_MS).toISOString().slice(0, 10)));
  return s;
}

/** Day number → `YYYY-MM`. */
export function monthOf(n: number): string {
  return new Date(n * DAY_MS).toISOString().slice(0, 7);
}

/** The UTC instant of `hour:minute` China time (UTC+8) on day `n`. */
export function chinaInstant(n: number, hour: number, minute = 0, second = 0): Date {
  return new Date(n * DAY_MS + ((hour - 8) * 3600 + minute * 60 + second) * 1000);
}

/** Day number of the last day of month `YYYY-MM`. */
export function monthEnd(month: string): number {
  let n = monthEnds.get(month);
  if (n === undefined) {
    const [y, m] = month.split('-').map(Number);
    monthEnds.set(month, (n = Math.floor(Date.UTC(y, m, 0) / DAY_MS)));
  }
  return n;
}

/** Day number of the first day of month `YYYY-MM`. */
export function monthStart(month: string): number {
  return dayNumber(`${month}-01`);
}

/** The `count` months ending with `last` (inclusive), oldest first. */
export function monthsUpTo(last: string, count: number): string[] {
  const [y, m] = last.split('-').map(Number);
  const out: string[] = [];
  for (let i = count - 1; i >= 0; i--) {
    const d = new Date(Date.UTC(y, m - 1 - i, 1));
    out.push(d.toISOString().slice(0, 7));
  }
  return out;
}
