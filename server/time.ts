/** Business days are China time (Asia/Shanghai, UTC+8, no daylight saving): data-model conventions. */
const CHINA_OFFSET_MS = 8 * 3600 * 1000;

/** `YYYY-MM-DD` of an instant in China time. */
export function chinaDay(at: Date): string {
  return new Date(at.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

/** Minutes since China-time midnight of an instant (when a daily job started by a minute timer is due). */
export function chinaMinuteOfDay(at: Date): number {
  const t = new Date(at.getTime() + CHINA_OFFSET_MS);
  return t.getUTCHours() * 60 + t.getUTCMinutes();
}

/** The China-time day `days` after the day of `at`. */
export function addDays(at: Date, days: number): string {
  return chinaDay(new Date(at.getTime() + days * 86400000));
}
