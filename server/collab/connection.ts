/**
 * One WebSocket on one document: who is behind it, what it may do, and the guards every
 * connection needs (rate limit, send-buffer limit, liveness).
 */
import type { Writable } from 'node:stream';
import type { WebSocket } from 'ws';
import { CloseCode } from '../errors.js';

/**
 * One binary message framed for the wire once (RFC 6455: FIN + binary opcode, unmasked as a
 * server sends, the length in 7, 16 or 64 bits), for a broadcast to many readers: each reader's
 * send is then one socket write of a shared buffer, with no per-reader framing or allocation.
 */
export class WireFrame {
  readonly bytes: Buffer;

  constructor(readonly payload: Uint8Array) {
    const n = payload.byteLength;
    const headerBytes = n < 126 ? 2 : n < 65_536 ? 4 : 10;
    const bytes = Buffer.allocUnsafe(headerBytes + n);
    bytes[0] = 0x82;
    if (n < 126) {
      bytes[1] = n;
    } else if (n < 65_536) {
      bytes[1] = 126;
      bytes.writeUInt16BE(n, 2);
    } else {
      bytes[1] = 127;
      bytes.writeUInt32BE(0, 2);
      bytes.writeUInt32BE(n, 6);
    }
    bytes.set(payload, headerBytes);
    this.bytes = bytes;
  }
}

export type ConnectionMode = 'write' | 'read';

export interface ConnectionIdentity {
  readonly memberId: string;
  readonly sessionId: string;
  readonly displayName: string;
  readonly expiresAt: Date;
}

export interface ConnectionLimits {
  /** Sustained messages per second allowed per connection (token bucket refill rate). */
  messagesPerSecond: number;
  /** Messages allowed in a burst above the sustained rate. */
  messageBurst: number;
  /** A reader whose unsent data passes this many bytes is closed (it resyncs on reconnect). */
  maxBufferedBytes: number;
}

let nextConnectionId = 1;

export class Connection {
  readonly id = nextConnectionId++;
  /** Answered the last ping (heartbeat). */
  alive = true;
  closed = false;
  private tokens: number;
  private refilledAt = performance.now();
  /** Bytes of initial sync answer still allowed above `maxBufferedBytes` (a big document is no slow reader). */
  private syncAllowance = 0;
  /**
   * The stored snapshot this connection was sent while its document loaded (a big one: the client
   * applies it while the server merges the log); the room's answer then starts after it.
   */
  heldBase: Uint8Array | undefined;

  constructor(
    readonly socket: WebSocket,
    readonly documentId: string,
    readonly identity: ConnectionIdentity,
    public mode: ConnectionMode,
    private readonly limits: ConnectionLimits,
  ) {
    this.tokens = limits.messageBurst;
  }

  /** Takes one message from the rate budget; false when the connection is over its limit. */
  admitMessage(): boolean {
    const now = performance.now();
    this.tokens = Math.min(this.limits.messageBurst, this.tokens + ((now - this.refilledAt) / 1000) * this.limits.messagesPerSecond);
    this.refilledAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /**
   * Sends a frame unless the peer is too far behind: then the connection is closed with 1013 so
   * it reconnects and resyncs, rather than buffering without bound or silently skipping frames.
   */
  send(frame: Uint8Array): void {
    if (this.closed || this.socket.readyState !== this.socket.OPEN) return;
    if (this.socket.bufferedAmount < this.limits.maxBufferedBytes) this.syncAllowance = 0;
    if (this.socket.bufferedAmount + frame.byteLength > this.limits.maxBufferedBytes + this.syncAllowance) {
      this.close(CloseCode.tryAgainLater, 'reader too slow; reconnect to resync');
      return;
    }
    this.socket.send(frame);
  }

  /**
   * `send` for a frame shared by a broadcast: the same slow-reader rule, then the pre-framed bytes
   * go straight to the TCP socket under `ws`. That is what `ws` itself writes for an uncompressed
   * message, and in the same order: without an extension negotiated (this server offers none)
   * its sender never queues, so earlier `socket.send` frames are already written.
   */
  sendShared(frame: WireFrame): void {
    if (this.closed || this.socket.readyState !== this.socket.OPEN) return;
    if (this.socket.bufferedAmount < this.limits.maxBufferedBytes) this.syncAllowance = 0;
    if (this.socket.bufferedAmount + frame.payload.byteLength > this.limits.maxBufferedBytes + this.syncAllowance) {
      this.close(CloseCode.tryAgainLater, 'reader too slow; reconnect to resync');
      return;
    }
    const raw = (this.socket as unknown as { _socket?: Writable })._socket;
    if (raw && this.socket.extensions === '') raw.write(frame.bytes);
    else this.socket.send(frame.payload);
  }

  /**
   * Sends the initial sync answer (a whole document, possibly larger than `maxBufferedBytes`):
   * never refused as a slow reader; frames sent while it drains get the same allowance on top.
   */
  sendInitialSync(frames: readonly Uint8Array[]): void {
    if (this.closed || this.socket.readyState !== this.socket.OPEN) return;
    for (const frame of frames) {
      this.syncAllowance += frame.byteLength;
      this.socket.send(frame);
    }
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    // Close reasons are limited to 123 bytes by the protocol.
    this.socket.close(code, Buffer.from(reason).subarray(0, 123).toString());
  }
}
