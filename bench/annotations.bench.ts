/**
 * `npm run bench:annotations` (issue 5): re-anchoring and annotation write throughput.
 *
 * 1. Re-anchoring: `runAnchorBench` (5,000 annotations on a 100-page draft, 1,000 random edits,
 *    re-anchor all). Goal < 500 ms.
 * 2. Writes: a real server in a child process (bench/support/collab-process.ts: buildApp on a
 *    fresh migrated database, embedded PostgreSQL in a temp dir unless DATABASE_URL), a document
 *    created over HTTP from the demo report repeated to ≈300,000 characters, a round open, 50
 *    members with tokens, then 50 concurrent clients doing `PUT /api/v1/rounds/:id/annotations/:uuid`
 *    (new ids, random offsets in the base text) over keep-alive for `--seconds`. Baseline: the same
 *    50 clients on `GET /healthz`. Goal 1,000 writes/s, 0 errors.
 *
 * Options: `--seconds 10`, `--clients 50`, `--profile` (the server's CPU is profiled during the
 * write phase, bench/support/profiled-collab-process.ts; the hottest functions are printed).
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runAnchorBench } from './annotations-anchor.bench.js';
import { seededRandom } from './province.js';
import { openBenchDatabase, type BenchDatabase } from './support/database.js';
import { repeatedReport } from './support/draft-text.js';
import { int, ms, numberArg, printHeader } from './support/env.js';
import { closedLoop, type LoadResult } from './support/http-load.js';
import { summariseProfile } from './support/cpu-profile.js';
import { postmasterPid, treeCpuSeconds } from './support/process-tree.js';
import { startChild, watchProcess, type RunningServer } from './support/server.js';
import { login, seedWorkspace } from './support/workspace.js';
import { runMain } from './support/run.js';
import { ApiClient } from '../test/helpers/api-client.js';

const seconds = numberArg('seconds', 10);
const clients = numberArg('clients', 50);
const profile = process.argv.includes('--profile');

const remarks = [
  'Đề nghị bổ sung chỉ tiêu về chuyển đổi số',
  'Cần làm rõ giải pháp huy động nguồn lực',
  'Số liệu này chưa khớp với báo cáo của Ủy ban',
  'Đề nghị viết gọn lại đoạn này',
  'Nên nêu rõ trách nhiệm của người đứng đầu',
  'Đồng ý với nội dung dự thảo',
];

async function main(): Promise<void> {
  printHeader('bench:annotations', 're-anchoring and annotation writes (issue 5)');

  console.log('\n— 1. re-anchoring (runAnchorBench)');
  const anchor = runAnchorBench({ log: (line) => console.log(`  ${line}`) });
  console.log(`  → ${anchor.reanchorMs.toFixed(1)} ms for ${int(anchor.annotations)}; goal < 500 ms: ${anchor.reanchorMs < 500 ? 'met' : 'MISSED'}`);

  console.log('\n— 2. writes over HTTP');
  const setupStarted = performance.now();
  let database: BenchDatabase | undefined;
  let server: RunningServer | undefined;
  let profileDir: string | undefined;
  try {
    database = await openBenchDatabase('annotations');
    const workspace = await seedWorkspace(database.db, { writers: 1, readers: clients });
    const env: Record<string, string> = { DATABASE_URL: database.url, BENCH_COLLAB: '{}' };
    if (profile) {
      profileDir = await mkdtemp(path.join(os.tmpdir(), 'draftroom-annotations-prof-'));
      env.BENCH_CPU_PROFILE = path.join(profileDir, 'server-writes.cpuprofile');
    }
    server = await startChild(profile ? 'bench/support/profiled-collab-process.ts' : 'bench/support/collab-process.ts', env);
    const base = server.baseUrl;
    const drafter = new ApiClient(base, await login(base, workspace.writers[0]!));
    const tokens = await Promise.all(workspace.readers.map((name) => login(base, name)));

    const markdown = repeatedReport(300_000);
    const created = await drafter.createDocument({ unitId: workspace.unit.id, title: 'Dự thảo 100 trang', content: { format: 'markdown', value: markdown } });
    const round = await drafter.openRound(created.id, { closesAt: new Date(Date.now() + 3_600_000).toISOString() });
    const content = await drafter.content(created.id, round.baseVersion);
    const textLength = content.text.length;
    const setupSeconds = (performance.now() - setupStarted) / 1000;
    console.log(`  server: ${server.description}, pid ${server.pid}; PostgreSQL ${process.env.DATABASE_URL ? 'DATABASE_URL' : 'embedded'}, pool 20`);
    console.log(`  document: ${int(markdown.length)} chars of Markdown → base text ${int(textLength)} chars, ${content.sections.length} sections; round ${round.number} open; ${clients} members with tokens`);
    console.log(`  setup (database, members, server, document, round): ${setupSeconds.toFixed(1)} s`);

    const random = seededRandom(20250705);
    const put = (client: number) => {
      const start = Math.floor(random() * (textLength - 100));
      const r = random();
      const length = r < 0.03 ? 0 : r < 0.9 ? 5 + Math.floor(random() * 80) : 100 + Math.floor(random() * 600);
      const kind = r < 0.7 ? 'comment' : r < 0.8 ? 'question' : r < 0.9 ? 'objection' : r < 0.95 ? 'support' : 'suggestion';
      const body = { kind, body: remarks[Math.floor(random() * remarks.length)]!, anchor: { start, end: Math.min(textLength, start + length) }, ...(kind === 'suggestion' ? { replacement: 'đoạn viết lại' } : {}) };
      return {
        url: `${base}/api/v1/rounds/${round.id}/annotations/${randomUUID()}`,
        method: 'PUT',
        headers: { authorization: `Bearer ${tokens[client]!}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
        expect: 201,
      };
    };
    const health = () => ({ url: `${base}/healthz`, method: 'GET', expect: 200 });

    const phase = async (name: string, make: (client: number) => ReturnType<typeof put> | ReturnType<typeof health>) => {
      await closedLoop(clients, 2, make); // warm-up (JIT, connections, pools), not counted
      const watch = watchProcess(server!.pid);
      const postgres = postmasterPid(database!.dataDir);
      const pgBefore = postgres ? treeCpuSeconds(postgres) : NaN;
      const clientBefore = process.cpuUsage();
      const result = await closedLoop(clients, seconds, make);
      const client = process.cpuUsage(clientBefore);
      const usage = watch.finish();
      const pgCores = postgres ? (treeCpuSeconds(postgres) - pgBefore) / result.seconds : NaN;
      report(name, result, usage);
      console.log(
        `    CPU cores used: server ${usage.cpuCores.toFixed(2)}, load generator ${((client.user + client.system) / 1e6 / result.seconds).toFixed(2)}, ` +
          `PostgreSQL ${Number.isNaN(pgCores) ? 'n/a (DATABASE_URL)' : pgCores.toFixed(2)}, whole machine ${usage.machineBusyCores.toFixed(2)} (the rest: other work on the machine)`,
      );
      return { result, usage };
    };
    const healthz = await phase('GET /healthz (baseline)', health);
    if (profile) process.kill(server.pid, 'SIGUSR2'); // profile the writes only (warm-up included)
    const writes = await phase('PUT annotation', put);

    const rows = await database.db.selectFrom('annotations').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    console.log(`  annotations stored: ${int(Number(rows.n))} (warm-up included)`);
    console.log(`  ratio writes/healthz: ${(writes.result.perSecond / healthz.result.perSecond).toFixed(3)} (${int(writes.result.perSecond)} / ${int(healthz.result.perSecond)} per s)`);
    const met = writes.result.perSecond >= 1000 && writes.result.errors === 0;
    console.log(`  goal ≥ 1,000 writes/s with 0 errors: ${met ? 'met' : `MISSED (${int(writes.result.perSecond)}/s, ${writes.result.errors} errors)`}`);
    console.log(
      `  note: ${os.cpus().length} cores shared by the load generator (this process), the server (child process) and PostgreSQL; ` +
        'the server cores and machine-busy cores above say who used what',
    );
  } finally {
    await server?.stop();
    await database?.close();
  }
  if (profileDir) {
    const files = (await readdir(profileDir)).filter((f) => f.endsWith('.cpuprofile'));
    for (const file of files) {
      console.log(`\n— server CPU profile of the write phase (${file}, warm-up included)`);
      for (const line of await summariseProfile(path.join(profileDir, file), 30)) console.log(`  ${line}`);
    }
    console.log(`  profiles kept in ${profileDir}`);
  }
}

function report(name: string, r: LoadResult, usage: { cpuCores: number; peakRssMiB: number; machineBusyCores: number }): void {
  console.log(
    `  ${name.padEnd(24)} ${int(r.perSecond).padStart(6)} req/s  p50 ${ms(r.latency.p50)}  p99 ${ms(r.latency.p99)}  max ${ms(r.latency.max)}  ` +
      `ok ${int(r.ok)}  errors ${r.errors}  (${r.seconds.toFixed(1)} s, ${clients} clients; server ${usage.cpuCores.toFixed(2)} cores, ` +
      `RSS ${usage.peakRssMiB.toFixed(0)} MiB; machine busy ${usage.machineBusyCores.toFixed(2)} of ${os.cpus().length} cores)`,
  );
  if (r.errors > 0) console.log(`    failures: ${[...r.failures].map(([k, v]) => `${k} ×${v}`).join(', ')}; first: ${r.firstFailures.join(' | ')}`);
}

runMain(main);
