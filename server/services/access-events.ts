/**
 * In-process notices that someone's access changed, so live connections (WebSocket, SSE) can be
 * re-checked at once instead of at their next periodic check.
 */
import { EventEmitter } from 'node:events';

export interface AccessEventMap {
  /** A membership of this member was set or removed. */
  membershipChanged: [memberId: string];
  /** This session was revoked (logout). */
  sessionRevoked: [sessionId: string];
}

export class AccessEvents extends EventEmitter<AccessEventMap> {
  constructor() {
    super();
    // One listener per live connection; thousands are normal.
    this.setMaxListeners(0);
  }
}
