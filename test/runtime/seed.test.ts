import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startLocalCloud } from '../../local/runtime';
import { SEEDER } from '../../scripts/seed/seeder';
import { makeDataDir, removeDataDir } from '../helpers/local-cloud';

const ROLES = ['hq', 'branch', 'leader', 'member', 'marketing', 'maintenance'];
let dataDir: string;
beforeEach(() => {
  dataDir = makeDataDir();
});
afterEach(() => removeDataDir(dataDir));

describe('seeding on first start', () => {
  it('seeds an empty store once, records it, and leaves a seeded store alone', async () => {
    const first = await startLocalCloud({ dataDir, seed: 'minimal', seeder: SEEDER });
    try {
      expect(first.seeded?.accounts.map((a) => a.role).sort()).toEqual([...ROLES].sort());
      const staff = (await first.database().collection('staff').count()).total;
      expect(staff).toBeGreaterThan(0);
      const marker = JSON.parse(readFileSync(join(dataDir, 'seed.json'), 'utf8'));
      expect(marker).toMatchObject({ kind: 'minimal', accounts: first.seeded!.accounts });
    } finally {
      await first.close();
    }
    const second = await startLocalCloud({ dataDir, seed: 'minimal', seeder: SEEDER });
    try {
      expect(second.seeded).toBeNull();
      expect(await second.seedIfEmpty('minimal', { inWorker: true })).toBeNull();
    } finally {
      await second.close();
    }
  });

  it('refuses a store whose first seed did not complete', async () => {
    const cloud = await startLocalCloud({ dataDir, seed: 'minimal', seeder: SEEDER });
    await cloud.close();
    rmSync(join(dataDir, 'seed.json'));
    await expect(startLocalCloud({ dataDir, seed: 'minimal', seeder: SEEDER })).rejects.toThrow(/no record of a completed seed/);
    // The failed start released the process's one local cloud.
    const again = await startLocalCloud({ dataDir, seeder: SEEDER });
    await again.close();
  });

  it('seeds only with the seeder its caller passes (the emulator has none of its own)', async () => {
    await expect(startLocalCloud({ dataDir, seed: 'minimal' })).rejects.toThrow(/seeding needs a seeder/);
    const bare = await startLocalCloud({ dataDir });
    try {
      await expect(bare.seedIfEmpty('minimal', { inWorker: true })).rejects.toThrow(/seeding needs a seeder/);
    } finally {
      await bare.close();
    }
  });

  it('seeds in a worker thread while this thread keeps answering, and the data is visible here', async () => {
    const cloud = await startLocalCloud({ dataDir, seeder: SEEDER });
    try {
      const progress: string[] = [];
      let ticks = 0;
      const timer = setInterval(() => (ticks += 1), 20);
      const result = await cloud.seedIfEmpty('minimal', { inWorker: true, onProgress: (m) => progress.push(m) });
      clearInterval(timer);
      expect(result?.accounts).toHaveLength(ROLES.length);
      expect(progress.some((m) => m.startsWith('seeded the minimal bank'))).toBe(true);
      expect(ticks).toBeGreaterThan(0);
      const hq = await cloud.database().collection('staff').where({ openid: 'demo-hq' }).get();
      expect(hq.data).toHaveLength(1);
      expect(existsSync(join(dataDir, 'seed.json'))).toBe(true);
    } finally {
      await cloud.close();
    }
  });
});
