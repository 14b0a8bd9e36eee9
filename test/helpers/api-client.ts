/**
 * The one typed HTTP client of the API for integration tests, browser tests and benchmarks, over
 * global fetch. Answers are typed from the route schemas (server/http/schemas), so a test or a
 * bench reads `summary.sections[0].clusters` with the server's own types, and a contract change
 * breaks their compilation instead of their run.
 *
 * Every call states the status it expects (the usual one by default) and throws `UnexpectedAnswer`
 * with the body's start otherwise.
 */
import type { ClusterEdit, Feedback, FeedbackPackage, RoundSummary, SubmitPackage } from '../../server/http/schemas/aggregation.js';
import type { Annotation, AnnotationWrite } from '../../server/http/schemas/annotations.js';
import type { LoginResult, Me } from '../../server/http/schemas/auth.js';
import type { Problem } from '../../server/http/schemas/common.js';
import type { Unit } from '../../server/http/schemas/directory.js';
import type { Content, CreateDocument, DocumentInfo } from '../../server/http/schemas/documents.js';
import type { ImportRequest, ImportResult } from '../../server/http/schemas/import.js';
import type { OpenRound, Round } from '../../server/http/schemas/rounds.js';

export class UnexpectedAnswer extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly text: string,
  ) {
    super(`${method} ${path}: ${status} ${text.slice(0, 500)}`);
    this.name = 'UnexpectedAnswer';
  }

  /** The problem+json body, when the server sent one. */
  get problem(): Problem | undefined {
    try {
      return JSON.parse(this.text) as Problem;
    } catch {
      return undefined;
    }
  }
}

/** A body serialised ahead of time, so a benchmark times the request and not `JSON.stringify`. */
export class Serialized {
  constructor(readonly json: string) {}
}

/** An answer read whole: its text and its size in bytes (UTF-8). */
export interface RawAnswer {
  status: number;
  text: string;
  bytes: number;
}

export class ApiClient {
  constructor(
    readonly baseUrl: string,
    readonly token: string | null = null,
  ) {}

  /** Logs in and returns a client carrying the token. */
  static async logIn(baseUrl: string, login: string, password: string): Promise<ApiClient> {
    const answer = await new ApiClient(baseUrl).login(login, password);
    return new ApiClient(baseUrl, answer.token);
  }

  /** Sends a request and reads the whole answer; throws unless its status is `expect`. */
  async send(method: string, path: string, body?: unknown, expect = 200): Promise<RawAnswer> {
    const headers: Record<string, string> = {};
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const payload = body === undefined ? undefined : body instanceof Serialized ? body.json : JSON.stringify(body);
    const response = await fetch(this.baseUrl + path, { method, headers, ...(payload !== undefined ? { body: payload } : {}) });
    const text = await response.text();
    if (response.status !== expect) throw new UnexpectedAnswer(method, path, response.status, text);
    return { status: response.status, text, bytes: Buffer.byteLength(text) };
  }

  /** `send`, then the JSON answer as `T` (`undefined` for an empty answer such as 204). */
  async json<T>(method: string, path: string, body?: unknown, expect = 200): Promise<T> {
    const { text } = await this.send(method, path, body, expect);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  login(login: string, password: string): Promise<LoginResult> {
    return this.json('POST', '/api/v1/auth/login', { login, password });
  }
  me(): Promise<Me> {
    return this.json('GET', '/api/v1/me');
  }
  children(unitId: string): Promise<Unit[]> {
    return this.json('GET', `/api/v1/units/${unitId}/children`);
  }
  importTree(body: ImportRequest | Serialized): Promise<ImportResult> {
    return this.json('POST', '/api/v1/import', body);
  }

  createDocument(body: CreateDocument): Promise<DocumentInfo> {
    return this.json('POST', '/api/v1/documents', body, 201);
  }
  content(documentId: string, version?: number): Promise<Content> {
    return this.json('GET', `/api/v1/documents/${documentId}/content${version ? `?version=${version}` : ''}`);
  }

  openRound(documentId: string, body: OpenRound): Promise<Round> {
    return this.json('POST', `/api/v1/documents/${documentId}/rounds`, body, 201);
  }
  closeRound(roundId: string): Promise<Round> {
    return this.json('POST', `/api/v1/rounds/${roundId}/close`);
  }

  /** Writes an annotation; 201 when created, 200 when the same author updates it. */
  putAnnotation(roundId: string, annotationId: string, body: AnnotationWrite, expect: 200 | 201 = 201): Promise<Annotation> {
    return this.json('PUT', `/api/v1/rounds/${roundId}/annotations/${annotationId}`, body, expect);
  }

  summary(roundId: string): Promise<RoundSummary> {
    return this.json('GET', `/api/v1/rounds/${roundId}/summary`);
  }
  /** Merges (`merge`) the points holding these annotations, or splits (`split`) them out. */
  editClusters(roundId: string, kind: 'merge' | 'split', annotationIds: string[]): Promise<ClusterEdit> {
    return this.json('POST', `/api/v1/rounds/${roundId}/clusters/${kind}`, { annotationIds }, 201);
  }
  clusterEdits(roundId: string): Promise<{ edits: ClusterEdit[] }> {
    return this.json('GET', `/api/v1/rounds/${roundId}/clusters/edits`);
  }
  submitPackage(documentId: string, body: SubmitPackage): Promise<FeedbackPackage> {
    return this.json('POST', `/api/v1/documents/${documentId}/packages`, body, 201);
  }
  feedback(documentId: string, unitId?: string): Promise<Feedback> {
    return this.json('GET', `/api/v1/documents/${documentId}/feedback${unitId ? `?unitId=${unitId}` : ''}`);
  }
}
