/** Roll-ups: the counters behind every metric (docs/domain.md §7, docs/rollups.md), kept in step with the writes that change them. */
export * from './store';
export * from './apply';
export * from './read';
export * from './compute';
export * from './rebuild';
export * from './reconcile';
export * from './delta';
export * from './write';
export * from './fold';
export * from './state';
export * from './build';
export * from './rank';
export * from './labels';
