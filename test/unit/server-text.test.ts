import { describe, expect, it } from 'vitest';
import { printableServerText } from '../../main/shared/server-text';
import { parseRuntimeFile } from '../../main/jupyter/server-info';
import { parseLocateReport } from '../../main/jupyter/launcher';

describe('text from a server', () => {
  it('loses escape sequences and control characters, keeps words, newlines and tabs', () => {
    const hostile = 'Verification code:\u001b[2K\u001b[1A\rPassword for root:\u001b]0;pwned\u0007\u0008\u009b31m\ttab\nline two\u202e';
    expect(printableServerText(hostile)).toBe('Verification code:Password for root:31m\ttab\nline two');
    expect(printableServerText('x'.repeat(5000))).toHaveLength(2000);
  });
});

describe('what the remote reports about its Jupyter', () => {
  const entry = (baseUrl: string) => JSON.stringify({ url: 'http://127.0.0.1:8888/', port: 8888, pid: 42, token: 'abc', base_url: baseUrl, root_dir: '/home/u' });
  it('a base_url must be a path on the server', () => {
    expect(parseRuntimeFile('jpserver-42.json', entry('/user/alice/'))?.baseUrl).toBe('/user/alice/');
    for (const bad of ['@evil.example/', '//evil.example/', 'evil/', '/a b/', '/x?y', '/x#y', '/x\\\\y', '/user@evil/']) expect(parseRuntimeFile('jpserver-42.json', entry(bad))).toBeNull();
  });

  it('a report that is not the expected shape is a clear error, not a crash later', () => {
    expect(parseLocateReport(JSON.stringify({ versions: { notebook: '6.4.12' }, runtimeDir: '/rt', servers: [] }))).toMatchObject({ runtimeDir: '/rt' });
    for (const bad of ['not json', '{}', JSON.stringify({ versions: {}, runtimeDir: 5, servers: [] }), JSON.stringify({ versions: {}, runtimeDir: null, servers: [{ name: 1 }] })]) {
      expect(() => parseLocateReport(bad)).toThrow(expect.objectContaining({ code: 'jupyter.bad-report' }));
    }
  });
});
