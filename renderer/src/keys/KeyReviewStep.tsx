import { useState } from 'react';
import { Form } from 'react-aria-components';
import type { ErrorView, KeyView } from '../../../main/ipc/contract';
import { useApi, useSnapshot } from '../store/context';
import { DialogFooter } from '../ui/AppDialog';
import { Button } from '../ui/Button';
import { ErrorNote, InfoNote } from '../ui/ErrorNote';
import { TextInput } from '../ui/TextInput';
import { useFocusFirstInvalid } from '../ui/use-focus-first-invalid';
import { describeFormat, describeKeyType } from './key-formats';
import type { WizardStep } from './KeyWizard';

/** Errors about the passphrase go on the passphrase field, not into a box below. */
const PASSPHRASE_ERRORS = new Set(['keys.wrong-passphrase', 'keys.passphrase-required']);

export function KeyReviewStep({ step, onBack, onCancel, onImported }: { step: Extract<WizardStep, { kind: 'review' }>; onBack: () => void; onCancel: () => void; onImported: (key: KeyView) => void }) {
  const { inspection } = step;
  const api = useApi();
  const { keys } = useSnapshot();
  const [name, setName] = useState(inspection.kind === 'private' ? inspection.suggestedName : '');
  const [passphrase, setPassphrase] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorView | null>(null);
  const [submitted, setSubmitted] = useState(false);
  // The field's text is selected (a refused passphrase, a taken name): the next try replaces it.
  const [form, focusFirstInvalid] = useFocusFirstInvalid({ selectText: true });

  if (inspection.kind === 'invalid') {
    return (
      <Review onBack={onBack} onCancel={onCancel}>
        <ErrorNote error={inspection.error} />
        <p className="muted">Read from {step.sourceLabel}.</p>
      </Review>
    );
  }
  if (inspection.kind === 'public') {
    return (
      <Review onBack={onBack} onCancel={onCancel}>
        <ErrorNote
          tone="warning"
          error={{
            message: 'This is a public key: Porthole needs the private one to log in.',
            hint: 'Pick the file without “.pub” (for example id_ed25519 next to id_ed25519.pub), or the .pem / .ppk file you downloaded when the VM was created.',
          }}
        >
          <p className="muted small">
            {describeKeyType(inspection.type)} public key{inspection.fingerprint ? <> · <span className="mono">{inspection.fingerprint}</span></> : null}, read from {step.sourceLabel}.
          </p>
        </ErrorNote>
      </Review>
    );
  }

  const nameTaken = (keys ?? []).some((k) => k.name === name.trim());
  const nameError = name.trim() === '' ? 'Give the key a name, like “aws-course”.' : nameTaken ? `You already have a key named “${name.trim()}”.` : undefined;
  const passphraseError = error && PASSPHRASE_ERRORS.has(error.code) ? [error.message, error.hint].filter(Boolean).join(' ') : submitted && inspection.encrypted && passphrase === '' ? 'This key is locked: type its passphrase.' : undefined;

  const submit = async (): Promise<void> => {
    setSubmitted(true);
    if (nameError !== undefined || (inspection.encrypted && passphrase === '')) {
      focusFirstInvalid();
      return;
    }
    setBusy(true);
    const result = await api.keys
      .import({ source: step.source, name: name.trim(), ...(inspection.encrypted ? { passphrase } : {}) })
      .catch((): { ok: false; error: ErrorView } => ({ ok: false, error: { code: 'ipc.no-answer', message: 'Porthole did not answer.', retryable: true } }));
    setBusy(false);
    if (result.ok) {
      onImported(result.value);
      return;
    }
    setError(result.error);
    if (PASSPHRASE_ERRORS.has(result.error.code)) focusFirstInvalid();
  };

  return (
    <Form
      ref={form}
      className="dialog-form"
      validationBehavior="aria"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <div className="dialog-body">
        <InfoNote icon="check">
          <p className="note-message">{describeFormat(inspection.format)}</p>
          <dl className="fact-list compact">
            <dt>Type</dt>
            <dd>{describeKeyType(inspection.type)}</dd>
            <dt>Fingerprint</dt>
            <dd className="mono">{inspection.fingerprint ?? 'Shown after unlocking'}</dd>
            {inspection.comment ? (
              <>
                <dt>Comment</dt>
                <dd>{inspection.comment}</dd>
              </>
            ) : null}
            <dt>From</dt>
            <dd className="mono">{step.sourceLabel}</dd>
          </dl>
        </InfoNote>
        {inspection.encrypted ? (
          <TextInput
            label="Passphrase"
            type="password"
            value={passphrase}
            onChange={(value) => {
              setPassphrase(value);
              if (error && PASSPHRASE_ERRORS.has(error.code)) setError(null);
            }}
            error={passphraseError}
            description="This key is locked with a passphrase. Porthole unlocks it once and keeps it encrypted."
            autoFocus
          />
        ) : null}
        <TextInput label="Name" value={name} onChange={setName} error={submitted || nameTaken ? nameError : undefined} description="How the key is listed in Porthole." autoFocus={!inspection.encrypted} />
        {error && !PASSPHRASE_ERRORS.has(error.code) ? <ErrorNote error={error} /> : null}
      </div>
      <DialogFooter>
        <Button onPress={onBack}>Back</Button>
        <Button variant="primary" type="submit" isPending={busy}>
          Import key
        </Button>
      </DialogFooter>
    </Form>
  );
}

function Review({ children, onBack, onCancel }: { children: React.ReactNode; onBack: () => void; onCancel: () => void }) {
  return (
    <>
      <div className="dialog-body">{children}</div>
      <DialogFooter>
        <Button onPress={onCancel}>Cancel</Button>
        <Button variant="primary" onPress={onBack} autoFocus>
          Choose another key
        </Button>
      </DialogFooter>
    </>
  );
}
