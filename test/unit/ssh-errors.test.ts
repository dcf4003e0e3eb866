/** The classifier against errors recorded from real failures (test/fixtures/record-ssh-errors.ts). */
import { describe, expect, it } from 'vitest';
import { classifyChannelOpenError, classifySshError } from '../../main/ssh/errors';
import recorded from '../fixtures/ssh-errors.json';

const context = { server: 'gpu-1' };
const fixture = (name: keyof typeof recorded) => Object.assign(new Error(), recorded[name]);

describe('classifySshError on recorded real errors', () => {
  it.each([
    ['dns', 'ssh.dns-failed', true],
    ['refused', 'ssh.connection-refused', true],
    ['handshake-timeout', 'ssh.timeout', true],
    ['auth-failed', 'ssh.auth-failed', false],
    ['hostkey-rejected', 'ssh.hostkey-rejected', false],
    ['key-encrypted-no-passphrase', 'ssh.key-passphrase-required', false],
    ['key-bad-passphrase-openssh', 'ssh.key-passphrase-wrong', false],
    ['key-bad-passphrase-rsa', 'ssh.key-passphrase-wrong', false],
    ['key-garbage', 'ssh.key-unreadable', false],
  ] as const)('%s -> %s', (name, code, retryable) => {
    const error = classifySshError(fixture(name), context);
    expect(error.code).toBe(code);
    expect(error.retryable).toBe(retryable);
    expect(error.message.length).toBeGreaterThan(10);
    expect(error.hint?.length ?? 0).toBeGreaterThan(10);
  });

  it('names the server in connection failures', () => {
    expect(classifySshError(fixture('refused'), context).message).toContain('gpu-1');
  });

  it('calls a socket failure after the link was up "connection lost", retryable', () => {
    const error = classifySshError(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET', level: 'client-socket' }), { ...context, wasReady: true });
    expect(error).toMatchObject({ code: 'ssh.connection-lost', retryable: true });
    expect(classifySshError(Object.assign(new Error('Keepalive timeout'), { level: 'client-timeout' }), context).code).toBe('ssh.connection-lost');
  });

  it('never leaks a raw stack: unknown errors still get a message and a hint', () => {
    const error = classifySshError('weird', context);
    expect(error).toMatchObject({ code: 'ssh.connection-failed' });
    expect(error.hint).toBeTruthy();
  });
});

describe('classifyChannelOpenError on recorded real errors', () => {
  const target = { host: '127.0.0.1', port: 8888 };
  it('reason 1 (AllowTcpForwarding no) -> tunnel.forwarding-refused, not retryable', () => {
    const error = classifyChannelOpenError(fixture('forward-prohibited'), target, 'gpu-1');
    expect(error).toMatchObject({ code: 'tunnel.forwarding-refused', retryable: false });
    expect(error.hint).toContain('AllowTcpForwarding');
  });

  it('reason 2 (nothing listening) -> tunnel.target-unreachable naming the target', () => {
    const error = classifyChannelOpenError(fixture('forward-connect-failed'), target, 'gpu-1');
    expect(error.code).toBe('tunnel.target-unreachable');
    expect(error.message).toContain('127.0.0.1:8888');
  });
});
