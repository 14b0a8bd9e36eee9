/**
 * A document in memory: its committed Y.Doc, awareness, and the connections on it.
 *
 * Durability rule (DESIGN.md): an update is appended to PostgreSQL and committed before it is
 * applied to the room's Y.Doc and broadcast. So the room's doc is always exactly the committed
 * state, and everything any client receives from the server — a sync answer or a broadcast — is
 * already on disk. Updates that arrive while a commit is in flight are merged into the next one.
 */
import * as Y from 'yjs';
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate } from 'y-protocols/awareness';
import type { FastifyBaseLogger } from 'fastify';
import {
  ClientIdOwnership,
  encodeAwareness,
  encodeSyncStep1,
  encodeSyncStep2,
  encodeUpdate,
  stampAwareness,
  type AwarenessEntry,
} from '../protocol/index.js';
import { CloseCode } from '../errors.js';
import type { Connection } from './connection.js';
import { SeqTracker } from './fanout/seq-tracker.js';
import type { UpdateLog } from './update-log.js';

export interface RoomHooks {
  /** After each commit (for compaction scheduling, metrics and cross-instance fan-out). */
  committed(room: Room, updates: number, seq: number): void;
  /** The last connection left. */
  empty(room: Room): void;
  /** A commit failed for good: the registry must drop this room. */
  failed(room: Room, error: unknown): void;
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

  constructor(
    readonly documentId: string,
    readonly doc: Y.Doc,
    rowsSinceSnapshot: number,
    appliedThrough: number,
    private readonly log: UpdateLog,
    private readonly hooks: RoomHooks,
    private readonly logger: FastifyBaseLogger,
  ) {
    this.rowsSinceSnapshot = rowsSinceSnapshot;
    this.applied = new SeqTracker(appliedThrough);
    this.awareness = new Awareness(doc);
    // The server itself has no presence.
    this.awareness.setLocalState(null);
  }

  get failed(): boolean {
    return this.failedWith !== undefined;
  }

  /** Adds a connection and starts the sync handshake: our state vector, then everyone's presence. */
  join(connection: Connection): void {
    this.connections.add(connection);
    connection.send(encodeSyncStep1(Y.encodeStateVector(this.doc)));
    const states = [...this.awareness.getStates().keys()];
    if (states.length > 0) connection.send(encodeAwareness(encodeAwarenessUpdate(this.awareness, states)));
  }

  leave(connection: Connection): void {
    if (!this.connections.delete(connection)) return;
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

  /** The answer to a client's sync step 1: what it lacks of the committed state. */
  answerSyncStep1(connection: Connection, stateVector: Uint8Array): void {
    connection.send(encodeSyncStep2(Y.encodeStateAsUpdate(this.doc, stateVector)));
  }

  /** Queues a validated update from a writer; it is committed, then applied and broadcast. */
  submitUpdate(origin: Connection | undefined, update: Uint8Array): void {
    if (this.failed) return;
    this.pending.push(update);
    if (origin) this.pendingOrigins.add(origin);
    this.commitPending();
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
    this.broadcast(encodeAwareness(stamped.update), origin);
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
   * An edit made by the server itself (applying an accepted suggestion). It is computed on a copy
   * of the committed state, then goes through the same path as a client's update: committed,
   * applied, broadcast to every connection. `edit` may throw to refuse; nothing is changed then.
   */
  async editAsServer(edit: (doc: Y.Doc) => void): Promise<void> {
    const scratch = new Y.Doc();
    Y.applyUpdate(scratch, Y.encodeStateAsUpdate(this.doc));
    const updates: Uint8Array[] = [];
    scratch.on('update', (update: Uint8Array) => updates.push(update));
    try {
      edit(scratch);
    } finally {
      scratch.destroy();
    }
    if (updates.length === 0) return;
    this.submitUpdate(undefined, updates.length === 1 ? updates[0]! : Y.mergeUpdates(updates));
    await this.drained();
    if (this.failed) throw new Error('the edit could not be stored');
  }

  /** Resolves when every update submitted so far is committed and applied (or the room failed). */
  drained(): Promise<void> {
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
        Y.applyUpdate(this.doc, data, this);
      } catch (error) {
        this.logger.error({ err: error, documentId: this.documentId, seq }, 'a stored update did not apply; skipped');
        return false;
      }
      this.broadcast(encodeUpdate(data), undefined);
      return true;
    };
    if (base && base.throughSeq > this.applied.through) {
      apply(base.throughSeq, () => Y.diffUpdate(base.state, Y.encodeStateVector(this.doc)));
      this.applied.advanceTo(base.throughSeq);
    }
    for (const row of rows) {
      if (!this.applied.add(row.seq)) continue;
      if (apply(row.seq, () => row.data)) applied++;
    }
    return applied;
  }

  destroy(): void {
    this.awareness.destroy();
    this.doc.destroy();
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
          try {
            Y.applyUpdate(this.doc, data, this);
          } catch (error) {
            this.fail(error);
            return;
          }
          // A sole origin already has its own update; with several, each gets the merge (harmless).
          const skip = origins.size === 1 ? origins.values().next().value : undefined;
          this.broadcast(encodeUpdate(data), skip);
        }
        this.hooks.committed(this, batch.length, seq);
        if (this.pending.length > 0) this.commitPending();
        else this.resolveDrainWaiters();
      },
      (error: unknown) => this.fail(error),
    );
  }

  private broadcast(frame: Uint8Array, skip: Connection | undefined): void {
    for (const connection of this.connections) if (connection !== skip) connection.send(frame);
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
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
