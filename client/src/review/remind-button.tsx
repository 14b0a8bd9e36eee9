/**
 * "Nhắc …" buttons of issue 15: remind by hand the members who have not commented
 * (`POST /rounds/:id/participation/reminders`) or the units that have not sent their package
 * (`POST /documents/:id/feedback/reminders`). Asks for confirmation, says how many were reminded,
 * and stays disabled, with the time, while everyone listed was reminded within the server's 12 h.
 */
import { useState } from 'preact/hooks';
import type { ReminderOutcome } from '@schemas/participation';
import { ErrorText } from '../ui/components';
import { formatDate, t } from '../ui/i18n';

/** The server reminds each member (per round) or unit (per document) at most once per 12 h (server/services/reminders.service.ts). */
export const reminderWindowMs = 12 * 3600_000;

/** Whether a `remindedAt` from the server is still within its 12 h (so that one will not be reminded now). */
export const remindedRecently = (at: string | null | undefined, now = Date.now()): boolean => !!at && Date.parse(at) + reminderWindowMs > now;

export function RemindButton(props: {
  /** How many would be reminded now. */
  count: number;
  /** The latest reminder of those who will not be (for "Đã nhắc lúc …"), or null. */
  lastAt: string | null;
  label: string;
  /** The label once everyone listed was reminded (the button is then disabled). */
  doneLabel: string;
  confirmText: string;
  send: () => Promise<ReminderOutcome>;
  /** The sentence for the result ("Đã nhắc 12 đảng viên"). */
  done: (outcome: ReminderOutcome) => string;
  /** Reload what the button sits on, so its count and times follow. */
  onSent: () => void;
}) {
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState('');
  const [error, setError] = useState<unknown>(null);
  const click = async () => {
    if (!confirm(props.confirmText)) return;
    setBusy(true);
    setError(null);
    try {
      setMessage(props.done(await props.send()));
      props.onSent();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="remind">
      <button type="button" class="remind-button" disabled={busy || props.count === 0} onClick={() => void click()}>
        {props.count === 0 && props.lastAt ? props.doneLabel : props.label}
      </button>
      {message && <p class="muted" role="status">{message}</p>}
      {!message && props.count === 0 && props.lastAt && <p class="muted">{t('remindedAlready', { date: formatDate(props.lastAt), next: formatDate(new Date(Date.parse(props.lastAt) + reminderWindowMs)) })}</p>}
      <ErrorText error={error} />
    </div>
  );
}
