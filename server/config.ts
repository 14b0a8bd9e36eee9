/**
 * The only reader of `process.env`. Every value is validated once at start; a bad value stops
 * the process with a message naming the variable, so nothing later has to second-guess config.
 */
import path from 'node:path';

export interface Config {
  readonly port: number;
  readonly host: string;
  /** Unset (or empty): start the embedded PostgreSQL under `dataDir`. */
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  readonly redisUrl: string | undefined;
  readonly adminPassword: string | undefined;
  readonly demo: boolean;
  readonly logLevel: string;
  /** Lifetime of a login token. */
  readonly tokenTtlSeconds: number;
  /** Largest WebSocket message accepted before closing with 1009. */
  readonly maxMessageBytes: number;
  /** Bearer token that lets a scraper read `/metrics` from anywhere; unset: loopback callers only. */
  readonly metricsToken: string | undefined;
  /** Largest HTTP body accepted by the upload routes (bulk import, documents with content), after authentication. */
  readonly maxBodyBytes: number;
  /** Encoded Yjs state (bytes) past which a document refuses further growth (close 4413). */
  readonly maxDocumentBytes: number;
  /** Per-connection message budget on /collab: sustained rate (token bucket refill) and burst. */
  readonly collabMessagesPerSecond: number;
  readonly collabMessageBurst: number;
  /** Where notifications are e-mailed through (`smtp://` or `smtps://`); unset: in-app only. */
  readonly smtpUrl: string | undefined;
  /** The From of notification e-mails. */
  readonly mailFrom: string;
  /** The address members open (links in e-mails), without a trailing slash. */
  readonly publicUrl: string;
  /** Browser origins (scheme://host[:port]) allowed to open /collab and the event streams. */
  readonly allowedOrigins: readonly string[];
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/** Reads and validates the configuration; throws a ConfigError listing every bad value. */
export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const text = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value ? value : undefined;
  };
  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const raw = text(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value < min || value > max) {
      problems.push(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
      return fallback;
    }
    return value;
  };
  const url = (name: string, protocols: string[]): string | undefined => {
    const raw = text(name);
    if (raw === undefined) return undefined;
    try {
      const parsed = new URL(raw);
      if (!protocols.includes(parsed.protocol)) {
        problems.push(`${name} must start with ${protocols.map((p) => `${p}//`).join(' or ')}, got "${parsed.protocol}//…"`);
      }
    } catch {
      problems.push(`${name} is not a valid URL`);
    }
    return raw;
  };

  const demoRaw = text('DEMO') ?? '1';
  if (demoRaw !== '0' && demoRaw !== '1') problems.push(`DEMO must be 0 or 1, got "${demoRaw}"`);

  const adminPassword = text('ADMIN_PASSWORD');
  if (adminPassword !== undefined && adminPassword.length < 8) {
    problems.push('ADMIN_PASSWORD must be at least 8 characters');
  }

  const metricsToken = text('METRICS_TOKEN');
  if (metricsToken !== undefined && metricsToken.length < 16) problems.push('METRICS_TOKEN must be at least 16 characters');

  const logLevel = text('LOG_LEVEL') ?? 'info';
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    problems.push(`LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "${logLevel}"`);
  }

  const port = integer('PORT', 8080, 0, 65535);
  const host = text('HOST') ?? '127.0.0.1';
  const config: Config = {
    port,
    host,
    databaseUrl: url('DATABASE_URL', ['postgres:', 'postgresql:']),
    dataDir: path.resolve(text('DATA_DIR') ?? '.data'),
    redisUrl: url('REDIS_URL', ['redis:', 'rediss:']),
    adminPassword,
    demo: demoRaw !== '0',
    logLevel,
    tokenTtlSeconds: integer('TOKEN_TTL_SECONDS', 12 * 3600, 60, 30 * 24 * 3600),
    maxMessageBytes: integer('MAX_MESSAGE_BYTES', 2 * 1024 * 1024, 1024, 64 * 1024 * 1024),
    metricsToken,
    maxBodyBytes: integer('MAX_BODY_BYTES', 64 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    maxDocumentBytes: integer('MAX_DOCUMENT_BYTES', 64 * 1024 * 1024, 64 * 1024, 1024 * 1024 * 1024),
    collabMessagesPerSecond: integer('COLLAB_MESSAGES_PER_SECOND', 300, 1, 100_000),
    collabMessageBurst: integer('COLLAB_MESSAGE_BURST', 600, 1, 1_000_000),
    smtpUrl: url('SMTP_URL', ['smtp:', 'smtps:']),
    mailFrom: mailFrom(text('MAIL_FROM'), host, problems),
    publicUrl: (url('PUBLIC_URL', ['http:', 'https:']) ?? `http://${host}:${port}`).replace(/\/+$/, ''),
    allowedOrigins: allowedOrigins(text('ALLOWED_ORIGINS'), text('PUBLIC_URL') ?? `http://${host}:${port}`, problems),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(config);
}

/**
 * ALLOWED_ORIGINS (comma-separated origins, API.md), else the server's own origin (PUBLIC_URL's, or
 * http://HOST:PORT). Each entry must be a bare origin: a scheme, a host and maybe a port, no path.
 */
function allowedOrigins(raw: string | undefined, ownUrl: string, problems: string[]): string[] {
  const name = raw === undefined ? 'PUBLIC_URL' : 'ALLOWED_ORIGINS';
  const origins: string[] = [];
  for (const entry of (raw ?? ownUrl).split(',').map((e) => e.trim()).filter(Boolean)) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(entry);
    } catch {
      parsed = undefined;
    }
    const bare = parsed && /^https?:$/.test(parsed.protocol) && parsed.origin === entry.replace(/\/$/, '').toLowerCase();
    if (!parsed || (raw !== undefined && !bare)) {
      problems.push(`${name} must list origins like https://draft.example.org (scheme, host, optional port), got "${entry}"`);
      continue;
    }
    origins.push(parsed.origin);
  }
  return Object.freeze(origins) as string[];
}

/** MAIL_FROM: `address` or `Name <address>`; default `draftroom <draftroom@HOST>`. */
function mailFrom(raw: string | undefined, host: string, problems: string[]): string {
  if (raw === undefined) return `draftroom <draftroom@${host === '0.0.0.0' || host === '127.0.0.1' ? 'localhost' : host}>`;
  if (!/^(?:[^<>]*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/.test(raw)) problems.push(`MAIL_FROM must be an address or "Name <address>", got "${raw}"`);
  return raw;
}
