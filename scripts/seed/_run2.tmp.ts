import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalCloud } from '../../local/runtime';
import { seedDatabase } from './index';
(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'seed-'));
  const cloud = await startLocalCloud({ dataDir: dir });
  const t = Date.now();
  const res = await seedDatabase(cloud.database(), { kind: (process.argv[2] as any) ?? 'demo', onProgress: (m) => console.log(((Date.now() - t) / 1000).toFixed(1), m) });
  console.log(res.counts, res.ms, res.timings);
  await cloud.close();
  console.log(dir);
})();
