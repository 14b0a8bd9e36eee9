/**
 * The typed fetch wrapper: bearer token on every call, JSON in and out, and every refusal turned
 * into an `ApiError` carrying the problem+json `code` (API.md, "Errors") the UI translates.
 */
export interface Problem { type?: string; title?: string; status: number; detail?: string; code: string; retryAfterSeconds?: number }

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title ?? problem.code);
  }
  get code(): string {
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
  async blob(path: string): Promise<{ blob: Blob; filename: string | null }> {
    const response = await this.raw('GET', path);
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

function codeOfStatus(status: number): string {
  switch (status) {
    case 400: return 'validation_failed';
    case 401: return 'unauthenticated';
    case 403: return 'forbidden';
    case 404: return 'not_found';
    case 409: return 'conflict';
    case 413: return 'too_large';
    case 422: return 'anchor_mismatch';
    case 429: return 'rate_limited';
    case 502: case 503: case 504: return 'unavailable';
    default: return 'internal';
  }
}
