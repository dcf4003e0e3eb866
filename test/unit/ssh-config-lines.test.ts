/**
 * The quick split of plain ~/.ssh/config lines (main/profiles/ssh-config-reader.ts) agrees
 * with the ssh-config package's own parser, line for line: seeded random lines made of the
 * pieces that matter to either (blanks of every kind, `=`, keywords with and without many
 * values, quotes and comments that send a line to the package).
 */
import { describe, expect, it } from 'vitest';
import { splitLine, splitLineByPackage } from '../../main/profiles/ssh-config-reader';
import { mulberry32 as random } from '../support/prng';

const PIECES = [
  'Host', 'host', 'HOST', 'Match', 'all', 'User', 'HostName', 'IdentityFile', 'Include', 'SendEnv', 'ProxyCommand', 'LocalForward', 'Port', 'X',
  ' ', ' ', '  ', '\t', '=', '==', ' = ', '\u00a0', '\u2003', '\f', '\v', '\ufeff',
  'gpu', '*.corp', '!skip', '8888', 'localhost:8888', '~/.ssh/id', 'a,b', '%h', '"', '#', '\\',
];

describe('splitLine', () => {
  it('agrees with the ssh-config package on 20000 seeded lines', () => {
    const rnd = random(20241207);
    for (let i = 0; i < 20_000; i++) {
      const line = Array.from({ length: 1 + Math.floor(rnd() * 8) }, () => PIECES[Math.floor(rnd() * PIECES.length)]!).join('');
      expect(splitLine(line), JSON.stringify(line)).toEqual(splitLineByPackage(line));
    }
  });

  it('splits the usual lines as OpenSSH writes them', () => {
    expect(splitLine('    HostName 203.0.113.7')).toEqual({ ok: true, value: { key: 'hostname', args: ['203.0.113.7'] } });
    expect(splitLine('Host web1 web2=web3')).toEqual({ ok: true, value: { key: 'host', args: ['web1', 'web2', 'web3'] } });
    expect(splitLine('User=deploy')).toEqual({ ok: true, value: { key: 'user', args: ['deploy'] } });
    expect(splitLine('LocalForward 8888 localhost:8888')).toEqual({ ok: true, value: { key: 'localforward', args: ['8888', 'localhost:8888'] } });
    expect(splitLine('Port')).toEqual({ ok: false, problem: 'Port has no value' });
  });
});
