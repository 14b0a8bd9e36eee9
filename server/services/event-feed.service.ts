/**
 * Reading the outbox for one viewer: events of a document after a cursor, filtered by what that
 * viewer may see (API.md "Live events"). The SSE route streams these; a reconnect with
 * Last-Event-ID resumes from the table, so nothing is missed across reconnects or restarts.
 */
import type { Db } from '../db/connect.js';
import type { DocumentRecord } from '../db/documents.repository.js';
import { eventsAfter, latestEventId } from '../db/events.repository.js';
import { listRounds, type RoundRecord } from '../db/rounds.repository.js';
import type { DocumentEventType } from '../domain/vocabulary.js';
import { maySeeRoundEvent, type Actor } from '../domain/permissions.js';

export interface FeedEvent {
  id: number;
  type: DocumentEventType;
  data: unknown;
  createdAt: string;
}

export interface FeedPage {
  events: FeedEvent[];
  /** The highest row id read (visible or not): the next page starts after it. */
  cursor: number;
  /** The page was full: more rows may follow. */
  more: boolean;
}

export class EventFeed {
  constructor(private readonly db: Db) {}

  async latestId(documentId: string): Promise<number> {
    return latestEventId(this.db, { documentId });
  }

  async page(actor: Actor, document: DocumentRecord, after: number, limit = 500): Promise<FeedPage> {
    const rows = await eventsAfter(this.db, document.id, after, limit);
    let rounds: Map<string, RoundRecord> | undefined;
    const events: FeedEvent[] = [];
    for (const row of rows) {
      if (row.audience !== 'document') {
        rounds ??= new Map((await listRounds(this.db, document.id)).map((r) => [r.id, r]));
        const round = row.roundId ? rounds.get(row.roundId) : undefined;
        if (!round) continue;
        if (!maySeeRoundEvent(actor, document, round.scopePath, { audience: row.audience, subjectMemberId: row.subjectMemberId })) continue;
      }
      events.push({ id: row.id, type: row.type, data: row.payload, createdAt: row.createdAt.toISOString() });
    }
    return { events, cursor: rows.at(-1)?.id ?? after, more: rows.length === limit };
  }
}
