import { useCallback, useEffect, useState } from 'react';
import type { AzureSubscriptionView } from '../../../main/ipc/contract';
import { useApi } from '../store/context';
import { Button } from '../ui/Button';
import { ErrorNote, InfoNote } from '../ui/ErrorNote';
import { Icon } from '../ui/Icon';
import { SelectField } from '../ui/SelectField';
import { useCommand } from '../ui/use-command';
import { lastCloudChoice, rememberCloudChoice } from './last-choice';
import { MachineList } from './MachineList';

/**
 * Azure: the sign-in (the Azure CLI's, or Porthole's own through the browser or a device
 * code, asked by the prompt layer), the subscription, and its VMs.
 */
export function AzurePanel({ cliInstalled, onShowHosts }: { cliInstalled: boolean; onShowHosts: () => void }) {
  const api = useApi();
  const [subscriptions, setSubscriptions] = useState<readonly AzureSubscriptionView[] | null>(null);
  const [interactive, setInteractive] = useState(false);
  const [command, run] = useCommand();
  const [picked, setPicked] = useState(() => lastCloudChoice().azureSubscriptionId);

  const fetchSubscriptions = useCallback(
    (signIn: boolean) => {
      void run(() => api.cloud.azureSubscriptions({ interactive: signIn })).then((found) => {
        if (found !== null) setSubscriptions(found);
      });
    },
    [api, run],
  );
  // First without asking anything: the Azure CLI's sign-in (or one made earlier) may do.
  useEffect(() => fetchSubscriptions(false), [fetchSubscriptions]);
  const list = (signIn: boolean): void => {
    setInteractive(signIn);
    fetchSubscriptions(signIn);
  };

  if (subscriptions === null) {
    if (command.error?.code === 'azure.login-required' && !command.busy) return <AzureSignIn cliInstalled={cliInstalled} onSignIn={() => list(true)} onRefresh={() => list(false)} />;
    if (command.error && !command.busy) {
      return (
        <ErrorNote error={command.error}>
          <div className="inline-actions">
            <Button onPress={() => list(false)}>Retry</Button>
            <Button onPress={() => list(true)}>Sign in from Porthole</Button>
          </div>
        </ErrorNote>
      );
    }
    return (
      <p className="loading" role="status">
        {interactive ? 'Waiting for you to sign in to Azure…' : 'Asking Azure for your subscriptions…'}
      </p>
    );
  }
  if (subscriptions.length === 0) {
    return (
      <section className="empty-state" aria-labelledby="azure-none-title">
        <Icon name="cloud" className="empty-icon" />
        <h3 id="azure-none-title">No Azure subscriptions</h3>
        <p>This sign-in sees no subscription. Ask whoever manages your Azure account to add you to one (as Reader to see VMs, Virtual Machine Contributor to start them).</p>
        <div className="empty-actions">
          <Button onPress={() => list(true)}>Sign in as someone else</Button>
        </div>
      </section>
    );
  }

  const subscription = subscriptions.find((s) => s.id === picked) ?? subscriptions.find((s) => s.state === 'Enabled') ?? subscriptions[0];
  if (subscription === undefined) return null;
  const account = { provider: 'azure', subscriptionId: subscription.id, tenantId: subscription.tenantId } as const;
  return (
    <>
      <section className="card cloud-account-bar single" aria-label="Azure subscription">
        <SelectField
          className="grow"
          label="Subscription"
          value={subscription.id}
          options={subscriptions.map((s) => ({ id: s.id, label: s.state === 'Enabled' ? s.name : `${s.name} (${s.state})` }))}
          onChange={(id) => {
            setPicked(id);
            rememberCloudChoice({ azureSubscriptionId: id });
          }}
          error={subscription.state === 'Enabled' ? undefined : `This subscription is ${subscription.state}: its VMs cannot be started until it is enabled again.`}
          description={cliInstalled ? 'Signed in with the Azure CLI (az login), or through Porthole.' : 'Signed in through Porthole.'}
        />
        <div className="cloud-account-actions">
          <Button onPress={() => list(false)} isPending={command.busy}>
            <Icon name="refresh" />
            Refresh subscriptions
          </Button>
        </div>
        {command.error ? <ErrorNote error={command.error} /> : null}
      </section>
      <InfoNote icon="info">
        <p className="note-message">On Azure, “Stopped” still costs money.</p>
        <p className="note-hint">
          A VM shut down from inside (or stopped in some tools) keeps its compute reserved, and Azure bills it. Only a deallocated VM stops costing compute: Porthole’s Deallocate does
          that, and keeps the disks.
        </p>
      </InfoNote>
      <MachineList account={account} where={`in ${subscription.name}`} onShowHosts={onShowHosts} />
    </>
  );
}

function AzureSignIn({ cliInstalled, onSignIn, onRefresh }: { cliInstalled: boolean; onSignIn: () => void; onRefresh: () => void }) {
  return (
    <section className="empty-state" aria-labelledby="azure-sign-in-title">
      <Icon name="cloud" className="empty-icon" />
      <h3 id="azure-sign-in-title">Sign in to Azure</h3>
      {cliInstalled ? (
        <p>
          The Azure CLI is installed but not signed in. Run <code className="mono">az login</code> in a terminal and Refresh, or sign in from Porthole.
        </p>
      ) : (
        <p>
          Porthole signs you in itself: your browser opens Microsoft’s sign-in page, or Porthole shows a code to enter on any device. (If you use the Azure CLI, <code className="mono">az login</code>{' '}
          works too.)
        </p>
      )}
      <div className="empty-actions">
        <Button variant="primary" onPress={onSignIn}>
          Sign in to Azure
        </Button>
        <Button onPress={onRefresh}>
          <Icon name="refresh" />
          Refresh
        </Button>
      </div>
    </section>
  );
}
