import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { cleanStrings, installTextCleaning } from '../../server/http/text-cleaning.js';

describe('cleanStrings', () => {
  it('cleans values and keys at any depth, keeping clean input as it is', () => {
    const clean = { a: ['x', { b: 'Việt' }], n: 1, t: true, z: null };
    expect(cleanStrings(clean)).toBe(clean);
    expect(cleanStrings({ 'k\u0000': ['x\u0000', { b: 'Vie\u0323\u0302t\ud83d', c: 2 }] })).toEqual({ k: ['x', { b: 'Việt\ufffd', c: 2 }] });
  });

  it('passes passwords as sent and keeps "__proto__" a plain key', () => {
    expect(cleanStrings({ login: 'a\u0000', password: 'p\u0000ss' })).toEqual({ login: 'a', password: 'p\u0000ss' });
    const out = cleanStrings(JSON.parse('{"__proto__": "x\\u0000", "y": "\\u0007"}')) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(out, '__proto__')?.value).toBe('x');
  });
});

describe('installTextCleaning', () => {
  it('cleans body and query before validation, for routes added after it', async () => {
    const app = Fastify();
    installTextCleaning(app);
    app.post('/echo', { schema: { body: { type: 'object', properties: { s: { type: 'string', maxLength: 3 } } } } }, async (request) => ({ body: request.body, query: { ...(request.query as object) } }));
    const response = await app.inject({ method: 'POST', url: '/echo?q=a%00b&r=%ED%A0%BD', payload: { s: 'ab\u0000\u0000\u0000c' } });
    expect(response.statusCode).toBe(200);
    // Invalid UTF-8 in a query stays undecoded.
    expect(response.json()).toEqual({ body: { s: 'abc' }, query: { q: 'ab', r: '%ED%A0%BD' } });
    await app.close();
  });
});
