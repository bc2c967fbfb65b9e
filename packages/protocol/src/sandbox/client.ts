import {
  type ChannelCredentials,
  type ChannelOptions,
  Client,
  Metadata,
  type ServiceError,
  credentials as grpcCredentials,
  status as GrpcStatus,
} from '@grpc/grpc-js';
import type { MethodDefinition } from '@grpc/proto-loader';
import { service as healthService } from 'grpc-health-check';
import { RstarError, type ErrorCode } from '../errors';
import { errorCodeForGrpcStatus } from './grpc-status';
import { SANDBOX_SERVICE_NAME, loadSandboxPackageDefinition } from './proto';
import type {
  ExecuteBatchRequest,
  ExecuteBatchResponse,
  ExecuteRequest,
  ExecuteResponse,
} from './types';

/** Largest message either end accepts by default; see the server's `--max-message-bytes`. */
export const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

export interface SandboxClientOptions {
  /** `host:port`, or any gRPC target such as `dns:///sandbox.rstar:50051`. */
  address: string;
  /** Default: insecure (the sandbox is reached inside the cluster network). */
  credentials?: ChannelCredentials;
  /**
   * Deadline of a call that does not bring its own, in ms.
   * @defaultValue 300_000
   */
  defaultDeadlineMs?: number;
  /** Merged over the defaults (message sizes, keepalive, round-robin over resolved addresses). */
  channelOptions?: ChannelOptions;
}

export interface SandboxCallOptions {
  /** Deadline of this call in ms from now (overrides the client's default). */
  deadlineMs?: number;
  /** Aborting cancels the call; the server stops the execution. */
  signal?: AbortSignal;
}

export type HealthStatus = 'UNKNOWN' | 'SERVING' | 'NOT_SERVING' | 'SERVICE_UNKNOWN';

/** A sandbox call that ended in a gRPC error (never a failing program: that is a result). */
export class SandboxCallError extends RstarError {
  readonly grpcCode: GrpcStatus;
  /** The gRPC status by name (`UNAVAILABLE`), for messages, logs and health records. */
  readonly grpcStatus: string;
  /** The sandbox address the call went to, when known. */
  readonly address: string | undefined;

  constructor(
    code: ErrorCode,
    grpcCode: GrpcStatus,
    message: string,
    cause: unknown,
    address?: string,
  ) {
    super(code, message, { cause });
    this.grpcCode = grpcCode;
    this.grpcStatus = grpcStatusName(grpcCode);
    this.address = address;
  }
}

/** `UNAVAILABLE` for 14; the number itself for a status this grpc-js does not know. */
export function grpcStatusName(code: GrpcStatus): string {
  return (GrpcStatus as unknown as Record<number, string | undefined>)[code] ?? String(code);
}

const DEFAULT_CHANNEL_OPTIONS: ChannelOptions = {
  'grpc.max_receive_message_length': DEFAULT_MAX_MESSAGE_BYTES,
  'grpc.max_send_message_length': DEFAULT_MAX_MESSAGE_BYTES,
  'grpc.keepalive_time_ms': 30_000,
  'grpc.keepalive_timeout_ms': 10_000,
  'grpc.keepalive_permit_without_calls': 1,
  'grpc.service_config': JSON.stringify({ loadBalancingConfig: [{ round_robin: {} }] }),
};

type AnyMethod = MethodDefinition<object, object>;

function method(service: object, name: string): AnyMethod {
  const def = (service as Record<string, AnyMethod | undefined>)[name];
  if (def === undefined) throw new Error(`sandbox.proto: method ${name} not found`);
  return def;
}

/**
 * Typed client of the sandbox service. Every call has a deadline; aborting a call's signal
 * cancels it (and the server kills the program).
 */
export class SandboxClient {
  /** The target it was built for; named in every error. */
  readonly address: string;
  private readonly client: Client;
  private readonly defaultDeadlineMs: number;
  private readonly executeMethod: AnyMethod;
  private readonly executeBatchMethod: AnyMethod;
  private readonly healthCheckMethod: AnyMethod;

  constructor(options: SandboxClientOptions) {
    this.address = options.address;
    this.client = new Client(
      options.address,
      options.credentials ?? grpcCredentials.createInsecure(),
      { ...DEFAULT_CHANNEL_OPTIONS, ...options.channelOptions },
    );
    this.defaultDeadlineMs = options.defaultDeadlineMs ?? 300_000;
    const service = loadSandboxPackageDefinition()[SANDBOX_SERVICE_NAME];
    if (service === undefined) throw new Error(`sandbox.proto: ${SANDBOX_SERVICE_NAME} not found`);
    this.executeMethod = method(service, 'Execute');
    this.executeBatchMethod = method(service, 'ExecuteBatch');
    this.healthCheckMethod = method(healthService, 'Check');
  }

  /** Runs one program. */
  async execute(
    request: ExecuteRequest,
    options: SandboxCallOptions = {},
  ): Promise<ExecuteResponse> {
    return (await this.unary(this.executeMethod, request, options)) as ExecuteResponse;
  }

  /** Runs the sibling programs of one expansion; the responses come back in request order. */
  async executeBatch(
    requests: readonly ExecuteRequest[],
    options: SandboxCallOptions = {},
  ): Promise<ExecuteResponse[]> {
    const body: ExecuteBatchRequest = { requests: [...requests] };
    const response = (await this.unary(
      this.executeBatchMethod,
      body,
      options,
    )) as ExecuteBatchResponse;
    return response.responses;
  }

  /** The standard grpc.health.v1 check; `service` '' asks about the server as a whole. */
  async checkHealth(
    service: string = SANDBOX_SERVICE_NAME,
    options: SandboxCallOptions = {},
  ): Promise<HealthStatus> {
    const response = (await this.unary(this.healthCheckMethod, { service }, options)) as {
      status: HealthStatus;
    };
    return response.status;
  }

  /** Resolves once the channel is connected, rejects when the deadline passes first. */
  waitForReady(deadlineMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.client.waitForReady(Date.now() + deadlineMs, (err) => {
        if (err) {
          reject(
            new SandboxCallError(
              'UNAVAILABLE',
              GrpcStatus.UNAVAILABLE,
              `sandbox ${this.address} not reachable within ${deadlineMs} ms: ${err.message}`,
              err,
              this.address,
            ),
          );
        } else resolve();
      });
    });
  }

  close(): void {
    this.client.close();
  }

  private unary(def: AnyMethod, argument: object, options: SandboxCallOptions): Promise<object> {
    const deadline = Date.now() + (options.deadlineMs ?? this.defaultDeadlineMs);
    return new Promise((resolve, reject) => {
      if (options.signal?.aborted) {
        reject(cancelledError(def.path, this.address));
        return;
      }
      const call = this.client.makeUnaryRequest(
        def.path,
        def.requestSerialize,
        def.responseDeserialize,
        argument,
        new Metadata(),
        { deadline },
        (err: ServiceError | null, value?: object) => {
          options.signal?.removeEventListener('abort', onAbort);
          if (err) reject(toCallError(def.path, this.address, err));
          else resolve(value ?? {});
        },
      );
      const onAbort = (): void => call.cancel();
      options.signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}

function cancelledError(path: string, address: string): SandboxCallError {
  return new SandboxCallError(
    'CANCELLED',
    GrpcStatus.CANCELLED,
    `sandbox ${address} ${path}: cancelled`,
    undefined,
    address,
  );
}

/** Names the sandbox, the method and the gRPC status: `sandbox host:port /x.Y/Z: UNAVAILABLE (14): ...`. */
function toCallError(path: string, address: string, err: ServiceError): SandboxCallError {
  const code = errorCodeForGrpcStatus(err.code);
  const status = `${grpcStatusName(err.code)} (${err.code})`;
  return new SandboxCallError(
    code,
    err.code,
    `sandbox ${address} ${path}: ${status}: ${err.details || err.message}`,
    err,
    address,
  );
}
