import { describe, expect, it } from 'vitest';
import { parseDestination, parseJumpList } from '../../main/cli/destination';

describe('parseDestination', () => {
  it.each([
    ['ubuntu@203.0.113.7', { username: 'ubuntu', host: '203.0.113.7', port: 22 }],
    ['azureuser@vm.westeurope.cloudapp.azure.com:2222', { username: 'azureuser', host: 'vm.westeurope.cloudapp.azure.com', port: 2222 }],
    ['ssh://ec2-user@host:22/', { username: 'ec2-user', host: 'host', port: 22 }],
    ['me@[::1]:2200', { username: 'me', host: '::1', port: 2200 }],
    ['host-only', { username: 'alice', host: 'host-only', port: 22 }],
  ])('%s', (text, expected) => {
    expect(parseDestination(text, 'alice')).toEqual(expected);
  });

  it.each(['', 'user@', 'user@host:0', 'user@host:99999', 'user@host:abc', 'user@[::1'])('rejects %j with a clear error', (text) => {
    expect(() => parseDestination(text, 'alice')).toThrow(expect.objectContaining({ code: 'cli.bad-destination' }));
  });
});

describe('parseJumpList', () => {
  it('keeps hop order and per-hop users and ports', () => {
    expect(parseJumpList('a@hop1,hop2:2222', 'me')).toEqual([
      { username: 'a', host: 'hop1', port: 22 },
      { username: 'me', host: 'hop2', port: 2222 },
    ]);
  });
});
