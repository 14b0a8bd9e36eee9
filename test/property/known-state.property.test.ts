/**
 * KnownState (server/protocol/known-state.ts) against a Y.Doc: built from the summary of a merged
 * state (as a worker computes it on load) and then fed the complete updates a room commits, it
 * answers `clock` and `isDeleted` for every client and range exactly as the Y.Doc holding the same
 * updates does — so a big room checks updates without a Y.Doc and judges them as before.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as Y from 'yjs';
import { KnownState } from '../../server/protocol/known-state.js';
import { mergeStoredState } from '../../server/domain/stored-state.js';
import { updateEffect } from '../../server/protocol/update-dependencies.js';

const seed = Number(process.env.KNOWN_STATE_SEED ?? Math.floor(Math.random() * 2 ** 31));
console.log(`known-state property tests: seed ${seed} (rerun with KNOWN_STATE_SEED=${seed})`);

type Step = { client: number; op: 'insert' | 'delete' | 'sync'; at: number; peer: number };
const step = fc.record({ client: fc.nat(2), op: fc.constantFrom('insert', 'insert', 'delete', 'delete', 'sync'), at: fc.nat(60), peer: fc.nat(2) }) as fc.Arbitrary<Step>;

/** What the Y.Doc-backed room answers (room.ts before KnownState). */
function docIsDeleted(doc: Y.Doc, client: number, clock: number, len: number): boolean {
  const structs = doc.store.clients.get(client);
  if (!structs || clock + len > Y.getState(doc.store, client)) return false;
  for (let i = Y.findIndexSS(structs, clock); i < structs.length && structs[i]!.id.clock < clock + len; i++) if (!structs[i]!.deleted) return false;
  return true;
}

describe('KnownState', () => {
  it('answers clock and isDeleted as the Y.Doc holding the same committed updates', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 50 }), fc.nat(), fc.array(fc.nat(), { maxLength: 60 }), (steps, split, picks) => {
        const docs = [0, 1, 2].map(() => new Y.Doc());
        const updates: Uint8Array[] = [];
        for (const doc of docs) doc.on('update', (u: Uint8Array, origin: unknown) => origin !== 'sync' && updates.push(u));
        for (const { client, op, at, peer } of steps) {
          const doc = docs[client]!;
          const text = doc.getText('t');
          if (op === 'insert') text.insert(at % (text.length + 1), 'xyz'.slice(0, 1 + (at % 3)));
          else if (op === 'delete' && text.length > 0) text.delete(at % text.length, 1 + (at % Math.min(4, text.length)));
          else if (op === 'sync' && peer !== client) Y.applyUpdate(doc, Y.encodeStateAsUpdate(docs[peer]!, Y.encodeStateVector(doc)), 'sync');
        }
        // The stored state: the first updates (complete ones, in order) merged as a load does, the rest live.
        const server = new Y.Doc();
        const stored: Uint8Array[] = [];
        const live: Uint8Array[] = [];
        const cut = split % (updates.length + 1);
        const take = (update: Uint8Array, into: Uint8Array[]) => {
          const effect = updateEffect(update, (c) => Y.getState(server.store, c), (c, k, l) => docIsDeleted(server, c, k, l));
          if (effect.missing !== null) return;
          Y.applyUpdate(server, update);
          into.push(update);
        };
        updates.slice(0, cut).forEach((u) => take(u, stored));
        const merged = mergeStoredState({ snapshot: undefined, updates: stored, throughSeq: 0, lastSeq: stored.length }, { summary: true });
        const known = KnownState.fromSummary(merged.summary!.stateVector, merged.summary!.deleteSet);
        // The same state compacted (a snapshot and no rows) is summarised without a Y.Doc.
        const compacted = mergeStoredState({ snapshot: Y.encodeStateAsUpdate(server), updates: [], throughSeq: 1, lastSeq: 1 }, { summary: true });
        const knownCompacted = KnownState.fromSummary(compacted.summary!.stateVector, compacted.summary!.deleteSet);
        for (const pick of picks) if (updates.length > 0) take(updates[pick % updates.length]!, live);
        live.forEach((u) => {
          known.add(u);
          knownCompacted.add(u);
        });
        for (const client of docs.map((d) => d.clientID)) {
          const state = Y.getState(server.store, client);
          expect(known.clock(client)).toBe(state);
          expect(knownCompacted.clock(client)).toBe(state);
          for (let clock = 0; clock <= state; clock++) {
            for (let len = 1; clock + len <= state + 1; len++) {
              const expected = docIsDeleted(server, client, clock, len);
              expect(known.isDeleted(client, clock, len), `client ${client} [${clock}, +${len})`).toBe(expected);
              expect(knownCompacted.isDeleted(client, clock, len), `compacted: client ${client} [${clock}, +${len})`).toBe(expected);
            }
          }
        }
      }),
      { seed, numRuns: 150 },
    );
  });
});
