/**
 * The live-editing runtime: accepts WebSockets on /collab/:documentId, authenticates them, loads
 * documents into rooms (one per document in use), routes decoded messages, re-checks access when
 * it changes, drops dead sockets, compacts logs, unloads idle documents, and drains on shutdown.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { WebSocket, RawData } from 'ws';
import * as Y from 'yjs';
import { canonicalId, isUuid } from '../domain/ids.js';
import { AppError, CloseCode, closeCodeOf, isOutage } from '../errors.js';
import { decodeClientMessage, ProtocolError } from '../protocol/index.js';
import type { AccessEvents } from '../services/access-events.js';
import type { AuthService } from '../services/auth.service.js';
import type { Clock } from '../services/clock.js';
import type { DocumentsService, LiveDocuments } from '../services/documents.service.js';
import type { LiveRead, LiveReadResult } from '../services/live-reads.js';
import type { LiveEdit, LiveEditOutcome } from '../services/live-edits.js';
import { Connection, type ConnectionLimits } from './connection.js';
import { BadInputLog } from './bad-input-log.js';
import type { CollabMetrics } from './collab-metrics.js';
import { encodeAwareness, encodeUpdate } from '../protocol/index.js';
import { IN_PLACE_DOC_BYTES, Room, type DocumentSizeLimits } from './room.js';
import { StateWorkers, storedBytes, type StateLoad } from './state-workers.js';
import { epochMs, rowCount } from '../domain/stored-state.js';
import type { DocumentStorage } from './storage.js';
import type { UpdateLog } from './update-log.js';

export interface CollabOptions extends ConnectionLimits, DocumentSizeLimits {
  heartbeatMs: number;
  /** How long an unused document stays in memory after its last connection left. */
  idleUnloadMs: number;
  /** Compact a document's log once this many rows piled up since its snapshot. */
  compactAfterRows: number;
  /** Compact once a document had no commit for this long (deleted text leaves the log soon). */
  compactAfterQuietMs: number;
  /** ... and at the latest this long after the first row not yet compacted, however busy it is. */
  compactWithinMs: number;
  /** Messages a socket may send before it is authenticated and its room loaded. */
  maxQueuedBeforeReady: number;
  /** Bytes a socket may send before it is ready; more closes it (4429). */
  maxQueuedBytesBeforeReady: number;
  /** A socket not authenticated and ready within this many ms is closed (1013, try again). */
  readyTimeoutMs: number;
  /** Sockets one member may have open on one document. */
  maxSocketsPerMemberDocument: number;
  /** Connections one member may open on one document per `connectWindowMs` (reconnect loops). */
  maxConnectsPerWindow: number;
  connectWindowMs: number;
}

export const defaultCollabOptions: CollabOptions = {
  heartbeatMs: 30_000,
  idleUnloadMs: 30_000,
  compactAfterRows: 500,
  compactAfterQuietMs: 30_000,
  compactWithinMs: 5 * 60_000,
  maxQueuedBeforeReady: 256,
  maxQueuedBytesBeforeReady: 64 * 1024,
  readyTimeoutMs: 10_000,
  maxSocketsPerMemberDocument: 20,
  maxConnectsPerWindow: 20,
  connectWindowMs: 60_000,
  messagesPerSecond: 300,
  messageBurst: 600,
  maxBufferedBytes: 4 * 1024 * 1024,
  warnDocumentBytes: 16 * 1024 * 1024,
  maxDocumentBytes: 64 * 1024 * 1024,
};

interface Deps {
  storage: DocumentStorage;
  auth: AuthService;
  documents: DocumentsService;
  access: AccessEvents;
  log: UpdateLog;
  clock: Clock;
  logger: FastifyBaseLogger;
  metrics: CollabMetrics;
  options: CollabOptions;
}

/** Told of rooms loaded and commits made in this process (cross-instance fan-out, collab/fanout/). */
export interface RoomObserver {
  loaded(room: Room): void;
  committed(room: Room, seq: number): void;
}

/** A big document's stored snapshot, read while its room loads (sent ahead to fresh clients). */
interface EarlySnapshot {
  snapshot: Uint8Array;
  throughSeq: number;
}

/** How often a connection waiting for its document to load hears from the server (see accept). */
const LOADING_KEEPALIVE_MS = 10_000;

/** The state of a document with no snapshot (its log's rows are all there is). */
const EMPTY_STATE = Uint8Array.of(0, 0);

export class CollabServer implements LiveDocuments {
  private readonly rooms = new Map<string, Promise<Room>>();
  /** Per document loading now: its big snapshot once read (undefined if it has none or a small one). */
  private readonly snapshots = new Map<string, Promise<EarlySnapshot | undefined>>();
  private readonly loadedRooms = new Map<string, Room>();
  private readonly connections = new Set<Connection>();
  private readonly bySession = new Map<string, Set<Connection>>();
  private readonly byMember = new Map<string, Set<Connection>>();
  private readonly idleTimers = new Map<string, NodeJS.Timeout>();
  private readonly compacting = new Set<string>();
  /** Per document: the pending quiet-period compaction and when its first uncompacted row came. */
  private readonly compactTimers = new Map<string, { timer: NodeJS.Timeout; firstAt: number }>();
  private readonly observers = new Set<RoomObserver>();
  /** When each member opened connections on each document lately (`member document` → ms times). */
  private readonly recentConnects = new Map<string, number[]>();
  private readonly heartbeat: NodeJS.Timeout;
  /** Loading, compacting and diffing whole states happen here, off the event loop. */
  private readonly workers = new StateWorkers();
  /** Expected bad input from clients, logged once per kind per interval with a count. */
  readonly badInput: BadInputLog;
  private closing = false;

  constructor(private readonly deps: Deps) {
    this.badInput = new BadInputLog(deps.logger);
    this.heartbeat = setInterval(() => this.checkLiveness(), deps.options.heartbeatMs);
    this.heartbeat.unref();
    deps.access.on('sessionRevoked', (sessionId) => {
      for (const c of this.bySession.get(sessionId) ?? []) c.close(CloseCode.unauthenticated, 'token revoked');
    });
    deps.access.on('membershipChanged', (memberId) => void this.recheckMember(memberId));
    deps.metrics.observe(() => ({ connections: this.connections.size, documents: this.loadedRooms.size }));
  }

  /** The committed live Y.Doc of a document in memory, if it is loaded (built now for a big one: tests and tools only). */
  loaded(documentId: string): Y.Doc | undefined {
    return this.loadedRooms.get(canonicalId(documentId))?.liveDoc();
  }

  /**
   * What `read` computes on a document's committed live draft: from its room when it is loaded
   * (Room.read: a big one on a worker, remembered until its next change), else from its stored
   * state (on a worker when big, not remembered: the room is not loaded for a read).
   */
  async read<R extends LiveRead>(documentId: string, read: R): Promise<LiveReadResult<R>> {
    const room = this.loadedRooms.get(canonicalId(documentId));
    if (room && !room.failed) return room.read(read);
    const state = await this.deps.storage.load(canonicalId(documentId));
    return this.workers.read(state.snapshot, state.updates, read);
  }

  /** What `read` computes on an encoded state (a frozen version): on a worker when big. */
  readEncoded<R extends LiveRead>(state: Uint8Array, read: R): Promise<LiveReadResult<R>> {
    return this.workers.read(state, [], read);
  }

  /** The room of a document loaded in memory, if it is. */
  room(documentId: string): Room | undefined {
    return this.loadedRooms.get(canonicalId(documentId));
  }

  /** Every room loaded in memory now. */
  liveRooms(): Room[] {
    return [...this.loadedRooms.values()];
  }

  /** Registers an observer of room loads and commits; returns its removal. */
  observe(observer: RoomObserver): () => void {
    this.observers.add(observer);
    return () => this.observers.delete(observer);
  }

  /** Makes a server edit on a document's live draft, loading it if needed (Room.editAsServer). */
  async edit(documentId: string, edit: LiveEdit): Promise<LiveEditOutcome> {
    const room = await this.roomFor(documentId);
    try {
      return await room.editAsServer(edit);
    } finally {
      if (room.connections.size === 0 && !this.idleTimers.has(room.documentId)) this.roomHooks.empty(room);
    }
  }

  /**
   * Takes a new socket. Listeners are attached before anything async happens, so a client's
   * first messages (its sync step 1 arrives immediately) are queued, not lost — up to a few
   * messages and bytes: a socket is not ours to buffer for until it is authenticated and ready,
   * which it must be within `readyTimeoutMs`. `documentId` is the path segment as sent.
   */
  accept(socket: WebSocket, rawDocumentId: string, token: string | undefined): void {
    const documentId = canonicalId(rawDocumentId);
    const options = this.deps.options;
    const queue: Uint8Array[] = [];
    let queuedBytes = 0;
    let connection: Connection | undefined;
    let room: Room | undefined;
    let socketClosed = false;
    const refuse = (code: number, reason: string) => {
      this.deps.metrics.refused(code);
      socket.close(code, reason);
    };
    const readyTimer = setTimeout(() => refuse(CloseCode.tryAgainLater, 'not ready in time; reconnect'), options.readyTimeoutMs);
    readyTimer.unref();
    // Until the socket is authenticated, ws itself refuses (1009) a frame larger than what the
    // socket may queue, instead of reading a whole 2 MiB frame into memory first.
    const frames = frameLimit(socket);
    frames.set(options.maxQueuedBytesBeforeReady);

    socket.on('message', (data: RawData, isBinary: boolean) => {
      // Text frames are not part of the protocol, whenever they arrive.
      if (!isBinary) {
        if (connection) return this.refuseMalformed(connection, 'text frames are not part of the protocol');
        this.badInput.report('malformed frame', { documentId, reason: 'text frame before the connection was ready' });
        return refuse(CloseCode.malformedFrame, 'malformed message');
      }
      const bytes = toBytes(data);
      if (!connection || !room) {
        queuedBytes += bytes.byteLength;
        if (queue.length >= options.maxQueuedBeforeReady || queuedBytes > options.maxQueuedBytesBeforeReady) {
          queue.length = 0;
          return refuse(CloseCode.rateLimited, 'too much sent before the document was ready');
        }
        queue.push(bytes);
        return;
      }
      this.handleMessage(connection, room, bytes);
    });
    socket.on('close', () => {
      socketClosed = true;
      clearTimeout(readyTimer);
      queue.length = 0;
      if (connection) this.forget(connection, room);
    });
    socket.on('pong', () => {
      if (connection) connection.alive = true;
    });

    void (async () => {
      if (this.closing) return socket.close(CloseCode.goingAway, 'server shutting down');
      const caller = await this.deps.auth.authenticate(token);
      if (!isUuid(documentId)) throw new AppError('not_found', 'document not found');
      if (socketClosed) return;
      frames.restore();
      const limit = this.connectionLimit(caller.memberId, documentId);
      if (limit) return refuse(CloseCode.tooManyConnections, limit);
      const { access } = await this.deps.documents.visible(caller, documentId);
      const ready = new Connection(
        socket,
        documentId,
        { memberId: caller.memberId, sessionId: caller.sessionId, displayName: caller.displayName, expiresAt: caller.expiresAt },
        access,
        options,
      );
      const roomLoaded = this.roomFor(documentId);
      // A stock provider reconnects after 30 s without a message: while a big document loads on a
      // busy machine, an empty presence update now and then tells it the server is there.
      const keepAlive = setInterval(() => ready.send(encodeAwareness(Uint8Array.of(0))), LOADING_KEEPALIVE_MS);
      void roomLoaded.finally(() => clearInterval(keepAlive)).catch(() => {});
      // A fresh client (its sync step 1 has an empty state vector) of a big document gets the
      // stored snapshot as soon as it is read, and applies it while the server merges the log; the
      // room's answer then carries only what came after it.
      const snapshot = await Promise.race([this.snapshots.get(documentId), roomLoaded.then(() => undefined)]);
      if (snapshot && !socketClosed && queue.some(isFreshSyncStep1)) {
        ready.sendInitialSync([encodeUpdate(snapshot.snapshot)]);
        ready.heldBase = snapshot.snapshot;
      }
      const loadedRoom = await roomLoaded;
      if (socketClosed) return;
      clearTimeout(readyTimer);
      connection = ready;
      room = loadedRoom;
      this.register(connection, room);
      for (const bytes of queue.splice(0)) {
        if (connection.closed) break;
        this.handleMessage(connection, room, bytes);
      }
    })().catch((error: unknown) => {
      clearTimeout(readyTimer);
      const code = error instanceof AppError ? closeCodeOf[error.code] ?? CloseCode.internalError : isOutage(error) ? CloseCode.unavailable : CloseCode.internalError;
      if (!(error instanceof AppError)) this.deps.logger.error({ err: error, documentId }, 'could not open a collaboration connection');
      refuse(code, error instanceof AppError ? error.message : 'internal error');
    });
  }

  /**
   * Why a member may not open one more connection on a document now, or undefined: at most
   * `maxSocketsPerMemberDocument` open at once, and `maxConnectsPerWindow` opened per window (a
   * provider whose change is refused reconnects and re-sends it in a loop; 44xx stops it).
   */
  private connectionLimit(memberId: string, documentId: string): string | undefined {
    let open = 0;
    for (const c of this.byMember.get(memberId) ?? []) if (c.documentId === documentId && !c.closed) open++;
    if (open >= this.deps.options.maxSocketsPerMemberDocument) return 'too many connections open on this document';
    const key = `${memberId} ${documentId}`;
    const now = Date.now();
    const recent = (this.recentConnects.get(key) ?? []).filter((at) => now - at < this.deps.options.connectWindowMs);
    if (recent.length >= this.deps.options.maxConnectsPerWindow) {
      this.recentConnects.set(key, recent);
      return 'reconnecting too often to this document; wait a minute';
    }
    recent.push(now);
    this.recentConnects.set(key, recent);
    return undefined;
  }

  /** Drains on shutdown: no new sockets, every queued update committed, sockets closed with 1001. */
  async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.heartbeat);
    for (const timer of this.idleTimers.values()) clearTimeout(timer);
    for (const { timer } of this.compactTimers.values()) clearTimeout(timer);
    this.compactTimers.clear();
    const rooms = await Promise.allSettled([...this.rooms.values()]);
    for (const r of rooms) if (r.status === 'fulfilled') await r.value.drained();
    await this.deps.log.flush();
    for (const c of this.connections) c.close(CloseCode.goingAway, 'server shutting down');
    for (const r of rooms) if (r.status === 'fulfilled') r.value.destroy();
    this.rooms.clear();
    this.loadedRooms.clear();
    this.badInput.close();
    await this.workers.close();
  }

  private refuseMalformed(connection: Connection, reason: string): void {
    this.badInput.report('malformed frame', { documentId: connection.documentId, connectionId: connection.id, reason });
    this.deps.metrics.closed(CloseCode.malformedFrame);
    connection.close(CloseCode.malformedFrame, 'malformed message');
  }

  private handleMessage(connection: Connection, room: Room, bytes: Uint8Array): void {
    if (connection.closed) return;
    if (!connection.admitMessage()) {
      this.deps.metrics.closed(CloseCode.rateLimited);
      return connection.close(CloseCode.rateLimited, 'too many messages');
    }
    try {
      const message = decodeClientMessage(bytes);
      switch (message.type) {
        case 'sync-step1':
          return room.answerSyncStep1(connection, message.stateVector);
        case 'sync-step2':
        case 'update':
          // Read-only connections keep receiving everything; what they send is dropped here.
          if (connection.mode !== 'write') return this.deps.metrics.discarded();
          room.submitUpdate(connection, message.update);
          return;
        case 'awareness':
          return room.relayAwareness(connection, message.entries);
        case 'query-awareness': {
          const snapshot = room.awarenessSnapshot();
          if (snapshot) connection.send(snapshot);
          return;
        }
      }
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      this.refuseMalformed(connection, error.message);
    }
  }

  private register(connection: Connection, room: Room): void {
    this.connections.add(connection);
    addTo(this.bySession, connection.identity.sessionId, connection);
    addTo(this.byMember, connection.identity.memberId, connection);
    const idle = this.idleTimers.get(room.documentId);
    if (idle) {
      clearTimeout(idle);
      this.idleTimers.delete(room.documentId);
    }
    const msLeft = connection.identity.expiresAt.getTime() - this.deps.clock.now().getTime();
    const expiry = setTimeout(() => connection.close(CloseCode.unauthenticated, 'token expired'), Math.min(Math.max(msLeft, 0), 2 ** 31 - 1));
    expiry.unref();
    connection.socket.once('close', () => clearTimeout(expiry));
    room.join(connection);
  }

  private forget(connection: Connection, room: Room | undefined): void {
    connection.closed = true;
    this.connections.delete(connection);
    removeFrom(this.bySession, connection.identity.sessionId, connection);
    removeFrom(this.byMember, connection.identity.memberId, connection);
    room?.leave(connection);
  }

  /**
   * A member's roles changed: each of their connections keeps, narrows or loses its access. Only a
   * definite answer withdraws access; when the check itself fails (the database is unreachable),
   * the connections close with 4503 "retry later" and reconnect to be checked afresh.
   */
  private async recheckMember(memberId: string): Promise<void> {
    const connections = [...(this.byMember.get(memberId) ?? [])];
    if (connections.length === 0) return;
    try {
      for (const connection of connections) {
        const access = await this.deps.documents.accessOfMember(memberId, connection.documentId);
        if (access === 'none') connection.close(CloseCode.forbidden, 'access to this document was withdrawn');
        else connection.mode = access;
      }
    } catch (error) {
      this.deps.logger.error({ err: error as Error, memberId }, 'could not re-check access; closing the member\'s connections to retry');
      for (const connection of connections) connection.close(CloseCode.unavailable, 'access could not be checked; retry later');
    }
  }

  private roomFor(rawDocumentId: string): Promise<Room> {
    const documentId = canonicalId(rawDocumentId);
    const existing = this.rooms.get(documentId);
    if (existing) return existing;
    let snapshotRead!: (snapshot: EarlySnapshot | undefined) => void;
    this.snapshots.set(documentId, new Promise((resolve) => (snapshotRead = resolve)));
    const loading = this.load(documentId, snapshotRead).finally(() => {
      snapshotRead(undefined);
      this.snapshots.delete(documentId);
    });
    this.rooms.set(documentId, loading);
    loading.catch(() => this.rooms.delete(documentId));
    return loading;
  }

  /**
   * Loads a document into a room. A failed load is an error for the connection, never an empty
   * document (hocuspocus#382). A worker thread is started while a big snapshot is read; the
   * snapshot goes to it as soon as it is read (and to the connections waiting for it:
   * `snapshotRead`), and each piece of log rows as it is read. The worker folds the rows from
   * their bytes (protocol/update-fold.ts), with no Y.Doc of the snapshot, and the room is ready once
   * they are folded: it holds the snapshot and what the rows added to it, checks updates against
   * the summary the worker computed, and builds no Y.Doc. A long log (compactAfterRows or more) is
   * then compacted with the whole state the same worker builds after the room is ready, instead
   * of reading and merging it all again.
   */
  private async load(documentId: string, snapshotRead: (snapshot: EarlySnapshot | undefined) => void): Promise<Room> {
    const started = performance.now();
    const startedAt = epochMs();
    let applied: { snapshot: number; rows: number } | undefined;
    let load: StateLoad | undefined;
    let snapshotAt = 0;
    const state = await this.deps.storage
      .load(documentId, {
        // A big snapshot is summarised (and its rows folded) on a worker thread: one is started
        // (if there is none) while the snapshot is read, not after.
        head: (bytes) => bytes >= IN_PLACE_DOC_BYTES && this.workers.warm(),
        snapshot: (snapshot, throughSeq, rowsFollow) => {
          snapshotAt = performance.now();
          if (!snapshot || snapshot.byteLength < IN_PLACE_DOC_BYTES) return;
          snapshotRead({ snapshot, throughSeq });
          if (rowsFollow) load = this.workers.load(snapshot);
        },
        // The worker folds each piece of rows while the next is read.
        rows: (rows) => load?.piece(rows),
      })
      .catch((error: unknown) => {
        load?.cancel();
        throw error;
      });
    const readAt = performance.now();
    const { warnDocumentBytes, maxDocumentBytes } = this.deps.options;
    const roomState = (base: Uint8Array) => ({ base, baseSeq: state.throughSeq, workers: this.workers, limits: { warnDocumentBytes, maxDocumentBytes } });
    const badRows = (rows: ReadonlyArray<{ index: number; message: string }>) => {
      for (const bad of rows) this.deps.logger.error({ err: new Error(bad.message), documentId, seq: state.throughSeq + bad.index + 1 }, 'a stored update did not apply; skipped');
    };
    let room: Room;
    let merged: Promise<Uint8Array | undefined> | undefined;
    const rows = rowCount(state);
    if (rows === 0 || (!load && storedBytes(state) < IN_PLACE_DOC_BYTES)) {
      load?.cancel();
      // Snapshot + log folded (on a worker when big), with the summary a big room works from.
      const whole = await this.workers.merge(state, { summary: true });
      badRows(whole.badRows);
      // A snapshot alone is its own merge: kept as read, it is the very base sent ahead (Connection.heldBase).
      const base = rows === 0 && state.snapshot ? state.snapshot : whole.update;
      room = new Room(documentId, { ...whole, update: base }, rows, state.lastSeq, this.deps.log, this.roomHooks, this.deps.logger, roomState(base));
    } else {
      load ??= this.workers.load(state.snapshot);
      const steps = load.rows(state, { merged: rows >= this.deps.options.compactAfterRows });
      const loadedRows = await steps.loaded;
      badRows(loadedRows.badRows);
      applied = loadedRows.appliedAt;
      const base = state.snapshot ?? EMPTY_STATE;
      const loaded = { update: base, sinceBase: { seq: state.lastSeq, update: loadedRows.sinceSnapshot }, summary: loadedRows.summary };
      room = new Room(documentId, loaded, rows, state.lastSeq, this.deps.log, this.roomHooks, this.deps.logger, roomState(base));
      merged = steps.merged;
    }
    this.deps.metrics.loaded({
      snapshotSeconds: (snapshotAt - started) / 1000,
      readSeconds: (readAt - started) / 1000,
      readySeconds: (performance.now() - started) / 1000,
      ...(applied && { snapshotAppliedSeconds: (applied.snapshot - startedAt) / 1000, rowsAppliedSeconds: (applied.rows - startedAt) / 1000 }),
    });
    this.loadedRooms.set(documentId, room);
    for (const observer of this.observers) observer.loaded(room);
    if (merged) void this.compact(room, { fromSeq: state.throughSeq, throughSeq: state.lastSeq, state: merged });
    return room;
  }

  private readonly roomHooks = {
    committed: (room: Room, updates: number, seq: number) => {
      this.deps.metrics.committed(updates);
      for (const observer of this.observers) observer.committed(room, seq);
      if (room.rowsSinceSnapshot >= this.deps.options.compactAfterRows) void this.compact(room);
      this.scheduleQuietCompaction(room);
    },
    empty: (room: Room) => {
      if (this.closing) return;
      const timer = setTimeout(() => void this.unload(room), this.deps.options.idleUnloadMs);
      timer.unref();
      this.idleTimers.set(room.documentId, timer);
    },
    failed: (room: Room) => {
      this.cancelQuietCompaction(room.documentId);
      this.rooms.delete(room.documentId);
      this.loadedRooms.delete(room.documentId);
    },
    badInput: (kind: string, fields: Record<string, unknown>) => this.badInput.report(kind, fields),
  };

  private async unload(room: Room): Promise<void> {
    this.idleTimers.delete(room.documentId);
    if (room.connections.size > 0 || this.closing) return;
    await room.drained();
    if (room.connections.size > 0) return;
    this.rooms.delete(room.documentId);
    this.loadedRooms.delete(room.documentId);
    this.cancelQuietCompaction(room.documentId);
    room.destroy();
    if (room.rowsSinceSnapshot > 0) await this.compact(room);
  }

  /**
   * (Re)arms a document's compaction for when its commits pause for `compactAfterQuietMs`, or
   * `compactWithinMs` after its first uncompacted row at the latest, so a deleted secret leaves
   * the log within minutes while people stay connected (not only at `compactAfterRows` or unload).
   */
  private scheduleQuietCompaction(room: Room): void {
    const { compactAfterQuietMs, compactWithinMs } = this.deps.options;
    const now = performance.now();
    const pending = this.compactTimers.get(room.documentId);
    if (pending) clearTimeout(pending.timer);
    const firstAt = pending?.firstAt ?? now;
    const delay = Math.max(0, Math.min(compactAfterQuietMs, firstAt + compactWithinMs - now));
    const timer = setTimeout(() => {
      this.compactTimers.delete(room.documentId);
      if (this.loadedRooms.get(room.documentId) === room && room.rowsSinceSnapshot > 0) void this.compact(room);
    }, delay);
    timer.unref();
    this.compactTimers.set(room.documentId, { timer, firstAt });
  }

  private cancelQuietCompaction(documentId: string): void {
    const pending = this.compactTimers.get(documentId);
    if (pending) clearTimeout(pending.timer);
    this.compactTimers.delete(documentId);
  }

  /**
   * Folds the log into the snapshot in the background; one compaction per document at a time.
   * `merged`: a load's merge of the snapshot through `fromSeq` and the rows up to `throughSeq`,
   * stored as is (DocumentStorage.storeMerged); later rows wait for the next compaction.
   */
  private async compact(room: Room, merged?: { fromSeq: number; throughSeq: number; state: Promise<Uint8Array | undefined> }): Promise<void> {
    if (this.compacting.has(room.documentId)) return;
    this.compacting.add(room.documentId);
    try {
      let snapshot: Uint8Array | undefined;
      const result = merged
        ? await this.deps.storage.storeMerged(room.documentId, {
            fromSeq: merged.fromSeq,
            throughSeq: merged.throughSeq,
            state: async () => {
              snapshot = await merged.state;
              if (!snapshot) throw new Error('the load did not merge the state');
              return snapshot;
            },
          })
        : await this.deps.storage.compact(room.documentId, async (state) => (snapshot = (await this.workers.merge(state)).update));
      if (snapshot) room.rebase(snapshot, result.throughSeq);
      room.rowsSinceSnapshot = Math.max(0, room.rowsSinceSnapshot - result.mergedRows);
    } catch (error) {
      this.deps.logger.error({ err: error, documentId: room.documentId }, 'compaction failed; the log is kept and retried later');
    } finally {
      this.compacting.delete(room.documentId);
    }
  }

  private checkLiveness(): void {
    const now = Date.now();
    for (const [key, times] of this.recentConnects) {
      if (times.every((at) => now - at >= this.deps.options.connectWindowMs)) this.recentConnects.delete(key);
    }
    for (const connection of this.connections) {
      if (!connection.alive) {
        connection.socket.terminate();
        continue;
      }
      connection.alive = false;
      connection.socket.ping();
    }
  }
}

/**
 * The largest frame ws reads on one socket. ws takes `maxPayload` once per server, but its
 * Receiver checks `_maxPayload` on every frame header, so a socket's limit can follow its state
 * (unauthenticated: small). Should ws rename the field, this does nothing (collab-connections
 * tests check the limit holds).
 */
function frameLimit(socket: WebSocket): { set(bytes: number): void; restore(): void } {
  const receiver = (socket as unknown as { _receiver?: { _maxPayload?: unknown } })._receiver;
  const original = receiver?._maxPayload;
  const usable = receiver !== undefined && typeof original === 'number';
  return {
    set(bytes) {
      if (usable) receiver._maxPayload = original > 0 ? Math.min(original, bytes) : bytes;
    },
    restore() {
      if (usable) receiver._maxPayload = original;
    },
  };
}

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

function addTo<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(value);
}

function removeFrom<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  const set = map.get(key);
  if (!set) return;
  set.delete(value);
  if (set.size === 0) map.delete(key);
}

/** Whether `bytes` is a sync step 1 with an empty state vector (a client that has nothing yet). */
function isFreshSyncStep1(bytes: Uint8Array): boolean {
  try {
    const message = decodeClientMessage(bytes);
    return message.type === 'sync-step1' && Y.decodeStateVector(message.stateVector).size === 0;
  } catch {
    return false;
  }
}
