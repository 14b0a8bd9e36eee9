/**
 * A document in memory: its committed state, awareness, and the connections on it.
 *
 * Durability rule (DESIGN.md): an update is appended to PostgreSQL and committed before it joins
 * the room's state and is broadcast. So the room's state is always exactly the committed state,
 * and everything any client receives from the server — a sync answer or a broadcast — is already
 * on disk. Updates that arrive while a commit is in flight are merged into the next one.
 *
 * The committed state is kept encoded (the base and the updates since, see RoomState); a small
 * document also has it as a Y.Doc from the start, a big one only once something on the server
 * reads or edits it (`liveDoc`): applying a 16 MiB state takes 1–2 s of the event loop, which
 * opening and syncing a document must not cost. Until then updates are checked against a
 * KnownState (state vector and deleted ranges) computed by the worker that merged the state.
 * The server's reads of a big draft (`read`: content, paragraphs, a version's freeze, annotation
 * placements) run on a worker from the encoded state and are remembered until the next change;
 * so are the server's edits (applying a suggestion): the worker makes the edit on a Y.Doc of the
 * encoded state and the room commits and broadcasts the update it made.
 */
import * as Y from 'yjs';
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate } from 'y-protocols/awareness';
import type { FastifyBaseLogger } from 'fastify';
import {
  ClientIdOwnership,
  KnownState,
  encodeAwareness,
  encodeSyncStep1,
  encodeSyncStep2,
  encodeUpdate,
  stampAwareness,
  updateEffect,
  type AwarenessEntry,
} from '../protocol/index.js';
import { AppError, CloseCode, fromRefusal } from '../errors.js';
import { WireFrame, type Connection } from './connection.js';
import { SeqTracker } from './fanout/seq-tracker.js';
import { readDoc, readKey, type LiveRead, type LiveReadResult } from '../services/live-reads.js';
import type { StateWorkers } from './state-workers.js';
import { editUpdate, type EditedUpdate, type LiveEdit, type LiveEditOutcome } from '../services/live-edits.js';
import type { UpdateLog } from './update-log.js';

/** Size limits on a document's encoded Yjs state (DESIGN.md "Durability and live sync"). */
export interface DocumentSizeLimits {
  /** A warning is logged once the encoded state passes this many bytes. */
  warnDocumentBytes: number;
  /** Changes that would grow the state past this many bytes are refused (close 4413). */
  maxDocumentBytes: number;
}

/**
 * The room's encoded state, kept so a big document is answered without encoding it on the event
 * loop: `base` (the state as loaded or last compacted, through seq `baseSeq`) plus the committed
 * updates since. Compaction replaces the base.
 */
export interface RoomState {
  base: Uint8Array;
  baseSeq: number;
  workers: StateWorkers;
  limits: DocumentSizeLimits;
}

/**
 * Below this size a loaded state becomes a Y.Doc at once and sync answers are encoded from it on
 * the spot (cheap and exact); above it the room works from the encoded state.
 */
export const IN_PLACE_DOC_BYTES = 1024 * 1024;

/** Reads remembered per room for the current state (answers of different kinds or inputs). */
const MAX_REMEMBERED_READS = 8;

/**
 * A document's stored state as loaded: `update` (the room's base, RoomState.base) followed by
 * `sinceBase`, when given — what the log's rows added to the snapshot (StoredStateLoader), kept as
 * the first committed update after the base (at the load's last seq) until a compaction folds it in.
 */
export interface LoadedState {
  update: Uint8Array;
  sinceBase?: { seq: number; update: Uint8Array } | undefined;
  /** State vector and delete set of the whole state: required when it is IN_PLACE_DOC_BYTES or more. */
  summary?: { stateVector: Uint8Array; deleteSet: Uint8Array } | undefined;
}

/** Keys of rooms' drafts on the edit worker, unique in this process (a room loaded again is another draft). */
let workerDrafts = 0;

/** A Yjs update that changes nothing: the sync step 2 that ends an answer with nothing left to send. */
const EMPTY_UPDATE = Uint8Array.of(0, 0);

/**
 * What may wait for missing dependencies, per document: an update whose dependencies are not here
 * yet (another tab's relayed change, another instance's rows not read back yet) is held in memory
 * — never stored — for at most MAX_WAIT_MS and while all waiting updates total at most
 * MAX_WAITING_BYTES; past either, its sender is closed with 4422 and resyncs.
 */
export const MAX_WAITING_BYTES = 1024 * 1024;
export const MAX_WAIT_MS = 2_000;

interface Waiting {
  origin: Connection;
  update: Uint8Array;
  deadline: number;
}

export interface RoomHooks {
  /** After each commit (for compaction scheduling, metrics and cross-instance fan-out). */
  committed(room: Room, updates: number, seq: number): void;
  /** The last connection left. */
  empty(room: Room): void;
  /** A commit failed for good: the registry must drop this room. */
  failed(room: Room, error: unknown): void;
  /** A client sent something refused as bad input (logged rate-limited: BadInputLog). */
  badInput(kind: string, fields: Record<string, unknown>): void;
}

export class Room {
  readonly connections = new Set<Connection>();
  readonly awareness: Awareness;
  /** Log rows written since the last compaction (approximate; compaction recounts). */
  rowsSinceSnapshot: number;
  /** The log rows (seqs) this doc holds: loaded, committed here, or read back from another instance. */
  readonly applied: SeqTracker;
  private pending: Uint8Array[] = [];
  private pendingOrigins = new Set<Connection>();
  private committing = false;
  private drainWaiters: Array<() => void> = [];
  /** Awareness client ids each connection announced, removed for everyone when it leaves. */
  private readonly ownership = new Map<Connection, ClientIdOwnership>();
  private readonly ownerOf = new Map<number, Connection>();
  /** Ids removed lately, with when: an echo of a departed peer's state must not re-claim them. */
  private readonly removedAt = new Map<number, number>();
  private failedWith: unknown;
  private base: Uint8Array;
  private tail: Array<{ seq: number; data: Uint8Array }> = [];
  private tailBytes = 0;
  private warnedSize = false;
  /** Which live connection writes with each Yjs clientID (one clientID, one writer), and back. */
  private readonly writerOf = new Map<number, Connection>();
  private readonly writesOf = new Map<Connection, Set<number>>();
  /** Clocks reached by updates accepted but not yet committed (the doc lags them until commit). */
  private readonly staged = new Map<number, number>();
  /** Updates waiting for their dependencies (see MAX_WAITING_BYTES), in arrival order. */
  private waiting: Waiting[] = [];
  private waitingBytes = 0;
  private waitTimer: NodeJS.Timeout | undefined;
  /** The committed state as a Y.Doc, once built (see the module comment); else `known` stands in. */
  private doc: Y.Doc | undefined;
  private known: KnownState | undefined;
  /** Awareness needs a Y.Doc only for its own client id (the server has no presence). */
  private readonly awarenessDoc = new Y.Doc();
  /**
   * Counts the changes applied to the committed state. Not the state vector: a change that only
   * deletes leaves the state vector as it was.
   */
  private revision = 0;
  /**
   * Reads and server edits of a state this big or bigger go to a worker (`read`, `editAsServer`);
   * smaller ones are computed here. IN_PLACE_DOC_BYTES; tests set it to compare the two paths on one room.
   */
  readOnWorkerFrom = IN_PLACE_DOC_BYTES;
  /** Reads of a big document computed for `readsRevision`, by readKey (promises: concurrent reads share one). */
  private reads = new Map<string, Promise<unknown>>();
  private readsRevision = 0;
  /** The server edits begun, in order (see editAsServer). */
  private serverEdits: Promise<unknown> = Promise.resolve();
  /** Committed updates added to `tail` since the load (the tail's first is number `tailAdded - tail.length`). */
  private tailAdded = 0;
  /** This room's draft on the edit worker (StateWorkers.edit): its key, and through which update the worker holds it. */
  private workerDraftKey: string | undefined;
  /** Times the edit worker built this room's draft from the whole state (tests: later edits reuse it). */
  workerDraftsBuilt = 0;
  private workerDraftHeld: number | undefined;

  constructor(
    readonly documentId: string,
    loaded: LoadedState,
    rowsSinceSnapshot: number,
    appliedThrough: number,
    private readonly log: UpdateLog,
    private readonly hooks: RoomHooks,
    private readonly logger: FastifyBaseLogger,
    private readonly state: RoomState,
  ) {
    this.base = state.base;
    this.rowsSinceSnapshot = rowsSinceSnapshot;
    this.applied = new SeqTracker(appliedThrough);
    if (loaded.sinceBase) this.remember(loaded.sinceBase.seq, loaded.sinceBase.update);
    if (this.encodedBytes < IN_PLACE_DOC_BYTES || !loaded.summary) {
      this.doc = new Y.Doc();
      Y.applyUpdate(this.doc, loaded.update);
      if (loaded.sinceBase) Y.applyUpdate(this.doc, loaded.sinceBase.update);
    } else {
      this.known = KnownState.fromSummary(loaded.summary.stateVector, loaded.summary.deleteSet);
    }
    this.awareness = new Awareness(this.awarenessDoc);
    // The server itself has no presence.
    this.awareness.setLocalState(null);
  }

  get failed(): boolean {
    return this.failedWith !== undefined;
  }

  /** Whether the committed state is held as a Y.Doc now (small documents: always; big ones: once read). */
  get hasDoc(): boolean {
    return this.doc !== undefined;
  }

  /**
   * The committed state as a Y.Doc, for reads and server edits (it must not be changed other than
   * through `editAsServer`). Built on first use for a big document: that costs the event loop
   * about a second per 10 MiB, once; from then on every commit is applied to it.
   */
  liveDoc(): Y.Doc {
    if (this.doc) return this.doc;
    const started = performance.now();
    const doc = new Y.Doc();
    doc.transact(() => {
      Y.applyUpdate(doc, this.base);
      for (const t of this.tail) Y.applyUpdate(doc, t.data);
    });
    this.doc = doc;
    this.known = undefined;
    this.logger.info({ documentId: this.documentId, bytes: this.encodedBytes, ms: Math.round(performance.now() - started) }, 'big document built as a Y.Doc for a read or an edit');
    return doc;
  }

  /**
   * What `read` computes on the committed state (live-reads.ts): in place for a small document;
   * for a big one (encodedBytes ≥ readOnWorkerFrom) on a worker thread from the encoded state
   * (the base and the updates since), so the event loop neither builds nor walks a Y.Doc of it
   * (even one built for an edit), and remembered until the state changes (the same read again is
   * free). The answer is of the state committed when the read started. Rejects with what the
   * read throws.
   */
  read<R extends LiveRead>(read: R): Promise<LiveReadResult<R>> {
    if (this.encodedBytes < this.readOnWorkerFrom) {
      try {
        return Promise.resolve(readDoc(this.liveDoc(), read));
      } catch (error) {
        return Promise.reject(error as Error);
      }
    }
    if (this.readsRevision !== this.revision) {
      this.reads = new Map();
      this.readsRevision = this.revision;
    }
    const key = readKey(read);
    const known = this.reads.get(key);
    if (known) return known as Promise<LiveReadResult<R>>;
    const started = performance.now();
    const answer = this.state.workers.read(this.base, this.tail.map((t) => t.data), read);
    const reads = this.reads;
    reads.set(key, answer);
    if (reads.size > MAX_REMEMBERED_READS) reads.delete(reads.keys().next().value!);
    answer.then(
      () => this.logger.debug({ documentId: this.documentId, read: read.kind, bytes: this.encodedBytes, ms: Math.round(performance.now() - started) }, 'big document read on a worker'),
      () => reads.get(key) === answer && reads.delete(key),
    );
    return answer;
  }

  /** The committed state vector. */
  private stateVector(): Uint8Array {
    return this.doc ? Y.encodeStateVector(this.doc) : Y.encodeStateVector(this.known!.stateVector);
  }

  /** Adds a committed update (complete: its dependencies are all here) to the room's state. */
  private applyToState(data: Uint8Array): void {
    if (this.doc) Y.applyUpdate(this.doc, data, this);
    else this.known!.add(data);
    this.revision++;
  }

  /** Adds a connection and starts the sync handshake: our state vector, then everyone's presence. */
  join(connection: Connection): void {
    this.connections.add(connection);
    connection.send(encodeSyncStep1(this.stateVector()));
    const states = [...this.awareness.getStates().keys()];
    if (states.length > 0) connection.send(encodeAwareness(encodeAwarenessUpdate(this.awareness, states)));
  }

  leave(connection: Connection): void {
    if (!this.connections.delete(connection)) return;
    for (const client of this.writesOf.get(connection) ?? []) if (this.writerOf.get(client) === connection) this.writerOf.delete(client);
    this.writesOf.delete(connection);
    this.dropWaiting((w) => w.origin === connection);
    const owned = this.ownership.get(connection);
    this.ownership.delete(connection);
    const removal = owned?.removal();
    if (owned && removal) {
      const now = Date.now();
      for (const id of owned.clocks.keys()) {
        this.ownerOf.delete(id);
        this.removedAt.set(id, now);
      }
      applyAwarenessUpdate(this.awareness, removal, connection);
      this.broadcast(encodeAwareness(removal), undefined);
    }
    if (this.connections.size === 0) this.hooks.empty(this);
  }

  /** Bytes of the encoded state (the base plus the updates since: an upper bound until compacted). */
  get encodedBytes(): number {
    return this.base.byteLength + this.tailBytes;
  }

  /**
   * The answer to a client's sync step 1: what it lacks of the committed state. A big document is
   * answered from the encoded base (diffed on a worker unless the client has nothing) plus the
   * updates committed since, never encoded on the event loop; a client sent the base before this
   * room was ready (`connection.heldBase`) gets only the updates since. The answer ends with the
   * sync step 2, so a client is synced only once it has everything; updates broadcast meanwhile
   * reach the client too, and Yjs orders whatever arrives early. The answer is never taken for a
   * slow reader, whatever its size.
   */
  answerSyncStep1(connection: Connection, stateVector: Uint8Array): void {
    const held = connection.heldBase;
    connection.heldBase = undefined;
    if (this.doc && this.encodedBytes < IN_PLACE_DOC_BYTES) {
      connection.sendInitialSync([encodeSyncStep2(Y.encodeStateAsUpdate(this.doc, stateVector))]);
      return;
    }
    const base = this.base;
    const tail = this.tail.map((t) => t.data);
    if (held === base) return connection.sendInitialSync(answerFrames(tail));
    const answer = Y.decodeStateVector(stateVector).size === 0 ? Promise.resolve(base) : this.state.workers.diff(base, stateVector);
    answer.then(
      (update) => connection.sendInitialSync(answerFrames([update, ...tail])),
      (error: unknown) => {
        this.logger.error({ err: error, documentId: this.documentId }, 'could not answer a sync step 1');
        connection.close(CloseCode.internalError, 'internal error; reconnect');
      },
    );
  }

  /**
   * After a compaction: `update` is the stored snapshot through `throughSeq`; it becomes the base
   * and the updates it holds leave the tail.
   */
  rebase(update: Uint8Array, throughSeq: number): void {
    if (throughSeq <= this.state.baseSeq) return;
    this.base = update;
    this.state.baseSeq = throughSeq;
    this.tail = this.tail.filter((t) => t.seq > throughSeq);
    this.tailBytes = this.tail.reduce((sum, t) => sum + t.data.byteLength, 0);
    if (this.encodedBytes < this.state.limits.warnDocumentBytes) this.warnedSize = false;
  }

  /**
   * Whether `update` may join the document: past the size limit, only changes that add nothing
   * (deletions) are taken.
   */
  private admitsGrowth(update: Uint8Array): boolean {
    const pendingBytes = this.pending.reduce((sum, u) => sum + u.byteLength, 0);
    if (this.encodedBytes + pendingBytes + update.byteLength <= this.state.limits.maxDocumentBytes) return true;
    return Y.decodeUpdate(update).structs.length === 0;
  }

  /**
   * Queues a validated update from a writer; it is committed, then applied and broadcast.
   * Refused first, with nothing stored: an update that would wait for changes the server does not
   * have (Yjs would keep it as pending structs or a pending delete set, forever: the sender is
   * closed with 4422 and resyncs), and one that writes with a Yjs clientID another live connection
   * writes with (4409). An update that changes nothing is dropped (a reconnect's sync step 2).
   */
  submitUpdate(origin: Connection | undefined, update: Uint8Array, deadline = Date.now() + MAX_WAIT_MS): boolean {
    if (this.failed) return false;
    const effect = updateEffect(update, (client) => this.knownClock(client), (client, clock, len) => this.isDeleted(client, clock, len));
    if (effect.missing !== null) {
      // A sender's later updates wait behind its earlier waiting ones, so order is kept.
      if (origin && !origin.closed && this.waitingBytes + update.byteLength <= MAX_WAITING_BYTES) {
        this.waiting.push({ origin, update, deadline });
        this.waitingBytes += update.byteLength;
        this.armWaitTimer();
        return true;
      }
      this.refuseUnappliable(origin, effect.missing);
      return false;
    }
    if (origin && !this.bindWriter(origin, effect.clients, effect.writes)) return false;
    if (effect.empty) return true;
    if (origin && !this.admitsGrowth(update)) {
      this.hooks.badInput('growing change refused: document at its size limit', { documentId: this.documentId, bytes: this.encodedBytes, connectionId: origin.id });
      origin.close(CloseCode.documentTooLarge, `document_too_large: this document reached its size limit (${this.state.limits.maxDocumentBytes} bytes); the change was not saved`);
      return false;
    }
    for (const [client, clock] of effect.reaches) this.staged.set(client, Math.max(clock, this.staged.get(client) ?? 0));
    this.pending.push(update);
    if (origin) this.pendingOrigins.add(origin);
    this.commitPending();
    return true;
  }

  /**
   * Binds the clientIDs an update writes to its connection. An update carrying structs of a
   * clientID bound to another live connection — new ones, or ones at clocks that writer already
   * used (a stock client never re-sends what the server has: that is a second writer whose edit
   * Yjs would silently drop) — is refused and its sender closed with 4409, unless both belong to
   * the same session: then the older socket is a dead one the client already left (it reconnected
   * before our heartbeat noticed), so the older one is closed and the binding moves.
   */
  private bindWriter(origin: Connection, carried: ReadonlySet<number>, clients: ReadonlySet<number>): boolean {
    for (const client of carried) {
      const owner = this.writerOf.get(client);
      if (!owner || owner === origin || owner.closed) continue;
      if (owner.identity.sessionId === origin.identity.sessionId) {
        owner.close(CloseCode.clientIdInUse, 'replaced by a newer connection writing with the same Yjs client id');
        continue;
      }
      this.hooks.badInput('update refused: Yjs client id in use', { documentId: this.documentId, connectionId: origin.id, client });
      origin.close(CloseCode.clientIdInUse, 'another connection writes with this Yjs client id; reload to get a new one');
      return false;
    }
    let mine = this.writesOf.get(origin);
    if (!mine) this.writesOf.set(origin, (mine = new Set()));
    for (const client of clients) {
      this.writerOf.set(client, origin);
      mine.add(client);
    }
    return true;
  }

  private refuseUnappliable(origin: Connection | undefined, reason: string): void {
    this.hooks.badInput('update refused: missing dependencies', { documentId: this.documentId, connectionId: origin?.id, reason });
    if (!origin) return;
    origin.close(CloseCode.resyncRequired, 'update depends on changes the server does not have; reconnect to resync');
    this.dropWaiting((w) => w.origin === origin);
  }

  /** Re-submits waiting updates (after the doc moved on); expired ones close their senders. */
  private retryWaiting(): void {
    if (this.waiting.length === 0) return;
    const now = Date.now();
    const entries = this.waiting;
    this.waiting = [];
    this.waitingBytes = 0;
    for (const entry of entries) {
      if (entry.origin.closed) continue;
      if (entry.deadline <= now) this.refuseUnappliable(entry.origin, 'dependencies did not arrive in time');
      else this.submitUpdate(entry.origin, entry.update, entry.deadline);
    }
    this.armWaitTimer();
  }

  private dropWaiting(drop: (w: Waiting) => boolean): void {
    const kept = this.waiting.filter((w) => !drop(w));
    if (kept.length === this.waiting.length) return;
    this.waiting = kept;
    this.waitingBytes = kept.reduce((sum, w) => sum + w.update.byteLength, 0);
  }

  private armWaitTimer(): void {
    clearTimeout(this.waitTimer);
    this.waitTimer = undefined;
    if (this.waiting.length === 0) return;
    const next = Math.min(...this.waiting.map((w) => w.deadline));
    this.waitTimer = setTimeout(() => this.retryWaiting(), Math.max(0, next - Date.now()));
    this.waitTimer.unref();
  }

  /** The clock this room will have for `client` once everything accepted is committed. */
  private knownClock(client: number): number {
    const committed = this.doc ? Y.getState(this.doc.store, client) : this.known!.clock(client);
    return Math.max(committed, this.staged.get(client) ?? 0);
  }

  /** True when the committed state has every struct of [clock, clock + len) of `client` deleted. */
  private isDeleted(client: number, clock: number, len: number): boolean {
    if (!this.doc) return this.known!.isDeleted(client, clock, len);
    const structs = this.doc.store.clients.get(client);
    if (!structs || clock + len > Y.getState(this.doc.store, client)) return false;
    for (let i = Y.findIndexSS(structs, clock); i < structs.length && structs[i]!.id.clock < clock + len; i++) {
      if (!structs[i]!.deleted) return false;
    }
    return true;
  }

  /**
   * Relays a connection's presence under its real identity: it may speak only for the client ids
   * it announced first (not another live connection's, nor a just-departed one's), and its `user`
   * is overwritten with the member behind the connection.
   */
  relayAwareness(origin: Connection, entries: readonly AwarenessEntry[]): void {
    let owned = this.ownership.get(origin);
    if (!owned) this.ownership.set(origin, (owned = new ClientIdOwnership()));
    const claimed = owned.observe(entries, (id) => !this.ownerOf.has(id) && !this.removedRecently(id));
    for (const id of claimed) this.ownerOf.set(id, origin);
    const stamped = stampAwareness(entries, { memberId: origin.identity.memberId, name: origin.identity.displayName }, owned);
    if (!stamped.update) return;
    applyAwarenessUpdate(this.awareness, stamped.update, origin);
    // To everyone, the sender included, as the reference server does: the stock provider reconnects
    // when it hears nothing for 30 s, and its own 15 s presence renewal is all a lone writer hears.
    // The echo changes nothing on the sender (same clock as its own state).
    this.broadcast(encodeAwareness(stamped.update), undefined);
  }

  private removedRecently(id: number): boolean {
    const at = this.removedAt.get(id);
    if (at === undefined) return false;
    // y-protocols forgets a silent client after 30 s; echoes older than that are not echoes.
    if (Date.now() - at > 30_000) {
      this.removedAt.delete(id);
      return false;
    }
    return true;
  }

  /** Every known presence, for a client that asks (query awareness). */
  awarenessSnapshot(): Uint8Array | undefined {
    const states = [...this.awareness.getStates().keys()];
    return states.length > 0 ? encodeAwareness(encodeAwarenessUpdate(this.awareness, states)) : undefined;
  }

  /**
   * An edit made by the server itself (live-edits.ts: applying an accepted suggestion). It is
   * computed on a copy of the committed state — here for a small document, on a worker from the
   * encoded state for a big one (encodedBytes ≥ readOnWorkerFrom) — then its update goes through
   * the same path as a client's: committed, applied, broadcast to every connection. Server edits
   * run one at a time, each on the state the previous one committed (so the draft's record of
   * applied suggestions is always seen). The edit may refuse (throws); nothing is changed then.
   */
  editAsServer(edit: LiveEdit): Promise<LiveEditOutcome> {
    const done = this.serverEdits.then(() => this.editNow(edit));
    this.serverEdits = done.catch(() => undefined);
    return done;
  }

  private async editNow(edit: LiveEdit): Promise<LiveEditOutcome> {
    if (this.failed) throw new Error('the edit could not be stored');
    const started = performance.now();
    const onWorker = this.encodedBytes >= this.readOnWorkerFrom;
    const { update, outcome } = onWorker ? await this.editOnWorker(edit) : this.editInPlace(edit);
    if (onWorker) this.logger.debug({ documentId: this.documentId, edit: edit.kind, bytes: this.encodedBytes, ms: Math.round(performance.now() - started) }, 'big document edited on a worker');
    if (!update) return outcome;
    // The worker's kept draft holds the update from now on: if it is not committed, that draft is given up.
    if (!this.admitsGrowth(update)) {
      this.dropWorkerDraft();
      throw new AppError('document_too_large', 'this document reached its size limit; the change was not saved');
    }
    if (!this.submitUpdate(undefined, update)) this.dropWorkerDraft();
    await this.commitsDone();
    if (this.failed) throw new Error('the edit could not be stored');
    return outcome;
  }

  /** The edit made on the edit worker's kept draft of this room (StateWorkers.edit), sent what it lacks. */
  private async editOnWorker(edit: LiveEdit): Promise<EditedUpdate> {
    const first = this.tailAdded - this.tail.length;
    const { answer, through, rebuilt } = await this.state.workers.edit(
      { documentId: this.documentId, key: (this.workerDraftKey ??= `${this.documentId}#${++workerDrafts}`), base: this.base, tail: this.tail.map((t) => t.data), first, held: this.workerDraftHeld },
      edit,
    );
    this.workerDraftHeld = through;
    if (rebuilt) this.workerDraftsBuilt++;
    if ('refused' in answer) throw fromRefusal(answer.refused);
    return answer;
  }

  /** What the edit worker keeps of this room is not used again (it may hold an update that was never committed). */
  private dropWorkerDraft(): void {
    this.workerDraftKey = undefined;
    this.workerDraftHeld = undefined;
  }

  private editInPlace(edit: LiveEdit): EditedUpdate {
    const scratch = new Y.Doc();
    try {
      Y.applyUpdate(scratch, Y.encodeStateAsUpdate(this.liveDoc()));
      return editUpdate(scratch, edit);
    } finally {
      scratch.destroy();
    }
  }

  /** Resolves when every server edit begun and every update submitted so far is committed and applied (or the room failed). */
  async drained(): Promise<void> {
    await this.serverEdits;
    await this.commitsDone();
  }

  /** Resolves when every update submitted so far is committed and applied (or the room failed). */
  private commitsDone(): Promise<void> {
    if ((!this.committing && this.pending.length === 0) || this.failed) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  /**
   * Applies rows read back from the database (committed by definition, typically by another
   * instance) and broadcasts them to every connection here, in the order given (seq order).
   * `base`, when a compaction folded rows this room lacks into the snapshot, is that snapshot: what
   * of it the doc lacks is applied first. Rows already applied are skipped; a row Yjs refuses is
   * logged and skipped, as on load. Returns the number of rows applied.
   */
  applyCommitted(rows: ReadonlyArray<{ seq: number; data: Uint8Array }>, base?: { throughSeq: number; state: Uint8Array }): number {
    if (this.failed) return 0;
    let applied = 0;
    const apply = (seq: number, update: () => Uint8Array): boolean => {
      let data: Uint8Array;
      try {
        data = update();
        this.applyToState(data);
      } catch (error) {
        this.logger.error({ err: error, documentId: this.documentId, seq }, 'a stored update did not apply; skipped');
        return false;
      }
      this.remember(seq, data);
      this.broadcast(encodeUpdate(data), undefined);
      return true;
    };
    if (base && base.throughSeq > this.applied.through) {
      apply(base.throughSeq, () => Y.diffUpdate(base.state, this.stateVector()));
      this.applied.advanceTo(base.throughSeq);
    }
    for (const row of rows) {
      if (!this.applied.add(row.seq)) continue;
      if (apply(row.seq, () => row.data)) applied++;
    }
    if (applied > 0) this.retryWaiting();
    return applied;
  }

  destroy(): void {
    clearTimeout(this.waitTimer);
    this.awareness.destroy();
    this.awarenessDoc.destroy();
    this.doc?.destroy();
  }

  private commitPending(): void {
    if (this.committing || this.pending.length === 0 || this.failed) return;
    const batch = this.pending;
    const origins = this.pendingOrigins;
    this.pending = [];
    this.pendingOrigins = new Set();
    this.committing = true;
    const data = batch.length === 1 ? batch[0]! : Y.mergeUpdates(batch);
    this.log.append(this.documentId, data).then(
      (seq) => {
        this.committing = false;
        this.rowsSinceSnapshot++;
        // False only if a catch-up (applyCommitted) read this row back first and broadcast it.
        if (this.applied.add(seq)) {
          // Broadcast first: it is on disk, and every reader waits on this. A sole origin already
          // has its own update; with several, each gets the merge (harmless).
          const skip = origins.size === 1 ? origins.values().next().value : undefined;
          this.broadcast(encodeUpdate(data), skip);
          try {
            this.applyToState(data);
          } catch (error) {
            // Clients hold what the database holds; the room reloads it from there.
            this.fail(error);
            return;
          }
          this.remember(seq, data);
        }
        this.hooks.committed(this, batch.length, seq);
        // May submit (and start committing) updates whose dependencies just arrived.
        this.retryWaiting();
        if (this.committing) return;
        if (this.pending.length > 0) this.commitPending();
        else this.resolveDrainWaiters();
      },
      (error: unknown) => this.fail(error),
    );
  }

  /** Keeps a committed update for sync answers from the base, and watches the size. */
  private remember(seq: number, data: Uint8Array): void {
    this.tail.push({ seq, data });
    this.tailAdded++;
    this.tailBytes += data.byteLength;
    if (!this.warnedSize && this.encodedBytes >= this.state.limits.warnDocumentBytes) {
      this.warnedSize = true;
      this.logger.warn({ documentId: this.documentId, bytes: this.encodedBytes, limit: this.state.limits.maxDocumentBytes }, 'document state is large');
    }
  }

  /** One frame, framed for the wire once, to every connection but `skip`. */
  private broadcast(frame: Uint8Array, skip: Connection | undefined): void {
    const shared = new WireFrame(frame);
    for (const connection of this.connections) if (connection !== skip) connection.sendShared(shared);
  }

  /**
   * A commit failed after retries. Updates not on disk were never applied or broadcast; their
   * senders still hold them and re-send them when they reconnect and resync, so we close everyone
   * and let the registry load the document afresh from the database.
   */
  private fail(error: unknown): void {
    if (this.failed) return;
    this.failedWith = error;
    this.committing = false;
    this.pending = [];
    this.logger.error({ err: error, documentId: this.documentId }, 'document commit failed; closing its connections');
    for (const connection of [...this.connections]) connection.close(CloseCode.internalError, 'storage failure; reconnect');
    this.resolveDrainWaiters();
    this.hooks.failed(this, error);
  }

  private resolveDrainWaiters(): void {
    if (!this.committing && this.pending.length === 0) this.staged.clear();
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

/** Updates as the frames of a sync answer: each as an update, the last as the sync step 2. */
function answerFrames(updates: readonly Uint8Array[]): Uint8Array[] {
  if (updates.length === 0) return [encodeSyncStep2(EMPTY_UPDATE)];
  return updates.map((update, i) => (i === updates.length - 1 ? encodeSyncStep2(update) : encodeUpdate(update)));
}
