/**
 * Reading the outbox for one viewer: events of a document after a cursor, filtered by what that
 * viewer may see (API.md "Live events"). The SSE route streams these; a reconnect with
 * Last-Event-ID resumes from the table, so nothing is missed across reconnects or restarts.
 */
import type { Db } from '../db/connect.js';
import type { DocumentRecord } from '../db/documents.repository.js';
import { listRounds, type RoundRecord } from '../db/rounds.repository.js';
import { isRoundParticipant, mayReviewRound, type Actor } from '../domain/permissions.js';

export interface FeedEvent {
  id: number;
  type: string;
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
    const row = await this.db.selectFrom('events').select((eb) => eb.fn.max('id').as('max')).where('document_id', '=', documentId).executeTakeFirst();
    return Number(row?.max ?? 0);
  }

  async page(actor: Actor, document: DocumentRecord, after: number, limit = 500): Promise<FeedPage> {
    const rows = await this.db
      .selectFrom('events')
      .select(['id', 'type', 'payload', 'audience', 'round_id', 'subject_member_id', 'created_at'])
      .where('document_id', '=', document.id)
      .where('id', '>', after)
      .orderBy('id')
      .limit(limit)
      .execute();
    let rounds: Map<string, RoundRecord> | undefined;
    const events: FeedEvent[] = [];
    for (const row of rows) {
      if (row.audience !== 'document') {
        rounds ??= new Map((await listRounds(this.db, document.id)).map((r) => [r.id, r]));
        const round = row.round_id ? rounds.get(row.round_id) : undefined;
        if (!round) continue;
        const reviewer = mayReviewRound(actor, document, round.scopePath);
        const visible =
          reviewer ||
          row.subject_member_id === actor.memberId ||
          (row.audience === 'round' && isRoundParticipant(actor, round.scopePath));
        if (!visible) continue;
      }
      events.push({ id: row.id, type: row.type, data: row.payload, createdAt: row.created_at.toISOString() });
    }
    return { events, cursor: rows.at(-1)?.id ?? after, more: rows.length === limit };
  }
}
