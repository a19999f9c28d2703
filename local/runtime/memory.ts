import { performance } from 'node:perf_hooks';
import { clearInterval, setInterval } from 'node:timers';
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Each function call runs under its configured memory, as on CloudBase: a call whose memory outgrows the
 * function's `memorySize` is ended, and the caller gets CloudBase's memory-exceeded failure
 * (`FUNCTIONS_MEMORY_LIMIT_EXCEEDED`, "云函数运行内存超限,函数使用的内存超过了配置的最大内存限制",
 * docs.cloudbase.net/error-code/FUNCTIONS_MEMORY_LIMIT_EXCEEDED). Like a timed-out call, the instance is gone:
 * what the call had not committed is lost.
 *
 * How it is measured. Calls run in this process beside one another and the engine, so there is no instance to
 * cap; what a call costs is the growth of the process's JavaScript heap and external memory (Buffers,
 * ArrayBuffers) from the call's start (after a full collection when the heap may hold more garbage than the
 * call's memory, which, collected mid-call, would hide what the call holds). A sampler reads the heap and external memory (V8's heap statistics) every SAMPLE_MS while calls are
 * in flight, and once more when a call answers (so synchronous work between two samples is still seen); a call is also read
 * whenever it waits (sets a timer, sends a database request: invocation.ts). The
 * growth is counted from the lowest reading since the call started, so garbage present at its start and
 * collected during it does not hide what the call holds. Growth over the limit is only charged once a full
 * collection has run and the growth is still there: garbage the call made but no longer holds is not charged
 * (a real instance would have collected it before running out).
 *
 * A call ended for its memory or its timeout is killed (Invocation.kill): its timers are cleared and its
 * pending requests never answer, so its code never runs again and what it held is garbage at once. The watch
 * collects right after ending a call, so that memory leaves the readings before any later call is measured
 * (a killed call that went on running would allocate, or free, in the middle of the next call's readings).
 * The time spent collecting is not counted against any call's timeout (`measuringMs`).
 *
 * Limits of the method, written down so no one reads more into it:
 * - With several calls in flight, growth cannot be split between them. A call is charged only when its own
 *   growth exceeds its memory and the process's growth since the oldest call in flight began exceeds the
 *   memory of all calls in flight together (they could not all fit in their instances).
 * - Garbage collected during a call hides as much of its growth; a call starts from a collected heap when the
 *   process has grown by more than a quarter of its memory since the last collection, so a call alone is
 *   caught once it holds more than its memory and a quarter.
 * - The baseline is this process, not an empty instance: the Node runtime, wx-server-sdk and the function's
 *   module (loaded once and kept) are not charged, while CloudBase counts them too (a few tens of MB). A call
 *   that fits here with less than that to spare can still fail on CloudBase.
 * - Between samples a call can grow past its limit for up to SAMPLE_MS before it is ended.
 * Running each call in a worker thread with `resourceLimits` would cap the heap exactly, but every database and
 * storage request would then cross threads and every call would load its function's modules anew (a cold start
 * of hundreds of ms per call), against calls that take a few ms today.
 */

/** How often the memory of calls in flight is read, ms. */
export const SAMPLE_MS = 20;

/** One call's account: its limit, the lowest reading since it started, and whether it was ended for memory. */
export interface MemoryAccount {
  readonly limitBytes: number;
  floor: number;
  /** called once when the call is found over its memory */
  onExceeded: (usedMb: number) => void;
  exceeded: boolean;
}

const live = new Set<MemoryAccount>();
let timer: NodeJS.Timeout | null = null;
/** V8's `gc` (a full collection; `{ type: 'minor' }` the young generation only). */
type Gc = (options?: { type: 'minor' | 'major' }) => void;
let fullGc: Gc | null = null;

/** The lowest reading since the last full collection: how far the process's garbage can reach above it. */
let low = Infinity;
/**
 * Set when a call ended holding more than half its memory: what it held is garbage now, uncollected, and may be
 * collected during the next call, hiding as much of that call's growth. The next call starts from a collection.
 */
let leftBehind = false;

/** The heap and external memory of this process, bytes. */
function used(): number {
  // V8's own heap statistics: the very figures `process.memoryUsage()` reports as heapUsed and external, without
  // its resident-set read from the OS (20× slower; read on every request a call sends, it was a third of a
  // visit submit's CPU in the cloud bench's profile).
  const m = getHeapStatistics();
  const u = m.used_heap_size + m.external_memory;
  if (u < low) low = u;
  return u;
}

/**
 * A full collection, from V8's `gc` (exposed on first need; run only when a reading could mislead). Twice: V8
 * frees the memory of dead Buffers and ArrayBuffers (external memory) on a background sweep after the first,
 * and `process.memoryUsage().external` only drops at the next collection. After one collection, a dead
 * call's Buffers would still be read as held, then vanish from the readings during the next call, hiding as
 * much of what that call holds.
 */
function collect(): void {
  const gc = gcOf();
  gc();
  gc();
  low = Infinity;
  collectedBase = used();
}

/** Milliseconds this process has spent in the collections the watch ran (see `measuringMs`). */
let spentMs = 0;

/**
 * Milliseconds spent so far in the collections the memory watch ran, all calls together. A full collection of
 * a large heap takes hundreds of ms (seconds on a loaded machine): the runtime's measuring, which an instance
 * of CloudBase does not do, so a call's timeout does not count it (index.ts).
 */
export function measuringMs(): number {
  return spentMs;
}

/** V8's `gc`, exposed on first need; the time it takes is added to `measuringMs`. */
function gcOf(): Gc {
  if (!fullGc) {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as Gc;
    fullGc = (options) => {
      const t0 = performance.now();
      try {
        gc(options);
      } finally {
        spentMs += performance.now() - t0;
      }
    };
  }
  return fullGc;
}

/**
 * A collection of the young generation only (twice, for the Buffers' memory, as in `collect`): a few ms where a
 * full collection of a large heap takes hundreds. Most garbage a call makes and drops (Buffers made and
 * dropped in a loop) dies young, so this is tried first when a reading is over.
 */
function collectYoung(): void {
  const gc = gcOf();
  gc({ type: 'minor' });
  gc({ type: 'minor' });
}

/** The reading right after the last full collection (null before the first). */
let collectedBase: number | null = null;

/** What garbage may hide of a call's memory at the most: a quarter of it (see watchMemory). */
const HIDDEN_SHARE = 4;

/** Reads memory and ends the calls found over their memory (see the rules above). */
export function checkMemory(): void {
  if (live.size === 0) return;
  let now = used();
  for (const a of live) if (now < a.floor) a.floor = now;
  const over = (a: MemoryAccount) => !a.exceeded && now - a.floor > a.limitBytes;
  if (![...live].some(over)) return;
  // Garbage first from the young generation (cheap); a full collection only if still over.
  collectYoung();
  now = used();
  for (const a of live) if (now < a.floor) a.floor = now;
  if (![...live].some(over)) return;
  collect();
  now = used();
  for (const a of live) if (now < a.floor) a.floor = now;
  let oldestFloor = Infinity;
  let together = 0;
  for (const a of live) {
    oldestFloor = Math.min(oldestFloor, a.floor);
    together += a.limitBytes;
  }
  // One call alone: its own growth. Several: only when they could not all have fitted in their instances.
  if (now - oldestFloor <= together) return;
  let ended = false;
  for (const a of [...live]) {
    if (!over(a)) continue;
    a.exceeded = true;
    a.onExceeded(Math.round((now - a.floor) / (1024 * 1024)));
    ended = true;
  }
  if (!ended) return;
  // The calls ended were killed (their code never runs again, invocation.ts): what they held is garbage now.
  // Collected here, before any other call reads on, it cannot vanish from a later reading of a call in flight
  // or of the next call and hide as much of what that call holds.
  collect();
  now = used();
  for (const a of live) if (now < a.floor) a.floor = now;
}

/** Starts accounting a call with `limitMb` of memory; `onExceeded` ends it. Returns the account to `release`. */
export function watchMemory(limitMb: number, onExceeded: (usedMb: number) => void): MemoryAccount {
  const limitBytes = limitMb * 1024 * 1024;
  let floor = used();
  // Garbage present at the start and collected during the call (V8 collects when the call allocates) would
  // hide as much of what the call holds. So a call starts from a collected heap whenever the process has grown
  // by more than a quarter of the call's memory since the last collection: garbage then hides at most that
  // quarter, and a call holding more than its memory plus a quarter is always caught.
  if (leftBehind || collectedBase === null || floor - collectedBase > limitBytes / HIDDEN_SHARE || floor - low > limitBytes) {
    collect();
    leftBehind = false;
    floor = used();
  }
  const account: MemoryAccount = { limitBytes, floor, onExceeded, exceeded: false };
  live.add(account);
  if (!timer) {
    timer = setInterval(checkMemory, SAMPLE_MS);
    timer.unref();
  }
  return account;
}

/** Stops accounting a call (after a last reading, taken by the caller with `checkMemory` when it answered). */
export function releaseMemory(account: MemoryAccount): void {
  live.delete(account);
  if (used() - account.floor > account.limitBytes / 2) leftBehind = true;
  if (live.size === 0 && timer) {
    clearInterval(timer);
    timer = null;
  }
}
