/**
 * One WebSocket on one document: who is behind it, what it may do, and the guards every
 * connection needs (rate limit, send-buffer limit, liveness).
 */
import type { WebSocket } from 'ws';
import { CloseCode } from '../errors.js';

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
    if (this.socket.bufferedAmount + frame.byteLength > this.limits.maxBufferedBytes) {
      this.close(CloseCode.tryAgainLater, 'reader too slow; reconnect to resync');
      return;
    }
    this.socket.send(frame);
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    // Close reasons are limited to 123 bytes by the protocol.
    this.socket.close(code, Buffer.from(reason).subarray(0, 123).toString());
  }
}
