import type { KeyView } from '../../../main/ipc/contract';
import { useDialogs } from '../shell/dialogs';
import { BrandMark } from '../ui/BrandMark';
import { Button } from '../ui/Button';
import { Icon } from '../ui/Icon';

/**
 * The empty Hosts screen, as a guide: key, then VM, then notebook. A student with a .pem
 * and an IP follows the three buttons and needs nothing else.
 */
export function FirstRun({ keys }: { keys: readonly KeyView[] }) {
  const dialogs = useDialogs();
  const firstKey = keys[0];
  const hasKey = firstKey !== undefined;
  return (
    <section className="first-run" aria-labelledby="first-run-title">
      <div className="first-run-hero">
        <BrandMark size="large" />
        <h2 id="first-run-title">From your VM to Jupyter in your browser</h2>
        <p>Three steps, once. After that it is one click: Porthole connects, starts Jupyter and opens it for you.</p>
      </div>
      <ol className="first-run-steps">
        <Step number={1} done={hasKey} title="Import the key you were given" body={hasKey ? `Key “${firstKey.name}” is ready.` : 'The .pem, .ppk or id_… file your course or cloud console gave you. Porthole keeps it encrypted in your system keychain.'}>
          <Button variant={hasKey ? 'secondary' : 'primary'} onPress={() => dialogs.show({ kind: 'key-wizard', mode: 'import' })}>
            <Icon name="key" />
            {hasKey ? 'Import another key' : 'Import a key'}
          </Button>
          {hasKey ? null : <p className="step-aside">No key? You can also log in with a password, or <GenerateLink onPress={() => dialogs.show({ kind: 'key-wizard', mode: 'generate' })} />.</p>}
        </Step>
        <Step number={2} done={false} title="Add your VM" body="Its public IP address (like 203.0.113.7) and the user name to log in as — ubuntu on AWS Ubuntu images, azureuser on Azure.">
          <Button variant={hasKey ? 'primary' : 'secondary'} onPress={() => dialogs.show({ kind: 'host-editor', host: null, ...(firstKey ? { keyName: firstKey.name } : {}) })}>
            <Icon name="plus" />
            Add a host
          </Button>
        </Step>
        <Step number={3} done={false} title="Launch notebook" body="Porthole finds Jupyter on the VM (or starts it), forwards it to this computer and opens your browser." />
      </ol>
      <p className="first-run-import">
        Already use SSH or PuTTY?{' '}
        <Button variant="quiet" className="btn-link" onPress={() => dialogs.show({ kind: 'import', source: 'ssh-config' })}>
          Import from ~/.ssh/config
        </Button>{' '}
        or{' '}
        <Button variant="quiet" className="btn-link" onPress={() => dialogs.show({ kind: 'import', source: 'putty' })}>
          import PuTTY sessions
        </Button>
      </p>
    </section>
  );
}

function GenerateLink({ onPress }: { onPress: () => void }) {
  return (
    <Button variant="quiet" className="btn-link" onPress={onPress}>
      generate a new key
    </Button>
  );
}

function Step({ number, done, title, body, children }: { number: number; done: boolean; title: string; body: string; children?: React.ReactNode }) {
  return (
    <li className={`first-run-step${done ? ' done' : ''}`}>
      <span className="step-number" aria-hidden="true">
        {done ? <Icon name="check" /> : number}
      </span>
      <div className="step-content">
        <h3>
          {title}
          {done ? <span className="visually-hidden"> (done)</span> : null}
        </h3>
        <p>{body}</p>
        {children ? <div className="step-actions">{children}</div> : null}
      </div>
    </li>
  );
}
