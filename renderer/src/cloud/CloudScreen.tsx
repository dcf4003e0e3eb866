import { useCallback, useEffect, useState } from 'react';
import { Tab, TabList, TabPanel, Tabs } from 'react-aria-components';
import type { CloudAccountsView } from '../../../main/ipc/contract';
import { useApi } from '../store/context';
import { ScreenHeader } from '../shell/ScreenHeader';
import { Button } from '../ui/Button';
import { ErrorNote } from '../ui/ErrorNote';
import { useCommand } from '../ui/use-command';
import { AwsPanel } from './AwsPanel';
import { AzurePanel } from './AzurePanel';
import { lastCloudChoice, rememberCloudChoice } from './last-choice';

/** Cloud accounts and their machines: start, stop, see the price, add a machine as a host. */
export function CloudScreen({ onShowHosts }: { onShowHosts: () => void }) {
  const api = useApi();
  const [accounts, setAccounts] = useState<CloudAccountsView | null>(null);
  const [load, run] = useCommand();
  const [provider, setProvider] = useState(() => lastCloudChoice().provider);
  const refresh = useCallback(
    () =>
      run(() => api.cloud.accounts({})).then((found) => {
        if (found !== null) setAccounts(found);
      }),
    [api, run],
  );
  useEffect(() => void refresh(), [refresh]);

  return (
    <>
      <ScreenHeader
        title="Cloud"
        description="Your AWS and Azure VMs: start and stop them, see what they cost, and add them as hosts. Porthole asks the cloud for a VM’s address at every launch, so you need no fixed (Elastic) IP."
      />
      {accounts === null ? (
        load.error ? (
          <ErrorNote error={load.error}>
            <div className="inline-actions">
              <Button onPress={() => void refresh()}>Retry</Button>
            </div>
          </ErrorNote>
        ) : (
          <p className="loading">Looking for your cloud accounts…</p>
        )
      ) : (
        <Tabs
          className="tabs cloud-tabs"
          selectedKey={provider}
          onSelectionChange={(key) => {
            const next = key === 'azure' ? 'azure' : 'aws';
            setProvider(next);
            rememberCloudChoice({ provider: next });
          }}
        >
          <TabList className="tab-list" aria-label="Cloud">
            <Tab className="tab" id="aws">
              Amazon Web Services
            </Tab>
            <Tab className="tab" id="azure">
              Microsoft Azure
            </Tab>
          </TabList>
          <TabPanel className="tab-panel cloud-panel" id="aws">
            <AwsPanel aws={accounts.aws} refreshAccounts={refresh} refreshing={load.busy} onShowHosts={onShowHosts} />
          </TabPanel>
          <TabPanel className="tab-panel cloud-panel" id="azure">
            <AzurePanel cliInstalled={accounts.azure.cliInstalled} onShowHosts={onShowHosts} />
          </TabPanel>
        </Tabs>
      )}
    </>
  );
}
