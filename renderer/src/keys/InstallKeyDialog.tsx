import { AppDialog, DialogFooter } from '../ui/AppDialog';
import { Button } from '../ui/Button';
import { InstallKeyForm } from './InstallKeyForm';

/** "Install on host" for a key already in Porthole: the fix a refused login's hint points at. */
export function InstallKeyDialog({ keyName, isOpen, onClose }: { keyName: string; isOpen: boolean; onClose: () => void }) {
  // No subtitle: the form's own first line says what it does, and that the password is not kept.
  return (
    <AppDialog isOpen={isOpen} size="large" title={`Install “${keyName}” on a host`} onClose={onClose}>
      <div className="dialog-body">
        <InstallKeyForm keyName={keyName} />
      </div>
      <DialogFooter>
        <Button onPress={onClose}>Close</Button>
      </DialogFooter>
    </AppDialog>
  );
}
