/** Every call of API.md the client makes, typed. The server decides; these only carry. */
import { Http } from './http';
import type {
  Annotation, AnnotationWrite, Content, Decision, DocumentInfo, Diff, ExportFormat, Feedback, FeedbackPackage,
  LoginResult, Me, PlacedAnnotation, Reply, Round, RoundSummary, Unit, Version, VersionRef,
} from './types';

const e = encodeURIComponent;

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
  children(id: string): Promise<Unit[]> {
    return this.http.get(`/api/v1/units/${e(id)}/children`);
  }

  documents(): Promise<DocumentInfo[]> {
    return this.http.get('/api/v1/documents');
  }
  document(id: string): Promise<DocumentInfo> {
    return this.http.get(`/api/v1/documents/${e(id)}`);
  }
  content(id: string, version?: number): Promise<Content> {
    return this.http.get(`/api/v1/documents/${e(id)}/content${version ? `?version=${version}` : ''}`);
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
  openRound(id: string, body: { closesAt: string; scopeUnitId?: string; visibility?: 'private' | 'open' }): Promise<Round> {
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
  roundAnnotations(roundId: string): Promise<Annotation[]> {
    return this.http.get(`/api/v1/rounds/${e(roundId)}/annotations`);
  }
  placedAnnotations(documentId: string, version: VersionRef = 'live'): Promise<PlacedAnnotation[]> {
    return this.http.get(`/api/v1/documents/${e(documentId)}/annotations?version=${version}`);
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

  summary(roundId: string): Promise<RoundSummary> {
    return this.http.get(`/api/v1/rounds/${e(roundId)}/summary`);
  }
  submitPackage(documentId: string, body: { fromUnitId: string; roundIds: string[]; note?: string }): Promise<FeedbackPackage> {
    return this.http.post(`/api/v1/documents/${e(documentId)}/packages`, body);
  }
  packages(documentId: string): Promise<FeedbackPackage[]> {
    return this.http.get(`/api/v1/documents/${e(documentId)}/packages`);
  }
  feedback(documentId: string): Promise<Feedback> {
    return this.http.get(`/api/v1/documents/${e(documentId)}/feedback`);
  }

  /** Exports of the summary (`/rounds/:id/summary`) or of the merged feedback (`/documents/:id/feedback`). */
  export(path: 'summary' | 'feedback', id: string, format: ExportFormat, lang: 'vi' | 'en' = 'vi'): Promise<{ blob: Blob; filename: string | null }> {
    const query = `format=${format}&lang=${lang}`;
    const url = path === 'summary' ? `/api/v1/rounds/${e(id)}/summary?${query}` : `/api/v1/documents/${e(id)}/feedback?${query}`;
    return this.http.blob(url);
  }
}
