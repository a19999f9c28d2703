import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One index of database/collections.json: keys in order, each `1`, `-1` or `'2dsphere'`. */
export interface IndexSpec {
  name: string;
  keys: Record<string, 1 | -1 | '2dsphere'>;
  unique?: boolean;
  /** Leaves documents without the field (or with null) out of a unique index. */
  sparse?: boolean;
}

/** A security rule in CloudBase's custom-rule form; `false` denies. */
export interface RuleSpec {
  read: boolean | string;
  write: boolean | string;
}

export interface CollectionSpec {
  name: string;
  indexes: IndexSpec[];
  rule?: RuleSpec;
}

export interface CollectionsFile {
  version: number;
  defaultRule: RuleSpec;
  collections: CollectionSpec[];
}

/** The declared collections file of the repository. */
export const COLLECTIONS_FILE = join(__dirname, '..', '..', 'database', 'collections.json');

// CloudBase collection names: letters, digits, `_` and `-`, starting with a letter, at most 32 chars.
const COLLECTION_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,31}$/;
const FIELD_PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;
/** CloudBase allows at most 20 indexes per collection (the `_id` index included). */
const MAX_INDEXES = 19;

/** Reads and validates database/collections.json (or `file`); throws listing every problem. */
export function loadCollections(file = COLLECTIONS_FILE): CollectionsFile {
  const spec = JSON.parse(readFileSync(file, 'utf8')) as CollectionsFile;
  const problems = validateCollections(spec);
  if (problems.length) throw new Error(`${file} is invalid:\n  - ${problems.join('\n  - ')}`);
  return spec;
}

/** Every problem in a collections spec, as sentences naming the collection and index. */
export function validateCollections(spec: unknown): string[] {
  const problems: string[] = [];
  const s = spec as Partial<CollectionsFile>;
  if (!s || typeof s !== 'object') return ['the file must hold a JSON object'];
  if (!isDenyAll(s.defaultRule)) problems.push('defaultRule must deny all direct client access ({"read": false, "write": false})');
  if (!Array.isArray(s.collections) || s.collections.length === 0) return [...problems, 'collections must be a non-empty array'];
  const seen = new Set<string>();
  for (const [i, c] of s.collections.entries()) {
    const where = `collections[${i}]${c && typeof c.name === 'string' ? ` (${c.name})` : ''}`;
    if (!c || typeof c.name !== 'string' || !COLLECTION_NAME.test(c.name)) {
      problems.push(`${where}.name must match ${COLLECTION_NAME}`);
      continue;
    }
    if (seen.has(c.name)) problems.push(`${where}: collection declared twice`);
    seen.add(c.name);
    if (c.rule !== undefined && !isDenyAll(c.rule)) problems.push(`${where}.rule must deny all direct client access`);
    if (!Array.isArray(c.indexes)) {
      problems.push(`${where}.indexes must be an array`);
      continue;
    }
    if (c.indexes.length > MAX_INDEXES) problems.push(`${where}: more than ${MAX_INDEXES} indexes`);
    const names = new Set<string>();
    for (const [j, ix] of c.indexes.entries()) {
      const at = `${where}.indexes[${j}]`;
      if (!ix || typeof ix.name !== 'string' || !/^[A-Za-z0-9_.-]{1,64}$/.test(ix.name) || ix.name === '_id_') {
        problems.push(`${at}.name must be 1–64 of [A-Za-z0-9_.-] and not _id_`);
      } else if (names.has(ix.name)) problems.push(`${at}: index name ${ix.name} used twice`);
      else names.add(ix.name);
      const keys = ix && ix.keys && typeof ix.keys === 'object' ? Object.entries(ix.keys) : [];
      if (keys.length === 0) problems.push(`${at}.keys must name at least one field`);
      for (const [field, dir] of keys) {
        if (!FIELD_PATH.test(field)) problems.push(`${at}.keys: "${field}" is not a field path`);
        if (dir !== 1 && dir !== -1 && dir !== '2dsphere') problems.push(`${at}.keys.${field} must be 1, -1 or "2dsphere"`);
      }
      if (ix && ix.unique !== undefined && typeof ix.unique !== 'boolean') problems.push(`${at}.unique must be a boolean`);
      if (ix && ix.sparse !== undefined && typeof ix.sparse !== 'boolean') problems.push(`${at}.sparse must be a boolean`);
      if (ix && ix.unique && keys.some(([, d]) => d === '2dsphere')) problems.push(`${at}: a geo index cannot be unique`);
    }
  }
  return problems;
}

/** Whether a rule denies every direct client read and write. */
export function isDenyAll(rule: unknown): boolean {
  const r = rule as RuleSpec | undefined;
  return !!r && r.read === false && r.write === false && Object.keys(r).every((k) => k === 'read' || k === 'write');
}
