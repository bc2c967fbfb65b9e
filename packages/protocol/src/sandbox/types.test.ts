import { existsSync } from 'node:fs';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { type MessageTypeDefinition, loadSync } from '@grpc/proto-loader';
import { ERROR_CODES } from '../errors';
import { errorCodeForGrpcStatus, grpcStatusFor } from './grpc-status';
import { SANDBOX_PROTO_PATH } from './proto';
import { EXECUTION_STATUSES, type ExecuteRequest, type ExecuteResponse } from './types';

interface FieldDescriptor {
  name: string;
  number: number;
}

// Field names exactly as written in the .proto (the shared loader camel-cases them).
const asWritten = loadSync(SANDBOX_PROTO_PATH, { keepCase: true });

function fields(message: string): Array<[string, number]> {
  const def = asWritten[`rstar.sandbox.v1.${message}`] as MessageTypeDefinition<object, object>;
  const descriptor = def.type as { field: FieldDescriptor[] };
  return descriptor.field.map((f) => [f.name, f.number]);
}

const camel = (s: string): string => s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

describe('sandbox.proto', () => {
  it('is found at runtime relative to the package root', () => {
    expect(existsSync(SANDBOX_PROTO_PATH)).toBe(true);
  });

  it('keeps the contract field numbers (add fields, never renumber)', () => {
    expect(fields('ExecuteRequest')).toEqual([
      ['code', 1],
      ['timeout_ms', 2],
      ['memory_mb', 3],
      ['max_output_bytes', 4],
    ]);
    expect(fields('ExecuteResponse')).toEqual([
      ['status', 1],
      ['stdout', 2],
      ['stderr', 3],
      ['duration_ms', 4],
      ['truncated', 5],
      ['exit_code', 6],
    ]);
    expect(fields('ExecuteBatchRequest')).toEqual([['requests', 1]]);
    expect(fields('ExecuteBatchResponse')).toEqual([['responses', 1]]);
  });

  it('matches the TypeScript shapes and status names', () => {
    const request: Required<ExecuteRequest> = {
      code: '',
      timeoutMs: 0,
      memoryMb: 0,
      maxOutputBytes: 0,
    };
    expect(fields('ExecuteRequest').map(([n]) => camel(n))).toEqual(Object.keys(request));
    const response: ExecuteResponse = {
      status: 'OK',
      stdout: '',
      stderr: '',
      durationMs: 0,
      truncated: false,
      exitCode: 0,
    };
    expect(fields('ExecuteResponse').map(([n]) => camel(n))).toEqual(Object.keys(response));
    const message = asWritten['rstar.sandbox.v1.ExecuteResponse'] as MessageTypeDefinition<
      object,
      object
    >;
    const [status] = (
      message.type as {
        enumType: Array<{ name: string; value: Array<{ name: string; number: number }> }>;
      }
    ).enumType;
    expect(status?.name).toBe('Status');
    const values = status?.value ?? [];
    expect(values.map((v) => v.name)).toEqual([...EXECUTION_STATUSES]);
    expect(values.map((v) => v.number)).toEqual([0, 1, 2, 3, 4, 5]);
  });
});

describe('gRPC status mapping', () => {
  it('maps every error code to a distinct status and back', () => {
    const statuses = ERROR_CODES.map(grpcStatusFor);
    expect(new Set(statuses).size).toBe(ERROR_CODES.length);
    for (const code of ERROR_CODES) expect(errorCodeForGrpcStatus(grpcStatusFor(code))).toBe(code);
    expect(grpcStatusFor('RESOURCE_EXHAUSTED')).toBe(GrpcStatus.RESOURCE_EXHAUSTED);
    expect(errorCodeForGrpcStatus(GrpcStatus.UNKNOWN)).toBe('INTERNAL');
  });
});
