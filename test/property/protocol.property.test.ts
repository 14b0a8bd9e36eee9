import * as encoding from 'lib0/encoding';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import {
  decodeClientMessage,
  encodeAwareness,
  encodeSyncStep1,
  encodeSyncStep2,
  encodeUpdate,
  ProtocolError,
  type ClientMessage,
} from '../../server/protocol/index.js';

const seed = Number(process.env.PROTOCOL_SEED ?? Math.floor(Math.random() * 2 ** 31));
console.log(`protocol property tests: seed ${seed} (rerun with PROTOCOL_SEED=${seed})`);
const params = (numRuns: number) => ({ seed, numRuns });

/** Decodes, returning the message or the ProtocolError; any other throw fails the property. */
function decodeOrError(data: Uint8Array): ClientMessage | ProtocolError {
  try {
    return decodeClientMessage(data);
  } catch (error) {
    if (error instanceof ProtocolError) return error;
    throw new Error(`decodeClientMessage threw a non-ProtocolError: ${String(error)}`, { cause: error });
  }
}

function frame(prefix: readonly number[], payload: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  for (const value of prefix) encoding.writeVarUint(encoder, value);
  encoding.writeVarUint8Array(encoder, payload);
  return encoding.toUint8Array(encoder);
}

// ---- random editing sessions producing real Yjs updates ----

type Op =
  | { kind: 'insert'; pos: number; text: string }
  | { kind: 'delete'; pos: number; len: number }
  | { kind: 'format'; pos: number; len: number }
  | { kind: 'map'; key: string; value: unknown }
  | { kind: 'xml'; pos: number; text: string };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), pos: fc.nat(), text: fc.string({ minLength: 1, maxLength: 12, unit: 'grapheme' }) }),
  fc.record({ kind: fc.constant('delete' as const), pos: fc.nat(), len: fc.integer({ min: 1, max: 6 }) }),
  fc.record({ kind: fc.constant('format' as const), pos: fc.nat(), len: fc.integer({ min: 1, max: 6 }) }),
  fc.record({ kind: fc.constant('map' as const), key: fc.string({ maxLength: 4 }), value: fc.jsonValue({ maxDepth: 2 }) }),
  fc.record({ kind: fc.constant('xml' as const), pos: fc.nat(), text: fc.string({ maxLength: 6 }) }),
);

/** Applies ops to a fresh doc; returns each transaction's update and the final full state. */
function session(ops: readonly Op[], clientID: number): { updates: Uint8Array[]; state: Uint8Array; doc: Y.Doc } {
  const doc = new Y.Doc();
  doc.clientID = clientID;
  const updates: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => updates.push(u));
  const text = doc.getText('t');
  const fragment = doc.getXmlFragment('default');
  for (const op of ops) {
    switch (op.kind) {
      case 'insert':
        text.insert(op.pos % (text.length + 1), op.text);
        break;
      case 'delete':
        if (text.length > 0) {
          const pos = op.pos % text.length;
          text.delete(pos, Math.min(op.len, text.length - pos));
        }
        break;
      case 'format':
        if (text.length > 0) {
          const pos = op.pos % text.length;
          text.format(pos, Math.min(op.len, text.length - pos), { bold: true });
        }
        break;
      case 'map':
        doc.getMap('m').set(op.key, op.value);
        break;
      case 'xml': {
        const paragraph = new Y.XmlElement('paragraph');
        paragraph.insert(0, [new Y.XmlText(op.text)]);
        fragment.insert(op.pos % (fragment.length + 1), [paragraph]);
        break;
      }
    }
  }
  return { updates, state: Y.encodeStateAsUpdate(doc), doc };
}

const sessionArb = fc
  .tuple(fc.array(opArb, { minLength: 1, maxLength: 12 }), fc.integer({ min: 1, max: 2 ** 32 - 1 }))
  .map(([ops, clientID]) => session(ops, clientID));

const awarenessStateArb = fc.record(
  {
    user: fc.record({ name: fc.string({ maxLength: 10 }), color: fc.constantFrom('#30bced', 'red', 'x;y') }),
    cursor: fc.oneof(fc.constant(null), fc.record({ anchor: fc.nat(), head: fc.nat() })),
  },
  { requiredKeys: ['user'] },
);

/** Valid frames of every kind a stock client sends. */
const validFrameArb: fc.Arbitrary<Uint8Array> = fc.oneof(
  sessionArb.map(({ state }) => encodeSyncStep2(state)),
  sessionArb.map(({ updates }) => encodeUpdate(updates[updates.length - 1] ?? Y.encodeStateAsUpdate(new Y.Doc()))),
  sessionArb.map(({ doc }) => encodeSyncStep1(Y.encodeStateVector(doc))),
  fc.tuple(awarenessStateArb, fc.integer({ min: 1, max: 2 ** 32 - 1 })).map(([state, clientID]) => {
    const doc = new Y.Doc();
    doc.clientID = clientID;
    const awareness = new awarenessProtocol.Awareness(doc);
    awareness.setLocalState(state);
    const update = awarenessProtocol.encodeAwarenessUpdate(awareness, [clientID]);
    awareness.destroy();
    return encodeAwareness(update);
  }),
);

// ---- properties ----

describe('decodeClientMessage on arbitrary input', () => {
  it('returns a message or throws ProtocolError for random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (data) => {
        decodeOrError(data);
      }),
      params(2000),
    );
  });

  it('returns a message or throws ProtocolError for random payloads in well-formed frames', () => {
    // Valid framing so the random bytes reach the state-vector, update and awareness validators.
    const prefixArb = fc.constantFrom([0, 0], [0, 1], [0, 2], [1]);
    fc.assert(
      fc.property(prefixArb, fc.uint8Array({ maxLength: 200 }), (prefix, payload) => {
        decodeOrError(frame(prefix, payload));
      }),
      params(3000),
    );
  });

  it('rejects every proper prefix of a valid frame', () => {
    fc.assert(
      fc.property(validFrameArb, (data) => {
        expect(decodeOrError(data)).not.toBeInstanceOf(ProtocolError);
        for (let length = 0; length < data.length; length++) {
          expect(decodeOrError(data.subarray(0, length))).toBeInstanceOf(ProtocolError);
        }
      }),
      params(150),
    );
  });

  it('never accepts a truncated update, even re-framed with a consistent length', () => {
    // The v1 update format is self-delimiting, so no proper prefix of an update is an update.
    fc.assert(
      fc.property(sessionArb, ({ updates, state }) => {
        for (const update of [state, ...updates]) {
          for (let length = 0; length < update.length; length++) {
            const truncated = update.subarray(0, length);
            expect(decodeOrError(frame([0, 2], truncated))).toBeInstanceOf(ProtocolError);
            expect(decodeOrError(frame([0, 1], truncated))).toBeInstanceOf(ProtocolError);
          }
        }
      }),
      params(60),
    );
  });

  it('never accepts a valid update with bytes appended', () => {
    fc.assert(
      fc.property(sessionArb, fc.uint8Array({ minLength: 1, maxLength: 8 }), ({ state }, extra) => {
        const extended = new Uint8Array([...state, ...extra]);
        expect(decodeOrError(frame([0, 2], extended))).toBeInstanceOf(ProtocolError);
      }),
      params(200),
    );
  });

  it('returns a message or throws ProtocolError when bytes of a valid frame are flipped', () => {
    fc.assert(
      fc.property(
        validFrameArb,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }),
        (data, flips) => {
          const mutated = Uint8Array.from(data);
          for (const [index, xor] of flips) mutated[index % mutated.length]! ^= xor;
          const result = decodeOrError(mutated);
          if (result instanceof ProtocolError) return;
          // Whatever was accepted is kept verbatim: the payload is exactly the frame's tail.
          if ('update' in result) {
            expect(result.update).toEqual(mutated.subarray(mutated.length - result.update.length));
          }
        },
      ),
      params(1500),
    );
  });
});
