import { resolve } from 'node:path';
import { LocalCloud, SeedKind, startLocalCloud } from '../runtime';
import { Gateway, GatewayMode, startGateway } from './server';
import { startTimers, TimerScheduler } from './timers';
import { previewRoutes } from '../preview';
import { consoleRoutes } from '../console';
import { chunkItemsFromEnv } from '../../server/jobs/chunk-items';

/**
 * Runs the gateway as a process: the local cloud over DATA_DIR, the HTTP server on PORT, and an
 * orderly stop on SIGINT/SIGTERM (stop accepting, finish calls in flight, flush the engine, exit 0).
 * Configuration comes from the environment (see docs/operations.md).
 */

export interface RunGatewayOptions {
  port?: number;
  host?: string;
  dataDir?: string;
  mode?: GatewayMode;
  seed?: SeedKind;
  /** the seed module (scripts/seed's SEEDER), for `seed` and for seeding later through the cloud */
  seeder?: string;
  functionsFrom?: 'source' | 'build';
  functionsRoot?: string;
  collectionsFile?: string;
  publicUrl?: string;
  /** fire the functions' timer triggers (default true; TIMERS=off disables) */
  timers?: boolean;
}

export interface RunningGateway {
  gateway: Gateway;
  cloud: LocalCloud;
  timers: TimerScheduler | null;
  /** Stops the server, waits for calls in flight, then closes the cloud (flushing the store). */
  stop(): Promise<void>;
}

/** Opens the local cloud and serves it; resolves once the port listens. */
export async function runGateway(options: RunGatewayOptions = {}): Promise<RunningGateway> {
  const cloud = await startLocalCloud({
    dataDir: options.dataDir ?? '.data',
    seed: options.seed ?? 'none',
    seeder: options.seeder,
    functionsFrom: options.functionsFrom ?? 'build',
    functionsRoot: options.functionsRoot,
    collectionsFile: options.collectionsFile,
  });
  let gateway: Gateway;
  try {
    gateway = await startGateway({ cloud, port: options.port, host: options.host, mode: options.mode, publicUrl: options.publicUrl });
    // The home page and the mini program's browser preview sign in through the header: local mode only.
    if (gateway.mode === 'local') gateway.mount(previewRoutes({ cloud }));
    // The head-office console signs in by its own session (never the header), in either mode.
    const gw = gateway;
    gateway.mount(consoleRoutes({ cloud, mode: gateway.mode, busy: () => gw.busyReason() }));
  } catch (err) {
    await cloud.close();
    throw err;
  }
  const timers = options.timers === false ? null : startTimers(cloud);
  let stopping: Promise<void> | null = null;
  return {
    gateway,
    cloud,
    timers,
    stop() {
      timers?.stop();
      stopping ??= gateway.close().then(() => cloud.close());
      return stopping;
    },
  };
}

/** Reads the gateway's settings from the environment, refusing values that make no sense. */
export function optionsFromEnv(env: NodeJS.ProcessEnv = process.env): RunGatewayOptions {
  const port = env.PORT === undefined || env.PORT === '' ? 3000 : Number(env.PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be an integer 0–65535, not "${env.PORT}"`);
  const mode = env.MODE ?? 'local';
  if (mode !== 'local' && mode !== 'cloud') throw new Error(`MODE must be "local" or "cloud", not "${mode}"`);
  const seed = env.SEED ?? 'none';
  if (!['none', 'minimal', 'demo'].includes(seed)) throw new Error(`SEED must be none, minimal or demo, not "${seed}"`);
  chunkItemsFromEnv(env); // the functions read it in every job chunk: a bad value is refused at start instead
  const from = env.FUNCTIONS_FROM ?? 'build';
  if (from !== 'build' && from !== 'source') throw new Error(`FUNCTIONS_FROM must be "build" or "source", not "${from}"`);
  return {
    port,
    host: env.HOST || '127.0.0.1',
    dataDir: resolve(env.DATA_DIR || '.data'),
    mode,
    seed: seed as SeedKind,
    functionsFrom: from,
    functionsRoot: env.FUNCTIONS_ROOT ? resolve(env.FUNCTIONS_ROOT) : undefined,
    collectionsFile: env.COLLECTIONS_FILE ? resolve(env.COLLECTIONS_FILE) : undefined,
    publicUrl: publicUrlOf(env.PUBLIC_URL),
    timers: env.TIMERS !== 'off',
    // The emulator has no seed of its own: a caller that wants SEED honoured names the seed module.
    seeder: env.SEEDER ? resolve(env.SEEDER) : undefined,
  };
}

function publicUrlOf(value: string | undefined): string | undefined {
  if (!value) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`PUBLIC_URL must be an http(s) URL, not "${value}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`PUBLIC_URL must be an http(s) URL, not "${value}"`);
  return value.replace(/\/+$/, '');
}

/** Stops `running` on the first SIGINT/SIGTERM and exits 0; a second signal exits at once. */
export function stopOnSignals(running: RunningGateway): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) process.exit(1);
    stopping = true;
    process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), level: 'info', msg: 'stopping', signal })}\n`);
    running.stop().then(
      () => {
        process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), level: 'info', msg: 'stopped' })}\n`);
        process.exit(0);
      },
      (err) => {
        process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level: 'error', msg: 'stop failed', error: String(err) })}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

if (require.main === module) {
  runGateway(optionsFromEnv())
    .then((running) => {
      stopOnSignals(running);
      process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), level: 'info', msg: 'listening', url: running.gateway.url, mode: running.gateway.mode })}\n`);
    })
    .catch((err) => {
      process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level: 'error', msg: 'gateway failed to start', error: String(err?.stack ?? err) })}\n`);
      process.exit(1);
    });
}
