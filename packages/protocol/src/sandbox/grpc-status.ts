import { status as GrpcStatus } from '@grpc/grpc-js';
import type { ErrorCode } from '../errors';

/**
 * The one place where rstar-fleet error codes meet gRPC status codes, in both directions: the
 * sandbox server maps its errors out, clients map statuses back in.
 */
const GRPC_STATUS_BY_CODE: Record<ErrorCode, GrpcStatus> = {
  INVALID_ARGUMENT: GrpcStatus.INVALID_ARGUMENT,
  NOT_FOUND: GrpcStatus.NOT_FOUND,
  FAILED_PRECONDITION: GrpcStatus.FAILED_PRECONDITION,
  RESOURCE_EXHAUSTED: GrpcStatus.RESOURCE_EXHAUSTED,
  UNAVAILABLE: GrpcStatus.UNAVAILABLE,
  DEADLINE_EXCEEDED: GrpcStatus.DEADLINE_EXCEEDED,
  CANCELLED: GrpcStatus.CANCELLED,
  INTERNAL: GrpcStatus.INTERNAL,
};

export function grpcStatusFor(code: ErrorCode): GrpcStatus {
  return GRPC_STATUS_BY_CODE[code];
}

export function errorCodeForGrpcStatus(status: GrpcStatus): ErrorCode {
  for (const [code, grpcStatus] of Object.entries(GRPC_STATUS_BY_CODE)) {
    if (grpcStatus === status) return code as ErrorCode;
  }
  // OK, UNKNOWN, ALREADY_EXISTS, PERMISSION_DENIED, ABORTED, OUT_OF_RANGE, UNIMPLEMENTED,
  // DATA_LOSS, UNAUTHENTICATED: none of them is expected from a sandbox server.
  return status === GrpcStatus.OUT_OF_RANGE ? 'INVALID_ARGUMENT' : 'INTERNAL';
}
