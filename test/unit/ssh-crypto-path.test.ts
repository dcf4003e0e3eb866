/**
 * main/ssh/crypto-path.ts: which of ssh2's cipher paths this process runs, proved on real
 * files: the addon npm built for this Node, a file that is no addon, and none at all.
 */
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeSshCryptoPath, ssh2Probe, sshCryptoPath } from '../../main/ssh/crypto-path';

const dir = mkdtempSync(join(tmpdir(), 'porthole-crypto-path-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const load = createRequire(__filename);

describe('the SSH crypto path', () => {
  it('under Node in this checkout is ssh2\'s native addon, the very file ssh2 loaded', () => {
    const path = sshCryptoPath();
    expect(path).toEqual({ kind: 'native-addon', addon: ssh2Probe.addonPath() });
    expect((load('ssh2/lib/protocol/crypto.js') as { bindingAvailable: boolean }).bindingAvailable).toBe(true);
    expect(describeSshCryptoPath(path, 'Node 20.0.0')).toBe(`SSH encryption runs in ssh2's native crypto addon on Node 20.0.0 (${ssh2Probe.addonPath()})`);
  });

  it('is the JavaScript path when the build ships no addon', () => {
    const path = sshCryptoPath({ ...ssh2Probe, addonInUse: () => false, addonPath: () => join(dir, 'missing', 'sshcrypto.node') });
    expect(path).toEqual({ kind: 'javascript', reason: 'this build ships no native addon' });
    expect(describeSshCryptoPath(path, 'Electron 45.4.1')).toBe("SSH encryption runs in ssh2's JavaScript path over Electron 45.4.1's crypto: this build ships no native addon");
  });

  it('gives the loader\'s own reason when the addon is there but does not load', () => {
    const notAnAddon = join(dir, 'garbage.node');
    writeFileSync(notAnAddon, 'not a shared object');
    const path = sshCryptoPath({ ...ssh2Probe, addonInUse: () => false, addonPath: () => notAnAddon });
    expect(path.kind).toBe('javascript');
    expect(path.kind === 'javascript' && path.reason).toMatch(/^the native addon did not load: .*(invalid ELF header|file too short|not a valid)/);
  });

  it('says when ssh2 turned down an addon that does load', () => {
    const copy = join(dir, 'copy.node');
    copyFileSync(ssh2Probe.addonPath(), copy);
    expect(sshCryptoPath({ ...ssh2Probe, addonInUse: () => false, addonPath: () => copy })).toEqual({ kind: 'javascript', reason: 'ssh2 did not take the native addon' });
  });
});
