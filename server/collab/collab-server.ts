/**
 * The live-editing runtime: accepts WebSockets on /collab/:documentId, authenticates them, loads
 * documents into rooms (one per document in use), routes decoded messages, re-checks access when
 * it changes, drops dead sockets, compacts logs, unloads idle documents, and drains on shutdown.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { WebSocket, RawData } from 'ws';
import * as Y from 'yjs';
import type { Db } from '../db/connect.js';
import { compactDocument, docFromStoredState, readStoredState } from '../db/document-log.repository.js';
import { membershipsOf } from '../db/members.repository.js';
import { documentAccess, type Actor } from '../domain/permissions.js';
import { AppError, CloseCode, closeCodeOf } from '../errors.js';
import { decodeClientMessage, ProtocolError } from '../protocol/index.js';
import type { AccessEvents } from '../services/access-events.js';
import type { AuthService } from '../services/auth.service.js';
import type { Clock } from '../services/clock.js';
import type { DocumentsService, LiveDocuments } from '../services/documents.service.js';
import { Connection, type ConnectionLimits } from './connection.js';
import type { CollabMetrics } from './collab-metrics.js';
import { Room } from './room.js';
import type { UpdateLog } from './update-log.js';

export interface CollabOptions extends ConnectionLimits {
  heartbeatMs: number;
  /** How long an unused document stays in memory after its last connection left. */
  idleUnloadMs: number;
  /** Compact a document's log once this many rows piled up since its snapshot. */
  compactAfterRows: number;
  /** Messages (and bytes) a socket may send before it is authenticated and its room loaded. */
  maxQueuedBeforeReady: number;
}

export const defaultCollabOptions: CollabOptions = {
  heartbeatMs: 30_000,
  idleUnloadMs: 30_000,
  compactAfterRows: 500,
  maxQueuedBeforeReady: 256,
  messagesPerSecond: 300,
  messageBurst: 600,
  maxBufferedBytes: 4 * 1024 * 1024,
};

interface Deps {
  db: Db;
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

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class CollabServer implements LiveDocuments {
  private readonly rooms = new Map<string, Promise<Room>>();
  private readonly loadedRooms = new Map<string, Room>();
  private readonly connections = new Set<Connection>();
  private readonly bySession = new Map<string, Set<Connection>>();
  private readonly byMember = new Map<string, Set<Connection>>();
  private readonly idleTimers = new Map<string, NodeJS.Timeout>();
  private readonly compacting = new Set<string>();
  private readonly observers = new Set<RoomObserver>();
  private readonly heartbeat: NodeJS.Timeout;
  private closing = false;

  constructor(private readonly deps: Deps) {
    this.heartbeat = setInterval(() => this.checkLiveness(), deps.options.heartbeatMs);
    this.heartbeat.unref();
    deps.access.on('sessionRevoked', (sessionId) => {
      for (const c of this.bySession.get(sessionId) ?? []) c.close(CloseCode.unauthenticated, 'token revoked');
    });
    deps.access.on('membershipChanged', (memberId) => void this.recheckMember(memberId));
    deps.metrics.observe(() => ({ connections: this.connections.size, documents: this.loadedRooms.size }));
  }

  loaded(documentId: string): Y.Doc | undefined {
    return this.loadedRooms.get(documentId)?.doc;
  }

  /** The room of a document loaded in memory, if it is. */
  room(documentId: string): Room | undefined {
    return this.loadedRooms.get(documentId);
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

  /** Applies a server-made edit to a document's live draft, loading it if needed (Room.editAsServer). */
  async edit(documentId: string, edit: (doc: Y.Doc) => void): Promise<void> {
    const room = await this.roomFor(documentId);
    await room.editAsServer(edit);
    if (room.connections.size === 0 && !this.idleTimers.has(documentId)) this.roomHooks.empty(room);
  }

  /**
   * Takes a new socket. Listeners are attached before anything async happens, so a client's
   * first messages (its sync step 1 arrives immediately) are queued, not lost.
   */
  accept(socket: WebSocket, documentId: string, token: string | undefined): void {
    const queue: Uint8Array[] = [];
    let connection: Connection | undefined;
    let room: Room | undefined;
    let socketClosed = false;

    socket.on('message', (data: RawData, isBinary: boolean) => {
      const bytes = toBytes(data);
      if (!connection || !room) {
        if (queue.length >= this.deps.options.maxQueuedBeforeReady) {
          socket.close(CloseCode.rateLimited, 'too many messages before the document was ready');
          return;
        }
        queue.push(bytes);
        return;
      }
      this.handleMessage(connection, room, bytes, isBinary);
    });
    socket.on('close', () => {
      socketClosed = true;
      if (connection) this.forget(connection, room);
    });
    socket.on('pong', () => {
      if (connection) connection.alive = true;
    });

    void (async () => {
      if (this.closing) return socket.close(CloseCode.goingAway, 'server shutting down');
      const caller = await this.deps.auth.authenticate(token);
      if (!uuidPattern.test(documentId)) throw new AppError('not_found', 'document not found');
      const { access } = await this.deps.documents.visible(caller, documentId);
      const loadedRoom = await this.roomFor(documentId);
      if (socketClosed) return;
      connection = new Connection(
        socket,
        documentId,
        { memberId: caller.memberId, sessionId: caller.sessionId, displayName: caller.displayName, expiresAt: caller.expiresAt },
        access,
        this.deps.options,
      );
      room = loadedRoom;
      this.register(connection, room);
      for (const bytes of queue.splice(0)) {
        if (connection.closed) break;
        this.handleMessage(connection, room, bytes, true);
      }
    })().catch((error: unknown) => {
      const code = error instanceof AppError ? closeCodeOf[error.code] ?? CloseCode.internalError : CloseCode.internalError;
      if (!(error instanceof AppError)) this.deps.logger.error({ err: error, documentId }, 'could not open a collaboration connection');
      this.deps.metrics.refused(code);
      socket.close(code, error instanceof AppError ? error.message : 'internal error');
    });
  }

  /** Drains on shutdown: no new sockets, every queued update committed, sockets closed with 1001. */
  async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.heartbeat);
    for (const timer of this.idleTimers.values()) clearTimeout(timer);
    const rooms = await Promise.allSettled([...this.rooms.values()]);
    for (const r of rooms) if (r.status === 'fulfilled') await r.value.drained();
    await this.deps.log.flush();
    for (const c of this.connections) c.close(CloseCode.goingAway, 'server shutting down');
    for (const r of rooms) if (r.status === 'fulfilled') r.value.destroy();
    this.rooms.clear();
    this.loadedRooms.clear();
  }

  private handleMessage(connection: Connection, room: Room, bytes: Uint8Array, isBinary: boolean): void {
    if (connection.closed) return;
    if (!connection.admitMessage()) {
      this.deps.metrics.closed(CloseCode.rateLimited);
      return connection.close(CloseCode.rateLimited, 'too many messages');
    }
    try {
      if (!isBinary) throw new ProtocolError('text frames are not part of the protocol');
      const message = decodeClientMessage(bytes);
      switch (message.type) {
        case 'sync-step1':
          return room.answerSyncStep1(connection, message.stateVector);
        case 'sync-step2':
        case 'update':
          // Read-only connections keep receiving everything; what they send is dropped here.
          if (connection.mode !== 'write') return this.deps.metrics.discarded();
          return room.submitUpdate(connection, message.update);
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
      this.deps.logger.warn({ documentId: connection.documentId, connectionId: connection.id, reason: error.message }, 'malformed frame');
      this.deps.metrics.closed(CloseCode.malformedFrame);
      connection.close(CloseCode.malformedFrame, 'malformed message');
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

  /** A member's roles changed: each of their connections keeps, narrows or loses its access. */
  private async recheckMember(memberId: string): Promise<void> {
    const connections = [...(this.byMember.get(memberId) ?? [])];
    if (connections.length === 0) return;
    try {
      const actor: Actor = { memberId, isAdmin: false, memberships: await membershipsOf(this.deps.db, memberId) };
      for (const connection of connections) {
        const { document } = await this.deps.documents.visible(actor, connection.documentId).catch(() => ({ document: undefined }));
        const access = document ? documentAccess(actor, document) : 'none';
        if (access === 'none') connection.close(CloseCode.forbidden, 'access to this document was withdrawn');
        else connection.mode = access;
      }
    } catch (error) {
      this.deps.logger.error({ err: error as Error, memberId }, 'could not re-check access; closing the member\'s connections');
      for (const connection of connections) connection.close(CloseCode.internalError, 'access check failed; reconnect');
    }
  }

  private roomFor(documentId: string): Promise<Room> {
    const existing = this.rooms.get(documentId);
    if (existing) return existing;
    const loading = (async () => {
      // A failed load is an error for the connection, never an empty document (hocuspocus#382).
      const state = await readStoredState(this.deps.db, documentId);
      const doc = docFromStoredState(state, (index, error) =>
        this.deps.logger.error({ err: error as Error, documentId, seq: state.throughSeq + index + 1 }, 'a stored update did not apply; skipped'),
      );
      const room = new Room(documentId, doc, state.updates.length, state.lastSeq, this.deps.log, this.roomHooks, this.deps.logger);
      this.loadedRooms.set(documentId, room);
      for (const observer of this.observers) observer.loaded(room);
      return room;
    })();
    this.rooms.set(documentId, loading);
    loading.catch(() => this.rooms.delete(documentId));
    return loading;
  }

  private readonly roomHooks = {
    committed: (room: Room, updates: number, seq: number) => {
      this.deps.metrics.committed(updates);
      for (const observer of this.observers) observer.committed(room, seq);
      if (room.rowsSinceSnapshot >= this.deps.options.compactAfterRows) void this.compact(room);
    },
    empty: (room: Room) => {
      if (this.closing) return;
      const timer = setTimeout(() => void this.unload(room), this.deps.options.idleUnloadMs);
      timer.unref();
      this.idleTimers.set(room.documentId, timer);
    },
    failed: (room: Room) => {
      this.rooms.delete(room.documentId);
      this.loadedRooms.delete(room.documentId);
    },
  };

  private async unload(room: Room): Promise<void> {
    this.idleTimers.delete(room.documentId);
    if (room.connections.size > 0 || this.closing) return;
    await room.drained();
    if (room.connections.size > 0) return;
    this.rooms.delete(room.documentId);
    this.loadedRooms.delete(room.documentId);
    room.destroy();
    if (room.rowsSinceSnapshot > 0) await this.compact(room);
  }

  /** Folds the log into the snapshot in the background; one compaction per document at a time. */
  private async compact(room: Room): Promise<void> {
    if (this.compacting.has(room.documentId)) return;
    this.compacting.add(room.documentId);
    try {
      const result = await compactDocument(this.deps.db, room.documentId);
      room.rowsSinceSnapshot = Math.max(0, room.rowsSinceSnapshot - result.mergedRows);
    } catch (error) {
      this.deps.logger.error({ err: error, documentId: room.documentId }, 'compaction failed; the log is kept and retried later');
    } finally {
      this.compacting.delete(room.documentId);
    }
  }

  private checkLiveness(): void {
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
