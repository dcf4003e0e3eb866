import { ConfirmDialog } from '../ui/ConfirmDialog';

/**
 * Asked before "Stop Jupyter server" (host card menu, Notebooks screen): stopping ends every
 * kernel on that server, and whatever a notebook had not saved goes with it. Disconnect is
 * the way out that keeps it all running, so the question offers it.
 */
export function StopServerConfirm({ host, isOpen, onStop, onDisconnect, onClose }: { host: string; isOpen: boolean; onStop: () => void; onDisconnect: () => void; onClose: () => void }) {
  return (
    <ConfirmDialog
      isOpen={isOpen}
      title={`Stop Jupyter on “${host}”?`}
      body={
        <>
          <p>Jupyter stops on the VM, and every notebook running there stops with it: changes not saved in a notebook are lost, and so is everything its kernel held in memory.</p>
          <p>Disconnect instead to close the connection and leave Jupyter running, to come back to later.</p>
        </>
      }
      confirmLabel="Stop Jupyter"
      alternative={{ label: 'Disconnect', onPress: onDisconnect }}
      onConfirm={onStop}
      onClose={onClose}
    />
  );
}
