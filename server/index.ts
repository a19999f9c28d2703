/** The function-side library bundled into every cloud function. */
export * from './errors';
export * from './db';
export * from './caller';
export * from './scope';
export * from './audit';
export * from './settings';
export * from './router';
export * from './tx';
export * from './validate';
export * from './ids';
export * from './pi';
export * from './cursor';
export * from './org';
export * from './placement';
export * from './hooks';
export * from './quota';
export * from './replay';
