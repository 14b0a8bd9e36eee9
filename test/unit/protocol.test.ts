import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { describe, expect, it } from 'vitest';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import {
  answerSyncStep1,
  awarenessRemoval,
  ClientIdOwnership,
  decodeAwarenessUpdate,
  decodeClientMessage,
  encodeAwareness,
  encodeAwarenessUpdate,
  encodeQueryAwareness,
  encodeSyncStep1,
  encodeSyncStep2,
  encodeUpdate,
  isShortCssColor,
  MAX_AWARENESS_STATE_BYTES,
  ProtocolError,
  stampAwareness,
  syncStep1FromDoc,
  type AwarenessEntry,
  type ClientMessage,
} from '../../server/protocol/index.js';

// ---- helpers: frames exactly as the stock y-websocket provider builds them ----

function frame(write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder();
  write(encoder);
  return encoding.toUint8Array(encoder);
}

const providerSyncStep1 = (doc: Y.Doc) =>
  frame((e) => {
    encoding.writeVarUint(e, 0);
    syncProtocol.writeSyncStep1(e, doc);
  });
const providerSyncStep2 = (doc: Y.Doc, sv?: Uint8Array) =>
  frame((e) => {
    encoding.writeVarUint(e, 0);
    syncProtocol.writeSyncStep2(e, doc, sv);
  });
const providerUpdate = (update: Uint8Array) =>
  frame((e) => {
    encoding.writeVarUint(e, 0);
    syncProtocol.writeUpdate(e, update);
  });
const providerAwareness = (awareness: awarenessProtocol.Awareness, clients: number[]) =>
  frame((e) => {
    encoding.writeVarUint(e, 1);
    encoding.writeVarUint8Array(e, awarenessProtocol.encodeAwarenessUpdate(awareness, clients));
  });
const bytes = (...values: number[]) => Uint8Array.from(values);
const frameUpdate = (syncType: number, update: Uint8Array) =>
  frame((e) => {
    encoding.writeVarUint(e, 0);
    encoding.writeVarUint(e, syncType);
    encoding.writeVarUint8Array(e, update);
  });
const frameAwareness = (payload: Uint8Array) =>
  frame((e) => {
    encoding.writeVarUint(e, 1);
    encoding.writeVarUint8Array(e, payload);
  });
/** An awareness update payload with one entry whose state is written raw. */
const rawAwarenessPayload = (clientId: number, clock: number, json: string | Uint8Array) =>
  frame((e) => {
    encoding.writeVarUint(e, 1);
    encoding.writeVarUint(e, clientId);
    encoding.writeVarUint(e, clock);
    if (typeof json === 'string') encoding.writeVarString(e, json);
    else encoding.writeVarUint8Array(e, json);
  });
const rawAwareness = (clientId: number, clock: number, json: string | Uint8Array) =>
  frameAwareness(rawAwarenessPayload(clientId, clock, json));

function docWithText(text: string, clientID = 1): Y.Doc {
  const doc = new Y.Doc();
  doc.clientID = clientID;
  doc.getText('t').insert(0, text);
  return doc;
}

function expectProtocolError(data: Uint8Array, reason: RegExp): void {
  let thrown: unknown;
  try {
    decodeClientMessage(data);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(ProtocolError);
  expect((thrown as ProtocolError).reason).toMatch(reason);
}

function entry(clientId: number, clock: number, state: Record<string, unknown> | null): AwarenessEntry {
  return { clientId, clock, state, stateBytes: JSON.stringify(state).length };
}

/** Feeds a server frame to y-protocols exactly as the provider's message handlers do. */
function providerReads(frameBytes: Uint8Array, doc: Y.Doc, awareness?: awarenessProtocol.Awareness): Uint8Array {
  const decoder = decoding.createDecoder(frameBytes);
  const reply = encoding.createEncoder();
  const type = decoding.readVarUint(decoder);
  if (type === 0) {
    encoding.writeVarUint(reply, 0);
    syncProtocol.readSyncMessage(decoder, reply, doc, 'server', (error) => {
      throw error;
    });
  } else if (type === 1 && awareness) {
    awarenessProtocol.applyAwarenessUpdate(awareness, decoding.readVarUint8Array(decoder), 'server');
  } else {
    throw new Error(`unexpected frame type ${type}`);
  }
  return encoding.length(reply) > 1 ? encoding.toUint8Array(reply) : new Uint8Array();
}

// ---- tests ----

describe('decoding what the stock provider sends', () => {
  it('decodes sync step 1 and keeps the state vector', () => {
    const doc = docWithText('hello');
    const message = decodeClientMessage(providerSyncStep1(doc));
    expect(message).toEqual({ type: 'sync-step1', stateVector: Y.encodeStateVector(doc) });
  });

  it('decodes sync step 2 and an empty step 2', () => {
    const doc = docWithText('hello');
    const full = decodeClientMessage(providerSyncStep2(doc));
    expect(full).toEqual({ type: 'sync-step2', update: Y.encodeStateAsUpdate(doc) });
    const empty = decodeClientMessage(providerSyncStep2(doc, Y.encodeStateVector(doc)));
    expect(empty).toEqual({ type: 'sync-step2', update: bytes(0, 0) });
  });

  it('decodes live updates (text, map, xml, deletes) as the exact bytes sent', () => {
    const doc = new Y.Doc();
    const updates: Uint8Array[] = [];
    doc.on('update', (u: Uint8Array) => updates.push(u));
    doc.getText('t').insert(0, 'héllo wörld 🎉');
    doc.getText('t').delete(2, 3);
    doc.getMap('m').set('k', { nested: [1, 'two', null, true] });
    const fragment = doc.getXmlFragment('default');
    const paragraph = new Y.XmlElement('paragraph');
    paragraph.insert(0, [new Y.XmlText('text')]);
    fragment.insert(0, [paragraph]);
    paragraph.setAttribute('align', 'left');
    expect(updates.length).toBeGreaterThan(4);
    for (const update of updates) {
      const message = decodeClientMessage(providerUpdate(update));
      expect(message.type).toBe('update');
      expect((message as { update: Uint8Array }).update).toEqual(update);
    }
  });

  it('decodes the provider awareness announcement with its entries', () => {
    const doc = new Y.Doc();
    const awareness = new awarenessProtocol.Awareness(doc);
    awareness.setLocalState({ user: { name: 'Ana', color: '#30bced' }, cursor: null });
    const data = providerAwareness(awareness, [doc.clientID]);
    const message = decodeClientMessage(data);
    expect(message.type).toBe('awareness');
    const { entries, update } = message as Extract<ClientMessage, { type: 'awareness' }>;
    expect(entries).toEqual([
      {
        clientId: doc.clientID,
        clock: 1,
        state: { user: { name: 'Ana', color: '#30bced' }, cursor: null },
        stateBytes: expect.any(Number),
      },
    ]);
    expect(update).toEqual(awarenessProtocol.encodeAwarenessUpdate(awareness, [doc.clientID]));
    // Re-encoding our entries gives the same bytes as y-protocols.
    expect(encodeAwarenessUpdate(entries)).toEqual(update);
    awareness.destroy();
  });

  it('decodes a removal (state null) and query-awareness', () => {
    const doc = new Y.Doc();
    const awareness = new awarenessProtocol.Awareness(doc);
    const removal = frameAwareness(awarenessProtocol.encodeAwarenessUpdate(awareness, [doc.clientID], new Map()));
    const message = decodeClientMessage(removal) as Extract<ClientMessage, { type: 'awareness' }>;
    expect(message.entries[0]?.state).toBeNull();
    expect(decodeClientMessage(bytes(3))).toEqual({ type: 'query-awareness' });
    awareness.destroy();
  });

  it('returns an owned copy, not a view on the socket buffer', () => {
    const update = Y.encodeStateAsUpdate(docWithText('abc'));
    const data = providerUpdate(update);
    const message = decodeClientMessage(data) as { update: Uint8Array };
    data.fill(0);
    expect(message.update).toEqual(update);
    expect(message.update.buffer).not.toBe(data.buffer);
  });
});

describe('encoding what the stock provider reads', () => {
  it('encodes frames byte-identical to y-protocols', () => {
    const doc = docWithText('hello');
    const sv = Y.encodeStateVector(doc);
    const update = Y.encodeStateAsUpdate(doc);
    expect(encodeSyncStep1(sv)).toEqual(providerSyncStep1(doc));
    expect(syncStep1FromDoc(doc)).toEqual(providerSyncStep1(doc));
    expect(encodeSyncStep2(update)).toEqual(providerSyncStep2(doc));
    expect(encodeUpdate(update)).toEqual(providerUpdate(update));
    const remote = new Y.Doc();
    expect(answerSyncStep1(doc, Y.encodeStateVector(remote))).toEqual(
      providerSyncStep2(doc, Y.encodeStateVector(remote)),
    );
    expect(encodeQueryAwareness()).toEqual(bytes(3));
  });

  it('syncs a fresh client through y-protocols readSyncMessage', () => {
    const server = docWithText('server text');
    const client = new Y.Doc();
    client.getText('t').insert(0, 'client ');
    // Client step 1 → server answers with step 2; the client applies it.
    const step1 = decodeClientMessage(providerSyncStep1(client)) as Extract<ClientMessage, { type: 'sync-step1' }>;
    expect(providerReads(answerSyncStep1(server, step1.stateVector), client)).toHaveLength(0);
    // Server step 1 → the client replies with a step 2 that we decode and apply.
    const reply = providerReads(syncStep1FromDoc(server), client);
    const step2 = decodeClientMessage(reply);
    expect(step2.type).toBe('sync-step2');
    Y.applyUpdate(server, (step2 as { update: Uint8Array }).update);
    expect(server.getText('t').toString()).toBe(client.getText('t').toString());
    // A relayed update is applied by the client.
    const updates: Uint8Array[] = [];
    server.on('update', (u: Uint8Array) => updates.push(u));
    server.getText('t').insert(0, '!');
    providerReads(encodeUpdate(updates[0]!), client);
    expect(client.getText('t').toString()).toBe(server.getText('t').toString());
  });

  it('relays awareness the stock Awareness applies', () => {
    const reader = new awarenessProtocol.Awareness(new Y.Doc());
    const update = encodeAwarenessUpdate([entry(42, 3, { user: { id: 'm1', name: 'Ana' } })]);
    providerReads(encodeAwareness(update), new Y.Doc(), reader);
    expect(reader.getStates().get(42)).toEqual({ user: { id: 'm1', name: 'Ana' } });
    reader.destroy();
  });
});

describe('malformed frames', () => {
  const validUpdate = Y.encodeStateAsUpdate(docWithText('hello'));

  it.each([
    ['empty input', bytes(), /empty message/],
    ['unknown message type', bytes(7), /unknown message type 7/],
    ['a client-sent auth message', bytes(2, 0, 0), /server-to-client only/],
    ['unknown sync type', bytes(0, 5, 0), /unknown sync message type 5/],
    ['a truncated message-type varuint', bytes(0x80), /truncated varuint \(message type\)/],
    ['a truncated sync-type varuint', bytes(0, 0x81), /truncated varuint \(sync message type\)/],
    ['a truncated length varuint', bytes(0, 2, 0xff), /truncated varuint \(update length\)/],
    ['a varuint of more than 8 bytes', bytes(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0), /out of range/],
    ['a varuint above 2^53', bytes(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f), /out of range/],
    ['an array shorter than its length', bytes(0, 2, 10, 1, 2), /truncated update: claims 10 bytes, 2 remain/],
    ['a claimed length of 2^51 bytes', bytes(0, 2, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x04), /claims 2251799813685248 bytes/],
    ['trailing bytes after query-awareness', bytes(3, 0), /1 trailing bytes after query-awareness/],
    ['trailing bytes after a sync frame', bytes(...encodeUpdate(validUpdate), 9, 9), /2 trailing bytes after sync update/],
    ['trailing bytes inside an update', frameUpdate(2, bytes(...validUpdate, 0)), /1 trailing bytes after update/],
    ['trailing bytes inside a step 2', frameUpdate(1, bytes(...validUpdate, 0)), /trailing bytes after update/],
    ['a truncated update in a consistent frame', frameUpdate(2, validUpdate.subarray(0, 10)), /update does not decode: truncated/],
    ['an empty update', frameUpdate(2, bytes()), /update does not decode/],
    ['garbage as an update', frameUpdate(2, bytes(1, 1, 1, 0, 0xff, 7)), /update does not decode/],
    ['an unknown content ref', frameUpdate(2, bytes(1, 1, 1, 0, 0x1f, 1, 1, 0x61, 0)), /update does not decode/],
    ['a zero-length GC struct', frameUpdate(2, bytes(1, 1, 1, 0, 0, 0, 0)), /zero-length struct/],
    ['an empty string item', frameUpdate(2, bytes(1, 1, 1, 0, 4, 1, 1, 0x74, 0, 0)), /zero-length struct/],
    ['a clock above 2^53', frameUpdate(2, bytes(1, 1, 1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, 0, 1, 0)), /out of range/],
    ['an item whose origin is itself', frameUpdate(2, bytes(1, 1, 5, 2, 0x84, 5, 2, 1, 0x78, 0)), /referring to itself or its future/],
    ['an item whose parent is a later item', frameUpdate(2, bytes(1, 1, 5, 0, 4, 0, 5, 3, 1, 0x78, 0)), /referring to itself or its future/],
    ['a zero-length delete range', frameUpdate(2, bytes(0, 1, 5, 1, 122, 0)), /zero-length delete range/],
    ['a v2 update', frameUpdate(2, Y.encodeStateAsUpdateV2(docWithText('hello'))), /update does not decode|trailing bytes/],
    ['a state vector that does not decode', frameUpdate(0, bytes(1, 5)), /truncated state vector/],
    ['a state vector claiming more entries than bytes', frameUpdate(0, bytes(100, 1, 1)), /truncated state vector/],
    ['a state vector with trailing bytes', frameUpdate(0, bytes(1, 5, 6, 7)), /1 trailing bytes after state vector/],
    ['a truncated awareness update', frameAwareness(bytes(2, 1, 1, 2, 0x7b, 0x7d)), /truncated awareness update/],
    ['awareness with trailing bytes', frameAwareness(bytes(...rawAwarenessPayload(1, 1, '{}'), 0)), /trailing bytes after awareness update/],
    ['awareness state that is not JSON', rawAwareness(1, 1, '{user:'), /not UTF-8 JSON/],
    ['awareness state that is not UTF-8', rawAwareness(1, 1, bytes(0x22, 0xff, 0x22)), /not UTF-8 JSON/],
    ['awareness state that is an array', rawAwareness(1, 1, '[1,2]'), /neither an object nor null/],
    ['awareness state that is a string', rawAwareness(1, 1, '"me"'), /neither an object nor null/],
    ['awareness state that is a number', rawAwareness(1, 1, '42'), /neither an object nor null/],
    ['awareness client id above uint32', rawAwareness(2 ** 32, 1, '{}'), /client id out of range/],
  ])('rejects %s', (_name, data, reason) => {
    expectProtocolError(data, reason);
  });

  it('reports a reason short enough for a close frame and free of client bytes', () => {
    const data = frameUpdate(2, bytes(1, 1, 1, 0, 5, 1, 1, 0x74, 3, 0x7b, 0x22, 0x78, 0));
    try {
      decodeClientMessage(data);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ProtocolError);
      expect(new TextEncoder().encode((error as ProtocolError).reason).length).toBeLessThanOrEqual(123);
      expect((error as ProtocolError).reason).not.toContain('{"x');
    }
  });

  it('rejects the well-formed updates fuzzing found to throw inside Y.applyUpdate', () => {
    // Origin (5,2) on the item (5,2) itself: Yjs throws "Unexpected case" part-way through apply.
    const selfOrigin = bytes(1, 1, 5, 2, 0x84, 5, 2, 1, 0x78, 0);
    const doc = docWithText('hi', 5);
    expect(() => Y.applyUpdate(doc, selfOrigin)).toThrow();
    expectProtocolError(frameUpdate(2, selfOrigin), /itself/);
  });

  it('shows that plain Y.decodeUpdate would have accepted trailing bytes', () => {
    expect(() => Y.decodeUpdate(bytes(...validUpdate, 0, 0, 0))).not.toThrow();
  });
});

describe('awareness identity', () => {
  const identity = { memberId: 'mem-7', name: 'Bình Trần' };

  it('overwrites a forged user, keeps cursor and a safe colour', () => {
    const forged = entry(11, 4, {
      user: { id: 'mem-admin', name: 'The Chair', color: '#ff8800', role: 'secretary' },
      cursor: { anchor: { type: null, tname: 'default', item: null, assoc: 0 }, head: null },
    });
    const stamped = stampAwareness([forged], identity, new Set([11]));
    expect(stamped.refused).toEqual([]);
    expect(stamped.relayed[0]?.state).toEqual({
      user: { id: 'mem-7', name: 'Bình Trần', color: '#ff8800' },
      cursor: forged.state!.cursor,
    });
    // The encoded update is what a stock Awareness reads.
    const reader = new awarenessProtocol.Awareness(new Y.Doc());
    awarenessProtocol.applyAwarenessUpdate(reader, stamped.update!, 'server');
    expect(reader.getStates().get(11)?.user).toEqual({ id: 'mem-7', name: 'Bình Trần', color: '#ff8800' });
    reader.destroy();
  });

  it('adds the identity when the client sent no user, and drops unsafe colours', () => {
    const noUser = stampAwareness([entry(1, 1, {})], identity, new Set([1]));
    expect(noUser.relayed[0]?.state).toEqual({ user: { id: 'mem-7', name: 'Bình Trần' } });
    for (const color of ['red;background:url(x)', 'url(javascript:alert(1))', '#12345', 'x'.repeat(50), 7]) {
      const out = stampAwareness([entry(1, 1, { user: { color } })], identity, new Set([1]));
      expect(out.relayed[0]?.state?.user).toEqual({ id: 'mem-7', name: 'Bình Trần' });
    }
  });

  it('accepts the usual colour forms', () => {
    for (const color of ['#abc', '#30bced', '#30bced70', 'rebeccapurple', 'rgb(10, 20, 30)', 'hsl(120deg 50% 40% / 0.5)']) {
      expect(isShortCssColor(color)).toBe(true);
    }
    for (const color of ['rgb(1,2,3);x', 'expression(alert(1))', 'var(--x)', '']) {
      expect(isShortCssColor(color)).toBe(false);
    }
  });

  it('relays removals of owned ids unchanged', () => {
    const out = stampAwareness([entry(5, 9, null)], identity, new Set([5]));
    expect(out.relayed).toEqual([{ clientId: 5, clock: 9, state: null, stateBytes: 4 }]);
  });

  it('refuses entries for ids the connection does not own without failing the frame', () => {
    const out = stampAwareness([entry(1, 1, { a: 1 }), entry(2, 1, { b: 1 })], identity, new Set([1]));
    expect(out.refused).toEqual([2]);
    expect(decodeAwarenessUpdate(out.update!).map((e) => e.clientId)).toEqual([1]);
    const none = stampAwareness([entry(2, 1, { b: 1 })], identity, new Set([1]));
    expect(none).toEqual({ update: null, relayed: [], refused: [2] });
  });

  it('rejects an owned state larger than the cap, by its received size', () => {
    const big = { note: 'x'.repeat(MAX_AWARENESS_STATE_BYTES) };
    const data = rawAwareness(3, 1, JSON.stringify(big));
    const { entries } = decodeClientMessage(data) as Extract<ClientMessage, { type: 'awareness' }>;
    expect(() => stampAwareness(entries, identity, new Set([3]))).toThrow(ProtocolError);
    // Someone else's oversized state (an echo) is just refused.
    expect(stampAwareness(entries, identity, new Set()).refused).toEqual([3]);
  });

  it('refuses the other clients a stock provider echoes back', () => {
    // Peer A's state reaches client B; B's provider echoes every awareness change to the server.
    const docB = new Y.Doc();
    const awarenessB = new awarenessProtocol.Awareness(docB);
    awarenessB.setLocalState({ user: { name: 'B' } });
    const sent: Uint8Array[] = [];
    awarenessB.on('update', ({ added, updated, removed }: Record<string, number[]>) => {
      const changed = added!.concat(updated!, removed!);
      sent.push(frameAwareness(awarenessProtocol.encodeAwarenessUpdate(awarenessB, changed)));
    });
    const ownershipB = new ClientIdOwnership();
    ownershipB.observe(decodeAwarenessUpdate(awarenessProtocol.encodeAwarenessUpdate(awarenessB, [docB.clientID])));
    expect([...ownershipB.clocks.keys()]).toEqual([docB.clientID]);

    awarenessProtocol.applyAwarenessUpdate(awarenessB, encodeAwarenessUpdate([entry(777, 2, { user: { id: 'a' } })]), 'server');
    expect(sent).toHaveLength(1);
    const echo = decodeClientMessage(sent[0]!) as Extract<ClientMessage, { type: 'awareness' }>;
    const isClaimable = (id: number) => id !== 777; // the room: 777 belongs to A's connection
    expect(ownershipB.observe(echo.entries, isClaimable)).toEqual([]);
    const out = stampAwareness(echo.entries, identity, ownershipB);
    expect(out).toEqual({ update: null, relayed: [], refused: [777] });
    awarenessB.destroy();
  });

  it('claims ids on first present announcement, never by removal, up to the cap', () => {
    const ownership = new ClientIdOwnership(2);
    expect(ownership.observe([entry(1, 0, null)])).toEqual([]);
    expect(ownership.observe([entry(1, 1, {}), entry(2, 1, {}), entry(3, 1, {})])).toEqual([1, 2]);
    expect(ownership.has(3)).toBe(false);
    ownership.observe([entry(1, 5, {}), entry(1, 4, {}), entry(2, 6, null)]);
    expect([...ownership.clocks]).toEqual([
      [1, 5],
      [2, 6],
    ]);
  });
});

describe('awareness removal on close', () => {
  it('is applied by y-protocols as a removal of exactly those ids', () => {
    const reader = new awarenessProtocol.Awareness(new Y.Doc());
    awarenessProtocol.applyAwarenessUpdate(
      reader,
      encodeAwarenessUpdate([entry(21, 3, { user: { id: 'x' } }), entry(22, 8, { user: { id: 'y' } })]),
      'server',
    );
    const changes: unknown[] = [];
    reader.on('change', (change: unknown) => changes.push(change));
    awarenessProtocol.applyAwarenessUpdate(reader, awarenessRemoval([21], new Map([[21, 3]])), 'server');
    expect(reader.getStates().has(21)).toBe(false);
    expect(reader.getStates().has(22)).toBe(true);
    expect(changes).toEqual([{ added: [], updated: [], removed: [21] }]);
    expect(decodeAwarenessUpdate(awarenessRemoval([21], new Map([[21, 3]])))).toEqual([
      { clientId: 21, clock: 4, state: null, stateBytes: 4 },
    ]);
    reader.destroy();
  });

  it('comes from a connection’s ownership with its last clocks', () => {
    const ownership = new ClientIdOwnership();
    expect(ownership.removal()).toBeNull();
    ownership.observe([entry(9, 12, { a: 1 })]);
    expect(decodeAwarenessUpdate(ownership.removal()!)).toEqual([{ clientId: 9, clock: 13, state: null, stateBytes: 4 }]);
  });
});
