/**
 * A big document's reads run on a worker thread from its encoded state (a base plus the updates
 * since, live-reads.ts); they must answer exactly what the same read on the event loop's Y.Doc
 * answers. Random drafts (random-drafts.ts), each as a snapshot taken part-way plus the updates
 * typed after it, read on a worker (inPlaceBytes 0: every read crosses) and compared with the
 * main-thread projection of the replica and with the same reads of a Y.Doc built here from the
 * same bytes (as a small document's room holds it: a replica's in-memory strings may still hold a
 * lone surrogate, which Yjs's encoding turns into U+FFFD).
 */
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as Y from 'yjs';
import { StateWorkers } from '../../server/collab/state-workers.js';
import { anchorInBase, type Anchor } from '../../server/domain/anchoring.js';
import { APPLIED_SUGGESTIONS } from '../../server/domain/apply-suggestion.js';
import { projectFragment } from '../../server/domain/projection.js';
import { docFromStoredState } from '../../server/domain/stored-state.js';
import { draftToMarkdown } from '../../server/exports/draft-markdown.js';
import { readDoc } from '../../server/services/live-reads.js';
import { opArb, replicas, run } from './random-drafts.js';

const workers = new StateWorkers({ inPlaceBytes: 0 });
afterAll(() => workers.close());

/** Anchors on every few characters of `doc` as it is now (the "base version" of the anchors). */
function anchorsOn(doc: Y.Doc, step: number): Anchor[] {
  const projection = projectFragment(doc.getXmlFragment('default'));
  const length = projection.nfc.text.length;
  const anchors: Anchor[] = [];
  for (let start = 0; start < length; start += step) {
    const end = Math.min(length, start + 1 + (start % 7));
    try {
      anchors.push(anchorInBase({ doc, projection }, { start, end }));
    } catch {
      // An offset inside a surrogate pair or a recomposed character is refused; not an anchor.
    }
  }
  return anchors;
}

describe('live reads on a worker', () => {
  it('answer what the event loop answers on the Y.Doc: projection, paragraphs, Markdown, freeze, placements, applied, state vector', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { maxLength: 25 }), fc.array(opArb, { maxLength: 25 }), fc.integer({ min: 2, max: 9 }), async (before, after, step) => {
        const docs = replicas();
        run(docs, before);
        const doc = docs[0]!;
        const snapshot = Y.encodeStateAsUpdate(doc);
        const base = Y.encodeStateVector(doc);
        const anchors = anchorsOn(doc, step);
        const rows: Uint8Array[] = [];
        doc.on('update', (u: Uint8Array) => rows.push(u));
        run(docs, after);
        doc.getMap(APPLIED_SUGGESTIONS).set('a1', 'x');

        const projection = projectFragment(doc.getXmlFragment('default'));
        const here = docFromStoredState({ snapshot, updates: rows, throughSeq: 0, lastSeq: rows.length });
        const content = await workers.read(snapshot, rows, { kind: 'content' });
        expect(content.projection.text).toBe(projection.text);
        expect(content.projection.sections).toEqual(projection.sections.map((s) => ({ path: s.path, title: s.title, level: s.level, start: s.start, end: s.end })));
        expect(content.nfc.text).toBe(projection.nfc.text);
        expect(content).toEqual(readDoc(here, { kind: 'content' }));

        const paragraphs = await workers.read(snapshot, rows, { kind: 'paragraphs' });
        expect(paragraphs).toEqual(readDoc(here, { kind: 'paragraphs' }));
        expect(await workers.read(snapshot, rows, { kind: 'markdown', title: 'Dự thảo' })).toBe(draftToMarkdown('Dự thảo', paragraphs));

        const frozen = await workers.read(snapshot, rows, { kind: 'freeze' });
        expect(frozen.content).toEqual(content.nfc);
        const reloaded = new Y.Doc();
        Y.applyUpdate(reloaded, frozen.state);
        expect(projectFragment(reloaded.getXmlFragment('default')).text).toBe(projection.text);
        expect(Y.encodeStateVector(reloaded)).toEqual(Y.encodeStateVector(doc));

        const groups = [{ anchors, base }, { anchors: anchors.slice(0, 3), base: undefined }];
        expect(await workers.read(snapshot, rows, { kind: 'placements', groups })).toEqual(readDoc(here, { kind: 'placements', groups }));

        expect(await workers.read(snapshot, rows, { kind: 'applied', annotationId: 'a1' })).toBe(true);
        expect(await workers.read(snapshot, rows, { kind: 'applied', annotationId: 'a2' })).toBe(false);
        expect(await workers.read(snapshot, rows, { kind: 'stateVector' })).toEqual(Y.encodeStateVector(doc));
        expect(await workers.read(frozen.state, [], { kind: 'stateVector' })).toEqual(Y.encodeStateVector(doc));
      }),
      { numRuns: 40 },
    );
  }, 120_000);
});
