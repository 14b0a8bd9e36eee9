import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

interface Operation {
  summary?: string;
  description?: string;
  tags?: string[];
}
type OpenApi = { paths: Record<string, Record<string, Operation>> };

let t: TestApp;
let openapi: OpenApi;
beforeAll(async () => {
  t = await startTestApp();
  const response = await t.request({ method: 'GET', url: '/openapi.json' });
  expect(response.statusCode).toBe(200);
  openapi = response.json<OpenApi>();
});
afterAll(() => t.close());

const methods = new Set(['get', 'put', 'post', 'delete', 'patch']);
const operations = () =>
  Object.entries(openapi.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => methods.has(method))
      .map(([method, operation]) => ({ name: `${method.toUpperCase()} ${path}`, operation })),
  );

describe('the OpenAPI document', () => {
  it('documents the API routes', () => {
    const names = operations().map((o) => o.name);
    expect(names.length).toBeGreaterThanOrEqual(30);
    expect(names).toContain('PUT /api/v1/rounds/{roundId}/annotations/{annotationId}');
    expect(names).toContain('GET /api/v1/documents/{id}/events');
  });

  it('gives every operation a summary, a description and a tag', () => {
    const lacking = operations()
      .filter(({ operation: o }) => !o.summary?.trim() || !o.description?.trim() || !o.tags?.length)
      .map((o) => o.name);
    expect(lacking).toEqual([]);
  });

  it('keeps summaries short and distinct from descriptions', () => {
    for (const { name, operation } of operations()) {
      expect(operation.summary!.length, name).toBeLessThanOrEqual(60);
      expect(operation.description, name).not.toBe(operation.summary);
    }
  });
});
