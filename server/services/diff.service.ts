/** Comparing two versions of a document, or a version and the live draft (API.md "Versions and diffs"). */
import type { Db } from '../db/connect.js';
import { findVersionContent } from '../db/versions.repository.js';
import type { Actor } from '../domain/permissions.js';
import type { Section } from '../domain/sections.js';
import { diffVersions, type VersionDiff } from '../domain/version-diff.js';
import { notFound } from '../errors.js';
import type { DocumentsService } from './documents.service.js';

/** A version number, or the live draft. */
export type VersionRef = number | 'live';

export class DiffService {
  constructor(
    private readonly db: Db,
    private readonly documents: DocumentsService,
  ) {}

  async diff(actor: Actor, documentId: string, from: VersionRef, to: VersionRef): Promise<VersionDiff> {
    await this.documents.visible(actor, documentId);
    const [older, newer] = await Promise.all([this.textOf(documentId, from), this.textOf(documentId, to)]);
    return diffVersions(older.text, newer.text, newer.sections);
  }

  private async textOf(documentId: string, ref: VersionRef): Promise<{ text: string; sections: Section[] }> {
    if (ref === 'live') return this.documents.liveContent(documentId);
    const version = await findVersionContent<Section>(this.db, documentId, ref);
    if (!version) throw notFound(`version ${ref}`);
    return version;
  }
}
