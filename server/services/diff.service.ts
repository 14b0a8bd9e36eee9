/** Comparing two versions of a document, or a version and the live draft (API.md "Versions and diffs"). */
import type { Db } from '../db/connect.js';
import { findVersionContent } from '../db/versions.repository.js';
import type { Actor } from '../domain/permissions.js';
import { nfcContent } from '../domain/projection.js';
import type { Section } from '../domain/sections.js';
import { diffVersions, type VersionDiff } from '../domain/version-diff.js';
import { notFound } from '../errors.js';
import type { DocumentsService } from './documents.service.js';
import type { VersionRef } from '../http/schemas/versions.js';

export class DiffService {
  constructor(
    private readonly db: Db,
    private readonly documents: DocumentsService,
  ) {}

  /**
   * The diff between two versions, or a version and the live draft, compared in NFC (DESIGN.md
   * "Normalisation"): a passage typed decomposed and retyped precomposed is no change. The ops
   * rebuild the NFC texts: the stored version texts, and for `live` the NFC form of the live
   * projection.
   */
  async diff(actor: Actor, documentId: string, from: VersionRef, to: VersionRef): Promise<VersionDiff> {
    await this.documents.visible(actor, documentId);
    const [older, newer] = await Promise.all([this.textOf(documentId, from), this.textOf(documentId, to)]);
    return diffVersions(older.text, newer.text, newer.sections);
  }

  private async textOf(documentId: string, ref: VersionRef): Promise<{ text: string; sections: Section[] }> {
    if (ref === 'live') return this.documents.liveNfcContent(documentId);
    const version = await findVersionContent<Section>(this.db, documentId, ref);
    if (!version) throw notFound(`version ${ref}`);
    // Versions frozen before texts were stored in NFC are normalised on the way out.
    return nfcContent(version.text, version.sections);
  }
}
