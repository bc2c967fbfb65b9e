export * from './client';
export * from './grpc-status';
export * from './proto';
export * from './types';
