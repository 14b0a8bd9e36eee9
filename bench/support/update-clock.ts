/**
 * One client's progress in a Yjs update (v1): the clock it reached and the ranges of its items the
 * update deletes, read from the struct headers and the delete set without building the update's
 * content (the server's own walker, server/protocol/update-summary.ts). A bench observer needs only
 * this to count progress, where applying every frame to a Y.Doc (50–100 µs each on a long
 * document) would make the observers, not the server, the bottleneck. Same answers as Yjs' own
 * `Y.decodeUpdate` (bench:compare checks every update of its trace).
 */
import * as Y from 'yjs';
import { walkUpdate } from '../../server/protocol/update-summary.js';

/**
 * Reads `update` for one client's progress: returns the clock it reached (its last struct's clock
 * + length, or -1 if the update has no struct of it) and calls `onDeleted(clock, length)` for each
 * range of its items the update's delete set deletes.
 */
export function scanUpdate(update: Uint8Array, client: number, onDeleted?: (clock: number, length: number) => void): number {
  let reached = -1;
  walkUpdate(update, {
    struct(id, clock, length) {
      if (id === client) reached = clock + length;
    },
    deleted(id, clock, length) {
      if (id === client) onDeleted?.(clock, length);
    },
  });
  return reached;
}

/** `scanUpdate` by Yjs' own decoder (slower: it builds the update's content). */
export function scanWithYjs(update: Uint8Array, client: number, onDeleted?: (clock: number, length: number) => void): number {
  const { structs, ds } = Y.decodeUpdate(update);
  let reached = -1;
  for (const struct of structs) if (struct.id.client === client) reached = Math.max(reached, struct.id.clock + struct.length);
  for (const item of ds.clients.get(client) ?? []) onDeleted?.(item.clock, item.len);
  return reached;
}
