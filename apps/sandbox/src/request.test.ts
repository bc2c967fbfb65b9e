import { InvalidInputError } from '@rstar-fleet/protocol';
import { parseSandboxConfig } from './config';
import { resolveRequest } from './request';

const limits = parseSandboxConfig({ maxCodeBytes: '64' });

describe('resolveRequest', () => {
  it('fills 0 and missing limits with the server defaults', () => {
    expect(resolveRequest({ code: 'print(1)', timeoutMs: 0 }, limits)).toEqual({
      code: 'print(1)',
      timeoutMs: 30_000,
      memoryMb: 1024,
      maxOutputBytes: 1024,
    });
  });

  it('keeps limits within the maxima', () => {
    const spec = resolveRequest(
      { code: 'x = 1', timeoutMs: 120_000, memoryMb: 8192, maxOutputBytes: 1 },
      limits,
    );
    expect(spec).toMatchObject({ timeoutMs: 120_000, memoryMb: 8192, maxOutputBytes: 1 });
  });

  it.each([
    [{ code: '' }, 'requests[2].code: code is empty'],
    [{ code: '  \n\t' }, 'requests[2].code: code is empty'],
    [{ code: 'x'.repeat(65) }, 'requests[2].code: code is 65 bytes'],
    [{ code: 'é'.repeat(33) }, 'requests[2].code: code is 66 bytes'],
    [{ code: 'x', timeoutMs: 120_001 }, 'requests[2].timeout_ms: 120001 exceeds'],
    [{ code: 'x', memoryMb: 9000 }, 'requests[2].memory_mb: 9000 exceeds'],
    [{ code: 'x', maxOutputBytes: 2 ** 21 }, 'requests[2].max_output_bytes'],
    [{ code: 'x', timeoutMs: -1 }, 'requests[2].timeout_ms: must be a non-negative integer'],
  ])('rejects %j', (request, message) => {
    expect(() => resolveRequest(request, limits, 'requests[2]')).toThrow(InvalidInputError);
    expect(() => resolveRequest(request, limits, 'requests[2]')).toThrow(message);
  });
});
