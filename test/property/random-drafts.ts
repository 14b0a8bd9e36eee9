/**
 * Random drafts for property tests (after yjs's tests/testHelper.js `applyRandomTests`): three
 * Y.Docs (`replicas`) edit the XmlFragment the way y-prosemirror does (insert/delete text, insert
 * and delete blocks, split and merge textblocks, hard breaks, formatting), syncing random pairs as
 * they go (`run` with an array of `opArb`).
 */
import fc from 'fast-check';
import * as Y from 'yjs';
import { prosemirrorJSONToYXmlFragment } from 'y-prosemirror';
import { documentSchema } from '../../server/domain/document-schema.js';

// Also what a faulty or hostile client may type live: controls, a lone surrogate, decomposed marks.
const POOL = ['a', 'xin chào ', 'Tiếng Việt', '😀', 'a😀b', '👩‍👩‍👧', 'II. ', '1.2 ', 'ế', 'Z', 'x\u0000y', '\ud83d', 'Vie\u0323\u0302t', '\u0301', '\r\u000b'];
const KINDS = ['insertText', 'insertText', 'deleteText', 'insertBlock', 'split', 'merge', 'hardBreak', 'deleteBlock', 'format'] as const;
export type Op = { kind: (typeof KINDS)[number]; doc: number; a: number; b: number; c: number; sync: number };
type Delta = { insert: string; attributes?: Record<string, unknown> }[];

export const opArb: fc.Arbitrary<Op> = fc.record({
  kind: fc.constantFrom(...KINDS),
  doc: fc.nat(2),
  a: fc.nat(1000),
  b: fc.nat(1000),
  c: fc.nat(1000),
  sync: fc.nat(2),
});

export const isTextblock = (n: unknown): n is Y.XmlElement => n instanceof Y.XmlElement && (n.nodeName === 'paragraph' || n.nodeName === 'heading');
const deltaOf = (t: Y.XmlText): Delta => t.toDelta() as Delta;
export const plain = (t: Y.XmlText) => deltaOf(t).map((d) => d.insert).join('');

function textblocksOf(type: Y.XmlFragment | Y.XmlElement, out: Y.XmlElement[] = []): Y.XmlElement[] {
  for (const child of type.toArray()) {
    if (isTextblock(child)) out.push(child);
    else if (child instanceof Y.XmlElement) textblocksOf(child, out);
  }
  return out;
}

function containersOf(type: Y.XmlFragment | Y.XmlElement, out: (Y.XmlFragment | Y.XmlElement)[] = []): typeof out {
  out.push(type);
  for (const child of type.toArray()) if (child instanceof Y.XmlElement && !isTextblock(child)) containersOf(child, out);
  return out;
}

/** Never cut a surrogate pair (editors do not; Yjs would replace the halves with U+FFFD). */
function snap(s: string, k: number): number {
  const high = s.charCodeAt(k - 1);
  return k > 0 && k < s.length && high >= 0xd800 && high <= 0xdbff ? k - 1 : k;
}

function sliceDelta(delta: Delta, from: number): Delta {
  const out: Delta = [];
  let pos = 0;
  for (const op of delta) {
    const end = pos + op.insert.length;
    if (end > from) out.push({ ...op, insert: op.insert.slice(Math.max(0, from - pos)) });
    pos = end;
  }
  return out;
}

function textFromDelta(delta: Delta): Y.XmlText {
  const t = new Y.XmlText();
  if (delta.length > 0) t.applyDelta(delta);
  return t;
}

function newBlock(level: number, text: string): Y.XmlElement {
  const block = new Y.XmlElement(level > 0 ? 'heading' : 'paragraph');
  if (level > 0) block.setAttribute('level', level as unknown as string);
  block.insert(0, [new Y.XmlText(text)]);
  return block;
}

const indexIn = (parent: Y.XmlFragment | Y.XmlElement, child: unknown) => parent.toArray().indexOf(child as Y.XmlElement);

function applyOp(doc: Y.Doc, op: Op): void {
  const fragment = doc.getXmlFragment('default');
  const blocks = textblocksOf(fragment);
  const block = blocks[op.a % Math.max(1, blocks.length)];
  const runs = block ? block.toArray().filter((c): c is Y.XmlText => c instanceof Y.XmlText) : [];
  const run = runs[op.b % Math.max(1, runs.length)];
  const s = run ? plain(run) : '';
  const k = snap(s, op.c % (s.length + 1));
  switch (op.kind) {
    case 'insertText':
      if (!block) return;
      if (!run) block.insert(block.length, [new Y.XmlText(POOL[op.c % POOL.length]!)]);
      else run.insert(k, POOL[op.b % POOL.length]!, op.c % 3 === 0 ? { bold: {} } : {});
      return;
    case 'deleteText':
    case 'format': {
      if (!run || s.length === 0) return;
      const from = snap(s, op.b % s.length);
      const to = snap(s, from + 1 + (op.c % (s.length - from)));
      if (to <= from) return;
      if (op.kind === 'deleteText') run.delete(from, to - from);
      else run.format(from, to - from, op.a % 2 === 0 ? { italic: {} } : { bold: null });
      return;
    }
    case 'insertBlock': {
      const containers = containersOf(fragment).filter((c) => !(c instanceof Y.XmlElement) || c.nodeName !== 'bulletList');
      const container = containers[op.a % containers.length]!;
      const min = container instanceof Y.XmlElement && container.nodeName === 'listItem' ? 1 : 0; // listItem: paragraph first
      const index = Math.min(container.length, min + (op.b % (container.length + 1)));
      container.insert(index, [newBlock(op.c % 4, POOL[op.c % POOL.length]!)]);
      return;
    }
    case 'split':
    case 'hardBreak': {
      if (!block || !run) return;
      const parent = block.parent as Y.XmlElement | Y.XmlFragment;
      const at = indexIn(block, run);
      const tail = sliceDelta(deltaOf(run), k);
      const following = block.toArray().slice(at + 1);
      run.delete(k, s.length - k);
      if (op.kind === 'hardBreak') {
        block.insert(at + 1, [new Y.XmlElement('hardBreak'), textFromDelta(tail)]);
        return;
      }
      // As y-prosemirror writes an Enter: the old block loses its tail, a new block gets it.
      if (following.length > 0) block.delete(at + 1, following.length);
      const next = new Y.XmlElement(block.nodeName);
      const level = block.getAttribute('level');
      if (level !== undefined) next.setAttribute('level', level);
      const moved = following.map((c) => (c instanceof Y.XmlText ? textFromDelta(deltaOf(c)) : new Y.XmlElement('hardBreak')));
      next.insert(0, [textFromDelta(tail), ...moved]);
      parent.insert(indexIn(parent, block) + 1, [next]);
      return;
    }
    case 'merge': {
      if (!block) return;
      const parent = block.parent as Y.XmlElement | Y.XmlFragment;
      const index = indexIn(parent, block);
      const next = parent.get(index + 1);
      if (!isTextblock(next)) return;
      // As y-prosemirror writes a Backspace at a block start: the text moves, the block goes.
      for (const child of next.toArray()) {
        const last = block.get(block.length - 1);
        if (child instanceof Y.XmlText && last instanceof Y.XmlText) {
          for (const d of deltaOf(child)) last.insert(last.length, d.insert, d.attributes ?? {});
        } else {
          block.insert(block.length, [child instanceof Y.XmlText ? textFromDelta(deltaOf(child)) : new Y.XmlElement('hardBreak')]);
        }
      }
      parent.delete(index + 1, 1);
      return;
    }
    case 'deleteBlock':
      if (fragment.length > 1) fragment.delete(op.a % fragment.length, 1);
      return;
  }
}

export function sync(from: Y.Doc, to: Y.Doc): void {
  Y.applyUpdate(to, Y.encodeStateAsUpdate(from, Y.encodeStateVector(to)));
}

export function run(docs: Y.Doc[], ops: Op[]): void {
  for (const op of ops) {
    applyOp(docs[op.doc]!, op);
    if (op.sync === 0) sync(docs[op.a % docs.length]!, docs[op.b % docs.length]!);
  }
  for (const from of docs) for (const to of docs) if (from !== to) sync(from, to);
}

export function replicas(): Y.Doc[] {
  const docs = [1, 2, 3].map((clientID) => Object.assign(new Y.Doc(), { clientID }));
  const p = (text: string) => ({ type: 'paragraph', content: [{ type: 'text', text }] });
  prosemirrorJSONToYXmlFragment(documentSchema, {
    type: 'doc',
    content: [
      { type: 'heading', attrs: { level: 1 }, content: [{ type: 'text', text: 'I. Kinh tế' }] },
      p('Tốc độ 😀 tăng'),
      { type: 'bulletList', content: [{ type: 'listItem', content: [p('một')] }, { type: 'listItem', content: [p('hai')] }] },
      { type: 'blockquote', content: [p('trích')] },
      { type: 'heading', attrs: { level: 2 }, content: [{ type: 'text', text: '1.1 Nông nghiệp' }] },
      { type: 'paragraph' },
    ],
  }, docs[0]!.getXmlFragment('default'));
  for (const d of docs.slice(1)) sync(docs[0]!, d);
  return docs;
}
