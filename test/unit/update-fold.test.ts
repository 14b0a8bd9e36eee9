/**
 * Folding a document's log rows from their bytes (protocol/update-fold.ts) gives, byte for byte,
 * what applying them to a Y.Doc of the snapshot gives — with deleted text left out — or says it
 * cannot, so the load applies them instead.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { StoredStateLoader, summarizeSnapshot } from '../../server/domain/stored-state.js';
import { RowFolder } from '../../server/protocol/update-fold.js';

/** Rows packed as the database adapter reads them. */
function packed(rows: readonly Uint8Array[]): { bytes: Uint8Array; ends: Uint32Array } {
  const ends = new Uint32Array(rows.length);
  let end = 0;
  rows.forEach((row, i) => (ends[i] = end += row.byteLength));
  return { bytes: new Uint8Array(Buffer.concat(rows)), ends };
}

/** Folds `rows` after `snapshot`, in pieces of `pieceRows` (as they are read). */
function fold(snapshot: Uint8Array, rows: readonly Uint8Array[], pieceRows = 7) {
  const folder = new RowFolder();
  for (let i = 0; i < rows.length; i += pieceRows) {
    const piece = packed(rows.slice(i, i + pieceRows));
    folder.add(piece.bytes, piece.ends);
  }
  return folder.finish(summarizeSnapshot(snapshot));
}

/** What the load did before folding: the snapshot and each row applied to a Y.Doc. */
function applied(snapshot: Uint8Array, rows: readonly Uint8Array[]) {
  const loader = new StoredStateLoader(snapshot);
  try {
    loader.addRows(rows);
    return { loaded: loader.loaded(), merged: loader.merged() };
  } finally {
    loader.destroy();
  }
}

/** Records the updates `doc` makes from now on (one row each; not those it is sent from the 'server'). */
function recorder(doc: Y.Doc): Uint8Array[] {
  const rows: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array, origin: unknown) => origin !== 'server' && rows.push(update));
  return rows;
}

function paragraph(fragment: Y.XmlFragment, index: number): Y.XmlText {
  return (fragment.get(index) as Y.XmlElement).get(0) as Y.XmlText;
}

function appendParagraph(doc: Y.Doc, text: string): void {
  const element = new Y.XmlElement('paragraph');
  element.insert(0, [new Y.XmlText(text)]);
  const fragment = doc.getXmlFragment('default');
  fragment.insert(fragment.length, [element]);
}

/** A pseudo-random sequence (the same for a seed). */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

/**
 * A snapshot of a few pasted paragraphs, then rows from two writers: typing, backspacing,
 * deleting ranges across pasted text (text partly deleted), a paragraph deleted, bold text, map
 * entries set again and again, an emoji cut in half, and a secret typed then deleted. With
 * `bothWriters`, both also set the map entry and delete and insert paragraphs, at the same time
 * as the other writes in them.
 */
function history(seed: number, { bothWriters = true } = {}) {
  const next = random(seed);
  const a = new Y.Doc();
  a.clientID = 1000 + seed;
  for (let i = 0; i < 6; i++) appendParagraph(a, `Đoạn ${i}: ${'văn bản dán vào '.repeat(20)}`);
  a.getMap('meta').set('title', 'Dự thảo');
  const snapshot = Y.encodeStateAsUpdate(a);
  const b = new Y.Doc();
  b.clientID = 2000 + seed;
  Y.applyUpdate(b, snapshot);
  const rows: Uint8Array[] = [];
  const rowsOfA = recorder(a);
  const rowsOfB = recorder(b);
  // Each writer's rows reach the other (as the server relays them), in the order they were stored.
  const exchange = () => {
    for (const row of rowsOfA.splice(0)) {
      rows.push(row);
      Y.applyUpdate(b, row, 'server');
    }
    for (const row of rowsOfB.splice(0)) {
      rows.push(row);
      Y.applyUpdate(a, row, 'server');
    }
  };
  const fragment = a.getXmlFragment('default');
  for (let step = 0; step < 400; step++) {
    const writer = next() < 0.5 ? a : b;
    if (writer.getXmlFragment('default').length === 0) appendParagraph(writer, 'lại');
    const text = paragraph(writer.getXmlFragment('default'), Math.floor(next() * writer.getXmlFragment('default').length));
    const roll = next();
    if (roll < 0.6) text.insert(Math.floor(next() * (text.length + 1)), 'abcdefghij'[step % 10]!);
    else if (roll < 0.75 && text.length > 0) text.delete(Math.floor(next() * text.length), 1);
    else if (roll < 0.85 && text.length > 20) text.delete(Math.floor(next() * (text.length - 15)), 12);
    else if (roll < 0.9 && text.length > 10) text.format(2, 5, { bold: true });
    else if (bothWriters && roll < 0.95 && writer.getXmlFragment('default').length > 3) writer.getXmlFragment('default').delete(Math.floor(next() * writer.getXmlFragment('default').length), 1);
    else if (bothWriters && roll < 0.97) {
      const element = new Y.XmlElement('paragraph');
      element.insert(0, [new Y.XmlText(`mới ${step}`)]);
      writer.getXmlFragment('default').insert(Math.floor(next() * (writer.getXmlFragment('default').length + 1)), [element]);
    } else (bothWriters ? writer : a).getMap('meta').set('title', `Dự thảo ${step}`);
    // Concurrent edits: both write before they hear of each other now and then.
    if (next() < 0.7) exchange();
  }
  exchange();
  if (fragment.length === 0) appendParagraph(a, 'cuối cùng');
  const first = paragraph(fragment, 0);
  first.insert(3, 'BÍ-MẬT-ĐÃ-XOÁ');
  first.delete(3, 'BÍ-MẬT-ĐÃ-XOÁ'.length);
  first.insert(0, 'x😀y');
  first.delete(2, 1);
  if (fragment.length > 4) fragment.delete(4, 1);
  exchange();
  return { snapshot, rows, final: a };
}

describe('folding log rows from their bytes', () => {
  it('gives what applying them gives, byte for byte: the rows’ effect, the merged state and its summary', () => {
    for (let seed = 1; seed <= 12; seed++) {
      // Both writers on the map entry and the paragraphs: a map entry that loses, or text typed into
      // a paragraph deleted meanwhile, is deleted when a doc integrates it, by no row.
      const bothWriters = seed % 2 === 0;
      const { snapshot, rows, final } = history(seed, { bothWriters });
      const folded = fold(snapshot, rows, seed);
      expect(folded, `seed ${seed}`).toBeDefined();
      const reference = applied(snapshot, rows);
      expect(reference.loaded.badRows).toEqual([]);
      const client = new Y.Doc();
      Y.applyUpdate(client, snapshot);
      Y.applyUpdate(client, folded!.sinceSnapshot);
      expect(Y.encodeStateAsUpdate(client)).toEqual(reference.merged);
      expect(client.getXmlFragment('default').toString()).toBe(final.getXmlFragment('default').toString());
      expect(client.getMap('meta').toJSON()).toEqual(final.getMap('meta').toJSON());
      expect(folded!.summary.stateVector).toEqual(reference.loaded.summary.stateVector);
      if (!bothWriters) expect(folded!.summary.deleteSet).toEqual(reference.loaded.summary.deleteSet);
      // Else every deletion folded is one the doc has (it has a few more: those no row carries).
      const known = Y.decodeUpdate(reference.loaded.summary.deleteSet).ds;
      for (const [client, ranges] of Y.decodeUpdate(folded!.summary.deleteSet).ds.clients) {
        for (const range of ranges) expect(known.clients.get(client)!.some((k) => k.clock <= range.clock && range.clock + range.len <= k.clock + k.len)).toBe(true);
      }
      // The whole state rebuilt from the snapshot and the fold (the compaction after a load) is the same too.
      expect(applied(snapshot, [folded!.sinceSnapshot]).merged).toEqual(reference.merged);
    }
  });

  it('leaves deleted text out, also from text only partly deleted', () => {
    const { snapshot, rows } = history(3);
    const doc = new Y.Doc();
    Y.applyUpdate(doc, snapshot);
    for (const row of rows) Y.applyUpdate(doc, row);
    const text = paragraph(doc.getXmlFragment('default'), 1);
    const more = recorder(doc);
    // Pasted in one row, then its middle deleted.
    text.insert(0, 'đầu-CHỮ-GIỮA-BỊ-XOÁ-cuối');
    text.delete('đầu-'.length, 'CHỮ-GIỮA-BỊ-XOÁ'.length);
    const all = [...rows, ...more];
    const folded = fold(snapshot, all)!;
    const bytes = Buffer.from(folded.sinceSnapshot);
    expect(bytes.includes('BÍ-MẬT-ĐÃ-XOÁ')).toBe(false);
    expect(bytes.includes('GIỮA')).toBe(false);
    expect(bytes.includes('cuối')).toBe(true);
    const client = new Y.Doc();
    Y.applyUpdate(client, snapshot);
    Y.applyUpdate(client, folded.sinceSnapshot);
    expect(Y.encodeStateAsUpdate(client)).toEqual(applied(snapshot, all).merged);
  });

  it('joins text typed a key a row into one struct, as Yjs does', () => {
    const { snapshot } = history(2);
    const doc = new Y.Doc();
    Y.applyUpdate(doc, snapshot);
    const rows = recorder(doc);
    const text = paragraph(doc.getXmlFragment('default'), 2);
    for (let i = 0; i < 300; i++) text.insert(10 + i, 'gõ phím '[i % 8]!);
    const folded = fold(snapshot, rows, 64)!;
    const structs = Y.decodeUpdate(folded.sinceSnapshot).structs;
    expect(structs).toHaveLength(1);
    expect(structs[0]!.length).toBe(300);
    expect(folded.sinceSnapshot.byteLength).toBeLessThan(rows.reduce((sum, row) => sum + row.byteLength, 0) / 10);
  });

  it('takes rows sent twice and rows the snapshot already holds', () => {
    const { snapshot, rows } = history(4);
    const reference = applied(snapshot, rows).merged;
    const twice = [...rows.slice(0, 50), ...rows.slice(20, 50), ...rows.slice(50)];
    const client = new Y.Doc();
    Y.applyUpdate(client, snapshot);
    Y.applyUpdate(client, fold(snapshot, twice)!.sinceSnapshot);
    expect(Y.encodeStateAsUpdate(client)).toEqual(reference);
    // Rows from before the snapshot (a reconnecting client's sync step 2 holding it all).
    const held = fold(snapshot, [snapshot, ...rows])!;
    expect(held.sinceSnapshot).toEqual(fold(snapshot, rows)!.sinceSnapshot);
  });

  it('says it cannot fold rows that do not decode, leave a gap, or partly overlap what is held', () => {
    const { snapshot, rows } = history(5);
    expect(fold(snapshot, [...rows.slice(0, 10), Uint8Array.of(1, 2, 3), ...rows.slice(10)])).toBeUndefined();
    // A row missing: the rows after it wait for it (a Yjs doc would hold them as pending).
    const typed = rows.findIndex((row, i) => i > 20 && Y.decodeUpdate(row).structs.length > 0);
    expect(fold(snapshot, [...rows.slice(0, typed), ...rows.slice(typed + 1)])).toBeUndefined();
    // A merge of rows across a gap carries a Skip.
    expect(fold(snapshot, [...rows.slice(0, typed), Y.mergeUpdates(rows.slice(typed + 1, typed + 30))])).toBeUndefined();
    // A struct that starts before what the snapshot holds and ends after it (typing joined into one struct).
    const writer = new Y.Doc();
    Y.applyUpdate(writer, snapshot);
    paragraph(writer.getXmlFragment('default'), 0).insert(0, 'một');
    const heldUpTo = Y.encodeStateAsUpdate(writer);
    paragraph(writer.getXmlFragment('default'), 0).insert(3, 'hai');
    const whole = Y.encodeStateAsUpdate(writer);
    expect(Y.decodeUpdate(whole).structs.find((s) => s.id.client === writer.clientID)!.length).toBe(6);
    expect(fold(heldUpTo, [whole])).toBeUndefined();
    // Held whole, it is left out.
    expect(fold(whole, [heldUpTo])!.sinceSnapshot).toEqual(Uint8Array.of(0, 0));
  });

  it('folds rows of a document that has no snapshot', () => {
    const doc = new Y.Doc();
    const rows = recorder(doc);
    appendParagraph(doc, 'mở đầu');
    for (let i = 0; i < 50; i++) paragraph(doc.getXmlFragment('default'), 0).insert(i, 'k');
    const empty = Y.encodeStateAsUpdate(new Y.Doc());
    const folded = fold(empty, rows)!;
    const client = new Y.Doc();
    Y.applyUpdate(client, folded.sinceSnapshot);
    expect(Y.encodeStateAsUpdate(client)).toEqual(applied(empty, rows).merged);
  });
});
