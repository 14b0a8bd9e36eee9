/**
 * What instances tell each other through Redis, and its encoding as stream entry fields. Pure.
 *
 * A message carries identifiers and sequence numbers only, never document content or event data:
 * PostgreSQL is the source, and a receiver reads what it lacks from there. So a lost message only
 * delays (until the next message, commit or periodic check), and a duplicate costs one query.
 */

/** Stream entries come in two streams: one busy (document commits), one quiet (notices). */
export type FanoutMessage =
  /** Log row `seq` of the document is committed (the highest of a group commit's rows). */
  | { kind: 'update'; documentId: string; seq: number }
  /** Outbox events of the document are committed (DocumentEvents.committed). */
  | { kind: 'events'; documentId: string }
  /** This session was revoked (AccessEvents sessionRevoked). */
  | { kind: 'session'; sessionId: string }
  /** This member's memberships changed (AccessEvents membershipChanged). */
  | { kind: 'member'; memberId: string };

export interface StreamKeys {
  /** `update` messages. */
  readonly updates: string;
  /** `events`, `session` and `member` messages. */
  readonly notices: string;
}

export function streamKeys(prefix: string): StreamKeys {
  return { updates: `${prefix}:updates`, notices: `${prefix}:notices` };
}

export function streamOf(keys: StreamKeys, message: FanoutMessage): string {
  return message.kind === 'update' ? keys.updates : keys.notices;
}

/** Entry fields: `origin` (the sending instance), `kind`, then `id` (and `seq` for updates). */
export function encodeMessage(origin: string, message: FanoutMessage): string[] {
  switch (message.kind) {
    case 'update':
      return ['origin', origin, 'kind', 'update', 'id', message.documentId, 'seq', String(message.seq)];
    case 'events':
      return ['origin', origin, 'kind', 'events', 'id', message.documentId];
    case 'session':
      return ['origin', origin, 'kind', 'session', 'id', message.sessionId];
    case 'member':
      return ['origin', origin, 'kind', 'member', 'id', message.memberId];
  }
}

/** The message in an entry's fields, or undefined for anything malformed (ignored by readers). */
export function decodeMessage(fields: readonly string[]): { origin: string; message: FanoutMessage } | undefined {
  const get = (name: string): string | undefined => {
    for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === name) return fields[i + 1];
    return undefined;
  };
  const origin = get('origin');
  const id = get('id');
  if (!origin || !id) return undefined;
  switch (get('kind')) {
    case 'update': {
      const seq = Number(get('seq'));
      return Number.isSafeInteger(seq) && seq > 0 ? { origin, message: { kind: 'update', documentId: id, seq } } : undefined;
    }
    case 'events':
      return { origin, message: { kind: 'events', documentId: id } };
    case 'session':
      return { origin, message: { kind: 'session', sessionId: id } };
    case 'member':
      return { origin, message: { kind: 'member', memberId: id } };
    default:
      return undefined;
  }
}
