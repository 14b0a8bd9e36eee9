/**
 * One error type for everything the app refuses on purpose. Domain and service code throw
 * AppErrors with a stable `code` (API.md); the HTTP error handler maps the code to a status and
 * the collab runtime maps it to a WebSocket close code. Messages are safe to show to the caller.
 */

export type ErrorCode =
  | 'validation_failed'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'round_closed'
  | 'anchor_mismatch'
  | 'too_large'
  | 'rate_limited'
  | 'conflict'
  | 'internal';

export const httpStatusOf: Record<ErrorCode, number> = {
  validation_failed: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  round_closed: 409,
  conflict: 409,
  too_large: 413,
  anchor_mismatch: 422,
  rate_limited: 429,
  internal: 500,
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
  rateLimited: 4429,
} as const;

export const closeCodeOf: Partial<Record<ErrorCode, number>> = {
  unauthenticated: CloseCode.unauthenticated,
  forbidden: CloseCode.forbidden,
  not_found: CloseCode.notFound,
  rate_limited: CloseCode.rateLimited,
  validation_failed: CloseCode.malformedFrame,
  too_large: CloseCode.messageTooLarge,
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

export const notFound = (what: string) => new AppError('not_found', `${what} not found`);
export const forbidden = (message = 'you are not allowed to do this') => new AppError('forbidden', message);
export const conflict = (message: string) => new AppError('conflict', message);
export const invalid = (message: string) => new AppError('validation_failed', message);
