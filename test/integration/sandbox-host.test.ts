/**
 * Proves the test environment: ssh2 reaches the real sshd, the host key it is shown is the
 * one sshd was given (checked against `ssh-keygen -lf`), and Jupyter is there for the user.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Fingerprint } from '../../main/shared/fingerprint';
import { fingerprintOf } from '../env/keys';
import { startTestHost, type TestHost } from '../env/host';
import { connectSsh, exec, keyLogin } from '../env/ssh-client';

describe('sandbox host', () => {
  let host: TestHost;
  beforeAll(async () => {
    host = await startTestHost();
  });
  afterAll(async () => {
    await host?.stop();
  });

  it('presents the generated host key and runs jupyter --version for the test user', async () => {
    const expected = await fingerprintOf(host.sshd.hostKey.publicPath);
    const seen: string[] = [];
    const client = await connectSsh(
      keyLogin(host, {
        hostVerifier: (key: Buffer) => {
          seen.push(sha256Fingerprint(key));
          return sha256Fingerprint(key) === expected;
        },
      }),
    );
    try {
      expect(seen).toEqual([expected]);
      const whoami = await exec(client, 'id -un; echo "$HOME"');
      expect(whoami.stdout.split('\n').slice(0, 2)).toEqual([host.user.name, host.user.home]);

      const versions = await exec(client, 'jupyter --version');
      expect(versions.code).toBe(0);
      expect(versions.stdout).toMatch(/^notebook\s*:\s*6\.\d+\.\d+$/m);
      expect(versions.stdout).toMatch(/^jupyter_server\s*:\s*1\.\d+\.\d+$/m);
    } finally {
      client.end();
    }
  });

  it('refuses the connection before login when the host key does not match', async () => {
    const wrong = 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
    const logBefore = host.sshd.log().length;
    await expect(connectSsh(keyLogin(host, { hostVerifier: (key: Buffer) => sha256Fingerprint(key) === wrong }))).rejects.toThrow(/verification failed/i);
    // sshd saw no authentication attempt: the client stopped at the key exchange.
    expect(host.sshd.log().slice(logBefore)).not.toMatch(/Accepted|Failed publickey|Postponed publickey/);
  });
});
