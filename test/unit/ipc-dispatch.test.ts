import { describe, expect, it } from 'vitest';
import { createDispatcher, type CommandHandlers } from '../../main/ipc/dispatch';
import { PortholeError } from '../../main/shared/errors';

const APP_URL = 'file:///opt/Porthole/resources/app.asar/out/renderer/index.html';
const trusted = { url: APP_URL, isMainFrame: true };
const isTrustedUrl = (url: string) => url === APP_URL;

function dispatcherWith(getInfo: CommandHandlers['app:get-info']) {
  // Only app:get-info is exercised; the other handlers are never reached.
  return createDispatcher({ 'app:get-info': getInfo } as unknown as CommandHandlers, isTrustedUrl);
}

describe('IPC dispatch', () => {
  const ok = dispatcherWith(() => ({ name: 'Porthole', version: '1.2.3', platform: 'linux' }));

  it('resolves the handler result for a trusted caller', async () => {
    await expect(ok('app:get-info', {}, trusted)).resolves.toEqual({
      ok: true,
      value: { name: 'Porthole', version: '1.2.3', platform: 'linux' },
    });
  });

  it('treats missing arguments as an empty object', async () => {
    await expect(ok('app:get-info', undefined, trusted)).resolves.toMatchObject({ ok: true });
  });

  it('refuses a foreign page', async () => {
    await expect(ok('app:get-info', {}, { url: 'https://evil.example/', isMainFrame: true })).resolves.toMatchObject({
      ok: false,
      error: { code: 'ipc.untrusted-sender' },
    });
  });

  it('refuses a sub-frame even of the app itself', async () => {
    await expect(ok('app:get-info', {}, { url: APP_URL, isMainFrame: false })).resolves.toMatchObject({
      ok: false,
      error: { code: 'ipc.untrusted-sender' },
    });
  });

  it('refuses commands the contract does not declare, including prototype names', async () => {
    for (const name of ['app:delete-everything', 'toString', '__proto__']) {
      await expect(ok(name, {}, trusted)).resolves.toMatchObject({ ok: false, error: { code: 'ipc.unknown-command' } });
    }
  });

  it('refuses arguments the schema rejects', async () => {
    await expect(ok('app:get-info', { extra: true }, trusted)).resolves.toMatchObject({
      ok: false,
      error: { code: 'ipc.invalid-arguments' },
    });
  });

  it('passes a classified error through with its code and hint', async () => {
    const failing = dispatcherWith(() => {
      throw new PortholeError({ code: 'ssh.auth-failed', message: 'Login refused.', hint: 'Choose another key.', retryable: false });
    });
    await expect(failing('app:get-info', {}, trusted)).resolves.toEqual({
      ok: false,
      error: { code: 'ssh.auth-failed', message: 'Login refused.', hint: 'Choose another key.', retryable: false },
    });
  });

  it('never sends an unclassified error message or stack to the renderer', async () => {
    const failing = dispatcherWith(() => {
      throw new Error('ENOENT /home/alice/.ssh/secret_key_material');
    });
    const result = await failing('app:get-info', {}, trusted);
    expect(result).toMatchObject({ ok: false, error: { code: 'internal.unexpected' } });
    expect(JSON.stringify(result)).not.toContain('secret_key_material');
  });
});
