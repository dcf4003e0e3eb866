/**
 * The key worker itself: where its entry is found in each runtime, that the login parse
 * (loadIdentities' parseKeyOffThread) gives the same answers as ssh2 on the main thread
 * did, that the key APIs really hand their work to the worker, and that an idle worker
 * never keeps a process (like the CLI) from exiting.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { utils } from 'ssh2';
import { importKey, parseKeyOffThread, stopKeyWorker } from '../../main/keys';
import { keyWorkerRunning, keyWorkerScript } from '../../main/keys/key-work';
import { classifySshError } from '../../main/ssh/errors';
import { run, runChecked } from '../env/processes';

const PASSPHRASE = 'worker pass 9';
let dir: string;
const file = (name: string) => join(dir, name);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'porthole-keys-worker-'));
  writeFileSync(file('pass'), PASSPHRASE);
  await Promise.all([
    runChecked('ssh-keygen', ['-q', '-t', 'ed25519', '-N', PASSPHRASE, '-C', 'enc ed25519', '-f', file('ed25519-enc')]),
    runChecked('ssh-keygen', ['-q', '-t', 'rsa', '-b', '2048', '-N', PASSPHRASE, '-C', 'enc rsa', '-f', file('rsa-enc')]),
    runChecked('ssh-keygen', ['-q', '-t', 'ecdsa', '-m', 'PEM', '-N', PASSPHRASE, '-f', file('ecdsa-pem-enc')]),
    runChecked('puttygen', ['-q', '-t', 'ed25519', '-o', file('v3.ppk'), '--new-passphrase', file('pass'), '--ppk-param', 'version=3,kdf=argon2id,memory=1024,passes=2']),
  ]);
}, 60_000);

afterAll(async () => {
  await stopKeyWorker();
  rmSync(dir, { recursive: true, force: true });
});

describe('keyWorkerScript', () => {
  it('from source: key-worker.ts beside key-work.ts, loaded through tsx', () => {
    expect(keyWorkerScript()).toEqual({ path: resolve(__dirname, '../../main/keys/key-worker.ts'), typescript: true });
  });

  it('built: key-worker.js beside the bundle, loaded by plain Node', () => {
    expect(keyWorkerScript('/opt/Porthole/resources/app.asar/out/main/index.js')).toEqual({ path: '/opt/Porthole/resources/app.asar/out/main/key-worker.js', typescript: false });
  });
});

describe('parseKeyOffThread (loadIdentities with a passphrase)', { timeout: 30_000 }, () => {
  it.each(['ed25519-enc', 'rsa-enc', 'ecdsa-pem-enc'])('%s: the same key, comment and public key as ssh2 decrypting on the main thread', async (name) => {
    const data = readFileSync(file(name));
    const direct = utils.parseKey(data, PASSPHRASE);
    if (direct instanceof Error) throw direct;
    const parsed = await parseKeyOffThread(data, PASSPHRASE, name);
    if (parsed instanceof Error) throw parsed;
    expect(parsed.isPrivateKey()).toBe(true);
    expect(parsed.type).toBe(direct.type);
    expect(parsed.comment).toBe(direct.comment);
    expect(parsed.getPublicSSH().equals(direct.getPublicSSH())).toBe(true);
    const probe = Buffer.from('login probe');
    expect(direct.verify(probe, parsed.sign(probe))).toBe(true);
  });

  it('a wrong passphrase is an Error that classifies as ssh.key-passphrase-wrong, as ssh2 on the main thread did', async () => {
    const data = readFileSync(file('ed25519-enc'));
    const direct = utils.parseKey(data, 'not it');
    const parsed = await parseKeyOffThread(data, 'not it', 'ed25519-enc');
    expect(parsed).toBeInstanceOf(Error);
    expect(direct).toBeInstanceOf(Error);
    expect((parsed as Error).message).toBe((direct as Error).message);
    expect(classifySshError(parsed, { server: 'ed25519-enc' }).code).toBe('ssh.key-passphrase-wrong');
  });

  it('a public key comes back parsed, and not private', async () => {
    const parsed = await parseKeyOffThread(readFileSync(file('ed25519-enc.pub')), PASSPHRASE, 'ed25519-enc.pub');
    if (parsed instanceof Error) throw parsed;
    expect(parsed.isPrivateKey()).toBe(false);
  });
});

describe('the key APIs use the worker', { timeout: 30_000 }, () => {
  it('importKey of an Argon2id .ppk runs on the worker thread (it is running afterwards, and restarts after a stop)', async () => {
    await stopKeyWorker();
    expect(keyWorkerRunning()).toBe(false);
    const key = await importKey({ path: file('v3.ppk') }, { passphrase: PASSPHRASE });
    expect(key.format).toBe('ppk-v3');
    expect(keyWorkerRunning()).toBe(true);
    await stopKeyWorker();
    expect(keyWorkerRunning()).toBe(false);
    expect((await importKey({ path: file('v3.ppk') }, { passphrase: PASSPHRASE })).fingerprint).toBe(key.fingerprint);
  });

  it('an idle worker does not keep the process alive: a CLI-like script exits as soon as its work is done', async () => {
    const script = file('one-import.ts');
    const keys = resolve(__dirname, '../../main/keys');
    // 'beforeExit' comes when nothing holds the event loop any more. A worker that held it would
    // stop only by its own idle timer, so it would be gone by then; an unref'd one still runs.
    writeFileSync(
      script,
      `import { importKey } from ${JSON.stringify(keys)};\n` +
        `import { keyWorkerRunning } from ${JSON.stringify(join(keys, 'key-work'))};\n` +
        `process.once('beforeExit', () => console.log('worker still running when nothing held the process: ' + keyWorkerRunning()));\n` +
        `importKey({ path: ${JSON.stringify(file('v3.ppk'))} }, { passphrase: ${JSON.stringify(PASSPHRASE)} }).then((key) => console.log('imported ' + key.fingerprint));\n`,
    );
    const { stdout, code } = await run(process.execPath, [require.resolve('tsx/cli'), script]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/imported SHA256:/);
    expect(stdout).toContain('worker still running when nothing held the process: true');
  });
});
