import { useEffect, useState } from 'react';
import { Checkbox, Tab, TabList, TabPanel, Tabs } from 'react-aria-components';
import type { ImportPreviewView } from '../../../main/ipc/contract';
import { useApi, useStore } from '../store/context';
import { AppDialog, DialogFooter } from '../ui/AppDialog';
import { Button } from '../ui/Button';
import { ErrorNote } from '../ui/ErrorNote';
import { Icon } from '../ui/Icon';
import { MoreInfo } from '../ui/MoreInfo';
import { useCommand } from '../ui/use-command';
import { summarizeImport } from './import-summary';

type Source = 'ssh-config' | 'putty';
const SOURCES: readonly Source[] = ['ssh-config', 'putty'];

/** Preview of what an import adds, host by host, with a checkbox each; nothing is saved before Import. */
export function ImportDialog({ initialSource, onClose }: { initialSource: Source; onClose: () => void }) {
  const api = useApi();
  const store = useStore();
  const [source, setSource] = useState<Source>(initialSource);
  const [preview, setPreview] = useState<ImportPreviewView | null>(null);
  const [chosen, setChosen] = useState<ReadonlySet<string>>(new Set());
  const [load, runLoad] = useCommand();
  const [save, runSave] = useCommand();

  useEffect(() => {
    void runLoad(() => api.hosts.previewImport({ source, path: null })).then((p) => {
      if (p === null) return;
      setPreview(p);
      setChosen(new Set(p.candidates.filter((c) => !c.exists).map((c) => c.host.name)));
    });
  }, [api, runLoad, source]);

  // The notes follow the ticks: a host left out is imported with no change at all.
  const summary = preview ? summarizeImport(preview, chosen) : null;

  const doImport = async (): Promise<void> => {
    const result = await runSave(() => api.hosts.import({ source, path: null, names: [...chosen] }));
    if (result === null) return;
    store.notify({ level: 'info', title: `Imported ${result.added.length} host${result.added.length === 1 ? '' : 's'}`, body: result.existing.length > 0 ? `Already saved, left as they were: ${result.existing.join(', ')}.` : '' });
    onClose();
  };

  const found = (
    <>
      {load.busy ? <p className="muted">Reading…</p> : null}
      {load.error ? <ErrorNote error={load.error} /> : null}
      {preview ? (
        <>
          <p className="muted small">From {preview.path ?? 'PuTTY’s saved sessions'}</p>
          {preview.candidates.length === 0 ? <p>No hosts found there.</p> : null}
          <ul className="import-list" aria-label="Hosts to import">
            {preview.candidates.map(({ host, exists }) => (
              <li key={host.name}>
                <Checkbox
                  className="checkbox import-item"
                  isSelected={chosen.has(host.name)}
                  isDisabled={exists}
                  onChange={(on) => setChosen((set) => (on ? new Set([...set, host.name]) : new Set([...set].filter((n) => n !== host.name))))}
                >
                  <span className="checkbox-box" aria-hidden="true">
                    <Icon name="check" />
                  </span>
                  <span className="import-text">
                    <span className="import-name">
                      {host.name}
                      {exists ? <span className="chip">Already saved</span> : null}
                    </span>
                    <span className="import-detail">{describeCandidate(host)}</span>
                  </span>
                </Checkbox>
              </li>
            ))}
          </ul>
          {summary && summary.changes.length > 0 ? (
            <div className="note note-warning">
              <Icon name="warning" className="note-icon" />
              <div className="note-text">
                <p className="note-message">Imported with a change</p>
                <ul className="plain-list">
                  {summary.changes.map((w) => (
                    <li key={`${w.host}-${w.text}`}>
                      <strong>{w.host}</strong>: {w.text}
                    </li>
                  ))}
                </ul>
              </div>
            </div>
          ) : null}
          {summary && summary.skipped.length > 0 ? (
            <MoreInfo title={`${summary.skipped.length} skipped`}>
              <ul className="plain-list">
                {summary.skipped.map((s) => (
                  <li key={`${s.host}-${s.text}`}>
                    <strong>{s.host}</strong>: {s.text}
                  </li>
                ))}
              </ul>
            </MoreInfo>
          ) : null}
        </>
      ) : null}
    </>
  );

  return (
    <AppDialog isOpen size="large" title="Import hosts" subtitle="Nothing is added until you press Import." onClose={onClose}>
      <div className="dialog-body dialog-scroll">
        <Tabs
          className="tabs"
          selectedKey={source}
          onSelectionChange={(key) => {
            setPreview(null);
            setSource(key as Source);
          }}
        >
          <TabList className="tab-list" aria-label="Import from">
            <Tab className="tab" id="ssh-config">
              ~/.ssh/config
            </Tab>
            <Tab className="tab" id="putty">
              PuTTY sessions
            </Tab>
          </TabList>
          {SOURCES.map((id) => (
            <TabPanel key={id} id={id} className="tab-panel import-panel">
              {found}
            </TabPanel>
          ))}
        </Tabs>
        {save.error ? <ErrorNote error={save.error} /> : null}
      </div>
      <DialogFooter>
        <Button onPress={onClose}>Cancel</Button>
        <Button variant="primary" isDisabled={chosen.size === 0} isPending={save.busy} onPress={() => void doImport()}>
          {chosen.size === 0 ? 'Import' : `Import ${chosen.size} host${chosen.size === 1 ? '' : 's'}`}
        </Button>
      </DialogFooter>
    </AppDialog>
  );
}

/** One line under the name: where it goes, with which key, through what. */
function describeCandidate(host: ImportPreviewView['candidates'][number]['host']): string {
  const address = `${host.user ? `${host.user}@` : ''}${host.host}${host.port !== 22 ? `:${host.port}` : ''}`;
  const parts = [address];
  if (host.key?.kind === 'path') parts.push(`key ${host.key.path}`);
  if (host.forwards.length > 0) parts.push(`${host.forwards.length} forward${host.forwards.length === 1 ? '' : 's'}`);
  if (host.jumpHosts.length > 0) parts.push(`via ${host.jumpHosts.map((j) => j.host).join(', ')}`);
  return parts.join(' · ');
}
