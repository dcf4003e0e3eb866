import { useState } from 'react';
import type { KeyInspectionView, KeySourceView, KeyView } from '../../../main/ipc/contract';
import { useDialogs } from '../shell/dialogs';
import { AppDialog } from '../ui/AppDialog';
import { KeySourceStep } from './KeySourceStep';
import { KeyReviewStep } from './KeyReviewStep';
import { KeyGenerateStep } from './KeyGenerateStep';
import { KeyDoneStep } from './KeyDoneStep';

export type WizardStep =
  | { readonly kind: 'source' }
  | { readonly kind: 'review'; readonly source: KeySourceView; readonly sourceLabel: string; readonly inspection: KeyInspectionView }
  | { readonly kind: 'generate' }
  | { readonly kind: 'done'; readonly key: KeyView; readonly generated: boolean };

const TITLES: Record<WizardStep['kind'], string> = {
  source: 'Import a key',
  review: 'Import a key',
  generate: 'Generate a new key',
  done: 'Your key is ready',
};

/**
 * Import (drop, pick or paste → inspect → passphrase/name) or generate, then where the public key goes.
 * With `onKeyReady` (opened from the host editor) the key goes back to the editor: an imported
 * key at once, a generated one after the step that says where its public half goes.
 */
export function KeyWizard({ initialMode, onClose, onKeyReady }: { initialMode: 'import' | 'generate'; onClose: () => void; onKeyReady?: (key: KeyView) => void }) {
  const [step, setStep] = useState<WizardStep>(initialMode === 'generate' ? { kind: 'generate' } : { kind: 'source' });
  // Still on the path that started at "generate", without passing the choose step.
  const [direct, setDirect] = useState(initialMode === 'generate');
  const toSource = () => {
    setDirect(false);
    setStep({ kind: 'source' });
  };
  const dialogs = useDialogs();
  // A key made for the editor is picked there however this dialog is left.
  const close = step.kind === 'done' && onKeyReady ? () => onKeyReady(step.key) : onClose;
  return (
    <AppDialog isOpen size="large" title={TITLES[step.kind]} onClose={close} subtitle={<StepDots step={step} direct={direct} returnsImported={onKeyReady !== undefined} />}>
      {step.kind === 'source' ? <KeySourceStep onInspected={(source, sourceLabel, inspection) => setStep({ kind: 'review', source, sourceLabel, inspection })} onGenerate={() => setStep({ kind: 'generate' })} onCancel={onClose} /> : null}
      {step.kind === 'review' ? <KeyReviewStep step={step} onBack={toSource} onCancel={onClose} onImported={(key) => (onKeyReady ? onKeyReady(key) : setStep({ kind: 'done', key, generated: false }))} /> : null}
      {step.kind === 'generate' ? <KeyGenerateStep onBack={direct ? null : toSource} onCancel={onClose} onGenerated={(key) => setStep({ kind: 'done', key, generated: true })} /> : null}
      {step.kind === 'done' ? (
        <KeyDoneStep keyView={step.key} generated={step.generated} onClose={close} onAddHost={onKeyReady ? null : () => dialogs.show({ kind: 'host-editor', host: null, keyName: step.key.name })} />
      ) : null}
    </AppDialog>
  );
}

const IMPORT_STEPS = ['Choose the key', 'Check and name it', 'Put it on your VM'];
/** From the host editor an imported key goes straight back to it. */
const IMPORT_FOR_EDITOR_STEPS = ['Choose the key', 'Check and name it'];
const GENERATE_STEPS = ['Choose', 'Generate', 'Put it on your VM'];
/** Opened straight onto "generate" (Keys → Generate a key), there is nothing to choose. */
const DIRECT_GENERATE_STEPS = ['Generate', 'Put it on your VM'];

function StepDots({ step, direct, returnsImported }: { step: WizardStep; direct: boolean; returnsImported: boolean }) {
  const generating = step.kind === 'generate' || (step.kind === 'done' && step.generated);
  const names = !generating ? (returnsImported ? IMPORT_FOR_EDITOR_STEPS : IMPORT_STEPS) : direct ? DIRECT_GENERATE_STEPS : GENERATE_STEPS;
  const index = step.kind === 'source' ? 1 : step.kind === 'review' ? 2 : step.kind === 'done' ? names.length : names.length - 1;
  return (
    <span className="wizard-steps">
      Step {index} of {names.length}: {names[index - 1]}
    </span>
  );
}
