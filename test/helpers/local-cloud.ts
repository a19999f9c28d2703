import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { LocalCloud, startLocalCloud, StartLocalCloudOptions } from '../../local/runtime';
import { SEEDER } from '../../scripts/seed/seeder';

/** The fixture functions and their collections (runtime, gateway and build tests). */
export const FIXTURE_FUNCTIONS = resolve(__dirname, '..', 'fixtures', 'cloudfunctions');
export const FIXTURE_COLLECTIONS = resolve(__dirname, '..', 'fixtures', 'collections.json');

/** A fresh temporary data folder; remove it with `removeDataDir`. */
export function makeDataDir(prefix = 'mg-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Deletes a temporary data folder and everything in it. */
export function removeDataDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export interface LocalCloudHandle {
  /** the running cloud (set in beforeAll) */
  readonly cloud: LocalCloud;
  /** its temporary data folder */
  readonly dataDir: string;
  /** Calls a function as `openid`; shorthand for `cloud.call`. */
  call(fnName: string, event?: Record<string, unknown>, openid?: string): Promise<any>;
}

/**
 * Starts one local cloud for the current test file (beforeAll) over a temporary data folder with a
 * fresh PI key, and closes and deletes it afterwards (afterAll). Functions come from source.
 *
 *   const local = useLocalCloud({ seed: 'minimal' });
 *   it('...', async () => { const res = await local.call('merchant', { action: 'list' }, 'demo-leader'); });
 */
export function useLocalCloud(options: Omit<StartLocalCloudOptions, 'dataDir'> = {}): LocalCloudHandle {
  let cloud: LocalCloud | null = null;
  let dataDir = '';
  beforeAll(async () => {
    dataDir = makeDataDir();
    cloud = await startLocalCloud({ functionsFrom: 'source', seeder: SEEDER, ...options, dataDir });
  });
  afterAll(async () => {
    await cloud?.close();
    cloud = null;
    if (dataDir) removeDataDir(dataDir);
  });
  return {
    get cloud() {
      if (!cloud) throw new Error('the local cloud starts in beforeAll; use it inside tests');
      return cloud;
    },
    get dataDir() {
      return dataDir;
    },
    call(fnName, event = {}, openid) {
      if (!cloud) throw new Error('the local cloud starts in beforeAll; use it inside tests');
      return cloud.call(fnName, event, openid);
    },
  };
}

/** The data of an ok envelope; a failed call throws with its error, so a test sees what went wrong. */
export async function okData(res: Promise<any>): Promise<any> {
  const r = await res;
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.data;
}
