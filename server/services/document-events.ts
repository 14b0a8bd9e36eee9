/**
 * Live events of documents. Every change is an outbox row (`events`), written in the transaction of
 * the change; this module runs such transactions and, once one has committed, tells the live
 * streams (SSE) in this process so they read the outbox at once instead of polling. The outbox
 * table stays the source: a notice carries no data.
 */
import { EventEmitter } from 'node:events';
import type { Db } from '../db/connect.js';
import { insertEvent, insertEvents, type NewEvent } from '../db/events.repository.js';

/** Writes one event, or several of one document, into the outbox of the running transaction. */
export type WriteEvent = (event: NewEvent | readonly NewEvent[]) => Promise<void>;

export class DocumentEvents extends EventEmitter<{ committed: [documentId: string] }> {
  constructor() {
    super();
    this.setMaxListeners(0);
  }

  /**
   * Runs `work` in one transaction of `db`; the events it writes with `writeEvent` go into the
   * outbox inside that transaction, and the streams of their documents are told once it has
   * committed: never before (they would read an outbox without them), never after a rollback, and
   * not at all when no event was written. Rejects with whatever `work` or the commit throws.
   */
  async transaction<T>(db: Db, work: (tx: Db, writeEvent: WriteEvent) => Promise<T>): Promise<T> {
    const touched = new Set<string>();
    const result = await db.transaction().execute((tx) =>
      work(tx, async (event) => {
        const list: readonly NewEvent[] = 'documentId' in event ? [event] : event;
        if (list.length === 0) return;
        // insertEvent(s) take the document's outbox lock until commit (events.repository.ts).
        if (list.length === 1) await insertEvent(tx, list[0]!);
        else await insertEvents(tx, list);
        for (const e of list) touched.add(e.documentId);
      }),
    );
    for (const documentId of touched) this.committed(documentId);
    return result;
  }

  /** Tells the streams of `documentId` that events were committed (for writes that made their event themselves). */
  committed(documentId: string): void {
    this.emit('committed', documentId);
  }
}
