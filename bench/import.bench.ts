/**
 * `npm run bench:import`: the province-sized bulk import (570 units, 78,062 members) through the
 * real HTTP API. Starts an embedded PostgreSQL in a temp dir (or uses DATABASE_URL's server), makes
 * a fresh database, migrates, listens on a loopback port, logs in as an admin and POSTs the
 * generated province with `fetch`, twice: the first import and an identical re-import.
 * Prints wall-clock seconds and the peak RSS of this process (server and client share it).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { buildApp } from '../server/app.js';
import { loadConfig } from '../server/config.js';
import { connectDatabase } from '../server/db/connect.js';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../server/db/embedded-postgres.js';
import { insertMember } from '../server/db/members.repository.js';
import { migrateToLatest } from '../server/db/migrate.js';
import { hashPassword } from '../server/services/secrets.js';
import type { ImportResult } from '../server/http/schemas/import.js';
import { ApiClient, Serialized } from '../test/helpers/api-client.js';
import { generateProvince } from './province.js';
import { runMain } from './support/run.js';

const adminPassword = 'bench-admin-password';

async function main(): Promise<void> {
  let embedded: EmbeddedDatabase | undefined;
  let dataDir: string | undefined;
  let adminUrl = process.env.DATABASE_URL?.trim();
  if (!adminUrl) {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'draftroom-bench-'));
    embedded = await startEmbeddedPostgres({ dataDir, persistent: false });
    adminUrl = embedded.url;
  }
  const databaseName = `dr_bench_import_${process.pid}`;
  await admin(adminUrl, `create database ${databaseName}`);
  const url = new URL(adminUrl);
  url.pathname = `/${databaseName}`;
  const database = connectDatabase(url.toString(), { max: 20 });

  try {
    await migrateToLatest(database.db);
    const config = loadConfig({ DATABASE_URL: url.toString(), DEMO: '0', LOG_LEVEL: 'warn' });
    const app = await buildApp({ config, db: database.db });
    await insertMember(database.db, { login: 'admin', displayName: 'Administrator', passwordHash: await hashPassword(adminPassword), isAdmin: true });
    const base = await app.listen({ port: 0, host: '127.0.0.1' });

    const admin = await ApiClient.logIn(base, 'admin', adminPassword);

    const body = new Serialized(JSON.stringify(generateProvince(1)));
    const runs: Array<{ name: string; seconds: number; peakRssMb: number; result: string }> = [];
    for (const name of ['first import', 're-import']) {
      global.gc?.();
      const sampler = startRssSampler();
      const started = performance.now();
      const answer = await admin.send('POST', '/api/v1/import', body);
      const seconds = (performance.now() - started) / 1000;
      const peakRssMb = sampler.stop();
      const result = JSON.parse(answer.text) as ImportResult;
      runs.push({
        name,
        seconds,
        peakRssMb,
        result: `units ${JSON.stringify(result.units)}, members ${JSON.stringify(result.members)}, memberships ${result.memberships}, activations ${result.activations.length}`,
      });
    }
    const counts = await database.db
      .selectNoFrom((eb) => [
        eb.selectFrom('units').select(eb.fn.countAll<number>().as('n')).as('units'),
        eb.selectFrom('members').select(eb.fn.countAll<number>().as('n')).as('members'),
        eb.selectFrom('memberships').select(eb.fn.countAll<number>().as('n')).as('memberships'),
        eb.selectFrom('activation_codes').select(eb.fn.countAll<number>().as('n')).as('activation_codes'),
      ])
      .executeTakeFirstOrThrow();
    await app.close();

    console.log(`bench:import — POST /api/v1/import of the generated province (${(body.json.length / 1e6).toFixed(1)} MB JSON) over HTTP`);
    console.log(`machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), node ${process.version}, database: ${embedded ? 'embedded PostgreSQL' : 'DATABASE_URL'}`);
    console.log('command: npm run bench:import');
    for (const run of runs) {
      console.log(`  ${run.name.padEnd(13)} ${run.seconds.toFixed(2).padStart(7)} s   peak RSS ${run.peakRssMb.toFixed(0)} MB   (${run.result})`);
    }
    console.log(`  rows after both: units ${counts.units}, members ${counts.members}, memberships ${counts.memberships}, activation codes ${counts.activation_codes}`);
    const slowest = Math.max(...runs.map((r) => r.seconds));
    console.log(slowest < 60 ? '  goal (< 60 s): met' : '  goal (< 60 s): MISSED');
  } finally {
    await database.close();
    await admin(adminUrl, `drop database if exists ${databaseName} with (force)`);
    await embedded?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  }
}

function startRssSampler(): { stop(): number } {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage().rss) / 1024 / 1024;
    },
  };
}

async function admin(adminUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

runMain(main);
