import { useState } from 'react';
import { Label, Radio, RadioGroup, Switch } from 'react-aria-components';
import type { SettingsView } from '../../../main/ipc/contract';
import { useApi, useSnapshot } from '../store/context';
import { ScreenHeader } from '../shell/ScreenHeader';
import { ErrorNote } from '../ui/ErrorNote';
import { TextInput } from '../ui/TextInput';
import { useCommand } from '../ui/use-command';

type Patch = Parameters<ReturnType<typeof useApi>['settings']['update']>[0]['patch'];

export function SettingsScreen() {
  const { settings } = useSnapshot();
  if (settings === null) return <p className="loading">Loading settings…</p>;
  // Keyed by the snapshot so a change from main (another window, the CLI) resets the drafts.
  return <SettingsForm key={JSON.stringify(settings)} settings={settings} />;
}

function SettingsForm({ settings }: { settings: SettingsView }) {
  const api = useApi();
  const [command, run] = useCommand();
  const [keepalive, setKeepalive] = useState(String(settings.keepaliveSeconds));
  const [timeout, setTimeoutText] = useState(String(settings.promptTimeoutSeconds));
  const [browserPath, setBrowserPath] = useState(settings.browser.kind === 'custom' ? settings.browser.path : '');
  const [browserKind, setBrowserKind] = useState(settings.browser.kind);
  const update = (patch: Patch) => void run(() => api.settings.update({ patch }));

  const keepaliveNumber = Number(keepalive);
  const keepaliveError = !Number.isInteger(keepaliveNumber) || keepaliveNumber < 0 || keepaliveNumber > 3600 ? 'A whole number of seconds from 0 (off) to 3600.' : undefined;
  const timeoutNumber = Number(timeout);
  const timeoutError = !Number.isInteger(timeoutNumber) || timeoutNumber < 10 || timeoutNumber > 3600 ? 'A whole number of seconds from 10 to 3600.' : undefined;
  const pathError = browserKind === 'custom' && browserPath.trim() === '' ? 'Enter the path of the browser program.' : undefined;

  return (
    <>
      <ScreenHeader title="Settings" description="Saved as soon as you change them." />
      <div className="settings">
        <section className="card settings-group" aria-labelledby="settings-connection">
          <h3 id="settings-connection" className="section-title">
            Connection
          </h3>
          <TextInput
            label="Keep-alive (seconds)"
            className="field-short"
            value={keepalive}
            onChange={setKeepalive}
            inputMode="numeric"
            error={keepaliveError}
            description="How often Porthole checks the link, so a dropped network is noticed and repaired. 0 turns it off."
            onBlur={() => keepaliveError === undefined && keepaliveNumber !== settings.keepaliveSeconds && update({ keepaliveSeconds: keepaliveNumber })}
          />
          <TextInput
            label="Time to answer a question (seconds)"
            className="field-short"
            value={timeout}
            onChange={setTimeoutText}
            inputMode="numeric"
            error={timeoutError}
            description="How long a question such as a passphrase waits for you before that step gives up."
            onBlur={() => timeoutError === undefined && timeoutNumber !== settings.promptTimeoutSeconds && update({ promptTimeoutSeconds: timeoutNumber })}
          />
        </section>
        <section className="card settings-group" aria-labelledby="settings-browser">
          <h3 id="settings-browser" className="section-title">
            Browser
          </h3>
          <RadioGroup
            className="radio-group"
            value={browserKind}
            onChange={(kind) => {
              setBrowserKind(kind as 'default' | 'custom');
              if (kind === 'default') update({ browser: { kind: 'default' } });
              else if (browserPath.trim() !== '') update({ browser: { kind: 'custom', path: browserPath.trim() } });
            }}
          >
            <Label className="field-label">Open notebooks in</Label>
            <Radio className="radio" value="default">
              My default browser
            </Radio>
            <Radio className="radio" value="custom">
              Another browser
            </Radio>
          </RadioGroup>
          {browserKind === 'custom' ? (
            <TextInput
              label="Browser program"
              value={browserPath}
              onChange={setBrowserPath}
              error={pathError}
              placeholder="/usr/bin/firefox"
              onBlur={() => pathError === undefined && update({ browser: { kind: 'custom', path: browserPath.trim() } })}
            />
          ) : null}
        </section>
        <section className="card settings-group" aria-labelledby="settings-app">
          <h3 id="settings-app" className="section-title">
            App
          </h3>
          <Switch className="switch" isSelected={settings.notifications} onChange={(notifications) => update({ notifications })}>
            <span className="switch-track" aria-hidden="true">
              <span className="switch-thumb" />
            </span>
            Notify me when a notebook is ready or a connection drops
          </Switch>
          <Switch className="switch" isSelected={settings.launchAtLogin} onChange={(launchAtLogin) => update({ launchAtLogin })} aria-describedby="launch-at-login-help">
            <span className="switch-track" aria-hidden="true">
              <span className="switch-thumb" />
            </span>
            Start Porthole when I log in
          </Switch>
          <p id="launch-at-login-help" className="field-help indent">
            It waits in the tray, without opening this window.
          </p>
        </section>
        {command.error ? <ErrorNote error={command.error} /> : null}
      </div>
    </>
  );
}
