/**
 * Adds hosts to a profile store from a process of its own, so two of these contend for one
 * profiles.json the way the app and the `porthole` command do.
 *
 *   node --import tsx test/unit/support/profiles-child.ts <dir> <prefix> <count>
 *
 * Opens the store, prints `ready`, and waits for a line on stdin, so the test starts both
 * processes' adds at the same moment (process start-up alone can take longer than all the
 * adds). Then starts all adds at once (they queue inside the store) and prints one JSON line:
 * { ok: true } or { ok: false, error: { code, message } }.
 */
import { once } from 'node:events';
import { ProfileStore } from '../../../main/profiles/store';
import { toErrorInfo } from '../../../main/shared/errors';

async function main(): Promise<void> {
  const [dir, prefix, count] = process.argv.slice(2);
  const store = await ProfileStore.open(dir!);
  const n = Number(count);
  process.stdout.write('ready\n');
  process.stdin.resume();
  await once(process.stdin, 'data');
  try {
    await Promise.all(Array.from({ length: n }, (_, i) => store.add({ name: `${prefix}-${i}`, host: `${prefix}-${i}.example.test`, user: 'ubuntu' })));
    process.stdout.write(`${JSON.stringify({ ok: true })}\n`);
  } catch (error) {
    process.stdout.write(`${JSON.stringify({ ok: false, error: toErrorInfo(error), raw: String(error) })}\n`);
  }
  process.stdin.pause();
}

void main();
