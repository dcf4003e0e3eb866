import { useMemo, useState } from 'react';
import { Form } from 'react-aria-components';
import type { ErrorView, HostView, Result } from '../../../main/ipc/contract';
import { useApi, useSnapshot } from '../store/context';
import { useDialogs, type EditorState } from '../shell/dialogs';
import { AppDialog, DialogFooter } from '../ui/AppDialog';
import { Button } from '../ui/Button';
import { ErrorNote } from '../ui/ErrorNote';
import { useFocusFirstInvalid } from '../ui/use-focus-first-invalid';
import { draftFromHost, editorFieldOf, emptyDraft, hostInputFromDraft, type HostDraft } from './host-draft';
import { parseProfileErrors } from './field-errors';
import { validateDraft, type DraftErrors } from './validate';
import { ConnectionFields } from './ConnectionFields';
import { JupyterFields } from './JupyterFields';
import { AdvancedFields } from './AdvancedFields';
import { CloudLinkFields } from './CloudLinkFields';

const BRIDGE_LOST: Result<never> = { ok: false, error: { code: 'ipc.no-answer', message: 'Porthole did not answer.', hint: 'Try again.', retryable: true } };

export interface EditorSectionProps {
  readonly draft: HostDraft;
  readonly set: (patch: Partial<HostDraft>) => void;
  readonly errors: DraftErrors;
}

/**
 * Add or edit a host. Problems show on their field as soon as the field was touched or Save pressed.
 * `resume`: the form as the user left it for the key wizard; it comes back with focus on the key.
 */
export function HostEditor({ host, keyName, resume, onClose }: { host: HostView | null; keyName: string | null; resume: EditorState | null; onClose: () => void }) {
  const api = useApi();
  const dialogs = useDialogs();
  const { hosts, keys } = useSnapshot();
  const [draft, setDraft] = useState<HostDraft>(() => resume?.draft ?? (host ? draftFromHost(host) : emptyDraft(keyName ?? keys?.[0]?.name ?? null)));
  const [touched, setTouched] = useState<ReadonlySet<string>>(() => new Set(resume?.touched));
  const [submitted, setSubmitted] = useState(resume?.submitted ?? false);
  const [serverErrors, setServerErrors] = useState<{ fields: DraftErrors; general: readonly string[] }>({ fields: {}, general: [] });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorView | null>(null);
  // Each Save that ends in field errors moves focus to the first of them.
  const [form, focusFirstInvalid] = useFocusFirstInvalid();

  const takenNames = useMemo(() => (hosts ?? []).map((h) => h.name).filter((n) => n !== host?.name), [hosts, host]);
  const clientErrors = validateDraft(draft, takenNames);
  const shown: DraftErrors = {};
  for (const [field, message] of Object.entries(clientErrors)) if (submitted || touched.has(field) || touched.has(field.replace(/^jupyter\./, ''))) shown[field] = message;
  for (const [field, message] of Object.entries(serverErrors.fields)) shown[field] ??= message;

  const set = (patch: Partial<HostDraft>): void => {
    setDraft((d) => ({ ...d, ...patch }));
    // A field the user edits loses the server's complaint about it: it is about the old value.
    const changed = Object.keys(patch);
    setTouched((t) => new Set([...t, ...changed, ...(patch.port !== undefined ? ['port'] : [])]));
    setServerErrors((e) => ({ fields: Object.fromEntries(Object.entries(e.fields).filter(([f]) => !changed.some((c) => f === c || f.startsWith(`${c}[`) || f === `jupyter.${c}`))), general: e.general }));
  };

  const onSave = async (): Promise<void> => {
    setSubmitted(true);
    if (Object.keys(clientErrors).length > 0) {
      focusFirstInvalid();
      return;
    }
    setBusy(true);
    const result = await api.hosts
      .save({
        originalName: host?.name ?? null,
        host: hostInputFromDraft(draft),
        ...(draft.auth === 'password' && draft.notebookPassword !== '' ? { notebookPassword: draft.notebookPassword } : {}),
      })
      .catch(() => BRIDGE_LOST);
    setBusy(false);
    if (result.ok) {
      onClose();
      return;
    }
    setError(result.error);
    if (result.error.code === 'profiles.invalid') {
      // Main's answer names fields: put each message on its field; editing the field clears it.
      const parsed = parseProfileErrors(result.error.message);
      const fields: Record<string, string> = {};
      for (const [path, message] of Object.entries(parsed.fields)) fields[editorFieldOf(path)] = message;
      setServerErrors({ fields, general: parsed.general });
      focusFirstInvalid();
    }
  };

  // One dialog at a time: the wizard takes the form along and brings it back.
  const importKey = (): void => dialogs.show({ kind: 'key-wizard', mode: 'import', forEditor: { host, state: { draft, touched: [...touched], submitted } } });

  const invalid = error?.code === 'profiles.invalid';
  const fieldCount = Object.keys(shown).length;

  return (
    <AppDialog isOpen size="large" title={host ? `Edit “${host.name}”` : 'Add a host'} subtitle={host ? undefined : 'The VM you run Jupyter on. Only the address is required to start.'} onClose={onClose}>
      <Form
        ref={form}
        className="dialog-form"
        validationBehavior="aria"
        onSubmit={(event) => {
          event.preventDefault();
          void onSave();
        }}
      >
        <div className="dialog-body dialog-scroll">
          <ConnectionFields draft={draft} set={set} errors={shown} keys={keys ?? []} onImportKey={importKey} focusKey={resume !== null} />
          <CloudLinkFields draft={draft} set={set} errors={shown} original={host?.cloud ?? null} />
          <JupyterFields draft={draft} set={set} errors={shown} />
          <AdvancedFields draft={draft} set={set} errors={shown} />
          {error && !invalid ? <ErrorNote error={error} /> : null}
          {invalid && serverErrors.general.length > 0 ? <ErrorNote error={{ message: serverErrors.general.join(' '), hint: error?.hint ?? '' }} /> : null}
          {submitted && fieldCount > 0 ? (
            <p className="form-summary" role="alert">
              Fix the {fieldCount === 1 ? 'field' : `${fieldCount} fields`} marked in red, then save again.
            </p>
          ) : null}
        </div>
        <DialogFooter>
          <Button onPress={onClose}>Cancel</Button>
          <Button variant="primary" type="submit" isPending={busy}>
            Save
          </Button>
        </DialogFooter>
      </Form>
    </AppDialog>
  );
}
