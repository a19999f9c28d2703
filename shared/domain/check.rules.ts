/**
 * The six must-checks (六个必查) of a revisit (docs/domain.md §5).
 *
 * Why: a merchant whose acquiring silently stops working (app logged out, QR code unbound, speaker
 * off) stops transacting with the bank; the maintenance assistant checks the six items on every
 * revisit, and each failure becomes a follow-up task that only a later passing check closes.
 * Source: the bank's revisit checklist, in the order it is printed.
 */

export const CHECK_ITEMS = ['app', 'real-name', 'realtime-settlement', 'payment-qr', 'stand-sign', 'speaker'] as const;
export type CheckItem = (typeof CHECK_ITEMS)[number];

export const CHECK_RESULTS = ['pass', 'fail', 'na'] as const;
export type CheckResultValue = (typeof CHECK_RESULTS)[number];

/** Each check's label and what the assistant verifies on site. */
export const CHECK_DEFINITIONS: Record<CheckItem, { label: string; means: string }> = {
  app: { label: '商户App', means: '商户App已安装并能正常登录' },
  'real-name': { label: '实名认证', means: '商户已完成实名认证，信息与经营者一致' },
  'realtime-settlement': { label: '实时到账', means: '收款实时到账功能已开通并正常' },
  'payment-qr': { label: '收款码', means: '收款码在店内张贴且绑定的是本商户' },
  'stand-sign': { label: '立牌', means: '收银台立牌摆放到位' },
  speaker: { label: '喇叭', means: '收款语音播报喇叭正常工作' },
};

/** One check's outcome on a revisit (its note and photo, which back a failure, decide nothing here). */
export interface CheckOutcome {
  item: CheckItem;
  result: CheckResultValue;
  note?: string;
}

/** An open follow-up task as far as these rules need it: which check it follows up. */
export interface CheckTaskRef {
  check?: CheckItem | null;
}

/** True when `value` is one of the six check codes. */
export function isCheckItem(value: unknown): value is CheckItem {
  return typeof value === 'string' && (CHECK_ITEMS as readonly string[]).includes(value);
}

/**
 * Why a revisit's checks are incomplete or inconsistent, or null: a revisit records all six checks,
 * each exactly once, each pass, fail or n/a.
 */
export function checksProblem(checks: readonly CheckOutcome[] | null | undefined): string | null {
  if (!Array.isArray(checks) || checks.length === 0) return '回访需要完成六个必查';
  const seen = new Set<string>();
  for (const c of checks as readonly CheckOutcome[]) {
    if (typeof c !== 'object' || c === null) return '检查项内容无效';
    if (!isCheckItem(c.item)) return `未知的检查项：${String(c.item)}`;
    if (!(CHECK_RESULTS as readonly string[]).includes(c.result)) return `${CHECK_DEFINITIONS[c.item].label}的结果应为通过、不通过或不适用`;
    if (seen.has(c.item)) return `${CHECK_DEFINITIONS[c.item].label}重复填写`;
    seen.add(c.item);
  }
  const missing = CHECK_ITEMS.filter((item) => !seen.has(item));
  if (missing.length > 0) return `还有必查项未填写：${missing.map((m) => CHECK_DEFINITIONS[m].label).join('、')}`;
  return null;
}

/** The items that failed, in checklist order. */
export function failedChecks(checks: readonly CheckOutcome[]): CheckItem[] {
  const failed = new Set(checks.filter((c) => c.result === 'fail').map((c) => c.item));
  return CHECK_ITEMS.filter((item) => failed.has(item));
}

/** The items that passed, in checklist order. */
export function passedChecks(checks: readonly CheckOutcome[]): CheckItem[] {
  const passed = new Set(checks.filter((c) => c.result === 'pass').map((c) => c.item));
  return CHECK_ITEMS.filter((item) => passed.has(item));
}

/**
 * The checks that need a new follow-up task: failed, and no follow-up is open for that check yet
 * (a merchant failing the same check twice keeps one task, so nobody gets duplicates).
 */
export function tasksToOpen(checks: readonly CheckOutcome[], openTasks: readonly CheckTaskRef[]): CheckItem[] {
  const open = new Set(openTasks.map((t) => t.check).filter(isCheckItem));
  return failedChecks(checks).filter((item) => !open.has(item));
}

/** The open follow-up tasks this revisit closes: those whose check passed. N/a and fail leave a task open. */
export function tasksClosedBy<T extends CheckTaskRef>(checks: readonly CheckOutcome[], openTasks: readonly T[]): T[] {
  const passed = new Set<CheckItem>(passedChecks(checks));
  return openTasks.filter((t) => isCheckItem(t.check) && passed.has(t.check));
}
