// The S3 store is a separate entry point (`@rstar-fleet/store/s3`) so that processes using the
// filesystem store never load the AWS SDK.
export { S3ResultLog } from './s3-result-log';
export { S3Store, type S3StoreOptions } from './s3-store';
