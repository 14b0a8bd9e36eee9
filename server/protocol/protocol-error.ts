/**
 * Thrown for any frame that is not a well-formed, fully valid y-websocket message.
 *
 * Invariant: the decoders in this folder throw nothing else for any input byte string, so a
 * caller can map exactly this class to close code 1007 and treat anything else as a server bug.
 * `reason` is short, safe to log and to send as a WebSocket close reason (≤ 123 bytes of UTF-8).
 */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
  readonly reason: string;

  constructor(reason: string, options?: { cause?: unknown }) {
    super(`malformed frame: ${reason}`, options);
    this.reason = reason.length > 120 ? `${reason.slice(0, 117)}...` : reason;
  }
}
