import { sql } from 'kysely';
import type { Db } from './connect.js';

export interface VersionSummary {
  number: number;
  label: string;
  createdAt: Date;
  roundNumber: number | null;
  createdBy: string | null;
}

export interface VersionContent<S> {
  number: number;
  text: string;
  sections: S[];
}

/**
 * Stores the next version of a document. The caller holds the document row lock (`for update`)
 * so numbers are handed out one at a time.
 */
export async function insertVersion(
  tx: Db,
  version: { documentId: string; label: string; state: Uint8Array; text: string; sections: unknown[]; roundNumber: number | null; createdBy: string },
): Promise<VersionSummary> {
  const { max } = await tx
    .selectFrom('document_versions')
    .select((eb) => eb.fn.max('number').as('max'))
    .where('document_id', '=', version.documentId)
    .executeTakeFirstOrThrow();
  const row = await tx
    .insertInto('document_versions')
    .values({
      document_id: version.documentId,
      number: (max ?? 0) + 1,
      label: version.label,
      state: Buffer.from(version.state),
      text: version.text,
      sections: JSON.stringify(version.sections),
      round_number: version.roundNumber,
      created_by: version.createdBy,
    })
    .returning(['number', 'label', 'created_at', 'round_number', 'created_by'])
    .executeTakeFirstOrThrow();
  return { number: row.number, label: row.label, createdAt: row.created_at, roundNumber: row.round_number, createdBy: row.created_by };
}

export async function listVersions(db: Db, documentId: string): Promise<VersionSummary[]> {
  const rows = await db
    .selectFrom('document_versions')
    .select(['number', 'label', 'created_at', 'round_number', 'created_by'])
    .where('document_id', '=', documentId)
    .orderBy('number')
    .execute();
  return rows.map((r) => ({ number: r.number, label: r.label, createdAt: r.created_at, roundNumber: r.round_number, createdBy: r.created_by }));
}

export async function findVersionContent<S>(db: Db, documentId: string, number: number): Promise<VersionContent<S> | undefined> {
  const row = await db
    .selectFrom('document_versions')
    .select(['number', 'text', 'sections'])
    .where('document_id', '=', documentId)
    .where('number', '=', number)
    .executeTakeFirst();
  return row && { number: row.number, text: row.text, sections: row.sections as S[] };
}

/** The frozen Yjs state of a version (for anchoring into it). */
export async function findVersionState(db: Db, documentId: string, number: number): Promise<Uint8Array | undefined> {
  const row = await db
    .selectFrom('document_versions')
    .select('state')
    .where('document_id', '=', documentId)
    .where('number', '=', number)
    .executeTakeFirst();
  return row?.state;
}

/** Bytes of a version's frozen Yjs state, without reading it (undefined: no such version). */
export async function findVersionStateBytes(db: Db, documentId: string, number: number): Promise<number | undefined> {
  const row = await db
    .selectFrom('document_versions')
    .select(sql<number>`octet_length(state)`.as('bytes'))
    .where('document_id', '=', documentId)
    .where('number', '=', number)
    .executeTakeFirst();
  return row && Number(row.bytes);
}

/**
 * A version's frozen state of `bytes` bytes, read `chunkBytes` at a time: the driver parses each
 * row whole on the event loop (a 16 MiB state in one row is about 0.3–0.5 s of it). Smaller
 * pieces are cheaper per byte too: a piece spanning many socket reads is gathered and decoded
 * in one go, and on a loaded 2-core machine 16 MiB in 256 KiB pieces stalled the loop 60–125 ms
 * at most, in 1 MiB pieces 210–225 ms (and took twice the wall time). Undefined when the
 * version is gone or not that size.
 */
export async function findVersionStateInChunks(db: Db, documentId: string, number: number, bytes: number, chunkBytes = 256 * 1024): Promise<Uint8Array | undefined> {
  const state = new Uint8Array(bytes);
  for (let offset = 0; offset < bytes; offset += chunkBytes) {
    const row = await db
      .selectFrom('document_versions')
      .select(sql<Uint8Array>`substring(state from ${offset + 1} for ${chunkBytes})`.as('chunk'))
      .where('document_id', '=', documentId)
      .where('number', '=', number)
      .executeTakeFirst();
    if (!row || row.chunk.byteLength !== Math.min(chunkBytes, bytes - offset)) return undefined;
    state.set(row.chunk, offset);
  }
  return state;
}
