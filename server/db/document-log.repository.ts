/**
 * Storage of live document state: an append-only log of Yjs updates per document plus one
 * compacted snapshot. Loading = snapshot + the log rows after it. Compaction merges rows into the
 * snapshot and deletes exactly the rows it merged, in one transaction.
 */
import { sql } from 'kysely';
import { docFromStoredState, mergeStoredState, packedState, rowCount, type LoadListener, type StoredState } from '../domain/stored-state.js';
import type { Db } from './connect.js';
import { preparedStatement } from './prepared-statements.js';

export { docFromStoredState, type StoredState };

export interface AppendRequest {
  documentId: string;
  data: Uint8Array;
}

/**
 * Appends one row per request (several requests for the same document get consecutive seqs in
 * the order given) and returns each request's seq, by `appendUpdatesAtOnce`'s statement. Throws
 * when a document does not exist; the other documents' rows were appended, so run it in a
 * transaction (or a savepoint) that the throw rolls back. The counter update locks the document
 * rows until commit, which orders concurrent appenders.
 */
export async function appendUpdates(tx: Db, requests: readonly AppendRequest[]): Promise<number[]> {
  const seqs = await appendUpdatesAtOnce(tx, requests);
  if (seqs.includes(undefined)) throw new Error('append to a document that does not exist');
  return seqs as number[];
}

/**
 * The append of one row, the live case (a room merges what arrived during the previous commit
 * into one update): the document's counter and the row in one statement.
 */
const appendOne = preparedStatement<{ seq: number }>(
  'draftroom_append_one',
  `with bumped as (update documents set last_seq = last_seq + 1 where id = $1::uuid returning id, last_seq)
   insert into document_updates (document_id, seq, data) select id, last_seq, $2::bytea from bumped returning seq`,
);

/**
 * The append of several rows, of one or more documents. A data-modifying CTE runs once whether
 * or not it is read; `numbered`, read twice, is materialised once, so the seqs answered are the
 * seqs inserted. Counters are bumped in document order, so concurrent appenders lock alike.
 */
const appendMany = preparedStatement<{ ord: number; seq: number }>(
  'draftroom_append_many',
  `with requested as (
     select * from unnest($1::uuid[], $2::bytea[]) with ordinality as r(document_id, data, ord)
   ), counts as (
     select document_id, count(*) as n from requested group by document_id order by document_id
   ), bumped as (
     update documents d set last_seq = d.last_seq + c.n from counts c where d.id = c.document_id
     returning d.id, d.last_seq - c.n as before
   ), numbered as (
     select r.ord, r.document_id, r.data, b.before + row_number() over (partition by r.document_id order by r.ord) as seq
     from requested r join bumped b on b.id = r.document_id
   ), inserted as (
     insert into document_updates (document_id, seq, data) select document_id, seq, data from numbered
   )
   select ord, seq from numbered`,
);

/**
 * Appends one row per request, in one statement (on its own it commits alone: one round trip and
 * one WAL flush, where a transaction around two statements took five; the commit is what every
 * live edit waits for before it is broadcast). The statements are prepared (named: parsed and
 * planned once per connection, which halves the commit's time on loopback). Several requests
 * for the same document get consecutive seqs in the order given; ids are compared in lower case
 * (an id spelt in upper case is the same document, never a second counter). Answers each
 * request's seq, or `undefined` when its document does not exist (the other documents' rows are
 * appended all the same). Rejects, with nothing appended, when the database refuses any row.
 */
export async function appendUpdatesAtOnce(db: Db, requests: readonly AppendRequest[]): Promise<Array<number | undefined>> {
  if (requests.length === 0) return [];
  const documentIds = requests.map((r) => r.documentId.toLowerCase());
  const data = requests.map((r) => Buffer.from(r.data.buffer, r.data.byteOffset, r.data.byteLength));
  if (requests.length === 1) {
    const { rows } = await db.executeQuery(appendOne([documentIds[0], data[0]]));
    return [rows[0]?.seq];
  }
  const { rows } = await db.executeQuery(appendMany([documentIds, data]));
  const seqs: Array<number | undefined> = new Array(requests.length).fill(undefined);
  for (const row of rows) seqs[Number(row.ord) - 1] = Number(row.seq);
  return seqs;
}

/**
 * Reads the snapshot and every later log row in one consistent view (REPEATABLE READ).
 * `listener` is told the snapshot's size, then the snapshot as soon as it is read, then each piece
 * of rows as it is read (a load works on them meanwhile: LoadListener); it must not throw.
 */
export async function readStoredState(db: Db, documentId: string, listener: LoadListener = {}): Promise<StoredState> {
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute((tx) => readStoredStateIn(tx, documentId, listener));
}

export type { LoadListener };

export interface CompactionResult {
  mergedRows: number;
  throughSeq: number;
  snapshotBytes: number;
}

/** The stored state as one update, computed on this thread (tests and tools; the server uses workers). */
export async function mergeInProcess(state: StoredState): Promise<Uint8Array> {
  return mergeStoredState(state).update;
}

/**
 * Folds the log into the snapshot. Rebuilding the state in a fresh Y.Doc garbage-collects deleted
 * content, so text deleted from a confidential draft leaves the database here (`merge` does it,
 * possibly on a worker thread, while the transaction waits). Appends may run
 * concurrently: they get seqs above the ones read, and only rows read are deleted.
 */
export async function compactDocument(
  db: Db,
  documentId: string,
  merge: (state: StoredState) => Promise<Uint8Array> = mergeInProcess,
): Promise<CompactionResult> {
  return db.transaction().execute(async (tx) => {
    await lockCompaction(tx, documentId);
    const state = await readStoredStateIn(tx, documentId);
    if (rowCount(state) === 0) return { mergedRows: 0, throughSeq: state.throughSeq, snapshotBytes: state.snapshot?.byteLength ?? 0 };
    const merged = await merge(state);
    await replaceSnapshot(tx, documentId, merged, state.lastSeq);
    return { mergedRows: rowCount(state), throughSeq: state.lastSeq, snapshotBytes: merged.byteLength };
  });
}

/**
 * Compaction with the merge already done (by a load, which read the same rows): `merged` is the
 * snapshot through `fromSeq` with every row up to `throughSeq` folded in. Stores it as the
 * snapshot through `throughSeq` and deletes those rows, exactly as compactDocument would have;
 * unless the stored snapshot is no longer the one through `fromSeq` (another instance compacted
 * meanwhile): then nothing changes and `mergedRows` is 0. Rows up to `throughSeq` never change
 * (seqs are handed out in commit order), so reading them again would only cost time.
 */
export async function storeMergedState(
  db: Db,
  documentId: string,
  merged: { fromSeq: number; throughSeq: number; state: () => Promise<Uint8Array> },
): Promise<CompactionResult> {
  return db.transaction().execute(async (tx) => {
    await lockCompaction(tx, documentId);
    const head = await tx.selectFrom('document_snapshots').select(['through_seq', sql<number>`octet_length(state)`.as('bytes')]).where('document_id', '=', documentId).executeTakeFirst();
    if ((head?.through_seq ?? 0) !== merged.fromSeq || merged.throughSeq <= merged.fromSeq) {
      return { mergedRows: 0, throughSeq: head?.through_seq ?? 0, snapshotBytes: Number(head?.bytes ?? 0) };
    }
    const state = await merged.state();
    const deleted = await replaceSnapshot(tx, documentId, state, merged.throughSeq);
    return { mergedRows: deleted, throughSeq: merged.throughSeq, snapshotBytes: state.byteLength };
  });
}

/** One compaction per document at a time (across instances), until the transaction ends. */
async function lockCompaction(tx: Db, documentId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext('draftroom.compact'), hashtext(${documentId}))`.execute(tx);
}

/** Writes `state` as the snapshot through `throughSeq` and deletes the rows it holds; returns how many. */
async function replaceSnapshot(tx: Db, documentId: string, state: Uint8Array, throughSeq: number): Promise<number> {
  const snapshot = Buffer.from(state.buffer, state.byteOffset, state.byteLength);
  await tx
    .insertInto('document_snapshots')
    .values({ document_id: documentId, state: snapshot, through_seq: throughSeq, updated_at: new Date() })
    // `excluded.state`, not the bytes again: each parameter is one more copy of the whole state into the message.
    .onConflict((oc) => oc.column('document_id').doUpdateSet((eb) => ({ state: eb.ref('excluded.state'), through_seq: throughSeq, updated_at: new Date() })))
    .execute();
  const deleted = await tx.deleteFrom('document_updates').where('document_id', '=', documentId).where('seq', '<=', throughSeq).executeTakeFirst();
  return Number(deleted.numDeletedRows);
}

/**
 * Bytes of a snapshot read per query. A bytea arrives as hex text that the driver decodes on the
 * event loop: a 16 MiB snapshot in one piece blocks it for 0.2–0.6 s, 1 MiB pieces for
 * milliseconds each, with other work running between them.
 */
const SNAPSHOT_PIECE_BYTES = 1024 * 1024;

/**
 * Log rows read per query. Each query answers its rows packed: the rows' bytes concatenated in
 * seq order and their lengths, so 200,000 rows arrive as a few values the driver decodes in one
 * go each (as one row apiece they cost the event loop ≈ 0.5 s of parsing), and a worker gets
 * them as one buffer.
 */
const ROWS_PER_READ = 25_000;

async function readStoredStateIn(tx: Db, documentId: string, listener: LoadListener = {}): Promise<StoredState> {
  const head = await tx
    .selectFrom('documents as d')
    .leftJoin('document_snapshots as s', 's.document_id', 'd.id')
    .select(['d.last_seq', 's.through_seq', sql<number | null>`octet_length(s.state)`.as('bytes')])
    .where('d.id', '=', documentId)
    .executeTakeFirst();
  let snapshot: { state: Uint8Array; through_seq: number } | undefined;
  const hasSnapshot = head?.through_seq != null && head.bytes != null;
  listener.head?.(hasSnapshot ? Number(head.bytes) : 0, (head?.last_seq ?? 0) > (hasSnapshot ? head.through_seq! : 0));
  if (head?.through_seq != null && head.bytes != null) {
    const state = new Uint8Array(Number(head.bytes));
    for (let offset = 0; offset < state.byteLength; offset += SNAPSHOT_PIECE_BYTES) {
      const piece = await tx
        .selectFrom('document_snapshots')
        .select(sql<Buffer>`substring(state from ${offset + 1} for ${SNAPSHOT_PIECE_BYTES})`.as('piece'))
        .where('document_id', '=', documentId)
        .executeTakeFirstOrThrow();
      state.set(piece.piece, offset);
    }
    snapshot = { state, through_seq: head.through_seq };
  }
  const throughSeq = snapshot?.through_seq ?? 0;
  listener.snapshot?.(snapshot?.state, throughSeq, (head?.last_seq ?? 0) > throughSeq);
  // Rows stay packed as read (a buffer and end offsets per query), joined once at the end.
  const pieces: Uint8Array[] = [];
  const lengths: DataView[] = [];
  let rowsRead = 0;
  let lastSeq = throughSeq;
  for (;;) {
    // Lengths packed too (int4send: 4 bytes big-endian each): as an int[] the driver parses 200,000
    // numbers in JavaScript, ≈ 0.3 s of the event loop.
    const { rows } = await sql<{ data: Buffer | null; lengths: Buffer | null; last: number | null; n: number }>`
      select string_agg(data, ''::bytea order by seq) as data, string_agg(int4send(octet_length(data)), ''::bytea order by seq) as lengths,
        max(seq) as last, count(*)::int as n
      from (select seq, data from document_updates
            where document_id = ${documentId} and seq > ${lastSeq}
            order by seq limit ${ROWS_PER_READ}) rows`.execute(tx);
    const read = rows[0]!;
    if (read.n === 0) break;
    pieces.push(read.data!);
    const pieceLengths = new DataView(read.lengths!.buffer, read.lengths!.byteOffset, read.lengths!.byteLength);
    lengths.push(pieceLengths);
    if (listener.rows) {
      const ends = new Uint32Array(read.n);
      let end = 0;
      for (let i = 0; i < read.n; i++) ends[i] = end += pieceLengths.getInt32(i * 4);
      listener.rows({ bytes: new Uint8Array(read.data!.buffer, read.data!.byteOffset, read.data!.byteLength), ends });
    }
    rowsRead += read.n;
    lastSeq = Number(read.last);
    if (read.n < ROWS_PER_READ) break;
  }
  const bytes = pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces);
  const ends = new Uint32Array(rowsRead);
  let end = 0;
  let row = 0;
  for (const view of lengths) for (let i = 0; i < view.byteLength; i += 4) ends[row++] = end += view.getInt32(i);
  return packedState({ snapshot: snapshot?.state, throughSeq, lastSeq }, { bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), ends });
}

/** Number of log rows not yet folded into the snapshot. */
export async function pendingLogRows(db: Db, documentId: string): Promise<number> {
  const row = await db
    .selectFrom('documents as d')
    .leftJoin('document_snapshots as s', 's.document_id', 'd.id')
    .select(sql<number>`d.last_seq - coalesce(s.through_seq, 0)`.as('pending'))
    .where('d.id', '=', documentId)
    .executeTakeFirst();
  return row?.pending ?? 0;
}
