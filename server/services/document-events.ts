/**
 * In-process notice that events were committed for a document, so live streams (SSE) read the
 * outbox at once instead of polling. The outbox table stays the source: a notice carries no data.
 */
import { EventEmitter } from 'node:events';

export class DocumentEvents extends EventEmitter<{ committed: [documentId: string] }> {
  constructor() {
    super();
    this.setMaxListeners(0);
  }

  committed(documentId: string): void {
    this.emit('committed', documentId);
  }
}
