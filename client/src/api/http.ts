/**
 * The typed fetch wrapper: bearer token on every call, JSON in and out, and every refusal turned
 * into an `ApiError` carrying the problem+json `code` (API.md, "Errors") the UI translates.
 */
import { httpStatusOf, type ErrorCode } from '@errors';
import type { Problem as ServerProblem } from '@schemas/common';

/** A refusal's code: one of the server's (server/errors.ts), or `unavailable` when a proxy answered 502–504. */
export type ProblemCode = ErrorCode | 'unavailable';
/** A problem+json answer; fields other than `status` and `code` may be missing when a proxy answered. */
export type Problem = Partial<Omit<ServerProblem, 'code' | 'status'>> & { status: number; code: ProblemCode };

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title ?? problem.code);
  }
  get code(): ProblemCode {
    return this.problem.code;
  }
  get status(): number {
    return this.problem.status;
  }
}

/** A request that never reached the server (offline, DNS, reset): the outbox keeps what it carried. */
export class NetworkError extends Error {
  readonly code = 'network';
}

type Listener = (error: ApiError) => void;

export class Http {
  private token: string | null;
  private readonly unauthenticated = new Set<Listener>();

  constructor(private readonly base = '', token: string | null = null) {
    this.token = token;
  }

  setToken(token: string | null): void {
    this.token = token;
  }

  getToken(): string | null {
    return this.token;
  }

  /** Called on every 401: the shell sends the person back to the login form. */
  onUnauthenticated(listener: Listener): () => void {
    this.unauthenticated.add(listener);
    return () => this.unauthenticated.delete(listener);
  }

  async request<T>(method: string, path: string, body?: unknown, init: RequestInit = {}): Promise<T> {
    const response = await this.raw(method, path, body, init);
    if (response.status === 204) return undefined as T;
    const type = response.headers.get('content-type') ?? '';
    return (type.includes('json') ? await response.json() : await response.text()) as T;
  }

  get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }
  post<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('POST', path, body);
  }
  put<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('PUT', path, body);
  }
  delete<T = void>(path: string): Promise<T> {
    return this.request<T>('DELETE', path);
  }

  /** A binary answer (exports): the token goes as a header, never in the URL. */
  async blob(path: string, method: 'GET' | 'POST' = 'GET', body?: unknown): Promise<{ blob: Blob; filename: string | null }> {
    const response = await this.raw(method, path, body);
    const disposition = response.headers.get('content-disposition') ?? '';
    const match = /filename\*=UTF-8''([^;]+)|filename="?([^";]+)"?/i.exec(disposition);
    const filename = match ? decodeURIComponent((match[1] ?? match[2] ?? '').trim()) : null;
    return { blob: await response.blob(), filename };
  }

  private async raw(method: string, path: string, body?: unknown, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.token) headers.set('authorization', `Bearer ${this.token}`);
    if (body !== undefined) headers.set('content-type', 'application/json');
    headers.set('accept', 'application/json, application/problem+json, */*');
    let response: Response;
    try {
      response = await fetch(this.base + path, { ...init, method, headers, body: body === undefined ? null : JSON.stringify(body) });
    } catch (error) {
      throw new NetworkError(error instanceof Error ? error.message : String(error));
    }
    if (response.ok) return response;
    let problem: Problem;
    try {
      const parsed = (await response.json()) as Partial<Problem>;
      problem = { ...parsed, status: response.status, code: typeof parsed.code === 'string' ? parsed.code : codeOfStatus(response.status) };
    } catch {
      problem = { status: response.status, code: codeOfStatus(response.status) };
    }
    const error = new ApiError(problem);
    if (response.status === 401) for (const listener of this.unauthenticated) listener(error);
    throw error;
  }
}

/** The code of an answer without a problem body: the server's code for that status (409: `conflict`). */
function codeOfStatus(status: number): ProblemCode {
  if (status >= 502 && status <= 504) return 'unavailable';
  if (status === 409) return 'conflict';
  const code = (Object.keys(httpStatusOf) as ErrorCode[]).find((c) => httpStatusOf[c] === status);
  return code ?? 'internal';
}
