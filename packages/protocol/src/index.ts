export * from './errors';
export * from './inference-errors';
export * from './search-record';
export * from './hash32';
export * from './fleet-jobs';
export * from './round-manifest';
export * from './worker-health';
