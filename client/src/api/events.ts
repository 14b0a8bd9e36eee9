/**
 * The live event stream of a document (API.md, "Live events") over EventSource. EventSource
 * cannot send headers, so the token rides in `?token=`; on reconnect the browser resends
 * Last-Event-ID by itself, and the server replays what was missed.
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
): EventStream {
  const source = new EventSource(`/api/v1/documents/${encodeURIComponent(documentId)}/events?token=${encodeURIComponent(token)}`);
  for (const type of documentEventTypes) {
    source.addEventListener(type, (message) => {
      const event = message as MessageEvent<string>;
      let data: Record<string, unknown> = {};
      try {
        data = JSON.parse(event.data) as Record<string, unknown>;
      } catch {
        /* an event without a body still says something changed */
      }
      onEvent({ id: event.lastEventId, type, data });
    });
  }
  source.onopen = () => onState?.('open');
  source.onerror = () => onState?.('reconnecting');
  return { close: () => source.close() };
}
