/**
 * What a benchmarked function call costs on the database: its requests and the longest chain of them made
 * one after another (local/runtime/invocation.ts). With DB_LATENCY_MS set, every request pays that round
 * trip, so a figure's wall time grows by about depth × DB_LATENCY_MS; the counts show why.
 */
import { performance } from 'node:perf_hooks';
import type { CallOutcome, LocalCloud } from '../../local/runtime';

/** The latency switches in effect, for the top of a benchmark's output. */
export function latencyLine(): string {
  const db = process.env.DB_LATENCY_MS || '0';
  const fn = process.env.FN_LATENCY_MS || '0';
  return `round trips: database ${db} ms per request (DB_LATENCY_MS), function call ${fn} ms (FN_LATENCY_MS)`;
}

/** Collects the requests and depth of the calls made through it, per label. */
export class CallCosts {
  private readonly byLabel = new Map<string, { requests: number[]; depth: number[] }>();

  constructor(private readonly cloud: LocalCloud) {}

  /** Calls like `cloud.call`, recording the call's database cost under `label`. */
  async call(label: string, fn: string, event: Record<string, unknown>, openid: string): Promise<any> {
    const out: CallOutcome = await this.cloud.callDetailed(fn, event, { openid });
    let c = this.byLabel.get(label);
    if (!c) this.byLabel.set(label, (c = { requests: [], depth: [] }));
    c.requests.push(out.requests);
    c.depth.push(out.depth);
    return out.result;
  }

  /** `db requests 12, depth 7` (medians; `a–b` when calls differed), or '' when nothing was recorded. */
  line(label: string): string {
    const c = this.byLabel.get(label);
    if (!c || c.requests.length === 0) return '';
    const span = (xs: number[]) => {
      const s = [...xs].sort((a, b) => a - b);
      return s[0] === s[s.length - 1] ? `${s[0]}` : `${s[0]}–${s[s.length - 1]} (median ${s[Math.floor(s.length / 2)]})`;
    };
    return `db requests ${span(c.requests)}, depth ${span(c.depth)}`;
  }
}

/**
 * Runs `fn` under the V8 profiler when `section` is the one BENCH_PROFILE names, writing
 * `<prefix><section>-<pid>.cpuprofile` to BENCH_PROFILE_DIR (default: cwd); otherwise just runs it.
 */
export async function profiled<T>(section: string, fn: () => Promise<T>, prefix = ''): Promise<T> {
  if ((process.env.BENCH_PROFILE ?? '') !== section) return fn();
  const { Session } = await import('node:inspector/promises');
  const { writeFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  try {
    return await fn();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    const file = join(process.env.BENCH_PROFILE_DIR ?? process.cwd(), `${prefix}${section}-${process.pid}.cpuprofile`);
    writeFileSync(file, JSON.stringify(profile));
    console.log(`  CPU profile of ${section}: ${file}`);
    session.disconnect();
  }
}

/** Per (action, collection): requests, milliseconds, documents and index keys the engine read. */
export type Trace = Map<string, { n: number; ms: number; docs: number; keys: number }>;

/** Records every request the engine answers into `sink()` (null: none) until the returned function is called. */
export function traceRequests(cloud: any, sink: () => Trace | null): () => void {
  const engine = cloud.engine.engine;
  const handle = engine.handle;
  engine.handle = function (action: string, params: any) {
    const into = sink();
    if (!into) return handle.call(engine, action, params);
    const { docs, keys } = engine.store.examined;
    const t = performance.now();
    try {
      return handle.call(engine, action, params);
    } finally {
      const key = `${action.replace('database.', '')} ${params?.collectionName ?? ''}${params?.transactionId ? ' (tx)' : ''}`;
      const g = into.get(key) ?? { n: 0, ms: 0, docs: 0, keys: 0 };
      g.n++;
      g.ms += performance.now() - t;
      g.docs += engine.store.examined.docs - docs;
      g.keys += engine.store.examined.keys - keys;
      into.set(key, g);
    }
  };
  return () => {
    engine.handle = handle;
  };
}

/** Prints a trace, the heaviest first: by what the engine read (a job's step), or by time (a run of calls). */
export function printTrace(label: string, ms: number, trace: Trace, by: 'reads' | 'time' = 'reads'): void {
  const weight = (g: { ms: number; docs: number; keys: number }) => (by === 'time' ? g.ms : g.docs + g.keys);
  const rows = [...trace.entries()].sort((a, b) => weight(b[1]) - weight(a[1]));
  const total = rows.reduce((n, [, g]) => n + g.docs, 0);
  console.log(`  ${label}: ${ms.toFixed(0)} ms, ${rows.reduce((n, [, g]) => n + g.n, 0)} requests, ${total} documents read`);
  for (const [key, g] of rows) console.log(`    ${key.padEnd(40)} ${String(g.n).padStart(6)} req ${`${g.ms.toFixed(0)} ms`.padStart(9)} ${String(g.docs).padStart(9)} docs ${String(g.keys).padStart(9)} keys`);
}
