import { join } from 'node:path';

/**
 * The seed module, as the local cloud takes it (`startLocalCloud({ seeder })`): a path, loaded only when an
 * empty store is seeded (in this thread or in a seed worker), since the seed module is large.
 */
export const SEEDER = join(__dirname, 'index');
