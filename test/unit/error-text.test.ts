/** Errors in the interface language only: the server's English detail never reaches the Vietnamese interface. */
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError, NetworkError } from '../../client/src/api/http.js';
import { errorText, lang, tooLongField } from '../../client/src/ui/i18n.js';
import { FEEDBACK_DECISION_NOTE_MAX } from '../../server/http/schemas/limits.js';
import { vi } from '../../client/src/ui/vi.js';
import { httpStatusOf, type ErrorCode } from '../../server/errors.js';

const refusal = new ApiError({ status: 409, code: 'round_closed', detail: 'round 3f2a is closed since 2026-11-29T10:00:00Z' });

describe('error text', () => {
  afterEach(() => lang.set('vi'));

  it('shows only the Vietnamese message in the Vietnamese interface', () => {
    lang.set('vi');
    expect(errorText(refusal)).toEqual({ message: vi.error_round_closed });
  });

  it('adds the server’s detail in the English interface', () => {
    lang.set('en');
    expect(errorText(refusal)).toEqual({ message: 'The comment round is closed; no more comments are accepted.', detail: 'round 3f2a is closed since 2026-11-29T10:00:00Z' });
  });

  it('has a Vietnamese message for every code the server or the network can give', () => {
    lang.set('vi');
    for (const code of Object.keys(httpStatusOf) as ErrorCode[]) {
      expect(errorText(new ApiError({ status: httpStatusOf[code], code, detail: 'English detail' })).message, code).not.toMatch(/English|\(\w+\)$/);
    }
    expect(errorText(new NetworkError('fetch failed'))).toEqual({ message: vi.error_network });
  });

  it('names the field and its limit when a 400 says a body field is too long', () => {
    // server/http/problem.ts's detail for a schema's maxLength.
    const tooLong = new ApiError({ status: 400, code: 'validation_failed', detail: `body/note must NOT have more than ${FEEDBACK_DECISION_NOTE_MAX} characters` });
    expect(tooLongField(tooLong)).toEqual({ field: 'note', max: 20_000 });
    lang.set('vi');
    expect(errorText(tooLong, { note: 'Lý do' })).toEqual({ message: '«Lý do» dài quá giới hạn 20.000 ký tự.' });
    // A field the form does not name, or another refusal: the code's message, as before.
    expect(errorText(tooLong, { body: 'Nội dung' })).toEqual({ message: vi.error_validation_failed });
    expect(errorText(tooLong)).toEqual({ message: vi.error_validation_failed });
    const otherProblem = new ApiError({ status: 400, code: 'validation_failed', detail: 'body/decision must be equal to one of the allowed values' });
    expect(tooLongField(otherProblem)).toBeNull();
    expect(tooLongField(new ApiError({ status: 409, code: 'conflict', detail: 'body/note must NOT have more than 5 characters' }))).toBeNull();
    lang.set('en');
    expect(errorText(tooLong, { note: 'Reason' })).toEqual({ message: '“Reason” is longer than the limit of 20,000 characters.', detail: tooLong.problem.detail });
  });
});
