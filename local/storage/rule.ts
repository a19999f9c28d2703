import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * CloudBase's storage security rule, evaluated locally as CloudBase evaluates it for client requests.
 * Documented at https://docs.cloudbase.net/storage/security-rules (and the WeChat copy,
 * https://developers.weixin.qq.com/miniprogram/dev/wxcloud/guide/storage/security-rules.html):
 *  - one rule for the whole bucket, `{ "read": <bool|expr>, "write": <bool|expr> }`, both false by default;
 *  - `read` covers downloads and temporary links asked for by a client, `write` uploads, overwrites and
 *    deletes;
 *  - variables: `auth` (null when not signed in; `openid` for WeChat callers, `uid`, `loginType`) and
 *    `resource.openid`, the openid of the file's creator;
 *  - the console and the server side (cloud functions) always read and write every file: the rule binds
 *    clients only.
 * The expression language accepted here is the part those pages use: `==`, `!=`, `&&`, `||`, `!`,
 * parentheses, `null`, `true`, `false`, quoted strings and those variables. Anything else is refused, so
 * a rule that would mean something else on CloudBase fails the deploy's dry run instead.
 */

export interface StorageRule {
  read: boolean | string;
  write: boolean | string;
}

export interface RuleContext {
  /** the client's identity; null when the request carries none */
  auth: { openid?: string | null; uid?: string | null; loginType?: string | null } | null;
  /** the file the request touches (for an upload of a new file, the file it would create) */
  resource: { openid: string | null };
}

const VARIABLES = new Set(['auth', 'auth.openid', 'auth.uid', 'auth.loginType', 'resource.openid']);

type Node =
  | { t: 'lit'; v: string | boolean | null }
  | { t: 'var'; path: string }
  | { t: 'not'; a: Node }
  | { t: 'bin'; op: '==' | '!=' | '&&' | '||'; a: Node; b: Node };

/** Parses a rule expression; throws naming what it could not read. */
export function parseRuleExpression(src: string): Node {
  const tokens = src.match(/\s*(==|!=|&&|\|\||!|\(|\)|'[^']*'|"[^"]*"|[A-Za-z_][A-Za-z0-9_.]*|\S)/g) ?? [];
  const toks = tokens.map((t) => t.trim());
  let i = 0;
  const peek = () => toks[i];
  const next = () => toks[i++];
  const fail = (what: string): never => {
    throw new Error(`rule expression "${src}": ${what}`);
  };
  const primary = (): Node => {
    const t = next();
    if (t === undefined) return fail('ends too early');
    if (t === '(') {
      const e = or();
      if (next() !== ')') fail('missing ")"');
      return e;
    }
    if (t === '!') return { t: 'not', a: primary() };
    if (t === 'true' || t === 'false') return { t: 'lit', v: t === 'true' };
    if (t === 'null') return { t: 'lit', v: null };
    if (/^(['"]).*\1$/.test(t)) return { t: 'lit', v: t.slice(1, -1) };
    if (VARIABLES.has(t)) return { t: 'var', path: t };
    return fail(`unknown name or symbol "${t}" (allowed: ${[...VARIABLES].join(', ')})`);
  };
  const cmp = (): Node => {
    const a = primary();
    const op = peek();
    if (op === '==' || op === '!=') {
      next();
      return { t: 'bin', op, a, b: primary() };
    }
    return a;
  };
  const and = (): Node => {
    let a = cmp();
    while (peek() === '&&') {
      next();
      a = { t: 'bin', op: '&&', a, b: cmp() };
    }
    return a;
  };
  const or = (): Node => {
    let a = and();
    while (peek() === '||') {
      next();
      a = { t: 'bin', op: '||', a, b: and() };
    }
    return a;
  };
  const tree = or();
  if (i < toks.length) fail(`unexpected "${toks[i]}"`);
  return tree;
}

function evaluate(node: Node, ctx: RuleContext): unknown {
  switch (node.t) {
    case 'lit':
      return node.v;
    case 'var': {
      if (node.path === 'auth') return ctx.auth;
      const [head, field] = node.path.split('.') as ['auth' | 'resource', string];
      const obj = (head === 'auth' ? ctx.auth : ctx.resource) as Record<string, unknown> | null;
      // A field of a missing object reads as null (an anonymous caller has no openid).
      return obj?.[field] ?? null;
    }
    case 'not':
      return !evaluate(node.a, ctx);
    case 'bin': {
      if (node.op === '&&') return !!evaluate(node.a, ctx) && !!evaluate(node.b, ctx);
      if (node.op === '||') return !!evaluate(node.a, ctx) || !!evaluate(node.b, ctx);
      const a = evaluate(node.a, ctx);
      const b = evaluate(node.b, ctx);
      return node.op === '==' ? a === b : a !== b;
    }
  }
}

/** Whether the rule lets a client do `op` (a rule that does not parse lets nobody in). */
export function ruleAllows(rule: StorageRule, op: 'read' | 'write', ctx: RuleContext): boolean {
  const value = rule[op];
  if (typeof value === 'boolean') return value;
  try {
    return !!evaluate(parseRuleExpression(value), ctx);
  } catch {
    return false;
  }
}

/** Problems with a declared storage rule (its shape, and each expression parsing). */
export function validateStorageRule(rule: unknown): string[] {
  if (!rule || typeof rule !== 'object' || Array.isArray(rule)) return ['storage.rule must be an object { "read": …, "write": … }'];
  const r = rule as Record<string, unknown>;
  const problems: string[] = [];
  for (const key of Object.keys(r)) if (key !== 'read' && key !== 'write') problems.push(`storage.rule.${key}: CloudBase's storage rule has only "read" and "write"`);
  for (const op of ['read', 'write'] as const) {
    const v = r[op];
    if (typeof v === 'boolean') continue;
    if (typeof v !== 'string' || !v.trim()) {
      problems.push(`storage.rule.${op} must be true, false or an expression`);
      continue;
    }
    try {
      parseRuleExpression(v);
    } catch (err) {
      problems.push(`storage.rule.${op}: ${(err as Error).message}`);
    }
  }
  return problems;
}

/** The storage rule declared in database/collections.json (`storage.rule`). */
export function loadStorageRule(file = join(__dirname, '..', '..', 'database', 'collections.json')): StorageRule {
  const spec = JSON.parse(readFileSync(file, 'utf8'));
  const rule = spec?.storage?.rule;
  const problems = validateStorageRule(rule);
  if (problems.length) throw new Error(`${file}: ${problems.join('; ')}`);
  return rule as StorageRule;
}
