import { useEffect } from 'react';
import type { NoticeView } from '../../../main/ipc/contract';
import { useSnapshot, useStore } from '../store/context';
import { Button } from '../ui/Button';
import { Icon } from '../ui/Icon';

const SHOWN_FOR_MS = 8000;

/** `app:notice` toasts, read out politely; errors stay until closed. */
export function Toasts() {
  const { notices } = useSnapshot();
  return (
    <section className="toasts" aria-label="Notifications" aria-live="polite">
      {notices.map((notice) => (
        <Toast key={notice.id} notice={notice} />
      ))}
    </section>
  );
}

function Toast({ notice }: { notice: NoticeView }) {
  const store = useStore();
  useEffect(() => {
    if (notice.level === 'error') return;
    const timer = setTimeout(() => store.dismissNotice(notice.id), SHOWN_FOR_MS);
    return () => clearTimeout(timer);
  }, [notice, store]);
  const icon = notice.level === 'error' ? 'error' : notice.level === 'warning' ? 'warning' : 'info';
  return (
    <div className={`toast toast-${notice.level}`} role={notice.level === 'error' ? 'alert' : 'status'}>
      <Icon name={icon} className="toast-icon" />
      <div className="toast-text">
        <p className="toast-title">{notice.title}</p>
        {notice.body ? <p className="toast-body">{notice.body}</p> : null}
      </div>
      <Button variant="quiet" className="btn-icon" aria-label={`Dismiss: ${notice.title}`} onPress={() => store.dismissNotice(notice.id)}>
        <Icon name="close" />
      </Button>
    </div>
  );
}
