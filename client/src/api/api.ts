/** Every call of API.md the client makes, typed. The server decides; these only carry. */
import { Http } from './http';
import type { Decision, Locale, Role } from '@domain/vocabulary';
import type { ClusterEdit, ExportFormat, Feedback, FeedbackIndex, FeedbackItem, FeedbackPackage, PackagePreview, RoundSummary, SubmitPackage, SummaryIndex } from '@schemas/aggregation';
import type { Annotation, AnnotationWrite, FoundAnnotation, PlacedAnnotation, Reply, WordImport, WordImportResult } from '@schemas/annotations';
import type { LoginResult, Me } from '@schemas/auth';
import type { Membership, Unit, UnitMember, UnitNode } from '@schemas/directory';
import type { CreateDocument, DocumentInfo, Outline } from '@schemas/documents';
import type { Participation, ReminderOutcome } from '@schemas/participation';
import type { OpenRound, Round } from '@schemas/rounds';
import type { Diff, Version, VersionRef } from '@schemas/versions';
import type { Audit, Contact, Notifications } from '@schemas/notifications';
import type { ImportSheetResult } from '@schemas/import';

const e = encodeURIComponent;

/** The search route's query (API.md); an empty string leaves a filter out. */
export interface AnnotationSearch {
  q: string;
  kind: string;
  decision: string;
  section: string;
  roundId: string;
  unitId: string;
  /** A passage of the section (`start-end` in the summary's base text): filtered in the client, the server has no such filter. */
  passage: string;
}

export class Api {
  constructor(readonly http: Http) {}

  login(login: string, password: string): Promise<LoginResult> {
    return this.http.post('/api/v1/auth/login', { login, password });
  }
  activate(login: string, code: string, password: string): Promise<LoginResult> {
    return this.http.post('/api/v1/auth/activate', { login, code, password });
  }
  logout(): Promise<void> {
    return this.http.post('/api/v1/auth/logout');
  }
  me(): Promise<Me> {
    return this.http.get('/api/v1/me');
  }
  unit(id: string): Promise<Unit> {
    return this.http.get(`/api/v1/units/${e(id)}`);
  }
  children(id: string): Promise<UnitNode[]> {
    return this.http.get(`/api/v1/units/${e(id)}/children`);
  }

  /** Where administration starts: the roots for an administrator, their units for a secretary. */
  topUnits(): Promise<UnitNode[]> {
    return this.http.get('/api/v1/units');
  }
  unitMembers(id: string): Promise<{ members: UnitMember[] }> {
    return this.http.get(`/api/v1/units/${e(id)}/members`);
  }
  setRole(unitId: string, memberId: string, role: Role): Promise<Membership> {
    return this.http.put(`/api/v1/units/${e(unitId)}/members/${e(memberId)}`, { role });
  }
  removeMember(unitId: string, memberId: string): Promise<void> {
    return this.http.delete(`/api/v1/units/${e(unitId)}/members/${e(memberId)}`);
  }
  /** New activation codes for the waiting members (all, or `memberIds`) as printable letters (PDF). */
  activationLetters(unitId: string, memberIds?: string[]): Promise<{ blob: Blob; filename: string | null }> {
    return this.http.blob(`/api/v1/units/${e(unitId)}/activations/letters`, 'POST', memberIds ? { memberIds } : {});
  }

  importSheet(body: { filename: string; dataBase64: string; dryRun: boolean }): Promise<ImportSheetResult> {
    return this.http.post('/api/v1/import/sheet', body);
  }

  documents(): Promise<DocumentInfo[]> {
    return this.http.get('/api/v1/documents');
  }
  document(id: string): Promise<DocumentInfo> {
    return this.http.get(`/api/v1/documents/${e(id)}`);
  }
  /** The sections of the live draft or of a version, without its text. */
  sections(id: string, version?: number): Promise<Outline> {
    return this.http.get(`/api/v1/documents/${e(id)}/sections${version ? `?version=${version}` : ''}`);
  }

  versions(id: string): Promise<Version[]> {
    return this.http.get(`/api/v1/documents/${e(id)}/versions`);
  }
  nameVersion(id: string, label: string): Promise<Version> {
    return this.http.post(`/api/v1/documents/${e(id)}/versions`, { label });
  }
  diff(id: string, from: VersionRef, to: VersionRef): Promise<Diff> {
    return this.http.get(`/api/v1/documents/${e(id)}/diff?from=${from}&to=${to}`);
  }

  rounds(id: string): Promise<Round[]> {
    return this.http.get(`/api/v1/documents/${e(id)}/rounds`);
  }
  openRound(id: string, body: OpenRound): Promise<Round> {
    return this.http.post(`/api/v1/documents/${e(id)}/rounds`, body);
  }
  closeRound(roundId: string): Promise<Round> {
    return this.http.post(`/api/v1/rounds/${e(roundId)}/close`);
  }

  putAnnotation(roundId: string, annotationId: string, body: AnnotationWrite): Promise<Annotation> {
    return this.http.put(`/api/v1/rounds/${e(roundId)}/annotations/${e(annotationId)}`, body);
  }
  withdrawAnnotation(roundId: string, annotationId: string): Promise<void> {
    return this.http.delete(`/api/v1/rounds/${e(roundId)}/annotations/${e(annotationId)}`);
  }
  /** With `section`, the round's own annotations stored in that section only (as the summary names it). */
  roundAnnotations(roundId: string, section?: string): Promise<Annotation[]> {
    return this.http.get(`/api/v1/rounds/${e(roundId)}/annotations${section === undefined ? '' : `?section=${e(section)}`}`);
  }
  placedAnnotations(documentId: string, version: VersionRef = 'live'): Promise<PlacedAnnotation[]> {
    return this.http.get(`/api/v1/documents/${e(documentId)}/annotations?version=${version}`);
  }
  /** A member's Word file with comments and tracked changes, as annotations. */
  importWord(roundId: string, body: WordImport): Promise<WordImportResult> {
    return this.http.post(`/api/v1/rounds/${e(roundId)}/imports`, body);
  }
  /** A general comment's attached file, fetched with the token in a header. */
  attachment(annotationId: string): Promise<{ blob: Blob; filename: string | null }> {
    return this.http.blob(`/api/v1/annotations/${e(annotationId)}/attachment`);
  }
  /** `GET /documents/:id/annotations/search`: ranked, best first; empty fields are left out. */
  searchAnnotations(documentId: string, query: AnnotationSearch): Promise<FoundAnnotation[]> {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) if (value && key !== 'passage') params.set(key, value);
    return this.http.get(`/api/v1/documents/${e(documentId)}/annotations/search?${params}`);
  }
  reply(annotationId: string, body: string): Promise<Reply> {
    return this.http.post(`/api/v1/annotations/${e(annotationId)}/replies`, { body });
  }
  decide(annotationId: string, decision: Decision, note: string): Promise<Annotation> {
    return this.http.put(`/api/v1/annotations/${e(annotationId)}/disposition`, { decision, note });
  }
  apply(annotationId: string): Promise<Annotation> {
    return this.http.post(`/api/v1/annotations/${e(annotationId)}/apply`);
  }

  /** `GET /rounds/:id/participation`: the unit's invited members and whether they commented. */
  participation(roundId: string, unitId?: string): Promise<Participation> {
    return this.http.get(`/api/v1/rounds/${e(roundId)}/participation${unitId ? `?unitId=${e(unitId)}` : ''}`);
  }
  /** `POST /rounds/:id/participation/reminders`: notifies the unit's silent members (each at most once per 12 h). */
  remindSilent(roundId: string, unitId: string): Promise<ReminderOutcome> {
    return this.http.post(`/api/v1/rounds/${e(roundId)}/participation/reminders`, { unitId });
  }
  /** `POST /documents/:id/feedback/reminders?unitId=`: notifies the secretaries of the units that have not sent (each at most once per 12 h). */
  remindPendingUnits(documentId: string, receiverUnitId: string): Promise<ReminderOutcome> {
    return this.http.post(`/api/v1/documents/${e(documentId)}/feedback/reminders?unitId=${e(receiverUnitId)}`, {});
  }
  /** The summary's index: sections with their counts, participation, the comments on the whole draft. */
  summaryIndex(roundId: string): Promise<SummaryIndex> {
    return this.http.get(`/api/v1/rounds/${e(roundId)}/summary/sections`);
  }
  /** One section of the summary (its `path`; "" is the text before the first heading). */
  summarySection(roundId: string, path: string): Promise<RoundSummary> {
    return this.http.get(`/api/v1/rounds/${e(roundId)}/summary?section=${e(path)}`);
  }
  /** Merges the points holding these annotations (`merge`), or splits them out into one (`split`). */
  editClusters(roundId: string, kind: 'merge' | 'split', annotationIds: string[]): Promise<ClusterEdit> {
    return this.http.post(`/api/v1/rounds/${e(roundId)}/clusters/${kind}`, { annotationIds });
  }
  clusterEdits(roundId: string): Promise<{ edits: ClusterEdit[] }> {
    return this.http.get(`/api/v1/rounds/${e(roundId)}/clusters/edits`);
  }
  undoClusterEdit(roundId: string, editId: string): Promise<void> {
    return this.http.delete(`/api/v1/rounds/${e(roundId)}/clusters/edits/${e(editId)}`);
  }
  decidePoint(roundId: string, clusterId: string, decision: Decision, note: string): Promise<{ decided: number }> {
    return this.http.put(`/api/v1/rounds/${e(roundId)}/clusters/${e(clusterId)}/disposition`, { decision, note });
  }
  submitPackage(documentId: string, body: SubmitPackage): Promise<FeedbackPackage> {
    return this.http.post(`/api/v1/documents/${e(documentId)}/packages`, body);
  }
  packages(documentId: string): Promise<FeedbackPackage[]> {
    return this.http.get(`/api/v1/documents/${e(documentId)}/packages`);
  }
  previewPackage(documentId: string, fromUnitId: string): Promise<PackagePreview> {
    return this.http.get(`/api/v1/documents/${e(documentId)}/packages/preview?fromUnitId=${e(fromUnitId)}`);
  }
  /** The merged feedback's index: units, pending units, each section's counts and revision (`unitId`: the receiving unit). */
  feedbackIndex(documentId: string, unitId: string): Promise<FeedbackIndex> {
    return this.http.get(`/api/v1/documents/${e(documentId)}/feedback/sections?unitId=${e(unitId)}`);
  }
  /** One section's merged items (its path; "" holds the comments on the whole draft). */
  feedbackSection(documentId: string, path: string, unitId: string): Promise<Feedback> {
    return this.http.get(`/api/v1/documents/${e(documentId)}/feedback?section=${e(path)}&unitId=${e(unitId)}`);
  }
  decideFeedbackItem(documentId: string, itemId: string, unitId: string, decision: Decision, note: string): Promise<FeedbackItem> {
    return this.http.put(`/api/v1/documents/${e(documentId)}/feedback/items/${e(itemId)}/disposition?unitId=${e(unitId)}`, { decision, note });
  }
  createDocument(body: CreateDocument): Promise<DocumentInfo> {
    return this.http.post('/api/v1/documents', body);
  }
  /** A package as its unit sent it, as DOCX or PDF. */
  exportPackage(documentId: string, packageId: string, format: 'docx' | 'pdf', lang: Locale = 'vi'): Promise<{ blob: Blob; filename: string | null }> {
    return this.http.blob(`/api/v1/documents/${e(documentId)}/packages/${e(packageId)}/export?format=${format}&lang=${lang}`);
  }

  notifications(unreadOnly = false): Promise<Notifications> {
    return this.http.get(`/api/v1/me/notifications${unreadOnly ? '?unread=1' : ''}`);
  }
  markRead(ids: string[]): Promise<{ read: number; unread: number }> {
    return this.http.post('/api/v1/me/notifications/read', { ids });
  }
  contact(): Promise<Contact> {
    return this.http.get('/api/v1/me/contact');
  }
  setContact(body: { email: string | null; notifyByEmail: boolean }): Promise<Contact> {
    return this.http.put('/api/v1/me', body);
  }
  unsubscribe(token: string): Promise<Contact> {
    return this.http.post('/api/v1/unsubscribe', { token });
  }
  audit(documentId: string): Promise<Audit> {
    return this.http.get(`/api/v1/documents/${e(documentId)}/audit`);
  }

  /** Exports of the summary (`/rounds/:id/summary`) or of the merged feedback (`/documents/:id/feedback`). */
  export(path: 'summary' | 'feedback', id: string, format: ExportFormat, lang: Locale = 'vi', unitId?: string): Promise<{ blob: Blob; filename: string | null }> {
    const query = `format=${format}&lang=${lang}${unitId ? `&unitId=${e(unitId)}` : ''}`;
    const url = path === 'summary' ? `/api/v1/rounds/${e(id)}/summary?${query}` : `/api/v1/documents/${e(id)}/feedback?${query}`;
    return this.http.blob(url);
  }
}
