import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config.js';

/** The problems a bad environment produces, or [] when it loads. */
function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.problems;
  }
}

describe('loadConfig', () => {
  it('has the defaults of API.md with an empty environment', () => {
    const config = loadConfig({});
    expect(config).toEqual({
      port: 8080,
      host: '127.0.0.1',
      databaseUrl: undefined,
      dataDir: path.resolve('.data'),
      redisUrl: undefined,
      adminPassword: undefined,
      demo: true,
      logLevel: 'info',
      tokenTtlSeconds: 12 * 3600,
      maxMessageBytes: 2 * 1024 * 1024,
      maxBodyBytes: 64 * 1024 * 1024,
      maxDocumentBytes: 64 * 1024 * 1024,
      collabMessagesPerSecond: 300,
      collabMessageBurst: 600,
      smtpUrl: undefined,
      mailFrom: 'draftroom <draftroom@localhost>',
      publicUrl: 'http://127.0.0.1:8080',
      allowedOrigins: ['http://127.0.0.1:8080'],
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads every variable', () => {
    const config = loadConfig({
      PORT: '9000',
      HOST: '0.0.0.0',
      DATABASE_URL: 'postgres://u:p@db:5432/draftroom',
      DATA_DIR: '/tmp/dr-data',
      REDIS_URL: 'redis://cache:6379',
      ADMIN_PASSWORD: 'a-long-password',
      DEMO: '0',
      LOG_LEVEL: 'debug',
      TOKEN_TTL_SECONDS: '3600',
      MAX_MESSAGE_BYTES: '4096',
      MAX_BODY_BYTES: '2048',
      MAX_DOCUMENT_BYTES: '1048576',
      SMTP_URL: 'smtp://user:pass@mail.example.org:587',
      MAIL_FROM: 'Văn phòng <vanphong@example.org>',
    });
    expect(config).toEqual({
      port: 9000,
      host: '0.0.0.0',
      databaseUrl: 'postgres://u:p@db:5432/draftroom',
      dataDir: '/tmp/dr-data',
      redisUrl: 'redis://cache:6379',
      adminPassword: 'a-long-password',
      demo: false,
      logLevel: 'debug',
      tokenTtlSeconds: 3600,
      maxMessageBytes: 4096,
      maxBodyBytes: 2048,
      maxDocumentBytes: 1048576,
      collabMessagesPerSecond: 300,
      collabMessageBurst: 600,
      smtpUrl: 'smtp://user:pass@mail.example.org:587',
      mailFrom: 'Văn phòng <vanphong@example.org>',
      publicUrl: 'http://0.0.0.0:9000',
      allowedOrigins: ['http://0.0.0.0:9000'],
    });
  });

  it('treats an empty or blank DATABASE_URL as unset (embedded PostgreSQL)', () => {
    expect(loadConfig({ DATABASE_URL: '' }).databaseUrl).toBeUndefined();
    expect(loadConfig({ DATABASE_URL: '   ' }).databaseUrl).toBeUndefined();
    expect(loadConfig({ REDIS_URL: '' }).redisUrl).toBeUndefined();
  });

  it('accepts postgresql:// and rediss:// too', () => {
    expect(loadConfig({ DATABASE_URL: 'postgresql://localhost/x' }).databaseUrl).toBe('postgresql://localhost/x');
    expect(loadConfig({ REDIS_URL: 'rediss://cache:6380' }).redisUrl).toBe('rediss://cache:6380');
  });

  it.each([
    [{ SMTP_URL: 'http://mail:25' }, 'SMTP_URL must start with smtp:// or smtps://, got "http://…"'],
    [{ MAIL_FROM: 'not an address' }, 'MAIL_FROM must be an address or "Name <address>", got "not an address"'],
    [{ PORT: 'eighty' }, 'PORT must be an integer from 0 to 65535, got "eighty"'],
    [{ PORT: '70000' }, 'PORT must be an integer from 0 to 65535, got "70000"'],
    [{ PORT: '-1' }, 'PORT must be an integer from 0 to 65535, got "-1"'],
    [{ PORT: '80.5' }, 'PORT must be an integer from 0 to 65535, got "80.5"'],
    [{ DATABASE_URL: 'not a url' }, 'DATABASE_URL is not a valid URL'],
    [{ DATABASE_URL: 'mysql://localhost/x' }, 'DATABASE_URL must start with postgres:// or postgresql://, got "mysql://…"'],
    [{ REDIS_URL: 'http://cache:6379' }, 'REDIS_URL must start with redis:// or rediss://, got "http://…"'],
    [{ REDIS_URL: '::' }, 'REDIS_URL is not a valid URL'],
    [{ ADMIN_PASSWORD: 'short' }, 'ADMIN_PASSWORD must be at least 8 characters'],
    [{ DEMO: 'yes' }, 'DEMO must be 0 or 1, got "yes"'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"'],
    [{ TOKEN_TTL_SECONDS: '10' }, 'TOKEN_TTL_SECONDS must be an integer from 60 to 2592000, got "10"'],
    [{ MAX_MESSAGE_BYTES: '1e6' }, 'MAX_MESSAGE_BYTES must be an integer from 1024 to 67108864, got "1e6"'],
    [{ MAX_BODY_BYTES: '0' }, 'MAX_BODY_BYTES must be an integer from 1024 to 1073741824, got "0"'],
    [{ MAX_DOCUMENT_BYTES: '1000' }, 'MAX_DOCUMENT_BYTES must be an integer from 65536 to 1073741824, got "1000"'],
  ])('explains a bad value: %o', (env, message) => {
    expect(problemsOf(env)).toEqual([message]);
  });

  it('lists every bad value at once, in a message naming each variable', () => {
    let caught: unknown;
    try {
      loadConfig({ PORT: 'x', DEMO: '2', DATABASE_URL: 'redis://x' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const error = caught as ConfigError;
    expect(error.problems).toHaveLength(3);
    for (const name of ['PORT', 'DEMO', 'DATABASE_URL']) expect(error.message).toContain(name);
    expect(error.message).toMatch(/^invalid configuration:\n {2}- /);
  });

  it('does not echo a bad DATABASE_URL, which may carry a password', () => {
    const [problem] = problemsOf({ DATABASE_URL: 'mysql://user:secret-pw@db/x' });
    expect(problem).not.toContain('secret-pw');
  });

  it('reads the /collab message budget and refuses a budget that is not a positive integer', () => {
    const config = loadConfig({ COLLAB_MESSAGES_PER_SECOND: '50', COLLAB_MESSAGE_BURST: '120' });
    expect([config.collabMessagesPerSecond, config.collabMessageBurst]).toEqual([50, 120]);
    expect(problemsOf({ COLLAB_MESSAGES_PER_SECOND: '0', COLLAB_MESSAGE_BURST: 'lots' })).toEqual([
      'COLLAB_MESSAGES_PER_SECOND must be an integer from 1 to 100000, got "0"',
      'COLLAB_MESSAGE_BURST must be an integer from 1 to 1000000, got "lots"',
    ]);
  });

  it('reads ALLOWED_ORIGINS as a comma-separated list, else the server’s own origin', () => {
    expect(loadConfig({ ALLOWED_ORIGINS: 'https://draft.example.org, http://localhost:5173/' }).allowedOrigins).toEqual([
      'https://draft.example.org',
      'http://localhost:5173',
    ]);
    expect(loadConfig({ PUBLIC_URL: 'https://du-thao.example.vn/app' }).allowedOrigins).toEqual(['https://du-thao.example.vn']);
    expect(loadConfig({ HOST: 'localhost', PORT: '18101' }).allowedOrigins).toEqual(['http://localhost:18101']);
    expect(problemsOf({ ALLOWED_ORIGINS: 'https://ok.example.org,https://x.example.org/path,*' })).toEqual([
      'ALLOWED_ORIGINS must list origins like https://draft.example.org (scheme, host, optional port), got "https://x.example.org/path"',
      'ALLOWED_ORIGINS must list origins like https://draft.example.org (scheme, host, optional port), got "*"',
    ]);
  });
});
