/**
 * The generated vendor bundles run as a mini program runs them: CommonJS, and no Node globals (WeChat's
 * JS runtime has no `process`, `Buffer` or `global`), so requiring one never throws on a phone.
 */
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { ensureMiniprogramBuilt, MP_ROOT } from './build';

beforeAll(() => ensureMiniprogramBuilt());

it.each(['vendor/shared.js', 'pages/metrics/vendor/echarts.js'])('%s loads without Node globals', (rel) => {
  const code = fs.readFileSync(path.join(MP_ROOT, rel), 'utf8');
  const module = { exports: {} as Record<string, unknown> };
  const sandbox = { module, exports: module.exports, require: () => ({}), console, setTimeout, clearTimeout, Date, Math, JSON, Promise };
  vm.runInNewContext(code, sandbox, { filename: rel });
  expect(Object.keys(module.exports).length).toBeGreaterThan(0);
});
