/** Kysely's view of the tables in `migrations/`. Row types are derived, never written twice. */
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { AnnotationKind, AnnotationScope, AnnotationSource, AnnotationStatus, AuditAction, Decision, NotificationKind, DocumentEventType, DocumentStatus, Role, RoundStatus, Visibility } from '../domain/vocabulary.js';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Timestamp = ColumnType<Date, Date | string, Date | string>;

export type { Role };

export interface UnitsTable {
  id: Generated<string>;
  name: string;
  level: string;
  parent_id: string | null;
  /** ltree of the unit ids (dashes removed) from the root down to this unit. */
  path: string;
  /** The `key` a bulk import used for this unit, so a re-import updates instead of duplicating. */
  import_key: string | null;
  created_at: CreatedAt;
}

export interface MembersTable {
  id: Generated<string>;
  login: string;
  display_name: string;
  /** argon2id PHC string; null until an imported member activates. */
  password_hash: string | null;
  is_admin: Generated<boolean>;
  /** Where notifications are e-mailed (with SMTP_URL set), if the member gave an address. */
  email: string | null;
  notify_by_email: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface MembershipsTable {
  unit_id: string;
  member_id: string;
  role: Role;
  created_at: CreatedAt;
}

export interface SessionsTable {
  id: Generated<string>;
  member_id: string;
  /** sha256 of the bearer token; the token itself is never stored. */
  token_hash: Buffer;
  created_at: CreatedAt;
  expires_at: Timestamp;
  revoked_at: Date | null;
}

export interface ActivationCodesTable {
  code_hash: Buffer;
  member_id: string;
  created_at: CreatedAt;
  expires_at: Timestamp;
}

export interface DocumentsTable {
  id: Generated<string>;
  unit_id: string;
  title: string;
  status: Generated<DocumentStatus>;
  max_rounds: Generated<number>;
  current_round: Generated<number>;
  created_by: string | null;
  /** Highest sequence number handed out in `document_updates`. */
  last_seq: Generated<number>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface DocumentUpdatesTable {
  document_id: string;
  seq: number;
  /** One Yjs v1 update (possibly several merged by group commit). */
  data: Buffer;
  created_at: CreatedAt;
}

export interface DocumentSnapshotsTable {
  document_id: string;
  /** Yjs state (v1 update) with every log row up to `through_seq` merged and deleted content collected. */
  state: Buffer;
  through_seq: number;
  updated_at: Timestamp;
}

export interface DocumentVersionsTable {
  document_id: string;
  number: number;
  label: string;
  /** Yjs state at the time: what this version froze stays here even after the live draft deletes it. */
  state: Buffer;
  /** Plain-text projection (DESIGN.md). */
  text: string;
  sections: ColumnType<unknown, string, string>;
  round_number: number | null;
  created_by: string | null;
  created_at: CreatedAt;
}

export type { RoundStatus };
export type RoundVisibility = Visibility;

export interface RoundsTable {
  id: Generated<string>;
  document_id: string;
  number: number;
  base_version: number;
  status: RoundStatus;
  closes_at: Timestamp;
  closed_at: Date | null;
  closed_by: string | null;
  scope_unit_id: string;
  visibility: RoundVisibility;
  opened_by: string | null;
  created_at: CreatedAt;
}

export type EventAudience = 'document' | 'round' | 'staff';

export interface EventsTable {
  id: Generated<number>;
  document_id: string;
  type: DocumentEventType;
  payload: ColumnType<unknown, string, never>;
  audience: EventAudience;
  round_id: string | null;
  subject_member_id: string | null;
  actor_id: string | null;
  created_at: CreatedAt;
}

export type { AnnotationKind, AnnotationScope, AnnotationSource, AuditAction, Decision, NotificationKind };

export interface AnnotationsTable {
  id: string;
  round_id: string;
  document_id: string;
  /** The member the annotation speaks for; null for a discussion group (`group_name`). */
  author_id: string | null;
  /** The author's unit within the round's scope (for participation by unit). */
  author_unit_id: string;
  kind: AnnotationKind;
  body: string;
  replacement: string | null;
  anchor_start: number;
  anchor_end: number;
  rel_start: string;
  rel_end: string;
  quote_exact: string;
  quote_prefix: string;
  quote_suffix: string;
  section: string;
  /** 'passage', or a general comment on a whole 'section' or the whole 'document'. */
  scope: Generated<AnnotationScope>;
  /** The secretary or drafter who entered it on someone's behalf. */
  recorded_by: string | null;
  source: AnnotationSource | null;
  group_name: string | null;
  group_size: number | null;
  status: Generated<AnnotationStatus>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface AnnotationAttachmentsTable {
  annotation_id: string;
  filename: string;
  content_type: string;
  size: number;
  sha256: string;
  data: Buffer;
  created_at: CreatedAt;
}

export interface AnnotationRepliesTable {
  id: Generated<string>;
  annotation_id: string;
  author_id: string;
  body: string;
  created_at: CreatedAt;
}

export interface DispositionsTable {
  annotation_id: string;
  decision: Decision;
  note: string;
  decided_by: string;
  decided_at: Timestamp;
  applied_at: Date | null;
  applied_by: string | null;
}

export interface FeedbackPackagesTable {
  id: Generated<string>;
  document_id: string;
  from_unit_id: string;
  to_unit_id: string;
  round_ids: string[];
  note: string;
  items: ColumnType<unknown, string, never>;
  content_hash: string;
  submitted_by: string;
  submitted_at: Date;
  supersedes: string | null;
}

/** The receiving unit's own decision on a merged feedback item. */
export interface FeedbackDispositionsTable {
  document_id: string;
  unit_id: string;
  item_id: string;
  /** The package items (`fromUnitId/itemId`) the merged item stood for when decided. */
  sources: string[];
  decision: Decision;
  note: string;
  decided_by: string;
  decided_at: Date;
}

export interface ClusterEditsTable {
  id: Generated<string>;
  seq: Generated<number>;
  round_id: string;
  kind: 'merge' | 'split';
  annotation_ids: string[];
  made_by: string;
  made_at: Date;
}

export interface NotificationsTable {
  id: Generated<string>;
  member_id: string;
  kind: NotificationKind;
  document_id: string;
  round_id: string | null;
  annotation_id: string | null;
  /** The sentence shown and e-mailed, in Vietnamese (domain/notification-texts.ts). */
  text: string;
  created_at: Timestamp;
  read_at: Date | null;
}

export interface MailOutboxTable {
  notification_id: string;
  created_at: Timestamp;
  next_attempt_at: Timestamp;
  attempts: Generated<number>;
  last_error: string | null;
  sent_at: Date | null;
}

export interface RoundRemindersTable {
  round_id: string;
  stage: '24h' | '2h';
  claimed_at: Timestamp;
  recipients: number;
}

export interface ManualRemindersTable {
  what: 'member' | 'unit';
  subject_id: string;
  recipient_id: string;
  reminded_at: Date;
  reminded_by: string | null;
}

export interface AuditEntriesTable {
  id: Generated<number>;
  document_id: string;
  member_id: string | null;
  action: AuditAction;
  target: string;
  at: Timestamp;
}

export interface AppSecretsTable {
  name: string;
  value: Buffer;
}

export interface Database {
  app_secrets: AppSecretsTable;
  notifications: NotificationsTable;
  mail_outbox: MailOutboxTable;
  round_reminders: RoundRemindersTable;
  manual_reminders: ManualRemindersTable;
  audit_entries: AuditEntriesTable;
  cluster_edits: ClusterEditsTable;
  feedback_packages: FeedbackPackagesTable;
  feedback_dispositions: FeedbackDispositionsTable;
  annotations: AnnotationsTable;
  annotation_replies: AnnotationRepliesTable;
  annotation_attachments: AnnotationAttachmentsTable;
  dispositions: DispositionsTable;
  document_versions: DocumentVersionsTable;
  rounds: RoundsTable;
  events: EventsTable;
  documents: DocumentsTable;
  document_updates: DocumentUpdatesTable;
  document_snapshots: DocumentSnapshotsTable;
  units: UnitsTable;
  members: MembersTable;
  memberships: MembershipsTable;
  sessions: SessionsTable;
  activation_codes: ActivationCodesTable;
}

export type UnitRow = Selectable<UnitsTable>;
export type NewUnit = Insertable<UnitsTable>;
export type MemberRow = Selectable<MembersTable>;
export type MemberUpdate = Updateable<MembersTable>;
export type MembershipRow = Selectable<MembershipsTable>;
export type SessionRow = Selectable<SessionsTable>;
export type DocumentRow = Selectable<DocumentsTable>;
