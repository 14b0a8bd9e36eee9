/**
 * summarizeUpdate (server/protocol/update-summary.ts) against Yjs: for random drafts (text with
 * emoji, lone surrogates and controls, blocks, marks, hard breaks) and for updates with every kind
 * of content and value (maps of any values, binary, embeds, subdocuments, gaps made by merging
 * updates with a missing one), the state vector and delete set it reads from the bytes are
 * Yjs's own (`encodeStateVectorFromUpdate`, `diffUpdate`), byte for byte. Bad bytes are refused.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as Y from 'yjs';
import { MalformedUpdateError, summarizeUpdate } from '../../server/protocol/update-summary.js';
import { mergeStoredState } from '../../server/domain/stored-state.js';
import { opArb, replicas, run } from './random-drafts.js';

const seed = Number(process.env.UPDATE_SUMMARY_SEED ?? Math.floor(Math.random() * 2 ** 31));
console.log(`update-summary property tests: seed ${seed} (rerun with UPDATE_SUMMARY_SEED=${seed})`);

/** `whole`: a whole state, whose diff against its own state vector is its delete set alone. */
function expectYjsSummary(update: Uint8Array, whole = true): void {
  const stateVector = Y.encodeStateVectorFromUpdate(update);
  const summary = summarizeUpdate(update);
  expect(summary.stateVector).toEqual(stateVector);
  const carried = Y.decodeUpdate(summary.deleteSet);
  expect(carried.structs).toEqual([]);
  expect(carried.ds).toEqual(Y.decodeUpdate(update).ds);
  if (whole) expect(summary.deleteSet).toEqual(Y.diffUpdate(update, stateVector));
}

describe('summarizeUpdate', () => {
  it('reads the state vector and delete set Yjs reads, from random drafts and their updates', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 40 }), (ops) => {
        const docs = replicas();
        const updates: Uint8Array[] = [];
        docs[1]!.on('update', (u: Uint8Array) => updates.push(u));
        run(docs, ops);
        expectYjsSummary(Y.encodeStateAsUpdate(docs[0]!));
        for (const update of updates) expectYjsSummary(update, false);
        // With a gap (a Skip struct): the state vector stops at it, as Yjs's does.
        if (updates.length > 2) expectYjsSummary(Y.mergeUpdates([updates[0]!, ...updates.slice(2)]), false);
      }),
      { seed, numRuns: 60 },
    );
  });

  it('reads every kind of content and value', () => {
    const doc = new Y.Doc();
    doc.clientID = 2 ** 31 + 5;
    const map = doc.getMap('m');
    map.set('any', { n: -12345, f: 1.5, g: 2 ** 40 + 0.25, s: 'chữ 😀', t: true, u: false, z: null, list: [1, 'a', [2, { b: new Uint8Array([1, 2]) }]] });
    map.set('bin', new Uint8Array([0, 255, 128]));
    map.set('big', 2n ** 60n);
    map.set('undef', undefined);
    map.set('sub', new Y.Doc({ guid: 'phụ', meta: { k: 1 } }));
    const array = doc.getArray('a');
    array.insert(0, [1, 'x', { y: [2] }]);
    array.delete(1, 1);
    const text = doc.getText('t');
    text.insert(0, 'Tiếng 😀 Việt', { bold: true });
    text.insertEmbed(3, { image: 'ảnh.png' });
    text.format(0, 4, { italic: { level: 2 } });
    text.delete(2, 3);
    const xml = doc.getXmlFragment('x');
    const element = new Y.XmlElement('paragraph');
    element.setAttribute('align', 'center');
    // A hook is a valid child at runtime; the typings leave it out.
    xml.insert(0, [element, new Y.XmlText('t'), new Y.XmlHook('hook') as unknown as Y.XmlElement]);
    expectYjsSummary(Y.encodeStateAsUpdate(doc));
    // Deleted content collected: GC structs and ContentDeleted.
    map.delete('any');
    array.delete(0, 2);
    expectYjsSummary(Y.encodeStateAsUpdate(doc));
    expectYjsSummary(Uint8Array.of(0, 0));
  });

  it('refuses bytes that are not a whole update, and a load then summarises with Yjs', () => {
    const doc = new Y.Doc();
    doc.getText('t').insert(0, 'văn bản');
    doc.getText('t').delete(0, 2);
    const update = Y.encodeStateAsUpdate(doc);
    expect(() => summarizeUpdate(update.subarray(0, update.length - 3))).toThrow(new MalformedUpdateError('unexpected end'));
    expect(() => summarizeUpdate(Uint8Array.of(...update, 0))).toThrow(new MalformedUpdateError('bytes after the delete set'));
    // One item (client 1, clock 0, origin 0:0) of content kind 11, which Yjs does not have; then
    // one of ContentAny holding a value of type 115, which lib0 does not have.
    expect(() => summarizeUpdate(Uint8Array.of(1, 1, 1, 0, 0x8b, 0, 0, 0))).toThrow(new MalformedUpdateError('unknown content 11'));
    expect(() => summarizeUpdate(Uint8Array.of(1, 1, 1, 0, 0x88, 0, 0, 1, 115, 0))).toThrow(new MalformedUpdateError('unknown value type 115'));
    // A snapshot with a byte after its delete set (Yjs ignores it) is summarised by Yjs instead.
    const padded = Uint8Array.of(...update, 0);
    const merged = mergeStoredState({ snapshot: padded, updates: [], throughSeq: 1, lastSeq: 1 }, { summary: true });
    expect(merged.summary!.stateVector).toEqual(Y.encodeStateVectorFromUpdate(padded));
    expect(merged.summary!.deleteSet).toEqual(Y.diffUpdate(padded, Y.encodeStateVectorFromUpdate(padded)));
  });
});
