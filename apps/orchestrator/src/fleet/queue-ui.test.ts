import type { IncomingMessage } from 'node:http';
import { InvalidInputError } from '@rstar-fleet/protocol';
import { authorized, isLoopback, resolveQueueUi } from './queue-ui';

const base = { enabled: true, user: undefined, password: undefined, passwordEnv: 'PW' };

describe('resolveQueueUi', () => {
  it('is off unless enabled, whatever else is set', () => {
    expect(resolveQueueUi({ ...base, enabled: false, host: '0.0.0.0' })).toEqual({
      enabled: false,
      auth: null,
    });
  });

  it('serves without auth on loopback only', () => {
    expect(resolveQueueUi({ ...base, host: '127.0.0.1' })).toEqual({ enabled: true, auth: null });
    expect(resolveQueueUi({ ...base, host: '::1' }).enabled).toBe(true);
    expect(() => resolveQueueUi({ ...base, host: '0.0.0.0' })).toThrow(InvalidInputError);
    expect(() => resolveQueueUi({ ...base, host: '10.1.2.3' })).toThrow(/needs basic auth/);
  });

  it('needs both user and password, and then enforces them everywhere', () => {
    expect(() => resolveQueueUi({ ...base, host: '0.0.0.0', user: 'ops' })).toThrow(/PW/);
    expect(() => resolveQueueUi({ ...base, host: '127.0.0.1', password: 'x' })).toThrow(
      /--queue-ui-user/,
    );
    expect(resolveQueueUi({ ...base, host: '0.0.0.0', user: 'ops', password: 'x' })).toEqual({
      enabled: true,
      auth: { user: 'ops', password: 'x' },
    });
  });
});

describe('isLoopback', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.3.2.1', true],
    ['localhost', true],
    ['[::1]', true],
    ['0.0.0.0', false],
    ['::', false],
    ['192.168.1.5', false],
  ])('%s → %s', (host, expected) => {
    expect(isLoopback(host)).toBe(expected);
  });
});

describe('authorized', () => {
  const req = (authorization?: string): IncomingMessage =>
    ({ headers: authorization === undefined ? {} : { authorization } }) as IncomingMessage;
  const basic = (s: string): string => `Basic ${Buffer.from(s).toString('base64')}`;
  const auth = { user: 'ops', password: 'p:ss' };

  it('accepts exactly the configured credentials', () => {
    expect(authorized(req(basic('ops:p:ss')), auth)).toBe(true);
    expect(authorized(req(basic('ops:p:s')), auth)).toBe(false);
    expect(authorized(req(basic('op:p:ss')), auth)).toBe(false);
    expect(authorized(req(basic('ops')), auth)).toBe(false);
    expect(authorized(req('Bearer x'), auth)).toBe(false);
    expect(authorized(req(), auth)).toBe(false);
  });
});
