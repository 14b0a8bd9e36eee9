/**
 * The PostgreSQL adapter behind the collaboration runtime's storage port (collab/storage.ts):
 * `document_updates` (append-only log, per-document seq from `documents.last_seq`) plus one
 * `document_snapshots` row per document. It matches the port structurally; db/ never imports
 * collab/, and app.ts plugs one into the other.
 */
import { sql } from 'kysely';
import type { Db } from './connect.js';
import { appendUpdates, appendUpdatesAtOnce, compactDocument, readStoredState, storeMergedState, type AppendRequest, type CompactionResult, type LoadListener, type StoredState } from './document-log.repository.js';
import { lastSeqsOf, readLogAfter, type LogTail } from './log-tail.repository.js';

export type AppendOutcome = { seq: number } | { error: unknown };

export class PgDocumentStorage {
  constructor(private readonly db: Db) {}

  load(documentId: string, listener?: LoadListener): Promise<StoredState> {
    return readStoredState(this.db, documentId, listener);
  }

  /**
   * See DocumentStorage.append: per-request outcomes; rejects only when the transaction failed.
   * The whole batch is tried as one statement (`appendUpdatesAtOnce`; a document that does not
   * exist is refused alone). If the database refuses it, the batch is appended again in one
   * transaction, one document at a time, each in its own savepoint, so a row refused for one
   * document rolls back only that document's rows and the others still commit.
   */
  async append(requests: readonly AppendRequest[]): Promise<AppendOutcome[]> {
    try {
      const seqs = await appendUpdatesAtOnce(this.db, requests);
      return seqs.map((seq) => (seq === undefined ? { error: new Error('append to a document that does not exist') } : { seq }));
    } catch {
      // Refused as a whole (or the connection failed: then the transaction below fails too, and
      // the caller retries the batch).
      return this.appendDocumentByDocument(requests);
    }
  }

  private appendDocumentByDocument(requests: readonly AppendRequest[]): Promise<AppendOutcome[]> {
    return this.db.transaction().execute(async (tx) => {
      const outcomes: AppendOutcome[] = new Array(requests.length);
      const byDocument = new Map<string, number[]>();
      requests.forEach((r, i) => {
        const key = r.documentId.toLowerCase();
        byDocument.set(key, [...(byDocument.get(key) ?? []), i]);
      });
      // Documents one at a time in a stable order, so concurrent appenders lock them in the same order.
      for (const id of [...byDocument.keys()].sort()) {
        const indexes = byDocument.get(id)!;
        await sql`savepoint one_document`.execute(tx);
        try {
          const seqs = await appendUpdates(tx, indexes.map((i) => requests[i]!));
          await sql`release savepoint one_document`.execute(tx);
          indexes.forEach((index, k) => (outcomes[index] = { seq: seqs[k]! }));
        } catch (error) {
          await sql`rollback to savepoint one_document`.execute(tx);
          for (const index of indexes) outcomes[index] = { error };
        }
      }
      return outcomes;
    });
  }

  compact(documentId: string, merge: (state: StoredState) => Promise<Uint8Array>): Promise<CompactionResult> {
    return compactDocument(this.db, documentId, merge);
  }

  storeMerged(documentId: string, merged: { fromSeq: number; throughSeq: number; state: () => Promise<Uint8Array> }): Promise<CompactionResult> {
    return storeMergedState(this.db, documentId, merged);
  }

  readAfter(documentId: string, afterSeq: number): Promise<LogTail> {
    return readLogAfter(this.db, documentId, afterSeq);
  }

  lastSeqs(documentIds: readonly string[]): Promise<Map<string, number>> {
    return lastSeqsOf(this.db, documentIds);
  }
}
