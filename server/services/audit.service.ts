/**
 * The audit trail (API.md "People and notifications"): the services record who opened, exported,
 * decided, applied, distributed and sent what at the point they do it; the secretary of the
 * document's unit reads it.
 */
import type { Db } from '../db/connect.js';
import { insertAuditEntry, insertOpening, listAudit } from '../db/audit.repository.js';
import { mayReadAuditTrail, type Actor } from '../domain/permissions.js';
import type { AuditAction } from '../domain/vocabulary.js';
import { forbidden } from '../errors.js';
import type { Clock } from './clock.js';
import type { DocumentsService } from './documents.service.js';
import type { AuditItem as PublicAuditItem } from '../http/schemas/notifications.js';

/** Openings of one document by one member within this window count once. */
const openingWindowMs = 10 * 60_000;

export class AuditService {
  constructor(
    private readonly db: Db,
    private readonly documents: DocumentsService,
    private readonly clock: Clock,
  ) {}

  /** Records an action, in the caller's transaction when given one (so it exists exactly when the change does). */
  record(db: Db | undefined, entry: { documentId: string; memberId: string; action: Exclude<AuditAction, 'opened'>; target: string }): Promise<void> {
    return insertAuditEntry(db ?? this.db, { ...entry, at: this.clock.now() });
  }

  /** Records that the member opened the document (once per ten minutes). */
  opened(documentId: string, memberId: string, target: string): Promise<void> {
    return insertOpening(this.db, { documentId, memberId, target, at: this.clock.now() }, openingWindowMs);
  }

  /**
   * The document's trail, newest first (the latest 1,000 entries). Only a secretary of the
   * document's own unit reads it: 404 when the document is invisible, 403 for anyone else who sees it.
   */
  async list(actor: Actor, documentId: string): Promise<PublicAuditItem[]> {
    const { document } = await this.documents.visible(actor, documentId);
    if (!mayReadAuditTrail(actor, document)) throw forbidden('only the secretary of the document’s unit reads its audit trail');
    return (await listAudit(this.db, documentId, 1000)).map((r) => ({ at: r.at.toISOString(), memberId: r.memberId, name: r.name, action: r.action, target: r.target }));
  }
}
