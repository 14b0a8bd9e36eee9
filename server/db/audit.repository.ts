/** The audit trail of a document: who opened, exported, decided, applied, distributed and sent what. */
import { sql } from 'kysely';
import type { Db } from './connect.js';
import type { AuditAction } from './schema.js';

export interface AuditEntry {
  documentId: string;
  memberId: string;
  action: AuditAction;
  target: string;
  at: Date;
}

export async function insertAuditEntry(db: Db, entry: AuditEntry): Promise<void> {
  await db
    .insertInto('audit_entries')
    .values({ document_id: entry.documentId, member_id: entry.memberId, action: entry.action, target: entry.target.slice(0, 500), at: entry.at })
    .execute();
}

/**
 * Records that a member opened a document, unless they already did within `withinMs`: a reader
 * reloading the page is one opening, and the trail stays readable.
 */
export async function insertOpening(db: Db, entry: Omit<AuditEntry, 'action'>, withinMs: number): Promise<void> {
  await sql`
    insert into audit_entries (document_id, member_id, action, target, at)
    select ${entry.documentId}::uuid, ${entry.memberId}::uuid, 'opened', ${entry.target}, ${entry.at}::timestamptz
    where not exists (
      select 1 from audit_entries where document_id = ${entry.documentId}::uuid and member_id = ${entry.memberId}::uuid
        and action = 'opened' and at > ${new Date(entry.at.getTime() - withinMs)}::timestamptz)`.execute(db);
}

export interface AuditRow {
  at: Date;
  memberId: string | null;
  name: string | null;
  action: AuditAction;
  target: string;
}

/** A document's trail, newest first (at most `limit` entries). */
export async function listAudit(db: Db, documentId: string, limit: number): Promise<AuditRow[]> {
  const rows = await db
    .selectFrom('audit_entries as a')
    .leftJoin('members as m', 'm.id', 'a.member_id')
    .select(['a.at', 'a.member_id', 'm.display_name', 'a.action', 'a.target'])
    .where('a.document_id', '=', documentId)
    .orderBy('a.at', 'desc')
    .orderBy('a.id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ at: r.at, memberId: r.member_id, name: r.display_name, action: r.action, target: r.target }));
}
