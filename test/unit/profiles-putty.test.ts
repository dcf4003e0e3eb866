import { describe, expect, it } from 'vitest';
import type { ImportResult } from '../../main/profiles/import-result';
import { parsePuttyReg, readPuttySessionsLive, unescapeSessionName } from '../../main/profiles/putty-import';
import type { Profile } from '../../main/profiles/schema';

const SESSIONS = 'HKEY_CURRENT_USER\\Software\\SimonTatham\\PuTTY\\Sessions';

type Values = Record<string, string | number>;

/** Noise every real PuTTY session carries, so the parser meets realistic keys. */
const NOISE: Values = {
  Present: 1,
  LogFileName: 'putty.log',
  LogType: 0,
  TerminalType: 'xterm',
  TerminalSpeed: '38400,38400',
  TerminalModes: 'CS7=A,CS8=A,DISCARD=A,DSUSP=A',
  Environment: '',
  Font: 'Consolas',
  Cipher: 'aes,chacha20,3des,WARN,des,blowfish,arcfour',
  RemoteCommand: '',
  LocalPortAcceptAll: 0,
  RemotePortAcceptAll: 0,
  ProxyMethod: 0,
  ProxyHost: 'proxy',
  ProxyPort: 80,
};

/** The .reg text regedit writes for these sessions (names already %-escaped, as PuTTY stores them). */
function regText(sessions: Record<string, Values>): string {
  const lines = ['Windows Registry Editor Version 5.00', '', `[${SESSIONS}]`, ''];
  for (const [name, values] of Object.entries(sessions)) {
    lines.push(`[${SESSIONS}\\${name}]`);
    for (const [key, value] of Object.entries({ ...NOISE, ...values })) {
      lines.push(typeof value === 'number' ? `"${key}"=dword:${value.toString(16).padStart(8, '0')}` : `"${key}"="${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`);
    }
    lines.push('');
  }
  lines.push(`[HKEY_CURRENT_USER\\Software\\SimonTatham\\PuTTY\\SshHostKeys]`, '"ssh-ed25519@22:203.0.113.7"="0x1234,0x5678"', '');
  return lines.join('\r\n');
}

/** What `reg query HKCU\...\Sessions /s` prints for the same sessions. */
function regQueryText(sessions: Record<string, Values>): string {
  const lines = ['', SESSIONS];
  for (const [name, values] of Object.entries(sessions)) {
    lines.push('', `${SESSIONS}\\${name}`);
    for (const [key, value] of Object.entries({ ...NOISE, ...values })) {
      lines.push(typeof value === 'number' ? `    ${key}    REG_DWORD    0x${value.toString(16)}` : `    ${key}    REG_SZ    ${value}`);
    }
  }
  return `${lines.join('\r\n')}\r\n`;
}

const utf16WithBom = (text: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);

const sessions: Record<string, Values> = {
  'Default%20Settings': { HostName: '', Protocol: 'ssh', PortNumber: 22 },
  'My%20VM': {
    HostName: '203.0.113.7',
    UserName: 'ubuntu',
    PortNumber: 22,
    Protocol: 'ssh',
    PublicKeyFile: 'C:\\Users\\Jane Doe\\Keys\\seminar-vm.ppk',
    PortForwardings: 'L8888=localhost:8888,R2222=localhost:22,D1080=',
  },
  'gpu-box': { HostName: 'gpu.example.com', UserName: 'ec2-user', PortNumber: 2222, Protocol: 'ssh', PortForwardings: '4L127.0.0.1:6006=localhost:6006,6L[::1]:8081=[2001:db8::5]:80,4D1081' },
  'router-telnet': { HostName: '192.168.1.1', PortNumber: 23, Protocol: 'telnet' },
  'serial-console': { HostName: '', Protocol: 'serial' },
  'via-bastion': { HostName: '10.0.0.5', UserName: 'data', PortNumber: 22, Protocol: 'ssh', ProxyMethod: 6, ProxyHost: 'bastion.example.com', ProxyPort: 2200, ProxyUsername: 'jump' },
  'via-saved-session': { HostName: '10.0.0.6', PortNumber: 22, Protocol: 'ssh', ProxyMethod: 6, ProxyHost: 'My VM', ProxyPort: 22 },
  'socks-only': { HostName: 'socks.example.com', PortNumber: 22, Protocol: 'ssh', ProxyMethod: 2, ProxyHost: 'proxy.example.com', ProxyPort: 1080 },
  'shared-tunnel': { HostName: 'share.example.com', PortNumber: 22, Protocol: 'ssh', LocalPortAcceptAll: 1, PortForwardings: 'L9000=localhost:9000,X1=bad,L99999=localhost:1' },
  'user%40host': { HostName: 'admin@10.0.0.7', PortNumber: 22, Protocol: 'ssh' },
  'Caf%C3%A9%20box': { HostName: 'cafe.example.com', PortNumber: 22, Protocol: 'ssh' },
  'no-host': { HostName: '', PortNumber: 22, Protocol: 'ssh' },
};

const find = (result: ImportResult, name: string): Profile => {
  const found = result.profiles.find((p) => p.name === name);
  if (!found) throw new Error(`no profile ${name} in ${result.profiles.map((p) => p.name).join(', ')}`);
  return found;
};
const skipReason = (result: ImportResult, host: string) => result.skipped.find((s) => s.host === host)?.reason;

describe('parsePuttyReg', () => {
  const result = parsePuttyReg(utf16WithBom(regText(sessions)));

  it('imports the SSH sessions under their unescaped names', () => {
    expect(result.profiles.map((p) => p.name)).toEqual(['My VM', 'gpu-box', 'via-bastion', 'via-saved-session', 'socks-only', 'shared-tunnel', 'user@host', 'Café box']);
  });

  it('takes host, user, port, the .ppk key file and the tunnels', () => {
    expect(find(result, 'My VM')).toEqual({
      name: 'My VM',
      host: '203.0.113.7',
      port: 22,
      user: 'ubuntu',
      key: { kind: 'path', path: 'C:\\Users\\Jane Doe\\Keys\\seminar-vm.ppk' },
      jumpHosts: [],
      forwards: [
        { kind: 'local', bindHost: '127.0.0.1', bindPort: 8888, remoteHost: 'localhost', remotePort: 8888 },
        { kind: 'remote', bindHost: '127.0.0.1', bindPort: 2222, localHost: 'localhost', localPort: 22 },
        { kind: 'dynamic', bindHost: '127.0.0.1', bindPort: 1080 },
      ],
      jupyter: { flavour: 'auto', env: { kind: 'auto' }, auth: 'token', stopOnDisconnect: false },
    });
  });

  it('reads tunnels with 4/6 prefixes, source addresses and IPv6', () => {
    expect(find(result, 'gpu-box')).toMatchObject({
      port: 2222,
      user: 'ec2-user',
      forwards: [
        { kind: 'local', bindHost: '127.0.0.1', bindPort: 6006, remoteHost: 'localhost', remotePort: 6006 },
        { kind: 'local', bindHost: '::1', bindPort: 8081, remoteHost: '2001:db8::5', remotePort: 80 },
        { kind: 'dynamic', bindHost: '127.0.0.1', bindPort: 1081 },
      ],
    });
  });

  it('skips Default Settings and sessions that are not SSH, saying why', () => {
    expect(skipReason(result, 'Default Settings')).toMatch(/PuTTY's defaults/);
    expect(skipReason(result, 'router-telnet')).toBe('It uses telnet, not SSH; Porthole connects over SSH only.');
    expect(skipReason(result, 'serial-console')).toMatch(/uses serial, not SSH/);
    expect(skipReason(result, 'no-host')).toBe('It has no host name.');
  });

  it('turns an SSH proxy into a jump host, also when it names another saved session', () => {
    expect(find(result, 'via-bastion').jumpHosts).toEqual([{ host: 'bastion.example.com', port: 2200, user: 'jump' }]);
    expect(find(result, 'via-saved-session').jumpHosts).toEqual([{ host: '203.0.113.7', port: 22, user: 'ubuntu' }]);
  });

  it('warns about what it leaves out: other proxies, broken tunnels, ports open to the network', () => {
    expect(find(result, 'socks-only').jumpHosts).toEqual([]);
    const warnings = (name: string) => result.warnings.filter((w) => w.host === name).map((w) => w.message);
    expect(warnings('socks-only')).toEqual([expect.stringMatching(/SOCKS 5 proxy was not imported/)]);
    expect(find(result, 'shared-tunnel').forwards).toEqual([{ kind: 'local', bindHost: '0.0.0.0', bindPort: 9000, remoteHost: 'localhost', remotePort: 9000 }]);
    expect(warnings('shared-tunnel')).toEqual([
      expect.stringMatching(/L9000=localhost:9000 listens on 0\.0\.0\.0/),
      expect.stringMatching(/X1=bad was not imported: it is not an L, R or D forward/),
      expect.stringMatching(/L99999=localhost:1 was not imported/),
    ]);
  });

  it('splits user@host written in the host name field', () => {
    expect(find(result, 'user@host')).toMatchObject({ host: '10.0.0.7', user: 'admin' });
  });

  it('reads the same sessions from UTF-8 text, UTF-8 bytes with a BOM, and UTF-16LE without a BOM', () => {
    const text = regText(sessions);
    expect(parsePuttyReg(text)).toEqual(result);
    expect(parsePuttyReg(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]))).toEqual(result);
    expect(parsePuttyReg(Buffer.from(text, 'utf16le'))).toEqual(result);
  });

  it('reads hex(2) values split over lines, and keeps an escaped comma inside its tunnel', () => {
    const keyPath = 'C:\\Users\\me\\Documents\\a rather long folder name\\keys\\vm.ppk';
    const hex = [...Buffer.from(`${keyPath}\0`, 'utf16le')].map((byte) => byte.toString(16).padStart(2, '0'));
    const hexLines = [];
    for (let i = 0; i < hex.length; i += 25) hexLines.push(hex.slice(i, i + 25).join(','));
    const text = [
      'Windows Registry Editor Version 5.00',
      '',
      `[${SESSIONS}\\hexed]`,
      '"HostName"="hexed.example.com"',
      `"PublicKeyFile"=hex(2):${hexLines.join(',\\\r\n  ')}`,
      '"PortForwardings"="L8888=localhost:8888\\\\,,D1080="',
      '',
    ].join('\r\n');
    const parsed = parsePuttyReg(text);
    expect(parsed.profiles[0]).toMatchObject({ name: 'hexed', host: 'hexed.example.com', port: 22, key: { kind: 'path', path: keyPath } });
    // PuTTY writes "\," for a comma inside a value: it belongs to the first tunnel, not between two.
    expect(parsed.profiles[0]!.forwards).toEqual([{ kind: 'dynamic', bindHost: '127.0.0.1', bindPort: 1080 }]);
    expect(parsed.warnings).toEqual([{ host: 'hexed', message: expect.stringMatching(/^The tunnel L8888=localhost:8888, was not imported: "8888," in "localhost:8888," is not a port number/) }]);
  });

  it('refuses text that is not a registry export', () => {
    expect(() => parsePuttyReg('HostName=203.0.113.7')).toThrow(expect.objectContaining({ code: 'profiles.putty-bad-file' }));
  });

  it('unescapes session names as PuTTY escapes them (UTF-8, or the Windows code page)', () => {
    expect(unescapeSessionName('My%20VM%2A%3F%25')).toBe('My VM*?%');
    expect(unescapeSessionName('Caf%C3%A9')).toBe('Café');
    expect(unescapeSessionName('Caf%E9')).toBe('Café');
    expect(unescapeSessionName('100%')).toBe('100%');
  });
});

describe('readPuttySessionsLive', () => {
  it('refuses with profiles.putty-unavailable off Windows, and says how to export instead', async () => {
    expect(process.platform).not.toBe('win32');
    await expect(readPuttySessionsLive()).rejects.toMatchObject({ code: 'profiles.putty-unavailable', hint: expect.stringContaining('reg export') });
  });

  it('parses the output of reg query into the same profiles as the .reg export', async () => {
    const queried: string[] = [];
    const live = await readPuttySessionsLive({
      platform: 'win32',
      runRegQuery: (key) => {
        queried.push(key);
        return Promise.resolve(regQueryText(sessions));
      },
    });
    expect(queried).toEqual([SESSIONS]);
    expect(live).toEqual(parsePuttyReg(regText(sessions)));
  });

  it('finds nothing when PuTTY never saved a session', async () => {
    expect(await readPuttySessionsLive({ platform: 'win32', runRegQuery: () => Promise.resolve('') })).toEqual({ profiles: [], skipped: [], warnings: [] });
  });
});
