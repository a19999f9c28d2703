import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';

/**
 * shared/ runs inside the WeChat mini program as well as in cloud functions: no Node APIs, no wx, no
 * eval, and no imports beyond other shared files, zod, dayjs (the calendar, with its plugins) and the
 * turf geometry modules (plain JavaScript, bundled into the mini program's shared.js).
 */
const DIR = join(__dirname, '../../shared/domain');
const files = readdirSync(DIR).filter((f) => f.endsWith('.ts'));

describe('shared domain rules are portable to the mini program', () => {
  it.each(files)('%s imports only shared files, zod, dayjs and turf', (file) => {
    const source = readFileSync(join(DIR, file), 'utf8');
    const specifiers = [...source.matchAll(/(?:import|export)[^'"]*from\s+['"]([^'"]+)['"]/g)].map((m) => m[1]);
    for (const s of specifiers) expect(s === 'zod' || s === 'dayjs' || s.startsWith('dayjs/plugin/') || s.startsWith('@turf/') || s.startsWith('./') || s === '../envelope').toBe(true);
  });

  it.each(files)('%s uses no Node, wx or eval API', (file) => {
    const code = readFileSync(join(DIR, file), 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/\/\/.*$/gm, '');
    expect(code).not.toMatch(/\b(Buffer|process|require|__dirname|wx|eval)\b|new Function/);
  });
});
