import { useState } from 'react';
import { Checkbox, Form } from 'react-aria-components';
import type { CommandArgs, PromptView } from '../../../main/ipc/contract';

type PromptAnswer = CommandArgs<'prompts:answer'>['answer'];
import { useApi } from '../store/context';
import { useNow } from '../store/use-now';
import { AppDialog, DialogFooter } from '../ui/AppDialog';
import { Button } from '../ui/Button';
import { ErrorNote } from '../ui/ErrorNote';
import { Icon } from '../ui/Icon';
import { MoreInfo } from '../ui/MoreInfo';
import { TextInput } from '../ui/TextInput';
import { useCommand } from '../ui/use-command';
import { describeKeyType } from '../keys/key-formats';

const TITLES: Record<PromptView['detail']['kind'], string> = {
  'host-key': 'Is this the right server?',
  passphrase: 'Unlock your key',
  password: 'Password needed',
  'keyboard-interactive': 'The server asks a question',
  'cloud-sign-in': 'Sign in to Azure',
};

export function PromptDialog({ prompt, waiting }: { prompt: PromptView; waiting: number }) {
  const api = useApi();
  const [command, run] = useCommand();
  const answer = (value: PromptAnswer) => void run(() => api.prompts.answer({ id: prompt.id, answer: value }));
  const cancel = () => void run(() => api.prompts.cancel({ id: prompt.id }));
  return (
    <AppDialog isOpen title={TITLES[prompt.detail.kind]} onClose={cancel} subtitle={<PromptSubtitle prompt={prompt} waiting={waiting} />}>
      <PromptBody prompt={prompt} busy={command.busy} onAnswer={answer} onCancel={cancel} error={command.error ? <ErrorNote error={command.error} /> : null} />
    </AppDialog>
  );
}

function PromptSubtitle({ prompt, waiting }: { prompt: PromptView; waiting: number }) {
  const now = useNow(true);
  const seconds = Math.max(0, Math.round((prompt.expiresAt - now) / 1000));
  const left = seconds >= 60 ? `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, '0')} s` : `${seconds} s`;
  return (
    <>
      {prompt.detail.kind === 'cloud-sign-in' ? 'Azure sign-in' : <>For <strong>{prompt.host}</strong></>} · <span className={seconds < 30 ? 'time-left urgent' : 'time-left'}>{left} left to answer</span>
      {waiting > 0 ? ` · ${waiting} more question${waiting === 1 ? '' : 's'} after this` : ''}
    </>
  );
}

interface BodyProps {
  readonly prompt: PromptView;
  readonly busy: boolean;
  readonly onAnswer: (answer: PromptAnswer) => void;
  readonly onCancel: () => void;
  readonly error: React.ReactNode;
}

function PromptBody(props: BodyProps) {
  switch (props.prompt.detail.kind) {
    case 'host-key':
      return <HostKeyBody {...props} detail={props.prompt.detail} />;
    case 'passphrase':
    case 'password':
      return <SecretBody {...props} detail={props.prompt.detail} />;
    case 'keyboard-interactive':
      return <KeyboardInteractiveBody {...props} detail={props.prompt.detail} />;
    case 'cloud-sign-in':
      return <CloudSignInBody {...props} detail={props.prompt.detail} />;
  }
}

/** Nothing to type: Porthole waits for the sign-in in the browser (or with the code) to finish. */
function CloudSignInBody({ detail, onCancel, error }: BodyProps & { detail: Detail<'cloud-sign-in'> }) {
  const withCode = detail.method === 'device-code' && detail.code !== null;
  return (
    <>
      <div className="dialog-body">
        {withCode ? (
          <>
            <p>Porthole is not signed in to Azure. Sign in with a code, on this computer or on your phone:</p>
            <ol className="steps-text">
              <li>
                Open <span className="mono">{detail.url ?? 'https://microsoft.com/devicelogin'}</span> in a browser.
              </li>
              <li>Enter this code:</li>
            </ol>
            <div className="fingerprint-box device-code-box">
              <span className="muted small">Your sign-in code</span>
              <span className="mono device-code">{detail.code}</span>
            </div>
            <ol className="steps-text" start={3}>
              <li>Sign in with the Microsoft account you use for Azure.</li>
            </ol>
          </>
        ) : (
          <p>{detail.message}</p>
        )}
        <p className="muted small">This closes by itself once you have signed in. Your password goes to Microsoft only, never to Porthole.</p>
        {error}
      </div>
      <DialogFooter>
        <Button onPress={onCancel}>Cancel sign-in</Button>
      </DialogFooter>
    </>
  );
}

type Detail<K extends PromptView['detail']['kind']> = Extract<PromptView['detail'], { kind: K }>;

function HostKeyBody({ detail, busy, onAnswer, onCancel, error }: BodyProps & { detail: Detail<'host-key'> }) {
  return (
    <>
      <div className="dialog-body">
        <p>
          This is your first connection to <span className="mono">{detail.server}</span>. Porthole cannot yet tell whether it is really your VM, so it shows you the server’s
          fingerprint — a short code unique to that server.
        </p>
        <div className="fingerprint-box">
          <span className="muted small">{describeKeyType(detail.keyType)} key fingerprint</span>
          <span className="mono fingerprint-large">{detail.fingerprint}</span>
        </div>
        <MoreInfo title="How do I check it?">
          <p>
            Compare it with the fingerprint your instructor gave you, or the one in your cloud console (EC2: Actions → Monitor and troubleshoot → Get system log; Azure: Boot
            diagnostics → Serial log), where the VM prints it as “SHA256:…” at first boot. If they match, trust it.
          </p>
        </MoreInfo>
        {error}
      </div>
      <DialogFooter>
        <Button onPress={onCancel}>Cancel</Button>
        <Button onPress={() => onAnswer({ kind: 'host-key', trust: 'once' })} isDisabled={busy}>
          Trust once
        </Button>
        <Button variant="primary" onPress={() => onAnswer({ kind: 'host-key', trust: 'always' })} isPending={busy}>
          <Icon name="shield" />
          Trust always
        </Button>
      </DialogFooter>
    </>
  );
}

function SecretBody({ detail, busy, onAnswer, onCancel, error }: BodyProps & { detail: Detail<'passphrase'> | Detail<'password'> }) {
  const [value, setValue] = useState('');
  const [remember, setRemember] = useState(false);
  const isPassphrase = detail.kind === 'passphrase';
  const retryMessage = detail.retry ? (isPassphrase ? 'That passphrase did not unlock the key. Check Caps Lock and try again.' : 'The server did not accept that password. Try again.') : undefined;
  return (
    <Form
      className="dialog-form"
      onSubmit={(e) => {
        e.preventDefault();
        onAnswer({ kind: 'secret', value, remember: detail.canRemember && remember });
      }}
    >
      <div className="dialog-body">
        <p>{isPassphrase ? <>The key “{detail.keyLabel}” is locked with a passphrase.</> : <>Log in to <span className="mono">{detail.server}</span> with your password.</>}</p>
        <TextInput label={isPassphrase ? 'Passphrase' : 'Password'} type="password" value={value} onChange={setValue} error={retryMessage} autoFocus />
        {detail.canRemember ? (
          <Checkbox className="checkbox" isSelected={remember} onChange={setRemember}>
            <span className="checkbox-box" aria-hidden="true">
              <Icon name="check" />
            </span>
            Remember in the keychain
          </Checkbox>
        ) : null}
        {error}
      </div>
      <DialogFooter>
        <Button onPress={onCancel}>Cancel</Button>
        <Button variant="primary" type="submit" isPending={busy} isDisabled={value === ''}>
          {isPassphrase ? 'Unlock' : 'Log in'}
        </Button>
      </DialogFooter>
    </Form>
  );
}

function KeyboardInteractiveBody({ detail, busy, onAnswer, onCancel, error }: BodyProps & { detail: Detail<'keyboard-interactive'> }) {
  const [answers, setAnswers] = useState<string[]>(() => detail.prompts.map(() => ''));
  return (
    <Form
      className="dialog-form"
      onSubmit={(e) => {
        e.preventDefault();
        onAnswer({ kind: 'keyboard-interactive', answers: [...answers] });
      }}
    >
      <div className="dialog-body">
        <p>
          <span className="mono">{detail.server}</span> asks{detail.prompts.length > 1 ? ' these questions' : ''} before letting you in (often a one-time code from your
          authenticator app).
        </p>
        {detail.instructions ? <blockquote className="server-text">{detail.instructions}</blockquote> : null}
        {detail.prompts.map((p, i) => (
          <TextInput
            key={i}
            label={p.prompt.replace(/:\s*$/, '') || `Answer ${i + 1}`}
            type={p.echo ? 'text' : 'password'}
            value={answers[i] ?? ''}
            onChange={(v) => setAnswers((a) => a.map((x, j) => (j === i ? v : x)))}
            autoFocus={i === 0}
          />
        ))}
        {error}
      </div>
      <DialogFooter>
        <Button onPress={onCancel}>Cancel</Button>
        <Button variant="primary" type="submit" isPending={busy}>
          Continue
        </Button>
      </DialogFooter>
    </Form>
  );
}
