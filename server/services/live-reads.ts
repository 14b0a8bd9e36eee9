/**
 * What the server reads of a live draft (or of any stored Yjs state), as data in and data out, so
 * the same read runs on the event loop for a small document and on a worker thread
 * (collab/state-worker.ts) for a big one, with the same answer: a read is `readDoc(doc, read)` on a
 * Y.Doc holding the state, whichever thread holds it. Inputs and results are plain structured-
 * cloneable values (no Y.Doc, no class instances), so they cross threads unchanged.
 *
 * The read kinds, and who asks:
 * - `content`: the plain-text projection with its sections, as typed and in NFC (`GET
 *   /documents/:id/content`, diffs against the live draft, section titles of exports);
 * - `paragraphs`: the draft's paragraphs in NFC with NFC offsets (exports of the draft);
 * - `markdown`: the draft's Markdown export, rendered where it is read (tens of thousands of
 *   paragraphs are slower to pass between threads than the text they make);
 * - `freeze`: the encoded state with the NFC projection, taken together (a named version, a
 *   round's opening);
 * - `placements`: annotations' anchors re-anchored into the draft (`GET …/annotations?version=live`),
 *   one group per base version (the state vector of the round's base, see anchoring.ts);
 * - `applied`: whether an accepted suggestion's edit is in the draft (apply's stale-claim check);
 * - `stateVector`: a frozen version's state vector (what re-anchoring needs of a round's base).
 */
import * as Y from 'yjs';
import { reanchorAll, type Anchor, type Reanchored } from '../domain/anchoring.js';
import { appliedIn } from '../domain/apply-suggestion.js';
import { projectFragment } from '../domain/projection.js';
import { draftToMarkdown } from '../exports/draft-markdown.js';
import { nfcParagraphs, readDraft, type DraftParagraph } from '../exports/draft-reader.js';

/** The plain-text projection of a draft: its text and its sections (offsets into `text`). */
export interface DocumentContent {
  text: string;
  sections: Array<{ path: string; title: string; level: number; start: number; end: number }>;
}

/** Anchors made on one base version, with that version's state vector (`Y.encodeStateVector`) when known. */
export interface PlacementGroup {
  anchors: Anchor[];
  base: Uint8Array | undefined;
}

export type LiveRead =
  | { kind: 'content' }
  | { kind: 'paragraphs' }
  | { kind: 'markdown'; title: string }
  | { kind: 'freeze' }
  | { kind: 'placements'; groups: PlacementGroup[] }
  | { kind: 'applied'; annotationId: string }
  | { kind: 'stateVector' };

/** The answer of each read kind. */
export interface LiveReadResults {
  /** The projection as typed (`projection`) and its NFC form (`nfc`, what versions and diffs compare). */
  content: { projection: DocumentContent; nfc: DocumentContent };
  paragraphs: DraftParagraph[];
  /** The draft as Markdown under `title` (draft-markdown.ts), rendered where it was read. */
  markdown: string;
  /** `state`: the whole state as one v1 update (`Y.encodeStateAsUpdate`); `content`: its NFC projection. */
  freeze: { state: Uint8Array; content: DocumentContent };
  /** Per group, per anchor (same order): where it lands, in projection offsets of the text as typed. */
  placements: Reanchored[][];
  applied: boolean;
  /** `Y.encodeStateVector` of the state. */
  stateVector: Uint8Array;
}

export type LiveReadResult<R extends LiveRead> = LiveReadResults[R['kind']];

/** Computes `read` on `doc` (not changed). Throws what the domain functions throw. */
export function readDoc<R extends LiveRead>(doc: Y.Doc, read: R): LiveReadResult<R> {
  return readAny(doc, read) as LiveReadResult<R>;
}

function readAny(doc: Y.Doc, read: LiveRead): LiveReadResults[LiveRead['kind']] {
  const fragment = doc.getXmlFragment('default');
  switch (read.kind) {
    case 'content': {
      const projection = projectFragment(fragment);
      return { projection: contentOf(projection), nfc: contentOf(projection.nfc) };
    }
    case 'paragraphs':
      return nfcParagraphs(readDraft(fragment), projectFragment(fragment).nfc);
    case 'markdown':
      return draftToMarkdown(read.title, nfcParagraphs(readDraft(fragment), projectFragment(fragment).nfc));
    case 'freeze':
      return { state: Y.encodeStateAsUpdate(doc), content: contentOf(projectFragment(fragment).nfc) };
    case 'placements': {
      const projection = projectFragment(fragment);
      return read.groups.map((group) => reanchorAll(group.anchors, { doc, projection, base: group.base }));
    }
    case 'applied':
      return appliedIn(doc, read.annotationId);
    case 'stateVector':
      return Y.encodeStateVector(doc);
  }
}

/** A key telling reads apart (same key, same answer on the same state). */
export function readKey(read: LiveRead): string {
  switch (read.kind) {
    case 'placements':
      return `placements:${placementGroupsKey(read.groups)}`;
    case 'applied':
      return `applied:${read.annotationId}`;
    case 'markdown':
      return `markdown:${read.title}`;
    default:
      return read.kind;
  }
}

/** A key telling sets of placement groups apart (their bases and anchors). */
export function placementGroupsKey(groups: readonly PlacementGroup[]): string {
  return JSON.stringify(groups.map((g) => [g.base ? Buffer.from(g.base).toString('base64') : null, g.anchors]));
}

function contentOf(projection: { text: string; sections: readonly DocumentContent['sections'][number][] }): DocumentContent {
  return { text: projection.text, sections: projection.sections.map((s) => ({ path: s.path, title: s.title, level: s.level, start: s.start, end: s.end })) };
}
