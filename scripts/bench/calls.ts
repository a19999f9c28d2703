/**
 * What a benchmarked function call costs on the database: its requests and the longest chain of them made
 * one after another (local/runtime/invocation.ts). With DB_LATENCY_MS set, every request pays that round
 * trip, so a figure's wall time grows by about depth × DB_LATENCY_MS; the counts show why.
 */
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
