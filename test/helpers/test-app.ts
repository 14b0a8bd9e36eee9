/**
 * A real app on a fresh database, for integration tests. `inject` for HTTP; `listen()` gives a
 * real port for WebSocket and SSE clients.
 */
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../server/app.js';
import { loadConfig, type Config } from '../../server/config.js';
import type { LoginLimits } from '../../server/services/auth.service.js';
import type { Clock } from '../../server/services/clock.js';
import type { CollabOptions } from '../../server/collab/collab-server.js';
import type { HttpTimeouts } from '../../server/http/edges.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';
import { makeMember, testPassword, type TestMember } from './factories.js';

export interface TestApp {
  app: FastifyInstance;
  database: TestDatabase;
  config: Config;
  /** Logs in through the API and returns the bearer token. */
  tokenFor(member: { login: string }, password?: string): Promise<string>;
  /** `inject` with an optional bearer token. */
  request(options: InjectOptions & { token?: string }): Promise<LightMyRequestResponse>;
  admin: TestMember;
  adminToken: string;
  /** Listens on a random loopback port and returns `http://127.0.0.1:port`. */
  listen(): Promise<string>;
  /** Closes the app (as a shutdown would) and builds a fresh one on the same database. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function startTestApp(
  options: { clock?: Clock; env?: Record<string, string>; loginLimits?: LoginLimits; collab?: Partial<CollabOptions>; httpTimeouts?: Partial<HttpTimeouts> } = {},
): Promise<TestApp> {
  const database = await createTestDatabase();
  const config = loadConfig({ DATABASE_URL: database.url, DEMO: '0', ...options.env });
  const build = async () => {
    const built = await buildApp({
      config,
      db: database.db,
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.collab ? { collab: options.collab } : {}),
      ...(options.httpTimeouts ? { httpTimeouts: options.httpTimeouts } : {}),
      loginLimits: options.loginLimits ?? { perLogin: 1000, perAddress: 100_000, windowSeconds: 60 },
    });
    await built.ready();
    return built;
  };
  let app = await build();

  const request: TestApp['request'] = ({ token, headers, ...rest }) =>
    app.inject({ ...rest, headers: { ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) } });
  const tokenFor = async (member: { login: string }, password = testPassword) => {
    const response = await request({ method: 'POST', url: '/api/v1/auth/login', payload: { login: member.login, password } });
    if (response.statusCode !== 200) throw new Error(`login ${member.login} failed: ${response.body}`);
    return (response.json() as { token: string }).token;
  };
  const admin = await makeMember(database.db, { login: 'admin', isAdmin: true });
  const adminToken = await tokenFor(admin);

  return {
    get app() {
      return app;
    },
    database,
    config,
    request,
    tokenFor,
    admin,
    adminToken,
    async listen() {
      await app.listen({ port: 0, host: '127.0.0.1' });
      const address = app.server.address();
      if (!address || typeof address === 'string') throw new Error('no address');
      return `http://127.0.0.1:${address.port}`;
    },
    async restart() {
      await app.close();
      app = await build();
    },
    async close() {
      await app.close();
      await database.drop();
    },
  };
}

/** Asserts a problem+json answer with the given status and code, and returns its body. */
export function expectProblem(response: LightMyRequestResponse, status: number, code: string): Record<string, unknown> {
  const body = response.json() as Record<string, unknown>;
  if (response.statusCode !== status || body.code !== code) {
    throw new Error(`expected ${status} ${code}, got ${response.statusCode} ${response.body}`);
  }
  if (!String(response.headers['content-type']).startsWith('application/problem+json')) {
    throw new Error(`expected application/problem+json, got ${response.headers['content-type']}`);
  }
  return body;
}
