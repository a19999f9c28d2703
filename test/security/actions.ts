/**
 * Every action of every cloud function with its input schema, read from the functions themselves: each
 * `cloudfunctions/<fn>/index.ts` routes `createMain({ name: handler, ... })`, and each handler carries the
 * zod contract it validates with. The scope matrix and the fuzzer are generated from this list, so a new
 * action is covered (or the coverage test fails) without editing the suite.
 */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { z } from 'zod';

export interface ActionEntry {
  fn: string;
  action: string;
  schema: z.ZodType;
  roles: readonly string[] | null;
  isPublic: boolean;
}

const ROOT = resolve(__dirname, '..', '..', 'cloudfunctions');

/** The functions under cloudfunctions/ (folders with an index.ts). */
export function functionNames(): string[] {
  return readdirSync(ROOT).filter((d) => existsSync(join(ROOT, d, 'index.ts'))).sort();
}

/** Every routed action of every function, with its schema and allowed roles. */
export function listActions(): ActionEntry[] {
  const out: ActionEntry[] = [];
  for (const fn of functionNames()) {
    const src = readFileSync(join(ROOT, fn, 'index.ts'), 'utf8');
    // identifier → module path, from `import { a, b as c } from './actions/x.action'`
    const from = new Map<string, { path: string; exported: string }>();
    for (const m of src.matchAll(/import\s*{([^}]*)}\s*from\s*'(\.\/[^']+)'/g)) {
      for (const part of m[1].split(',').map((p) => p.trim()).filter(Boolean)) {
        const [exported, local] = part.split(/\s+as\s+/).map((p) => p.trim());
        from.set(local ?? exported, { path: m[2], exported });
      }
    }
    const routed = /createMain\(\s*{([^}]*)}/.exec(src);
    if (!routed) throw new Error(`${fn}/index.ts does not call createMain({ ... })`);
    for (const entry of routed[1].split(',').map((p) => p.trim()).filter(Boolean)) {
      const [action, ident] = entry.includes(':') ? entry.split(':').map((p) => p.trim()) : [entry, entry];
      const mod = from.get(ident);
      if (!mod) throw new Error(`${fn}.${action}: cannot find where ${ident} comes from`);
      const def = require(join(ROOT, fn, mod.path))[mod.exported];
      if (!def?.schema) throw new Error(`${fn}.${action}: no schema on ${mod.exported}`);
      out.push({ fn, action, schema: def.schema, roles: def.roles ?? null, isPublic: Boolean(def.isPublic) });
    }
  }
  return out;
}
