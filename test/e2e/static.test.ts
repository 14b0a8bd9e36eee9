/** serveClient: the built client at `/`, SPA fallback, API paths untouched, cache headers. */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import { removeDir } from './harness.js';

describe('serveClient', () => {
  let database: TestDatabase;
  let built: FastifyInstance;
  let missing: FastifyInstance;
  let dist: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    const config = loadConfig({ DATABASE_URL: database.url, DEMO: '0' });
    dist = mkdtempSync(path.join(os.tmpdir(), 'draftroom-dist-'));
    mkdirSync(path.join(dist, 'assets'));
    writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>draftroom</title><div id="app"></div>');
    writeFileSync(path.join(dist, 'assets', 'index-abc123.js'), 'console.log(1)');
    writeFileSync(path.join(dist, 'favicon.svg'), '<svg/>');
    writeFileSync(path.join(dist, 'sw.js'), 'self.addEventListener("fetch", () => {});');
    writeFileSync(path.join(dist, 'manifest.webmanifest'), '{"name":"draftroom"}');
    built = await buildApp({ config, db: database.db, jobs: false, clientDir: dist });
    await built.ready();
    missing = await buildApp({ config, db: database.db, jobs: false, clientDir: path.join(dist, 'nowhere') });
    await missing.ready();
  });

  afterAll(async () => {
    await built?.close();
    await missing?.close();
    await database?.drop();
    removeDir(dist);
  });

  it('serves index.html at / without a long cache', async () => {
    const response = await built.inject({ method: 'GET', url: '/', headers: { accept: 'text/html' } });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('<div id="app">');
    expect(response.headers['cache-control']).toBe('no-cache');
  });

  it('serves hashed assets with a year-long immutable cache', async () => {
    const response = await built.inject({ method: 'GET', url: '/assets/index-abc123.js' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(response.headers['content-type']).toMatch(/javascript/);
  });

  it('falls back to index.html for client routes that accept HTML', async () => {
    const response = await built.inject({ method: 'GET', url: '/d/6f1c1f3e-7a51-4f43-9d0c-1f7b5e0e6a11/draft', headers: { accept: 'text/html,application/xhtml+xml' } });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('<div id="app">');
  });

  it('keeps API paths and unknown files as problem+json 404s', async () => {
    for (const url of ['/api/v1/nothing-here', '/api', '/collab', '/assets/missing.js']) {
      const response = await built.inject({ method: 'GET', url, headers: { accept: 'text/html' } });
      expect(response.statusCode, url).toBe(404);
      expect(response.headers['content-type'], url).toMatch(/problem\+json/);
    }
    const health = await built.inject({ method: 'GET', url: '/healthz' });
    expect(health.statusCode).toBe(200);
    const openapi = await built.inject({ method: 'GET', url: '/openapi.json' });
    expect(openapi.statusCode).toBe(200);
    const api = await built.inject({ method: 'GET', url: '/api/v1/me' });
    expect(api.statusCode).toBe(401);
  });

  it('keeps 404 for unknown paths asked for by API clients (no text/html)', async () => {
    for (const accept of ['application/json', '*/*']) {
      const response = await built.inject({ method: 'GET', url: '/nothing/here', headers: { accept } });
      expect(response.statusCode, accept).toBe(404);
    }
  });

  it('serves the service worker and the manifest un-cached, with their types (a stale worker would pin an old build)', async () => {
    const worker = await built.inject({ method: 'GET', url: '/sw.js' });
    expect(worker.statusCode).toBe(200);
    expect(worker.headers['cache-control']).toBe('no-cache');
    expect(worker.headers['content-type']).toMatch(/javascript/);
    const manifest = await built.inject({ method: 'GET', url: '/manifest.webmanifest' });
    expect(manifest.statusCode).toBe(200);
    expect(manifest.headers['content-type']).toMatch(/^application\/manifest\+json/);
    const icon = await built.inject({ method: 'GET', url: '/favicon.svg' });
    expect(icon.headers['content-type']).toMatch(/^image\/svg\+xml/);
  });

  it('does not serve files outside the dist folder', async () => {
    const response = await built.inject({ method: 'GET', url: '/..%2f..%2fpackage.json', headers: { accept: 'application/json' } });
    expect(response.statusCode).toBe(404);
  });

  it('answers a short page naming the build command when the client is not built', async () => {
    const response = await missing.inject({ method: 'GET', url: '/', headers: { accept: 'text/html' } });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('Run <code>npm run build:client</code>, then start the server again.');
    const api = await missing.inject({ method: 'GET', url: '/api/v1/nothing' });
    expect(api.statusCode).toBe(404);
  });
});
