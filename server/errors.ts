/**
 * One error type for everything the app refuses on purpose. Domain and service code throw
 * AppErrors with a stable `code` (API.md); the HTTP error handler maps the code to a status and
 * the collab runtime maps it to a WebSocket close code. Messages are safe to show to the caller.
 */

/** The stable machine words of problem+json `code` (API.md "Errors"); the web client shares them. */
export const errorCodes = [
  'validation_failed',
  'unauthenticated',
  'forbidden',
  'not_found',
  'round_closed',
  'anchor_mismatch',
  'too_large',
  'document_too_large',
  'unsupported_media_type',
  'rate_limited',
  'conflict',
  'unavailable',
  'internal',
] as const;
export type ErrorCode = (typeof errorCodes)[number];

export const httpStatusOf: Record<ErrorCode, number> = {
  validation_failed: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  round_closed: 409,
  conflict: 409,
  too_large: 413,
  document_too_large: 413,
  unsupported_media_type: 415,
  anchor_mismatch: 422,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
};

/** WebSocket close codes of API.md, shared with the client. */
export const CloseCode = {
  goingAway: 1001,
  malformedFrame: 1007,
  messageTooLarge: 1009,
  internalError: 1011,
  tryAgainLater: 1013,
  unauthenticated: 4401,
  forbidden: 4403,
  notFound: 4404,
  /** The document reached MAX_DOCUMENT_BYTES: the change that would grow it was refused, not stored. */
  documentTooLarge: 4413,
  rateLimited: 4429,
  /** Another live connection already writes with this Yjs clientID (one clientID, one writer). */
  clientIdInUse: 4409,
  /** An update depends on changes the server does not have (it would wait forever): reconnect to resync. */
  resyncRequired: 4422,
  /** Too many sockets open, or opened too often, by one member on one document. */
  tooManyConnections: 4430,
  /** The server could not decide (e.g. the database is unreachable): retry later; access was not withdrawn. */
  unavailable: 4503,
} as const;

/** Close codes after which reconnecting would only repeat the refusal (the web client stops and says why). */
export const terminalCloseCodes: readonly number[] = [
  CloseCode.messageTooLarge,
  CloseCode.unauthenticated,
  CloseCode.forbidden,
  CloseCode.notFound,
  CloseCode.clientIdInUse,
  CloseCode.documentTooLarge,
  CloseCode.tooManyConnections,
];
// Not terminal: 4422 (a resync may bring what was missing, e.g. another instance's rows; a real
// loop ends with 4430), 4429, 4503, 1013, 1001, 1007.

export const closeCodeOf: Partial<Record<ErrorCode, number>> = {
  unauthenticated: CloseCode.unauthenticated,
  forbidden: CloseCode.forbidden,
  not_found: CloseCode.notFound,
  rate_limited: CloseCode.rateLimited,
  validation_failed: CloseCode.malformedFrame,
  too_large: CloseCode.messageTooLarge,
  document_too_large: CloseCode.documentTooLarge,
  unavailable: CloseCode.unavailable,
};

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Extra fields for the problem document (e.g. `retryAfterSeconds`). Never secrets. */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'AppError';
  }

  get status(): number {
    return httpStatusOf[this.code];
  }
}

/** An AppError as plain data, for crossing between threads (an error's class and fields do not). */
export interface Refusal {
  code: ErrorCode;
  message: string;
  extra: Record<string, unknown>;
}

export const refusalOf = (error: AppError): Refusal => ({ code: error.code, message: error.message, extra: error.extra });
/** The AppError a Refusal describes, to throw on this side. */
export const fromRefusal = (refusal: Refusal) => new AppError(refusal.code, refusal.message, refusal.extra);

export const notFound = (what: string) => new AppError('not_found', `${what} not found`);
export const forbidden = (message = 'you are not allowed to do this') => new AppError('forbidden', message);
export const conflict = (message: string) => new AppError('conflict', message);
export const invalid = (message: string) => new AppError('validation_failed', message);

/**
 * A rejection handler for "hide what is missing": `not_found` from a lookup becomes
 * `notFound(what)`; anything else (an outage above all) keeps its cause. Never catch everything
 * into a 404.
 */
export const notFoundAs =
  (what: string) =>
  (error: unknown): never => {
    if (error instanceof AppError && error.code === 'not_found') throw notFound(what);
    throw error;
  };

/** Socket errors of a database (or any peer) that went away or never answered. */
const unreachable = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE']);

/**
 * True when `error` says the database is unreachable or not serving, rather than that the request
 * was wrong: a refused or dropped connection, a pool timeout, or a PostgreSQL SQLSTATE of class 08
 * (connection), 57P0x (shutting down, cannot connect now), 53300 (too many connections), 3D000
 * (database gone) or 57014 (statement timed out).
 */
export function isOutage(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') {
      if (unreachable.has(code) || code.startsWith('08') || /^57P0\d$/.test(code) || code === '53300' || code === '3D000' || code === '57014') return true;
    }
    const message = (e as { message?: unknown }).message;
    if (typeof message === 'string' && /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error)/.test(message)) return true;
  }
  return false;
}

export const unavailable = (message = 'the database is unreachable; try again shortly') => new AppError('unavailable', message, { retryAfterSeconds: 5 });
