import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

// The lint holds each layer to docs/architecture.md; this checks the rule itself: for every function folder in
// the tree (a new one included, as the rule reads the folder list), an import of another function is refused
// and an import of server/ or shared/ is not.
const ROOT = join(__dirname, '..', '..');
const FUNCTIONS = readdirSync(join(ROOT, 'cloudfunctions'), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);

/** Lints each snippet as if it were the named file (ESLint's own API, in a child: its config is an ES module). */
function lint(cases: { file: string; code: string }[]): number[] {
  const script = `
    const { ESLint } = require('eslint');
    const cases = JSON.parse(process.argv[1]);
    (async () => {
      const eslint = new ESLint({ cwd: ${JSON.stringify(ROOT)} });
      const out = [];
      for (const c of cases) {
        const [r] = await eslint.lintText(c.code, { filePath: c.file });
        out.push(r.messages.filter((m) => m.ruleId === 'no-restricted-imports').length);
      }
      process.stdout.write(JSON.stringify(out));
    })();`;
  return JSON.parse(execFileSync(process.execPath, ['-e', script, JSON.stringify(cases)], { cwd: ROOT, encoding: 'utf8' }));
}

describe('layer rule of the lint', () => {
  it('finds the function folders', () => {
    expect(FUNCTIONS).toEqual(expect.arrayContaining(['merchant', 'visit', 'metrics', 'export', 'import', 'lifecycle', 'org', 'user']));
  });

  it('refuses, in every function, an import of any other function, from its root and from its actions', () => {
    const cases = FUNCTIONS.flatMap((fn) => {
      const other = FUNCTIONS.find((f) => f !== fn)!;
      return [
        { file: join(ROOT, 'cloudfunctions', fn, 'probe.ts'), code: `import { x } from '../${other}/index';\nexport const y = x;\n` },
        { file: join(ROOT, 'cloudfunctions', fn, 'actions', 'probe.action.ts'), code: `import { x } from '../../${other}/index';\nexport const y = x;\n` },
        { file: join(ROOT, 'cloudfunctions', fn, 'actions', 'ok.action.ts'), code: `import { x } from '../../../server/db';\nimport { z } from '../${fn}.service';\nexport const y = [x, z];\n` },
      ];
    });
    expect(lint(cases)).toEqual(FUNCTIONS.flatMap(() => [1, 1, 0]));
  });
});
