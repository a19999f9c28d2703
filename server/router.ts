import type { z } from 'zod';
import { ERROR_CODES, type Envelope, fail, ok } from '../shared/envelope';
import type { Role } from '../shared/domain/roles';
import { type Caller, resolveCaller, resolveCustomLoginCaller } from './caller';
import { webCaller } from './console-login';
import { AppError } from './errors';
import { MAX_EVENT_DEPTH, nestsDeeperThan } from './bounds';
import { type Db, callerOpenid, getDb } from './db';
import { type FieldSettings, loadSettings } from './settings';
import { isWriteConflict, payOwed } from './tx';
import { parseInput } from './validate';

/** What a handler receives besides its validated input. */
export interface ActionContext {
  db: Db;
  caller: Caller;
  openid: string;
  /** The instant this call started; handlers stamp writes with it. */
  now: Date;
  /** Settings (loaded once per call, on first use). */
  settings(): Promise<FieldSettings>;
  /** The function and action names, for logs. */
  fn: string;
  action: string;
  /** What the action's `prepare` started beside the caller's look-up (undefined without one). */
  prepared?: unknown;
}

/**
 * What an action's `prepare` gets: everything of the call but the caller, who is being looked up at the
 * same time (on CloudBase each is a round trip, and they do not depend on each other).
 */
export type PrepareContext = Omit<ActionContext, 'caller' | 'prepared'>;

/**
 * Work an action starts before its caller is known. It may only read, or open what `dispose` undoes: its
 * result reaches the handler only once the caller is resolved and allowed, and nothing it read is answered
 * unless the handler's own checks pass. When the call fails before its handler runs, `dispose` (if the
 * result has one) is awaited, e.g. to roll back a transaction started early.
 */
export interface Prepared {
  dispose?: () => Promise<unknown>;
}

/** The context of a public action (only `user.bind`): the caller may be unbound. */
export interface PublicActionContext extends Omit<ActionContext, 'caller'> {
  caller: Caller | null;
}

export interface ActionDef<S extends z.ZodType = z.ZodType, R = unknown, P extends object = Prepared> {
  schema: S;
  /** Roles allowed to call it; omitted means every role (scope checks still apply in the handler). */
  roles?: readonly Role[];
  isPublic?: false;
  /** Reads started beside the caller's look-up (see `Prepared`); the handler finds them in `ctx.prepared`. */
  prepare?(input: z.output<S>, ctx: PrepareContext): P;
  handler(input: z.output<S>, ctx: ActionContext & { prepared?: P }): Promise<R>;
}

export interface PublicActionDef<S extends z.ZodType = z.ZodType, R = unknown> {
  schema: S;
  isPublic: true;
  handler(input: z.output<S>, ctx: PublicActionContext): Promise<R>;
}

/** Declares an action whose caller must be an active, bound staff member. */
export function defineAction<S extends z.ZodType, R, P extends object = Prepared>(def: ActionDef<S, R, P>): ActionDef<S, R, P> {
  return def;
}

/** Declares an action open to an unbound caller (binding is the only one). */
export function definePublicAction<S extends z.ZodType, R>(def: Omit<PublicActionDef<S, R>, 'isPublic'>): PublicActionDef<S, R> {
  return { ...def, isPublic: true };
}

export type Handlers = Record<string, ActionDef<any, any, any> | PublicActionDef<any, any>>;

/**
 * Who calls, from the platform only: the OPENID of a mini program call (wx-server-sdk getWXContext); for a
 * call without one, the custom-login user id of the console's web login (node-sdk getUserInfo), '' for
 * none (an anonymous web login or no login at all).
 */
function callerIdentity(): { openid: string; customUserId: string } {
  const openid = callerOpenid();
  return { openid, customUserId: openid ? '' : webCaller().customUserId };
}

/** The caller of a call from its identity: by OPENID, else by custom login (the console on CloudBase). */
function resolveIdentity(db: Db, id: { openid: string; customUserId: string }): Promise<Caller> {
  return id.openid || !id.customUserId ? resolveCaller(db, id.openid) : resolveCustomLoginCaller(db, id.customUserId);
}

/** Keys CloudBase or the client adds to an event that are not action input. */
const ENVELOPE_KEYS = new Set(['action', 'userInfo', 'tcbContext']);

/**
 * Builds a cloud function's `main(event, context)`: routes `event.action` to its handler, resolves the
 * caller from OPENID or the console's custom login (never from the event), checks the role, validates the input with the action's zod
 * schema and returns one envelope. Nothing thrown escapes: unexpected errors are logged and answered as
 * INTERNAL without internals.
 */
export function createMain(handlers: Handlers, fnName = 'function'): (event: unknown, context?: unknown) => Promise<Envelope<unknown>> {
  return async function main(event: unknown): Promise<Envelope<unknown>> {
    const started = Date.now();
    let action = '';
    let chores: Promise<unknown> | null = null;
    try {
      if (!event || typeof event !== 'object' || Array.isArray(event)) {
        throw new AppError('VALIDATION', 'event: 需要一个对象', { details: { issues: [{ field: 'event', message: '需要一个对象' }] } });
      }
      if (nestsDeeperThan(event, MAX_EVENT_DEPTH)) {
        throw new AppError('VALIDATION', `event: 嵌套超过 ${MAX_EVENT_DEPTH} 层`, { details: { issues: [{ field: 'event', message: `嵌套超过 ${MAX_EVENT_DEPTH} 层` }] } });
      }
      const raw = event as Record<string, unknown>;
      const name = raw.action;
      if (typeof name !== 'string' || !Object.prototype.hasOwnProperty.call(handlers, name)) {
        throw new AppError('VALIDATION', `action: 未知操作`, {
          details: { issues: [{ field: 'action', message: `未知操作，可用：${Object.keys(handlers).join(', ')}` }] },
        });
      }
      action = name;
      const def = handlers[name];
      const db = getDb();
      chores = payOwed(db);
      const identity = callerIdentity();
      const { openid } = identity;
      let settings: Promise<FieldSettings> | null = null;
      const base = {
        db,
        openid,
        now: new Date(started),
        settings: () => (settings ??= loadSettings(db)),
        fn: fnName,
        action,
      };
      const input: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(raw)) if (!ENVELOPE_KEYS.has(k)) input[k] = v;
      let caller: Caller | null = null;
      let data: unknown;
      if (def.isPublic) {
        caller = openid || identity.customUserId ? await resolveIdentity(db, identity).catch(() => null) : null;
        const parsed = parseInput(def.schema, input);
        data = await def.handler(parsed, { ...base, caller });
      } else {
        const callerRead = resolveIdentity(db, identity);
        callerRead.catch(() => undefined); // awaited below
        let parsed: unknown;
        let invalid: unknown = null;
        try {
          parsed = parseInput(def.schema, input);
        } catch (err) {
          invalid = err;
        }
        // Started beside the caller's look-up; handed over only once the caller is resolved and allowed.
        const prepared = def.prepare && !invalid ? def.prepare(parsed, base) : undefined;
        try {
          caller = await callerRead;
          if (def.roles && !def.roles.includes(caller.role)) {
            throw new AppError('FORBIDDEN', '当前角色无权执行该操作', { reason: 'ROLE.NOT_ALLOWED' });
          }
        } catch (err) {
          await (prepared as Prepared | undefined)?.dispose?.().catch(() => undefined);
          throw err;
        }
        // Who calls is answered before what was sent (an unbound caller learns nothing of the input).
        if (invalid) throw invalid;
        data = await (def.handler as (i: unknown, c: unknown) => Promise<unknown>)(parsed, { ...base, caller, prepared });
      }
      return ok(data === undefined ? null : data);
    } catch (err) {
      return toEnvelope(err, fnName, action);
    } finally {
      // What the instance owed is done before the call answers: a frozen instance would never send it.
      if (chores) await chores;
    }
  };
}

/** Maps anything thrown to a failure envelope; only AppErrors keep their message. */
export function toEnvelope(err: unknown, fnName: string, action: string): Envelope<never> {
  if (err instanceof AppError && (ERROR_CODES as readonly string[]).includes(err.code)) {
    return fail(err.code, err.message, { ...(err.reason ? { reason: err.reason } : {}), ...(err.details ? { details: err.details } : {}) });
  }
  // A write conflict that outlasted the transaction's retries (server/tx.ts), in whichever shape the SDK
  // handed it over: nothing was written, so the user may simply try again.
  if (isWriteConflict(err)) {
    return fail('CONFLICT', '数据正被他人修改，请重试', { reason: 'DB.CONFLICT' });
  }
  const text = describe(err);
  // Logged for operators; the client gets no internals. Messages never carry personal data in clear.
  console.error(JSON.stringify({ level: 'error', fn: fnName, action, error: text, stack: err instanceof Error ? err.stack : undefined }));
  return fail('INTERNAL', '服务暂时不可用，请稍后重试');
}

function describe(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  if (err && typeof err === 'object') {
    const e = err as { errCode?: unknown; errMsg?: unknown; code?: unknown; message?: unknown };
    return [e.code, e.errCode, e.message, e.errMsg].filter((x) => x !== undefined).join(' ') || JSON.stringify(err);
  }
  return String(err);
}
