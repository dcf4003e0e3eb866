import { describe, expect, it } from 'vitest';
import { formatForward, parseDynamicForward, parseLocalForward, parseRemoteForward, type ForwardSpec } from '../../main/tunnels/forward-spec';
import { PortholeError } from '../../main/shared/errors';

/** Runs `parse` expecting a tunnel.bad-spec error, and returns it for further checks. */
function badSpec(parse: (text: string) => ForwardSpec, text: string): PortholeError {
  let caught: unknown;
  try {
    parse(text);
  } catch (error) {
    caught = error;
  }
  expect(caught, `expected "${text}" to be rejected`).toBeInstanceOf(PortholeError);
  const error = caught as PortholeError;
  expect(error.code).toBe('tunnel.bad-spec');
  expect(error.retryable).toBe(false);
  expect(error.message).toContain(text);
  return error;
}

describe('parseLocalForward', () => {
  it.each<[string, ForwardSpec]>([
    ['8888:localhost:8888', { kind: 'local', bindHost: '127.0.0.1', bindPort: 8888, remoteHost: 'localhost', remotePort: 8888 }],
    ['127.0.0.1:8888:localhost:8888', { kind: 'local', bindHost: '127.0.0.1', bindPort: 8888, remoteHost: 'localhost', remotePort: 8888 }],
    ['0.0.0.0:8888:10.0.0.5:80', { kind: 'local', bindHost: '0.0.0.0', bindPort: 8888, remoteHost: '10.0.0.5', remotePort: 80 }],
    ['*:8888:localhost:8888', { kind: 'local', bindHost: '0.0.0.0', bindPort: 8888, remoteHost: 'localhost', remotePort: 8888 }],
    ['localhost:1:db.internal:65535', { kind: 'local', bindHost: 'localhost', bindPort: 1, remoteHost: 'db.internal', remotePort: 65535 }],
    ['0:localhost:8888', { kind: 'local', bindHost: '127.0.0.1', bindPort: 0, remoteHost: 'localhost', remotePort: 8888 }],
    ['[::1]:8888:[::1]:8888', { kind: 'local', bindHost: '::1', bindPort: 8888, remoteHost: '::1', remotePort: 8888 }],
    ['8888:[fe80::1:2]:22', { kind: 'local', bindHost: '127.0.0.1', bindPort: 8888, remoteHost: 'fe80::1:2', remotePort: 22 }],
    ['[localhost]:8888:[jupyter-host]:8888', { kind: 'local', bindHost: 'localhost', bindPort: 8888, remoteHost: 'jupyter-host', remotePort: 8888 }],
    ['8888/localhost/8888', { kind: 'local', bindHost: '127.0.0.1', bindPort: 8888, remoteHost: 'localhost', remotePort: 8888 }],
    ['*/8888/localhost/8888', { kind: 'local', bindHost: '0.0.0.0', bindPort: 8888, remoteHost: 'localhost', remotePort: 8888 }],
    ['8888/::1/8888', { kind: 'local', bindHost: '127.0.0.1', bindPort: 8888, remoteHost: '::1', remotePort: 8888 }],
    ['[::1]/8888/[2001:db8::7]/8888', { kind: 'local', bindHost: '::1', bindPort: 8888, remoteHost: '2001:db8::7', remotePort: 8888 }],
    ['  8888:localhost:8888 ', { kind: 'local', bindHost: '127.0.0.1', bindPort: 8888, remoteHost: 'localhost', remotePort: 8888 }],
    ['08888:localhost:0080', { kind: 'local', bindHost: '127.0.0.1', bindPort: 8888, remoteHost: 'localhost', remotePort: 80 }],
  ])('accepts %j', (text, expected) => {
    expect(parseLocalForward(text)).toEqual(expected);
  });

  it('never binds all interfaces unless asked', () => {
    expect(parseLocalForward('8888:localhost:8888').bindHost).toBe('127.0.0.1');
    expect(parseDynamicForward('1080').bindHost).toBe('127.0.0.1');
    expect(parseRemoteForward('9000:localhost:3000').bindHost).toBe('127.0.0.1');
  });
});

describe('parseRemoteForward', () => {
  it.each<[string, ForwardSpec]>([
    ['9000:localhost:3000', { kind: 'remote', bindHost: '127.0.0.1', bindPort: 9000, localHost: 'localhost', localPort: 3000 }],
    ['0:localhost:3000', { kind: 'remote', bindHost: '127.0.0.1', bindPort: 0, localHost: 'localhost', localPort: 3000 }],
    ['*:9000:127.0.0.1:3000', { kind: 'remote', bindHost: '0.0.0.0', bindPort: 9000, localHost: '127.0.0.1', localPort: 3000 }],
    ['[::]:9000:[::1]:3000', { kind: 'remote', bindHost: '::', bindPort: 9000, localHost: '::1', localPort: 3000 }],
    ['9000/localhost/3000', { kind: 'remote', bindHost: '127.0.0.1', bindPort: 9000, localHost: 'localhost', localPort: 3000 }],
  ])('accepts %j', (text, expected) => {
    expect(parseRemoteForward(text)).toEqual(expected);
  });
});

describe('parseDynamicForward', () => {
  it.each<[string, ForwardSpec]>([
    ['1080', { kind: 'dynamic', bindHost: '127.0.0.1', bindPort: 1080 }],
    ['0', { kind: 'dynamic', bindHost: '127.0.0.1', bindPort: 0 }],
    ['localhost:1080', { kind: 'dynamic', bindHost: 'localhost', bindPort: 1080 }],
    ['*:1080', { kind: 'dynamic', bindHost: '0.0.0.0', bindPort: 1080 }],
    ['[::1]:1080', { kind: 'dynamic', bindHost: '::1', bindPort: 1080 }],
    ['127.0.0.1/1080', { kind: 'dynamic', bindHost: '127.0.0.1', bindPort: 1080 }],
  ])('accepts %j', (text, expected) => {
    expect(parseDynamicForward(text)).toEqual(expected);
  });
});

describe('rejected specs', () => {
  it.each<[string, RegExp]>([
    ['', /is empty/],
    ['   ', /is empty/],
    ['8888', /1 part but needs 3 or 4/],
    ['8888:localhost', /2 parts but needs 3 or 4/],
    ['1:2:3:4:5', /5 parts but takes at most 4/],
    ['8888:::1:8888', /takes at most 4/],
    ['abc:localhost:8888', /local port "abc" is not a number/],
    ['8888:localhost:http', /remote port "http" is not a number/],
    ['8888:localhost:-1', /remote port "-1" is not a number/],
    ['8888:localhost:80.5', /remote port "80.5" is not a number/],
    ['8888:localhost:0', /remote port "0" is out of range \(1-65535\)/],
    ['8888:localhost:65536', /remote port "65536" is out of range/],
    ['65536:localhost:8888', /local port "65536" is out of range \(0-65535\)/],
    ['99999999999999999999:localhost:8888', /local port "99999999999999999999" is out of range/],
    [':8888:localhost:8888', /bind address is empty/],
    ['8888::8888', /remote host is empty/],
    ['8888:localhost:', /remote port is empty/],
    [':localhost:8888', /local port is empty/],
    ['8888:local host:8888', /remote host "local host" is not a valid host name/],
    ['8888:[::1:8888', /opens "\[" but never closes it/],
    ['8888:[::1]x:8888', /has "x" right after "\]"/],
    ['8888:[not:v6]:8888', /remote host "not:v6" is not a valid IPv6 address/],
    ['8888:[::1]:[80]', /remote port "80" is not a number/],
    ['8888:localhost/8888', /mixes ":" and "\/" separators/],
    ['/tmp/jupyter.sock:localhost:8888', /"\/tmp\/jupyter.sock" is a Unix socket path/],
    ['8888:/run/jupyter.sock', /"\/run\/jupyter.sock" is a Unix socket path/],
    ['8888:~/jupyter.sock', /"~\/jupyter.sock" is a Unix socket path/],
    ['./local.sock:localhost:8888', /"\.\/local.sock" is a Unix socket path/],
    ['[/tmp/a.sock]:localhost:8888', /"\/tmp\/a.sock" is a Unix socket path/],
  ])('-L %j: %s', (text, problem) => {
    const error = badSpec(parseLocalForward, text);
    expect(error.message).toMatch(problem);
    expect(error.hint).toContain('-L 8888:localhost:8888');
  });

  it('suggests brackets when a bare IPv6 address splits into too many parts', () => {
    expect(badSpec(parseLocalForward, '8888:::1:8888').hint).toMatch(/IPv6 addresses go in brackets/);
  });

  it('explains how to ask for all interfaces instead of an empty bind address', () => {
    expect(badSpec(parseLocalForward, ':8888:localhost:8888').hint).toMatch(/write \* to listen on all interfaces/);
  });

  it.each<[string, RegExp]>([
    ['9000:localhost:0', /local port "0" is out of range \(1-65535\)/],
    ['70000:localhost:3000', /remote port "70000" is out of range \(0-65535\)/],
    ['9000:localhost', /2 parts/],
    ['9000:/tmp/app.sock', /Unix socket path/],
  ])('-R %j: %s', (text, problem) => {
    const error = badSpec(parseRemoteForward, text);
    expect(error.message).toMatch(problem);
    expect(error.message).toContain(`-R ${text}`);
    expect(error.hint).toContain('-R 9000:localhost:3000');
  });

  it.each<[string, RegExp]>([
    ['', /is empty/],
    ['socks', /local port "socks" is not a number/],
    ['65536', /out of range \(0-65535\)/],
    ['localhost:1080:extra', /3 parts but takes at most 2/],
    [':1080', /bind address is empty/],
    ['/tmp/socks.sock', /Unix socket path/],
  ])('-D %j: %s', (text, problem) => {
    const error = badSpec(parseDynamicForward, text);
    expect(error.message).toMatch(problem);
    expect(error.hint).toContain('-D 1080');
  });
});

describe('formatForward', () => {
  it.each([
    ['8888:localhost:8888', parseLocalForward],
    ['0.0.0.0:8888:10.0.0.5:80', parseLocalForward],
    ['localhost:0:db:5432', parseLocalForward],
    ['[::1]:8888:[::1]:8888', parseLocalForward],
    ['9000:localhost:3000', parseRemoteForward],
    ['0.0.0.0:0:[2001:db8::1]:3000', parseRemoteForward],
    ['1080', parseDynamicForward],
    ['[::1]:1080', parseDynamicForward],
  ])('gives back canonical text unchanged: %j', (text, parse) => {
    expect(formatForward(parse(text))).toBe(text);
  });

  it.each([
    ['127.0.0.1:8888:localhost:8888', '8888:localhost:8888', parseLocalForward],
    ['*:8888:localhost:8888', '0.0.0.0:8888:localhost:8888', parseLocalForward],
    ['8888/::1/8888', '8888:[::1]:8888', parseLocalForward],
    ['[localhost]:8888:[jupyter]:8888', 'localhost:8888:jupyter:8888', parseLocalForward],
    ['9000/localhost/3000', '9000:localhost:3000', parseRemoteForward],
    ['*:1080', '0.0.0.0:1080', parseDynamicForward],
    ['127.0.0.1/1080', '1080', parseDynamicForward],
  ])('normalizes %j to %j, which parses to the same spec', (text, canonical, parse) => {
    const spec = parse(text);
    expect(formatForward(spec)).toBe(canonical);
    expect(parse(formatForward(spec))).toEqual(spec);
  });
});
