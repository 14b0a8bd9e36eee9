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
  /** Largest HTTP body accepted (the bulk import is the big one). */
  readonly maxBodyBytes: number;
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

  const logLevel = text('LOG_LEVEL') ?? 'info';
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    problems.push(`LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "${logLevel}"`);
  }

  const config: Config = {
    port: integer('PORT', 8080, 0, 65535),
    host: text('HOST') ?? '127.0.0.1',
    databaseUrl: url('DATABASE_URL', ['postgres:', 'postgresql:']),
    dataDir: path.resolve(text('DATA_DIR') ?? '.data'),
    redisUrl: url('REDIS_URL', ['redis:', 'rediss:']),
    adminPassword,
    demo: demoRaw !== '0',
    logLevel,
    tokenTtlSeconds: integer('TOKEN_TTL_SECONDS', 12 * 3600, 60, 30 * 24 * 3600),
    maxMessageBytes: integer('MAX_MESSAGE_BYTES', 2 * 1024 * 1024, 1024, 64 * 1024 * 1024),
    maxBodyBytes: integer('MAX_BODY_BYTES', 64 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(config);
}
