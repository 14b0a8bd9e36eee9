/** Errors in the interface language only: the server's English detail never reaches the Vietnamese interface. */
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError, NetworkError } from '../../client/src/api/http.js';
import { errorText, lang } from '../../client/src/ui/i18n.js';
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
});
