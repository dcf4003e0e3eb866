import { useState } from 'react';
import { Form } from 'react-aria-components';
import { useApi } from '../store/context';
import { AppDialog, DialogFooter } from '../ui/AppDialog';
import { Button } from '../ui/Button';
import { ErrorNote, InfoNote } from '../ui/ErrorNote';
import { MoreInfo } from '../ui/MoreInfo';
import { TextInput } from '../ui/TextInput';
import { useCommand } from '../ui/use-command';
import { accessKeyIdProblem, secretAccessKeyProblem, temporaryKey } from './account-choice';

export interface SavedAccessKey {
  readonly name: string;
  readonly accessKeyId: string;
}

/**
 * AWS access keys into Porthole's vault. The secret goes to main once, in a password
 * field, and is never shown again (no command returns it); the form forgets it on close.
 */
export function AccessKeyDialog({ taken, onClose, onSaved }: { taken: readonly string[]; onClose: () => void; onSaved: (saved: SavedAccessKey) => void }) {
  const api = useApi();
  const [name, setName] = useState(taken.includes('aws') ? '' : 'aws');
  const [accessKeyId, setAccessKeyId] = useState('');
  const [secret, setSecret] = useState('');
  const [sessionToken, setSessionToken] = useState('');
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const [command, run] = useCommand();

  const temporary = temporaryKey(accessKeyId);
  const replacing = taken.includes(name.trim());
  const problems: Record<string, string | undefined> = {
    name: name.trim() === '' ? 'Give the access key a name, like “course” or “aws”.' : /\s/.test(name.trim()) ? 'A name without spaces, like “course-2026”.' : undefined,
    accessKeyId: accessKeyIdProblem(accessKeyId),
    secret: secretAccessKeyProblem(secret),
    sessionToken: temporary && sessionToken.trim() === '' ? 'Temporary keys (ASIA…) need their session token too.' : undefined,
  };
  const shown = (field: string) => (submitted || touched.has(field) ? problems[field] : undefined);
  const touch = (field: string) => setTouched((t) => new Set([...t, field]));

  return (
    <AppDialog isOpen title="Add an AWS access key" subtitle="For an AWS account you do not reach through the AWS CLI." onClose={onClose} size="medium">
      <Form
        className="dialog-form"
        validationBehavior="aria"
        onSubmit={(event) => {
          event.preventDefault();
          setSubmitted(true);
          if (Object.values(problems).some((p) => p !== undefined)) return;
          void run(() =>
            api.cloud.saveAwsCredential({
              name: name.trim(),
              accessKeyId: accessKeyId.trim(),
              secretAccessKey: secret.trim(),
              ...(temporary ? { sessionToken: sessionToken.trim() } : {}),
              ...(replacing ? { replace: true } : {}),
            }),
          ).then((saved) => {
            if (saved === null) return;
            setSecret('');
            setSessionToken('');
            onSaved(saved);
          });
        }}
      >
        <div className="dialog-body">
          <InfoNote icon="shield">
            <p>Porthole keeps the key encrypted in its vault, locked by your system keychain. The secret is never shown again, not even to you.</p>
          </InfoNote>
          <TextInput
            label="Name"
            value={name}
            onChange={(v) => {
              setName(v);
              touch('name');
            }}
            error={shown('name')}
            description={replacing ? `Replaces the access key saved as “${name.trim()}”.` : 'How Porthole lists it, like “course”.'}
            isRequired
            autoFocus
          />
          <TextInput label="Access key ID" value={accessKeyId} onChange={setAccessKeyId} onBlur={() => touch('accessKeyId')} error={shown('accessKeyId')} placeholder="AKIA…" isRequired />
          <TextInput label="Secret access key" type="password" value={secret} onChange={setSecret} onBlur={() => touch('secret')} error={shown('secret')} description="Shown once by AWS when the key was made (or in the .csv you downloaded then)." isRequired />
          {temporary ? <TextInput label="Session token" type="password" value={sessionToken} onChange={setSessionToken} onBlur={() => touch('sessionToken')} error={shown('sessionToken')} description="Temporary keys come with one; they stop working when it expires." isRequired /> : null}
          <MoreInfo title="Where do I get an access key?">
            <p>
              In the AWS console: IAM → Users → your user → Security credentials → Create access key. Your instructor may hand you one instead. Porthole needs permission to
              describe, start and stop EC2 instances.
            </p>
          </MoreInfo>
          {command.error ? <ErrorNote error={command.error} /> : null}
        </div>
        <DialogFooter>
          <Button onPress={onClose}>Cancel</Button>
          <Button variant="primary" type="submit" isPending={command.busy}>
            Save access key
          </Button>
        </DialogFooter>
      </Form>
    </AppDialog>
  );
}
