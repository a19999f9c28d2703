import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * CloudBase's limits on functions, each with its source, and the reading of a function's configured
 * timeout and memory (cloudbaserc.json's `functions` entry and the function's own config.json).
 */

/** Timeout range of a CloudBase function, seconds: "函数超时时间，取值范围 1-60 秒" (docs.cloudbase.net/cli-v1/functions/configs). */
export const TIMEOUT_RANGE_S = { min: 1, max: 60 } as const;
/** Memory sizes a CloudBase function may have, MB: "可选值: 128、256、512、1024、2048" (same page). */
export const MEMORY_SIZES_MB = [128, 256, 512, 1024, 2048] as const;
/** What the CLI deploys when a function names neither: timeout 5 s, memory 256 MB (same page, 默认值). */
export const DEFAULT_TIMEOUT_S = 5;
export const DEFAULT_MEMORY_MB = 256;

/**
 * Largest event and answer of a synchronous call: "同步请求事件大小 6MB", "同步请求响应大小 6MB" (SCF quota
 * limits, cloud.tencent.com/document/product/583/11637; CloudBase functions run on SCF).
 */
export const MAX_EVENT_BYTES = 6 * 1024 * 1024;
export const MAX_RESULT_BYTES = 6 * 1024 * 1024;
/** Largest answer of one database request: "Database traffic: 16 MB in each packet output" (WeChat cloud development resource quota, basis/concepts/quota). */
export const MAX_DB_ANSWER_BYTES = 16 * 1024 * 1024;

/** The repository's deploy configuration (read for the functions it lists). */
export const CLOUDBASERC_FILE = join(__dirname, '..', '..', 'cloudbaserc.json');

export interface FunctionLimits {
  timeoutS: number;
  memoryMb: number;
}

/** A function configured outside CloudBase's ranges: the local cloud refuses to start, as a deploy would fail. */
export class FunctionConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FunctionConfigError';
  }
}

type Entry = { timeout?: unknown; memorySize?: unknown };

/** The `functions` entries of a cloudbaserc.json by name (none when the file is absent). */
export function readCloudbaserc(file: string | null = CLOUDBASERC_FILE): Map<string, Entry> {
  const byName = new Map<string, Entry>();
  if (!file || !existsSync(file)) return byName;
  let rc: any;
  try {
    rc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new FunctionConfigError(`${file}: not valid JSON (${(err as Error).message})`);
  }
  for (const f of Array.isArray(rc?.functions) ? rc.functions : []) if (f && typeof f.name === 'string') byName.set(f.name, f);
  return byName;
}

/**
 * The timeout and memory of `fnName`: its config.json and its cloudbaserc.json entry (which must agree
 * where both say), else CloudBase's defaults. Throws naming the file and field for a value CloudBase
 * would refuse.
 */
export function functionLimits(functionsRoot: string, fnName: string, rc: Map<string, Entry>): FunctionLimits {
  const configFile = join(functionsRoot, fnName, 'config.json');
  let config: Entry = {};
  if (existsSync(configFile)) {
    try {
      config = JSON.parse(readFileSync(configFile, 'utf8')) ?? {};
    } catch (err) {
      throw new FunctionConfigError(`${configFile}: not valid JSON (${(err as Error).message})`);
    }
  }
  const entry = rc.get(fnName) ?? {};
  const pick = (field: 'timeout' | 'memorySize'): unknown => {
    const a = config[field];
    const b = entry[field];
    if (a !== undefined && b !== undefined && a !== b) {
      throw new FunctionConfigError(`function ${fnName}: ${field} is ${JSON.stringify(b)} in cloudbaserc.json but ${JSON.stringify(a)} in its config.json; they must agree`);
    }
    return a ?? b;
  };
  const timeout = pick('timeout') ?? DEFAULT_TIMEOUT_S;
  const memory = pick('memorySize') ?? DEFAULT_MEMORY_MB;
  if (typeof timeout !== 'number' || !Number.isInteger(timeout) || timeout < TIMEOUT_RANGE_S.min || timeout > TIMEOUT_RANGE_S.max) {
    throw new FunctionConfigError(`function ${fnName}: timeout ${JSON.stringify(timeout)} is outside CloudBase's ${TIMEOUT_RANGE_S.min}–${TIMEOUT_RANGE_S.max} seconds`);
  }
  if (!(MEMORY_SIZES_MB as readonly unknown[]).includes(memory)) {
    throw new FunctionConfigError(`function ${fnName}: memorySize ${JSON.stringify(memory)} is not one of CloudBase's ${MEMORY_SIZES_MB.join(', ')} MB`);
  }
  return { timeoutS: timeout, memoryMb: memory as number };
}

/** Bytes of a value as JSON on the wire (UTF-8). */
export function jsonBytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}
