import { useState } from 'react';
import type { CloudAccountsView } from '../../../main/ipc/contract';
import { useApi, useSnapshot, useStore } from '../store/context';
import { Button } from '../ui/Button';
import { ConfirmDialog } from '../ui/ConfirmDialog';
import { ErrorNote } from '../ui/ErrorNote';
import { Icon } from '../ui/Icon';
import { MoreInfo } from '../ui/MoreInfo';
import { SelectField } from '../ui/SelectField';
import { useCommand } from '../ui/use-command';
import { awsCredentialOptions, describeAwsCredential, initialAwsAccount, optionIdOf, withCredential, type AwsAccount } from './account-choice';
import { AccessKeyDialog } from './AccessKeyDialog';
import { lastCloudChoice, rememberCloudChoice } from './last-choice';
import { MachineList } from './MachineList';

type AwsAccounts = CloudAccountsView['aws'];

/** AWS: which credential and region, the access keys kept in Porthole, and that account's instances. */
export function AwsPanel({ aws, refreshAccounts, refreshing, onShowHosts }: { aws: AwsAccounts; refreshAccounts: () => Promise<void>; refreshing: boolean; onShowHosts: () => void }) {
  const store = useStore();
  const [picked, setPicked] = useState<AwsAccount | null>(() => lastCloudChoice().aws);
  const [adding, setAdding] = useState(false);
  // The account shown: the one picked while its credential is still listed, else the usual first choice.
  const account = initialAwsAccount(aws, picked);
  const choose = (next: AwsAccount | null) => {
    setPicked(next);
    rememberCloudChoice({ aws: next });
  };

  const addDialog = adding ? (
    <AccessKeyDialog
      taken={aws.vaultCredentials.map((c) => c.name)}
      onClose={() => setAdding(false)}
      onSaved={(saved) => {
        setAdding(false);
        const region = account?.region ?? aws.defaultRegion ?? aws.regions[0]?.id ?? 'us-east-1';
        // Chosen once the accounts list it: until then the picker has no such choice.
        void refreshAccounts().then(() => choose({ provider: 'aws', profile: null, vaultCredential: saved.name, region }));
        store.notify({ level: 'info', title: `Access key “${saved.name}” saved`, body: `${saved.accessKeyId} is kept encrypted in Porthole; its secret is not shown again.` });
      }}
    />
  ) : null;

  if (account === null) {
    return (
      <>
        <section className="empty-state" aria-labelledby="aws-empty-title">
          <Icon name="cloud" className="empty-icon" />
          <h3 id="aws-empty-title">Connect Porthole to your AWS account</h3>
          <p>
            Porthole found no AWS credentials on this computer. Add an access key (Porthole keeps it encrypted), or, if you use the AWS CLI, run <code className="mono">aws configure</code>{' '}
            in a terminal and then Refresh.
          </p>
          <div className="empty-actions">
            <Button variant="primary" onPress={() => setAdding(true)}>
              <Icon name="plus" />
              Add an access key
            </Button>
            <Button onPress={() => void refreshAccounts()} isPending={refreshing}>
              <Icon name="refresh" />
              Refresh
            </Button>
          </div>
          <MoreInfo title="Which should I choose?">
            <p>
              An access key is the quickest: your instructor or the AWS console (IAM → Users → Security credentials) gives you an ID and a secret. If your organisation signs you
              in through AWS SSO, run <code className="mono">aws configure sso</code> instead; Porthole then lists that profile here.
            </p>
          </MoreInfo>
        </section>
        {addDialog}
      </>
    );
  }

  const regionName = aws.regions.find((r) => r.id === account.region)?.name;
  return (
    <>
      <AwsAccountBar
        aws={aws}
        account={account}
        onChoose={choose}
        onAdd={() => setAdding(true)}
        onRemoved={() => {
          choose(null);
          void refreshAccounts();
        }}
      />
      <MachineList account={account} where={`in ${regionName ?? account.region} for ${describeAwsCredential(account)}`} onShowHosts={onShowHosts} />
      {addDialog}
    </>
  );
}

function AwsAccountBar({ aws, account, onChoose, onAdd, onRemoved }: { aws: AwsAccounts; account: AwsAccount; onChoose: (next: AwsAccount) => void; onAdd: () => void; onRemoved: () => void }) {
  const api = useApi();
  const { hosts } = useSnapshot();
  const [removing, setRemoving] = useState(false);
  const [remove, run] = useCommand();
  const regions = aws.regions.map((r) => ({ id: r.id, label: `${r.name} (${r.id})` }));
  if (!regions.some((r) => r.id === account.region)) regions.push({ id: account.region, label: account.region });
  const vault = account.vaultCredential;
  const usedBy = vault === null ? [] : (hosts ?? []).filter((h) => h.cloud?.provider === 'aws' && h.cloud.vaultCredential === vault).map((h) => h.name);
  const profile = aws.profiles.find((p) => p.name === account.profile);

  return (
    <section className="card cloud-account-bar" aria-label="AWS account">
      <SelectField
        className="grow"
        label="Account"
        value={optionIdOf(account)}
        options={awsCredentialOptions(aws)}
        onChange={(id) => onChoose(withCredential(aws, account, id))}
        description={
          profile?.kind === 'sso'
            ? `If its sign-in has expired, run “aws sso login --profile ${profile.name}” in a terminal.`
            : 'Profiles of the AWS CLI (~/.aws), and access keys kept by Porthole.'
        }
      />
      <SelectField className="region-field" label="Region" value={account.region} options={regions} onChange={(region) => onChoose({ ...account, region })} description="Each instance lives in one region." />
      <div className="cloud-account-actions">
        <Button onPress={onAdd}>
          <Icon name="plus" />
          Add access key…
        </Button>
        {vault !== null ? (
          <Button variant="quiet" onPress={() => setRemoving(true)}>
            Remove this key
          </Button>
        ) : null}
      </div>
      {remove.error ? <ErrorNote error={remove.error} /> : null}
      <ConfirmDialog
        isOpen={removing}
        title={`Remove access key “${vault ?? ''}”?`}
        body={
          <p>
            Porthole deletes its copy of this access key. Your AWS account keeps it (delete it in the AWS console if it leaked).
            {usedBy.length > 0 ? ` ${usedBy.join(', ')} will need another account to start ${usedBy.length === 1 ? 'its VM' : 'their VMs'}.` : ''}
          </p>
        }
        confirmLabel="Remove access key"
        busy={remove.busy}
        onClose={() => setRemoving(false)}
        onConfirm={() =>
          void run(() => api.cloud.removeAwsCredential({ name: vault ?? '' })).then((done) => {
            setRemoving(false);
            if (done !== null) onRemoved();
          })
        }
      />
    </section>
  );
}
