import { describe, expect, it } from 'vitest';
import type { ImportPreviewView } from '../../main/ipc/contract';
import { summarizeImport } from '../../renderer/src/import/import-summary';
import { hostView } from '../support/views';

function candidate(name: string, exists = false): ImportPreviewView['candidates'][number] {
  return { host: hostView(name), exists };
}

const PREVIEW: ImportPreviewView = {
  source: 'ssh-config',
  path: '/home/student/.ssh/config',
  candidates: [candidate('gpu'), candidate('lab'), candidate('old-vm', true)],
  skipped: [
    { host: '*.internal', reason: 'This is a pattern, not one host.' },
    { host: 'broken', reason: 'The port must be a whole number from 1 to 65535.' },
  ],
  warnings: [
    { host: 'gpu', message: 'LocalForward 6006 listens on 0.0.0.0.' },
    { host: 'lab', message: 'It lists 2 IdentityFiles; Porthole uses the first.' },
    { host: 'old-vm', message: 'ForwardAgent is not imported.' },
    { host: 'broken', message: 'LocalForward nonsense was not imported.' },
    { host: 'host-257', message: 'The configuration names 300 hosts; Porthole imported the first 256.' },
  ],
};

describe('the import preview notes follow what will be imported', () => {
  it('lists the changes of the ticked hosts only', () => {
    expect(summarizeImport(PREVIEW, new Set(['gpu', 'lab'])).changes).toEqual([
      { host: 'gpu', text: 'LocalForward 6006 listens on 0.0.0.0.' },
      { host: 'lab', text: 'It lists 2 IdentityFiles; Porthole uses the first.' },
    ]);
  });

  it('drops the changes of a host the user unticked, and has none when nothing is ticked', () => {
    expect(summarizeImport(PREVIEW, new Set(['gpu'])).changes.map((c) => c.host)).toEqual(['gpu']);
    expect(summarizeImport(PREVIEW, new Set()).changes).toEqual([]);
  });

  it('never says a host already saved (left as it is) or a skipped one is imported with a change, even if its name is given', () => {
    expect(summarizeImport(PREVIEW, new Set(['old-vm', 'broken'])).changes).toEqual([]);
  });

  it('keeps the skipped entries whatever is ticked, each with its reason and not with the warnings it had on the way', () => {
    for (const chosen of [new Set<string>(), new Set(['gpu', 'lab'])]) {
      const { skipped } = summarizeImport(PREVIEW, chosen);
      expect(skipped.filter((s) => s.host === 'broken')).toEqual([{ host: 'broken', text: 'The port must be a whole number from 1 to 65535.' }]);
      expect(skipped.map((s) => s.host)).toEqual(['*.internal', 'broken', 'host-257']);
    }
  });

  it('puts a warning about a host that was never offered (past the limit) with the skipped entries', () => {
    expect(summarizeImport(PREVIEW, new Set(['gpu'])).skipped.at(-1)).toEqual({ host: 'host-257', text: 'The configuration names 300 hosts; Porthole imported the first 256.' });
  });
});
