import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

// The layers of docs/architecture.md admit no loop: a module that imports itself through others loads
// half-initialised (an import reads `undefined` at load time) and cannot be understood on its own. This walks
// every TypeScript import (type-only included: a loop of types is a loop of concepts) and fails on any cycle.
const ROOT = join(__dirname, '..', '..');
const FOLDERS = ['shared', 'server', 'cloudfunctions', 'local', 'scripts', 'console/src', 'miniprogram'];
const SKIP = new Set(['node_modules', 'miniprogram_npm', 'build', 'browser', 'vendor']);
const OPTIONS: ts.CompilerOptions = { module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10, allowJs: false, resolveJsonModule: true, jsx: ts.JsxEmit.ReactJSX };

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (SKIP.has(name)) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sources(path, out);
    else if (/\.tsx?$/.test(name) && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** Each project source file and the project source files it imports (packages left out). */
export function importGraph(folders = FOLDERS): Map<string, string[]> {
  const files = folders.flatMap((f) => sources(join(ROOT, f)));
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const targets = new Set<string>();
    for (const { fileName } of importedFiles) {
      if (!fileName.startsWith('.')) continue;
      const resolved = ts.resolveModuleName(fileName, file, OPTIONS, ts.sys).resolvedModule?.resolvedFileName;
      if (resolved && known.has(resolved) && resolved !== file) targets.add(resolved);
    }
    graph.set(file, [...targets]);
  }
  return graph;
}

/** The strongly connected components of more than one file (Tarjan), each as a loop of relative paths. */
export function importCycles(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  let next = 0;
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(relative(ROOT, w));
      } while (w !== v);
      if (component.length > 1) cycles.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return cycles;
}

describe('import cycles', () => {
  it('finds a loop when there is one (the walker itself works)', () => {
    const a = join(ROOT, 'a.ts');
    const b = join(ROOT, 'b.ts');
    const c = join(ROOT, 'c.ts');
    expect(importCycles(new Map([[a, [b]], [b, [c]], [c, [a]]]))).toEqual([['a.ts', 'b.ts', 'c.ts']]);
    expect(importCycles(new Map([[a, [b]], [b, [c]], [c, []]]))).toEqual([]);
  });

  let graph: Map<string, string[]>;
  beforeAll(() => {
    graph = importGraph();
  });

  it('reads the real imports of the tree', () => {
    expect(graph.get(join(ROOT, 'server/rollup/index.ts'))).toEqual(expect.arrayContaining([join(ROOT, 'server/rollup/read.ts')]));
    expect(graph.size).toBeGreaterThan(300);
  });

  it.each(FOLDERS)('no module under %s imports itself through others', (folder) => {
    const cycles = importCycles(graph).filter((c) => c.some((f) => f.startsWith(`${folder}/`)));
    expect(cycles).toEqual([]);
  });
});
