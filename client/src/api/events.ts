/**
 * The live event stream of a document (API.md, "Live events") over EventSource. EventSource
 * cannot send headers, so the token rides in `?token=`; on reconnect the browser resends
 * Last-Event-ID by itself, and the server replays what was missed.
 *
 * The browser's own retry can lag far behind the network: after the device was offline, or a tab
 * slept hidden, Chromium may wait tens of seconds before it tries again. So when the window comes
 * back `online`, or the tab becomes visible, a stream that is not OPEN is replaced at once by a new
 * one resuming after the last event seen (`?lastEventId=`), and `onResume` tells the views to read
 * again what they show, in case the server no longer holds every event missed.
 */
import { documentEventTypes } from '@domain/vocabulary';
import type { DocumentEvent } from '@schemas/events';

export type { DocumentEvent };

export interface EventStream {
  close(): void;
}

export function subscribeToDocument(
  documentId: string,
  token: string,
  onEvent: (event: DocumentEvent) => void,
  onState?: (state: 'open' | 'reconnecting') => void,
  onResume?: () => void,
): EventStream {
  let lastEventId = '';
  let closed = false;
  const connect = (): EventSource => {
    const resume = /^\d+$/.test(lastEventId) ? `&lastEventId=${lastEventId}` : '';
    const source = new EventSource(`/api/v1/documents/${encodeURIComponent(documentId)}/events?token=${encodeURIComponent(token)}${resume}`);
    for (const type of documentEventTypes) {
      source.addEventListener(type, (message) => {
        const event = message as MessageEvent<string>;
        let data: Record<string, unknown> = {};
        try {
          data = JSON.parse(event.data) as Record<string, unknown>;
        } catch {
          /* an event without a body still says something changed */
        }
        if (event.lastEventId) lastEventId = event.lastEventId;
        onEvent({ id: event.lastEventId, type, data });
      });
    }
    source.onopen = () => onState?.('open');
    source.onerror = () => onState?.('reconnecting');
    return source;
  };
  let source = connect();

  const reconnectIfDown = () => {
    if (closed || source.readyState === EventSource.OPEN) return;
    source.close();
    source = connect();
    onResume?.();
  };
  const onVisible = () => {
    if (document.visibilityState === 'visible') reconnectIfDown();
  };
  window.addEventListener('online', reconnectIfDown);
  document.addEventListener('visibilitychange', onVisible);
  return {
    close: () => {
      closed = true;
      window.removeEventListener('online', reconnectIfDown);
      document.removeEventListener('visibilitychange', onVisible);
      source.close();
    },
  };
}

/**
 * How a view listens to its document's stream: `listener` gets each event; `onResume`, after the
 * stream was down and is replaced (see above), to read again what the view shows. Returns the
 * function that stops listening.
 */
export type OnDocumentEvent = (listener: (event: DocumentEvent) => void, onResume?: () => void) => () => void;
