/** Kysely's view of the tables in `migrations/`. Row types are derived, never written twice. */
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Timestamp = ColumnType<Date, Date | string, Date | string>;

export type Role = 'member' | 'drafter' | 'secretary';

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
  status: Generated<string>;
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

export type RoundStatus = 'open' | 'closed';
export type RoundVisibility = 'private' | 'open';

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
  type: string;
  payload: ColumnType<unknown, string, never>;
  audience: EventAudience;
  round_id: string | null;
  subject_member_id: string | null;
  actor_id: string | null;
  created_at: CreatedAt;
}

export type AnnotationKind = 'comment' | 'question' | 'objection' | 'support' | 'suggestion';
export type Decision = 'accepted' | 'partially_accepted' | 'rejected' | 'noted';

export interface AnnotationsTable {
  id: string;
  round_id: string;
  document_id: string;
  author_id: string;
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
  status: Generated<'active' | 'withdrawn'>;
  created_at: CreatedAt;
  updated_at: Timestamp;
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
}

export interface Database {
  feedback_packages: FeedbackPackagesTable;
  annotations: AnnotationsTable;
  annotation_replies: AnnotationRepliesTable;
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
