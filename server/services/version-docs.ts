/**
 * Frozen versions as Y.Docs with their projections, for anchoring annotations into a round's
 * base. Versions never change, so a small LRU cache is always correct.
 */
import * as Y from 'yjs';
import type { Db } from '../db/connect.js';
import { findVersionState } from '../db/versions.repository.js';
import { projectFragment, type Projection } from '../domain/projection.js';
import { notFound } from '../errors.js';

export interface VersionDoc {
  doc: Y.Doc;
  projection: Projection;
}

export class VersionDocs {
  private readonly cache = new Map<string, Promise<VersionDoc>>();

  constructor(
    private readonly db: Db,
    private readonly capacity = 16,
  ) {}

  get(documentId: string, number: number): Promise<VersionDoc> {
    const key = `${documentId}:${number}`;
    const hit = this.cache.get(key);
    if (hit) {
      // Refresh its place in the LRU order.
      this.cache.delete(key);
      this.cache.set(key, hit);
      return hit;
    }
    const loading = (async () => {
      const state = await findVersionState(this.db, documentId, number);
      if (!state) throw notFound(`version ${number}`);
      const doc = new Y.Doc();
      Y.applyUpdate(doc, state);
      return { doc, projection: projectFragment(doc.getXmlFragment('default')) };
    })();
    this.cache.set(key, loading);
    loading.catch(() => this.cache.delete(key));
    while (this.cache.size > this.capacity) {
      // Dropped, not destroyed: a request may still be reading it; the GC reclaims it after.
      this.cache.delete(this.cache.keys().next().value!);
    }
    return loading;
  }
}
