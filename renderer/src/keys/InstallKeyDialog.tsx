import { AppDialog, DialogFooter } from '../ui/AppDialog';
import { Button } from '../ui/Button';
import { InstallKeyForm } from './InstallKeyForm';

/** "Install on host" for a key already in Porthole: the fix a refused login's hint points at. */
export function InstallKeyDialog({ keyName, isOpen, onClose }: { keyName: string; isOpen: boolean; onClose: () => void }) {
  return (
    <AppDialog isOpen={isOpen} size="large" title={`Install “${keyName}” on a host`} subtitle="Adds its public half to ~/.ssh/authorized_keys on a VM you can log in to with a password." onClose={onClose}>
      <div className="dialog-body">
        <InstallKeyForm keyName={keyName} />
      </div>
      <DialogFooter>
        <Button onPress={onClose}>Close</Button>
      </DialogFooter>
    </AppDialog>
  );
}
