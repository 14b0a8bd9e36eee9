/**
 * Documents: creation from text / Markdown / ProseMirror JSON, listing what a member may see, and
 * the plain-text projection of the live draft.
 */
import * as Y from 'yjs';
import type { Db } from '../db/connect.js';
import { docFromStoredState, readStoredState } from '../db/document-log.repository.js';
import { findDocument, insertDocument, listDocuments, type DocumentRecord } from '../db/documents.repository.js';
import { membershipsOf } from '../db/members.repository.js';
import { findUnit } from '../db/units.repository.js';
import { findVersionContent } from '../db/versions.repository.js';
import type { ContentInput } from '../domain/content-import.js';
import { documentAccess, documentListScope, mayCreateDocument, type Actor, type DocumentAccess } from '../domain/permissions.js';
import { nfcContent } from '../domain/projection.js';
import { forbidden, notFound } from '../errors.js';
import { initialStateOf } from './content-import-pool.js';
import type { LiveEdit, LiveEditOutcome } from './live-edits.js';
import { readDoc, type DocumentContent, type LiveRead, type LiveReadResult } from './live-reads.js';
import type { Content, DocumentInfo as PublicDocument, Outline } from '../http/schemas/documents.js';

export type { DocumentContent };

/** Where the live draft is read and edited; implemented by the collab runtime. */
export interface LiveDocuments {
  /**
   * What `read` (live-reads.ts) computes on the committed live draft: the room's state when the
   * document is loaded, else its stored state. Big documents are read on a worker thread.
   */
  read<R extends LiveRead>(documentId: string, read: R): Promise<LiveReadResult<R>>;
  /** What `read` computes on an encoded state (a frozen version); on a worker thread when big. */
  readEncoded<R extends LiveRead>(state: Uint8Array, read: R): Promise<LiveReadResult<R>>;
  /**
   * Makes `edit` (live-edits.ts) on the live draft durably, as every connected editor receives
   * it; a big document's edit is computed on a worker thread. Server edits of one document are
   * made one after another, each on the state the previous one left.
   */
  edit(documentId: string, edit: LiveEdit): Promise<LiveEditOutcome>;
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
  // Until the collab runtime attaches: the stored state, read in place.
  private live: LiveDocuments = {
    read: async (documentId, read) => {
      const doc = docFromStoredState(await readStoredState(this.db, documentId));
      try {
        return readDoc(doc, read);
      } finally {
        doc.destroy();
      }
    },
    readEncoded: (state, read) => {
      const doc = new Y.Doc();
      try {
        Y.applyUpdate(doc, state);
        return Promise.resolve(readDoc(doc, read));
      } catch (error) {
        return Promise.reject(error as Error);
      } finally {
        doc.destroy();
      }
    },
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
    const initialState = await initialStateOf(input.content);
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

  /**
   * A member's access to a document as it stands now (re-checked when their roles change):
   * 'none' when the document is gone or no longer theirs. A database error is thrown, never
   * taken for 'none'.
   */
  async accessOfMember(memberId: string, documentId: string): Promise<DocumentAccess> {
    const actor: Actor = { memberId, isAdmin: false, memberships: await membershipsOf(this.db, memberId) };
    const document = await findDocument(this.db, documentId);
    return document ? documentAccess(actor, document) : 'none';
  }

  async list(actor: Actor, unitId?: string): Promise<PublicDocument[]> {
    const records = await listDocuments(this.db, { ...documentListScope(actor), unitId });
    // The query narrows by unit; the permission module has the last word.
    return records.filter((d) => documentAccess(actor, d) !== 'none').map(toPublicDocument);
  }

  /** The plain-text projection of the live draft, or of a version. */
  async content(actor: Actor, documentId: string, version?: number): Promise<Content> {
    await this.visible(actor, documentId);
    if (version !== undefined) {
      const frozen = await findVersionContent<DocumentContent['sections'][number]>(this.db, documentId, version);
      if (!frozen) throw notFound(`version ${version}`);
      return nfcContent(frozen.text, frozen.sections);
    }
    return this.liveContent(documentId);
  }

  /**
   * The sections of the live draft or of version `version`, as `content` gives them (offsets in its
   * text), without the text: a panel naming sections need not download a whole report. Errors as
   * `content`'s.
   */
  async outline(actor: Actor, documentId: string, version?: number): Promise<Outline> {
    return { sections: (await this.content(actor, documentId, version)).sections };
  }

  /** Makes a server edit on the live draft (see LiveDocuments.edit). */
  editLive(documentId: string, edit: LiveEdit): Promise<LiveEditOutcome> {
    return this.live.edit(documentId, edit);
  }

  /**
   * What `read` (live-reads.ts) computes on the committed live draft, as it stood when the read
   * started. A big document's draft is read on a worker thread (LiveDocuments.read): the event
   * loop never builds a Y.Doc of it for a read.
   */
  readLive<R extends LiveRead>(documentId: string, read: R): Promise<LiveReadResult<R>> {
    return this.live.read(documentId, read);
  }

  /** What `read` computes on an encoded Yjs state (a frozen version's); on a worker thread when big. */
  readState<R extends LiveRead>(state: Uint8Array, read: R): Promise<LiveReadResult<R>> {
    return this.live.readEncoded(state, read);
  }

  /** The plain-text projection of the live draft. */
  async liveContent(documentId: string): Promise<DocumentContent> {
    return (await this.readLive(documentId, { kind: 'content' })).projection;
  }

  /** The NFC form of the live draft's projection (what diffs and frozen versions compare). */
  async liveNfcContent(documentId: string): Promise<DocumentContent> {
    return (await this.readLive(documentId, { kind: 'content' })).nfc;
  }

  /** The live draft's Yjs state and the NFC form of its projection, taken together (what a
   * version freezes: frozen texts are NFC, DESIGN.md "Normalisation"). */
  liveSnapshot(documentId: string): Promise<{ state: Uint8Array; content: DocumentContent }> {
    return this.readLive(documentId, { kind: 'freeze' });
  }
}
