/**
 * Once per `npm test`: a PostgreSQL (DATABASE_URL's server, or an embedded one in a temp dir) and a
 * template database migrated with the production migrator. Each test file then clones the
 * template (`CREATE DATABASE … TEMPLATE`), so files run in parallel on rows of their own. The
 * browser tests' shared client build, Chromium and demo database are made on demand
 * (e2e-fixtures.ts).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { connectDatabase } from '../../server/db/connect.js';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../server/db/embedded-postgres.js';
import { migrateToLatest } from '../../server/db/migrate.js';
import { startE2eFixtures } from './e2e-fixtures.js';

declare module 'vitest' {
  export interface ProvidedContext {
    adminUrl: string;
    templateDatabase: string;
    /** Where the browser tests ask for what they share (e2e-fixtures.ts). */
    e2eFixtures: string;
  }
}

export const testDatabasePrefix = `dr_test_${process.pid}_`;

export default async function setup(project: TestProject) {
  let embedded: EmbeddedDatabase | undefined;
  let dataDir: string | undefined;
  let adminUrl = process.env.DATABASE_URL?.trim();
  if (!adminUrl) {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'draftroom-test-'));
    embedded = await startEmbeddedPostgres({ dataDir, persistent: false });
    adminUrl = embedded.url;
  }

  const templateDatabase = `${testDatabasePrefix}template`;
  await runAdmin(adminUrl, [`drop database if exists ${templateDatabase}`, `create database ${templateDatabase}`]);
  const template = connectDatabase(withDatabase(adminUrl, templateDatabase), { max: 1 });
  try {
    await migrateToLatest(template.db);
  } finally {
    await template.close();
  }
  project.provide('adminUrl', adminUrl);
  project.provide('templateDatabase', templateDatabase);
  const fixtures = await startE2eFixtures({
    adminUrl,
    template: templateDatabase,
    clone: (name, template = templateDatabase) => cloneDatabase(adminUrl, template, name),
    urlOf: (name) => withDatabase(adminUrl, name),
  });
  project.provide('e2eFixtures', fixtures.url);

  return async () => {
    await fixtures.close();
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    const leftovers = await client.query<{ datname: string }>('select datname from pg_database where datname like $1', [`${testDatabasePrefix}%`]);
    for (const { datname } of leftovers.rows) await client.query(`drop database if exists ${datname} with (force)`);
    await client.end();
    await embedded?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  };
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export async function runAdmin(adminUrl: string, statements: string[]): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    for (const statement of statements) await client.query(statement);
  } finally {
    await client.end();
  }
}

/** `create database name template template`; retried briefly while a sibling file clones it too. */
export async function cloneDatabase(adminUrl: string, template: string, name: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await runAdmin(adminUrl, [`create database ${name} template ${template}`]);
      return;
    } catch (error) {
      if (attempt >= 20 || !String(error).includes('being accessed by other users')) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 200));
    }
  }
}
