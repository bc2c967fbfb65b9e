import { InvalidInputError } from '@rstar-fleet/protocol';
import { DEFAULTS, flagName, parseSandboxConfig } from './config';

describe('parseSandboxConfig', () => {
  it('applies the documented defaults', () => {
    const c = parseSandboxConfig({});
    expect(c.port).toBe(50051);
    expect(c.metricsHost).toBe(c.host);
    expect(c.python).toBe('/usr/bin/python3');
    expect(c.timeoutMs).toEqual({ default: 30_000, max: 120_000 });
    expect(c.maxOutputBytes).toEqual({ default: 1024, max: 1024 * 1024 });
    expect(c.preload).toEqual(['math', 'fractions', 'sympy', 'numpy']);
    expect(c.workers).toBe(DEFAULTS.workers);
    expect(c.disabledLayers).toEqual([]);
  });

  it('coerces CLI strings and splits comma-separated lists', () => {
    const c = parseSandboxConfig({
      port: '0',
      workers: '3',
      pinCpus: 'false',
      preload: 'math, sympy',
      disableLayer: ['pid,network'],
      fsBind: '/opt/venv',
    });
    expect(c.port).toBe(0);
    expect(c.workers).toBe(3);
    expect(c.pinCpus).toBe(false);
    expect(c.preload).toEqual(['math', 'sympy']);
    expect(c.disabledLayers).toEqual(['pid', 'network']);
    expect(c.fsBinds).toEqual(['/opt/venv']);
  });

  it.each([
    [{ port: '70000' }, '--port'],
    [{ workers: 'two' }, '--workers'],
    [{ defaultTimeoutMs: '200000' }, '--default-timeout-ms'],
    [{ outputKillBytes: '10' }, '--output-kill-bytes'],
    [{ disableLayer: 'rlimits' }, '--disable-layer'],
    [{ requireLayer: 'network', disableLayer: 'network' }, '--require-layer'],
    [{ lockDir: 'relative' }, '--lock-dir'],
    [{ preload: 'os; rm' }, '--preload'],
  ])('rejects %j naming the flag', (input, flag) => {
    expect(() => parseSandboxConfig(input)).toThrow(InvalidInputError);
    expect(() => parseSandboxConfig(input)).toThrow(`field ${flag}:`);
  });

  it('turns option keys into flag names', () => {
    expect(flagName('maxTimeoutMs')).toBe('--max-timeout-ms');
    expect(flagName('port')).toBe('--port');
  });
});
