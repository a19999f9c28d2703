/**
 * How deep an event may nest. No contract goes past a handful of levels; the bound stops a hostile body
 * (thousands of levels in a few KB) before anything recursive (JSON.stringify, zod, the database client)
 * walks it and overflows the stack. The gateway refuses such a body with 400; the router refuses such an
 * event (on CloudBase events reach functions without the gateway) with VALIDATION.
 */
export const MAX_EVENT_DEPTH = 32;

/**
 * Whether `value` nests objects or arrays deeper than `limit` levels (`{}` is one level, `{ a: [] }`
 * two). Walks iteratively, so any depth is measured without recursion, and stops at the first path
 * past the limit.
 */
export function nestsDeeperThan(value: unknown, limit = MAX_EVENT_DEPTH): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    const level = depth + 1;
    if (level > limit) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) if (child !== null && typeof child === 'object') stack.push([child, level]);
  }
  return false;
}
