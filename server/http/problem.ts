/**
 * The one error mapper: every refusal leaves as `application/problem+json` with the stable `code`
 * of API.md. Unexpected errors are logged with the request id and answered with a bare 500.
 */
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { AppError, httpStatusOf, isOutage, unavailable, type ErrorCode } from '../errors.js';
import { ProblemSchema } from './schemas/common.js';

const titles: Record<ErrorCode, string> = {
  validation_failed: 'Invalid request',
  unauthenticated: 'Not authenticated',
  forbidden: 'Forbidden',
  not_found: 'Not found',
  round_closed: 'Round closed',
  anchor_mismatch: 'Anchor does not match the text',
  too_large: 'Too large',
  document_too_large: 'Document too large',
  unsupported_media_type: 'Unsupported file type',
  rate_limited: 'Too many requests',
  conflict: 'Conflict',
  unavailable: 'Temporarily unavailable',
  internal: 'Internal error',
};

/** `status` overrides the code's usual status where the code alone is not enough (503 from /readyz). */
export function sendProblem(
  reply: FastifyReply,
  code: ErrorCode,
  detail: string,
  extra: Record<string, unknown> = {},
  status: number = httpStatusOf[code],
): FastifyReply {
  if (typeof extra.retryAfterSeconds === 'number') reply.header('retry-after', String(extra.retryAfterSeconds));
  return reply
    .status(status)
    .type('application/problem+json')
    .send({ type: `https://draftroom.dev/problems/${code.replaceAll('_', '-')}`, title: titles[code], status, detail, code, ...extra });
}

/** Fastify's own errors (schema, body parser, size) expressed in our codes. */
function codeOfFrameworkError(error: FastifyError): ErrorCode | undefined {
  if (error.validation) return 'validation_failed';
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'too_large';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_VALIDATION':
      return 'validation_failed';
  }
  if (error.statusCode === 400 || error instanceof SyntaxError) return 'validation_failed';
  if (error.statusCode === 413) return 'too_large';
  return undefined;
}

export function installErrorHandling(app: FastifyInstance): void {
  app.addSchema(ProblemSchema);
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof AppError) return sendProblem(reply, error.code, error.message, error.extra);
    const code = codeOfFrameworkError(error);
    if (code) {
      const detail = error.validation
        ? `${error.validationContext ?? 'request'}${error.validation[0]?.instancePath ?? ''} ${error.validation[0]?.message ?? 'is invalid'}`
        : error.message;
      return sendProblem(reply, code, detail);
    }
    if (isOutage(error)) {
      // The cause is kept in the log; the caller learns to retry, not that the thing is missing.
      request.log.error({ err: error }, 'database unavailable');
      const problem = unavailable();
      return sendProblem(reply, problem.code, problem.message, problem.extra);
    }
    request.log.error({ err: error }, 'unhandled error');
    return sendProblem(reply, 'internal', 'something went wrong; the error was logged');
  });
  app.setNotFoundHandler((request, reply) => sendProblem(reply, 'not_found', `no route ${request.method} ${request.url.split('?')[0]}`));
}
