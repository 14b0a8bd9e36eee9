/**
 * Documents: creation from text / Markdown / ProseMirror JSON, listing what a member may see, and
 * the plain-text projection of the live draft.
 */
import * as Y from 'yjs';
import type { Db } from '../db/connect.js';
import { docFromStoredState, readStoredState } from '../db/document-log.repository.js';
import { findDocument, insertDocument, listDocuments, type DocumentRecord } from '../db/documents.repository.js';
import { findUnit } from '../db/units.repository.js';
import { findVersionContent } from '../db/versions.repository.js';
import { importContent, type ContentInput } from '../domain/content-import.js';
import { documentAccess, mayCreateDocument, roleAtLeast, type Actor, type DocumentAccess } from '../domain/permissions.js';
import { projectFragment } from '../domain/projection.js';
import { formatPath } from '../domain/unit-path.js';
import { forbidden, notFound } from '../errors.js';

export interface PublicDocument {
  id: string;
  unitId: string;
  title: string;
  status: string;
  maxRounds: number;
  currentRound: number;
  createdAt: string;
  updatedAt: string;
}

export interface DocumentContent {
  text: string;
  sections: Array<{ path: string; title: string; level: number; start: number; end: number }>;
}

/** Where the live state of a loaded document can be read; implemented by the collab runtime. */
export interface LiveDocuments {
  /** The committed live Y.Doc of a document in memory, if it is loaded. */
  loaded(documentId: string): Y.Doc | undefined;
  /** Applies an edit to the live draft durably, as every connected editor receives it. */
  edit(documentId: string, edit: (doc: Y.Doc) => void): Promise<void>;
}

export const toPublicDocument = (d: DocumentRecord): PublicDocument => ({
  id: d.id,
  unitId: d.unitId,
  title: d.title,
  status: d.status,
  maxRounds: d.maxRounds,
  currentRound: d.currentRound,
  createdAt: d.createdAt.toISOString(),
  updatedAt: d.updatedAt.toISOString(),
});

export class DocumentsService {
  private live: LiveDocuments = {
    loaded: () => undefined,
    edit: () => Promise.reject(new Error('live editing is not running')),
  };

  constructor(private readonly db: Db) {}

  /** The collab runtime registers itself once it exists (it is built after the services). */
  attachLiveDocuments(live: LiveDocuments): void {
    this.live = live;
  }

  async create(
    actor: Actor,
    input: { unitId: string; title: string; maxRounds?: number | undefined; content?: ContentInput | undefined },
  ): Promise<PublicDocument> {
    const unit = await findUnit(this.db, input.unitId);
    if (!unit) throw notFound('unit');
    if (!mayCreateDocument(actor, unit)) throw forbidden('only drafters and secretaries of the unit can create its documents');
    const doc = new Y.Doc();
    if (input.content) importContent(doc, input.content);
    const initialState = Y.encodeStateAsUpdate(doc);
    doc.destroy();
    const id = await insertDocument(this.db, {
      unitId: unit.id,
      title: input.title.normalize('NFC').trim(),
      maxRounds: input.maxRounds ?? 3,
      createdBy: actor.memberId,
      initialState,
    });
    return toPublicDocument((await findDocument(this.db, id))!);
  }

  /** The document and the caller's access to it; invisible documents are reported as missing. */
  async visible(actor: Actor, documentId: string): Promise<{ document: DocumentRecord; access: Exclude<DocumentAccess, 'none'> }> {
    const document = await findDocument(this.db, documentId);
    const access = document ? documentAccess(actor, document) : 'none';
    if (!document || access === 'none') throw notFound('document');
    return { document, access };
  }

  async list(actor: Actor, unitId?: string): Promise<PublicDocument[]> {
    const records = await listDocuments(this.db, {
      unitIds: actor.memberships.map((m) => m.unitId),
      subtreeRoots: actor.memberships.filter((m) => roleAtLeast(m.role, 'drafter')).map((m) => formatPath(m.path)),
      participantPaths: actor.memberships.map((m) => formatPath(m.path)),
      unitId,
    });
    // The query narrows by unit; the permission module has the last word.
    return records.filter((d) => documentAccess(actor, d) !== 'none').map(toPublicDocument);
  }

  /** The plain-text projection of the live draft, or of a version. */
  async content(actor: Actor, documentId: string, version?: number): Promise<DocumentContent> {
    await this.visible(actor, documentId);
    if (version !== undefined) {
      const frozen = await findVersionContent<DocumentContent['sections'][number]>(this.db, documentId, version);
      if (!frozen) throw notFound(`version ${version}`);
      return { text: frozen.text, sections: frozen.sections };
    }
    return this.liveContent(documentId);
  }

  /** Applies a server-made edit to the live draft (see LiveDocuments.edit). */
  editLive(documentId: string, edit: (doc: Y.Doc) => void): Promise<void> {
    return this.live.edit(documentId, edit);
  }

  /**
   * Runs `read` on the committed live draft: the room's doc when the document is loaded (it is
   * always exactly what is committed), else one loaded from the database for this call. `read`
   * must not change the doc and must finish synchronously (the room's doc moves between ticks).
   */
  async readLive<T>(documentId: string, read: (doc: Y.Doc) => T): Promise<T> {
    const loaded = this.live.loaded(documentId);
    if (loaded) return read(loaded);
    const doc = docFromStoredState(await readStoredState(this.db, documentId));
    try {
      return read(doc);
    } finally {
      doc.destroy();
    }
  }

  /** The plain-text projection of the live draft. */
  liveContent(documentId: string): Promise<DocumentContent> {
    return this.readLive(documentId, projectionOf);
  }

  /** The live draft's Yjs state and projection, taken together (what a version freezes). */
  liveSnapshot(documentId: string): Promise<{ state: Uint8Array; content: DocumentContent }> {
    return this.readLive(documentId, (doc) => ({ state: Y.encodeStateAsUpdate(doc), content: projectionOf(doc) }));
  }
}

function projectionOf(doc: Y.Doc): DocumentContent {
  const projection = projectFragment(doc.getXmlFragment('default'));
  return {
    text: projection.text,
    sections: projection.sections.map((s) => ({ path: s.path, title: s.title, level: s.level, start: s.start, end: s.end })),
  };
}
