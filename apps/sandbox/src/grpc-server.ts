import {
  type ServerUnaryCall,
  Server,
  type ServerErrorResponse,
  type ServiceDefinition,
  type UntypedServiceImplementation,
  type sendUnaryData,
  status as GrpcStatus,
} from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { HealthImplementation, protoPath as healthProtoPath } from 'grpc-health-check';
import type { Logger } from 'pino';
import { RstarError, errorCodeOf } from '@rstar-fleet/protocol';
import {
  type ExecuteBatchRequest,
  type ExecuteBatchResponse,
  type ExecuteRequest,
  type ExecuteResponse,
  PROTO_INCLUDE_DIR,
  SANDBOX_PROTO_LOADER_OPTIONS,
  SANDBOX_SERVICE_NAME,
  grpcStatusFor,
  loadSandboxPackageDefinition,
} from '@rstar-fleet/protocol/sandbox';
import { InvalidInputError } from '@rstar-fleet/protocol';
import type { ExecutionResult } from './fork-server';
import type { SandboxMetrics } from './metrics';
import type { Pool } from './pool';
import { type ExecutionSpec, type RequestLimits, resolveRequest } from './request';
import { ShuttingDownError } from './errors';

export interface HandlerDeps {
  pool: Pool;
  limits: RequestLimits;
  maxBatch: number;
  metrics: SandboxMetrics;
  log: Logger;
}

function toResponse(r: ExecutionResult): ExecuteResponse {
  return {
    status: r.status,
    stdout: r.stdout,
    stderr: r.stderr,
    durationMs: r.durationMs,
    truncated: r.truncated,
    exitCode: r.exitCode,
  };
}

/** The one place where errors become gRPC statuses (codes from @rstar-fleet/protocol). */
function toServiceError(err: unknown, log: Logger): ServerErrorResponse {
  if (err instanceof RstarError) {
    return {
      name: err.name,
      message: err.message,
      code: grpcStatusFor(err.code),
      details: err.message,
    };
  }
  log.error({ err }, 'unexpected error in a sandbox call');
  const message = 'internal sandbox error';
  return { name: 'Error', message, code: grpcStatusFor(errorCodeOf(err)), details: message };
}

function deadlineOf(call: ServerUnaryCall<unknown, unknown>): number | undefined {
  const d = call.getDeadline();
  const ms = d instanceof Date ? d.getTime() : d;
  return Number.isFinite(ms) ? ms : undefined;
}

/**
 * Runs `specs` for one call: all admitted or none; a call cancelled by the client (or whose
 * deadline passes) stops its executions; if one fails with an error (not a result), the others
 * are cancelled. Results come back in request order.
 */
async function runForCall(
  deps: HandlerDeps,
  call: ServerUnaryCall<unknown, unknown>,
  specs: ExecutionSpec[],
): Promise<ExecutionResult[]> {
  const controller = new AbortController();
  const deadline = deadlineOf(call);
  const onCancelled = (): void =>
    controller.abort(deadline !== undefined && Date.now() >= deadline ? 'deadline' : 'cancelled');
  call.on('cancelled', onCancelled);
  try {
    const promises = deps.pool.run(specs, { signal: controller.signal, deadline });
    try {
      return await Promise.all(promises);
    } catch (err) {
      controller.abort('cancelled');
      await Promise.allSettled(promises);
      throw err;
    }
  } finally {
    call.off('cancelled', onCancelled);
  }
}

function countRefusal(deps: HandlerDeps, err: unknown): void {
  const code = errorCodeOf(err);
  if (code === 'INVALID_ARGUMENT') deps.metrics.refused('invalid');
  else if (code === 'RESOURCE_EXHAUSTED') deps.metrics.refused('queue_full');
  // A fork-server lost mid-execution is UNAVAILABLE too, but not a refusal: the restart counter
  // counts it.
  else if (err instanceof ShuttingDownError) deps.metrics.refused('shutting_down');
}

/** Handlers of rstar.sandbox.v1.Sandbox. */
export function sandboxHandlers(deps: HandlerDeps): UntypedServiceImplementation {
  const finish = <T>(method: string, callback: sendUnaryData<T>, work: Promise<T>): void => {
    work.then(
      (value) => {
        deps.metrics.handled(method, 'OK');
        callback(null, value);
      },
      (err: unknown) => {
        countRefusal(deps, err);
        const serviceError = toServiceError(err, deps.log);
        deps.metrics.handled(method, GrpcStatus[serviceError.code ?? GrpcStatus.INTERNAL]);
        callback(serviceError);
      },
    );
  };
  return {
    Execute(
      call: ServerUnaryCall<ExecuteRequest, ExecuteResponse>,
      callback: sendUnaryData<ExecuteResponse>,
    ) {
      const work = (async () => {
        const spec = resolveRequest(call.request, deps.limits);
        const [result] = await runForCall(deps, call, [spec]);
        if (!result) throw new Error('no result');
        return toResponse(result);
      })();
      finish('Execute', callback, work);
    },
    ExecuteBatch(
      call: ServerUnaryCall<ExecuteBatchRequest, ExecuteBatchResponse>,
      callback: sendUnaryData<ExecuteBatchResponse>,
    ) {
      const work = (async () => {
        const requests = call.request.requests ?? [];
        if (requests.length === 0) {
          throw new InvalidInputError('no requests in the batch', { field: 'requests' });
        }
        if (requests.length > deps.maxBatch) {
          throw new InvalidInputError(
            `${requests.length} requests, more than the ${deps.maxBatch} allowed in one batch`,
            { field: 'requests' },
          );
        }
        const specs = requests.map((r, i) => resolveRequest(r, deps.limits, `requests[${i}]`));
        const results = await runForCall(deps, call, specs);
        return { responses: results.map(toResponse) };
      })();
      finish('ExecuteBatch', callback, work);
    },
  };
}

export interface GrpcServerOptions {
  maxMessageBytes: number;
  reflection: boolean;
}

export interface SandboxGrpcServer {
  server: Server;
  health: HealthImplementation;
}

/** A gRPC server with the sandbox service, the standard health service and (optionally) reflection. */
export function createGrpcServer(deps: HandlerDeps, options: GrpcServerOptions): SandboxGrpcServer {
  const server = new Server({
    'grpc.max_receive_message_length': options.maxMessageBytes,
    'grpc.max_send_message_length': options.maxMessageBytes,
    'grpc.keepalive_permit_without_calls': 1,
    'grpc.http2.min_ping_interval_without_data_ms': 10_000,
  });
  const definition = loadSandboxPackageDefinition()[SANDBOX_SERVICE_NAME] as ServiceDefinition;
  server.addService(definition, sandboxHandlers(deps));
  const health = new HealthImplementation({
    '': 'NOT_SERVING',
    [SANDBOX_SERVICE_NAME]: 'NOT_SERVING',
  });
  health.addToServer(server);
  if (options.reflection) {
    const described = protoLoader.loadSync(['rstar/sandbox/v1/sandbox.proto', healthProtoPath], {
      ...SANDBOX_PROTO_LOADER_OPTIONS,
      includeDirs: [PROTO_INCLUDE_DIR],
    });
    new ReflectionService(described).addToServer(server);
  }
  return { server, health };
}
