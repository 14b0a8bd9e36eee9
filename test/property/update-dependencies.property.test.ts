/**
 * updateEffect (server/protocol/update-dependencies.ts) against Yjs itself: for random edits by
 * several clients, delivered to a "server" doc in a random partial order, the update we judge
 * complete applies with no pending structs and no pending delete set, one we judge missing leaves
 * something pending, and one we judge empty changes nothing.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as Y from 'yjs';
import { updateEffect } from '../../server/protocol/update-dependencies.js';

const seed = Number(process.env.UPDATE_DEPS_SEED ?? Math.floor(Math.random() * 2 ** 31));
console.log(`update-dependencies property tests: seed ${seed} (rerun with UPDATE_DEPS_SEED=${seed})`);

type Step = { client: number; op: 'insert' | 'delete' | 'sync'; at: number; peer: number };
const step = fc.record({ client: fc.nat(2), op: fc.constantFrom('insert', 'insert', 'delete', 'sync'), at: fc.nat(50), peer: fc.nat(2) }) as fc.Arbitrary<Step>;

/** A copy of `doc` (struct store and delete set included, pending parts too). */
function copy(doc: Y.Doc): Y.Doc {
  const clone = new Y.Doc();
  Y.applyUpdate(clone, Y.encodeStateAsUpdate(doc));
  return clone;
}

function isDeletedIn(doc: Y.Doc) {
  return (client: number, clock: number, len: number) => {
    const structs = doc.store.clients.get(client);
    if (!structs || clock + len > Y.getState(doc.store, client)) return false;
    for (let i = Y.findIndexSS(structs, clock); i < structs.length && structs[i]!.id.clock < clock + len; i++) if (!structs[i]!.deleted) return false;
    return true;
  };
}

describe('updateEffect', () => {
  it('agrees with Y.applyUpdate on missing dependencies and on empty updates', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 40 }), fc.array(fc.nat(), { maxLength: 60 }), (steps, picks) => {
        const docs = [0, 1, 2].map(() => new Y.Doc());
        const updates: Uint8Array[] = [];
        for (const doc of docs) doc.on('update', (u: Uint8Array, origin: unknown) => origin !== 'sync' && updates.push(u));
        for (const { client, op, at, peer } of steps) {
          const doc = docs[client]!;
          const text = doc.getText('t');
          if (op === 'insert') text.insert(at % (text.length + 1), String.fromCharCode(97 + (at % 26)));
          else if (op === 'delete' && text.length > 0) text.delete(at % text.length, 1 + (at % Math.min(3, text.length)));
          else if (op === 'sync' && peer !== client) Y.applyUpdate(doc, Y.encodeStateAsUpdate(docs[peer]!, Y.encodeStateVector(doc)), 'sync');
        }
        // The server receives some of the updates, in some order; only complete ones are kept.
        const server = new Y.Doc();
        for (const pick of picks) {
          if (updates.length === 0) break;
          const update = updates[pick % updates.length]!;
          const effect = updateEffect(update, (c) => Y.getState(server.store, c), isDeletedIn(server));
          const trial = copy(server);
          const before = Y.encodeStateAsUpdate(trial);
          Y.applyUpdate(trial, update);
          const pending = trial.store.pendingStructs !== null || trial.store.pendingDs !== null;
          expect(effect.missing !== null, `missing: ${effect.missing}`).toBe(pending);
          if (!pending) {
            if (effect.empty) expect(Y.encodeStateAsUpdate(trial)).toEqual(before);
            Y.applyUpdate(server, update);
            for (const [client, clock] of effect.reaches) expect(Y.getState(server.store, client)).toBe(clock);
          }
        }
      }),
      { seed, numRuns: 150 },
    );
  });
});
