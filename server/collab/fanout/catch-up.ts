/**
 * Brings loaded rooms up to what PostgreSQL holds: the log rows after a room's applied watermark
 * (and the snapshot first when compaction folded some of them away), applied and broadcast in seq
 * order. Rows read from the database are committed, so the durability rule holds. Requests for a
 * document coalesce: at most one read runs per document, and one more follows if asked meanwhile.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Room } from '../room.js';
import type { DocumentStorage } from '../storage.js';

export interface LoadedRooms {
  room(documentId: string): Room | undefined;
  liveRooms(): Room[];
}

export interface CatchUpObserver {
  caughtUp(rows: number, fromSnapshot: boolean): void;
}

export class CatchUp {
  private readonly running = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();
  private stopped = false;

  constructor(
    private readonly storage: Pick<DocumentStorage, 'readAfter' | 'lastSeqs'>,
    private readonly rooms: LoadedRooms,
    private readonly logger: FastifyBaseLogger,
    private readonly observer: CatchUpObserver,
  ) {}

  /** Catches the document's room up, if it is loaded here. */
  request(documentId: string): void {
    if (this.stopped || !this.rooms.room(documentId)) return;
    if (this.running.has(documentId)) {
      this.again.add(documentId);
      return;
    }
    const run = this.run(documentId).finally(() => {
      this.running.delete(documentId);
      if (this.again.delete(documentId)) this.request(documentId);
    });
    this.running.set(documentId, run);
  }

  /**
   * The safety net for lost messages: compares `documents.last_seq` of every loaded room with
   * its watermark and catches up the rooms behind.
   */
  async checkAll(): Promise<void> {
    const rooms = this.rooms.liveRooms();
    if (rooms.length === 0 || this.stopped) return;
    try {
      const lastSeqs = await this.storage.lastSeqs(rooms.map((r) => r.documentId));
      for (const room of rooms) if ((lastSeqs.get(room.documentId) ?? 0) > room.applied.through) this.request(room.documentId);
    } catch (error) {
      this.logger.error({ err: error }, 'could not compare loaded documents with the database; retried at the next check');
    }
  }

  /** No new catch-ups; resolves when the running ones are done. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.again.clear();
    while (this.running.size > 0) await Promise.allSettled([...this.running.values()]);
  }

  private async run(documentId: string): Promise<void> {
    const room = this.rooms.room(documentId);
    if (!room) return;
    try {
      const tail = await this.storage.readAfter(documentId, room.applied.through);
      // Unloaded (or failed and reloaded) while we read: the new room loaded the current state.
      if (this.rooms.room(documentId) !== room || (tail.rows.length === 0 && !tail.base)) return;
      const applied = room.applyCommitted(tail.rows, tail.base);
      this.observer.caughtUp(applied, tail.base !== undefined);
    } catch (error) {
      this.logger.error({ err: error, documentId }, 'catching up a document from the database failed; retried at the next notice or check');
    }
  }
}
