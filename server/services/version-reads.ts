/**
 * What the server computes on a frozen version (a round's base), as data in and data out, so the
 * same computation runs on the event loop for a small version and on a worker thread
 * (version-worker.ts) for a big one, with the same answer (the pattern of live-reads.ts):
 *
 * - `anchors`: the stored anchor of each annotation input in the version (annotation writes,
 *   Word imports). An input the version refuses (offsets outside the text, an unknown section,
 *   positions that do not resolve) answers `refused` with the AppError's fields, in order, so
 *   the caller throws the first one exactly as an in-thread write would;
 * - `placements`: annotations re-anchored into the version, one group per base version, offsets
 *   of its NFC text (`GET …/annotations?version=n`, carrying annotations forward into a round);
 * - `content`: the version's NFC projection (text and sections);
 * - `stateVector`: `Y.encodeStateVector` of the version.
 *
 * Inputs and results are structured-cloneable (no Y.Doc, no class instances).
 */
import * as Y from 'yjs';
import { reanchorAll, type BaseVersion, type Reanchored } from '../domain/anchoring.js';
import { projectFragment } from '../domain/projection.js';
import { AppError, fromRefusal, refusalOf, type Refusal } from '../errors.js';
import { scopedAnchor, type ScopedAnchorInput } from './annotation-input.js';
import type { DocumentContent, PlacementGroup } from './live-reads.js';

export type VersionRead =
  | { kind: 'anchors'; inputs: ScopedAnchorInput[] }
  | { kind: 'placements'; groups: PlacementGroup[] }
  | { kind: 'content' }
  | { kind: 'stateVector' };

export type AnchorOutcome = ReturnType<typeof scopedAnchor> | { refused: Refusal };

export interface VersionReadResults {
  anchors: AnchorOutcome[];
  /** Per group, per anchor (same order): where it lands, in offsets of the version's NFC text. */
  placements: Reanchored[][];
  content: DocumentContent;
  stateVector: Uint8Array;
}

export type VersionReadResult<R extends VersionRead> = VersionReadResults[R['kind']];

/** A version's state as a Y.Doc with its projection (what every read works on). */
export function versionOf(state: Uint8Array): BaseVersion {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, state);
  return { doc, projection: projectFragment(doc.getXmlFragment('default')) };
}

/** Computes `read` on `version` (not changed). Throws only what is not an AppError (a bug). */
export function readVersion<R extends VersionRead>(version: BaseVersion, read: R): VersionReadResult<R> {
  return readAny(version, read) as VersionReadResult<R>;
}

function readAny(version: BaseVersion, read: VersionRead): VersionReadResults[VersionRead['kind']] {
  switch (read.kind) {
    case 'anchors':
      return read.inputs.map((input) => {
        try {
          return scopedAnchor(version, input);
        } catch (error) {
          if (error instanceof AppError) return { refused: refusalOf(error) };
          throw error;
        }
      });
    case 'placements':
      return read.groups.map((group) => reanchorAll(group.anchors, { ...version, base: group.base, offsets: 'nfc' }));
    case 'content': {
      const { text, sections } = version.projection.nfc;
      return { text, sections: sections.map((s) => ({ path: s.path, title: s.title, level: s.level, start: s.start, end: s.end })) };
    }
    case 'stateVector':
      return Y.encodeStateVector(version.doc);
  }
}

/** The anchor of an `anchors` outcome, or its refusal thrown as the AppError it was. */
export function anchorOrThrow(outcome: AnchorOutcome): ReturnType<typeof scopedAnchor> {
  if ('refused' in outcome) throw fromRefusal(outcome.refused);
  return outcome;
}
