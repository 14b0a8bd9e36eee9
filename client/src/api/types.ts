/** The shapes of API.md (and of the route schemas, where they say more). */
export type Role = 'member' | 'drafter' | 'secretary';
export type Kind = 'comment' | 'question' | 'objection' | 'support' | 'suggestion';
export type Decision = 'accepted' | 'partially_accepted' | 'rejected' | 'noted';
export type VersionRef = number | 'live';

export interface Member { id: string; login: string; displayName: string }
export interface LoginResult { token: string; expiresAt: string; member: Member }
export interface Me { member: Member; isAdmin?: boolean; memberships: Array<{ unitId: string; role: Role }> }
export interface Unit { id: string; name: string; level: string; parentId: string | null }

export interface DocumentInfo {
  id: string;
  unitId: string;
  title: string;
  status: string;
  maxRounds: number;
  currentRound: number;
  createdAt?: string;
  updatedAt?: string;
}

export interface SectionInfo { path: string; title: string; level: number; start: number; end: number }
export interface Content { text: string; sections: SectionInfo[] }

export interface Version { number: number; label: string; createdAt: string; roundNumber: number | null }

export interface Round {
  id: string;
  documentId: string;
  number: number;
  baseVersion: number;
  status: 'open' | 'closed';
  closesAt: string;
  closedAt?: string | null;
  scopeUnitId: string;
  visibility: 'private' | 'open';
  createdAt?: string;
}

export interface Diff {
  ops: Array<[-1 | 0 | 1, string]>;
  stats: { inserted: number; deleted: number };
  sections: Array<{ path: string; inserted: number; deleted: number }>;
  html: string;
}

export type AnchorInput = { start: number; end: number } | { relStart: string; relEnd: string };

export interface Anchor {
  start: number;
  end: number;
  relStart: string;
  relEnd: string;
  quote: { exact: string; prefix: string; suffix: string };
  section: string;
}

export interface Disposition { decision: Decision; note: string; decidedBy: string; decidedAt: string; appliedAt: string | null }
export interface Reply { id: string; authorId: string; authorName: string; body: string; createdAt: string }

export interface Annotation {
  id: string;
  roundId: string;
  authorId: string;
  authorName: string;
  kind: Kind;
  body: string;
  replacement: string | null;
  anchor: Anchor;
  status: 'active' | 'withdrawn';
  disposition: Disposition | null;
  replies: Reply[];
  createdAt: string;
  updatedAt: string;
}

export type AnchorStatus = 'exact' | 'moved' | 'fuzzy' | 'orphaned';
export interface PlacedAnnotation extends Annotation {
  anchorStatus: AnchorStatus;
  position: { start: number | null; end: number | null; section: string | null };
}

export interface AnnotationWrite { kind: Kind; body: string; replacement?: string; anchor: AnchorInput }

export interface Cluster {
  id: string;
  kind: Kind;
  count: number;
  annotationIds: string[];
  anchor: Partial<Anchor> & { section?: string };
  representative: { body: string; replacement: string | null };
  decisions: Record<Decision | 'undecided', number>;
}

export interface RoundSummary {
  participation: { invited: number; commented: number; annotations: number; byUnit: Array<{ unitId: string; invited: number; commented: number }> };
  sections: Array<{ path: string; title: string; clusters: Cluster[] }>;
}

export interface FeedbackPackage {
  id: string;
  documentId: string;
  fromUnitId: string;
  toUnitId: string;
  items: unknown[];
  contentHash: string;
  submittedAt: string;
}

export interface FeedbackItem {
  kind?: Kind;
  section?: string;
  path?: string;
  count: number;
  unitCount: number;
  unitIds: string[];
  representative?: { body: string; replacement: string | null };
  body?: string;
  [key: string]: unknown;
}

export interface FeedbackUnit { unitId: string; name: string; packageId: string | null; submittedAt: string | null }
export interface Feedback { documentId?: string; unitId?: string; units: FeedbackUnit[]; items: FeedbackItem[] }

export type ExportFormat = 'md' | 'docx' | 'jsonld' | 'json';
