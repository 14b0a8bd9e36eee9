/**
 * `npm run bench:aggregate` (issue 6): a province-sized round and its roll-up.
 *
 * Setup (timed separately): a fresh migrated database (embedded PostgreSQL in a temp dir unless
 * DATABASE_URL), the app listening on a loopback port in this process, the generated province
 * (bench/province.ts: 570 units, 78,062 members) imported over HTTP by an admin, a province
 * document from a ≈300,000-character draft with exactly 50 sections created by a province drafter
 * over HTTP, a round scoped to the province opened over HTTP; then 100,000 annotations from the
 * members of the 556 grassroots units inserted with SQL in batches (anchors built with
 * `anchorInBase` on the base version, once per distinct passage; realistic repetition, see
 * support/comment-pool.ts; `author_unit_id` = the member's grassroots unit), and the round closed
 * over HTTP.
 *
 * Measured over HTTP (fetch, bearer tokens): the round summary (goal < 2 s), 13 packages submitted
 * by the 13 district-level secretaries, the province roll-up (goal < 1 s); peak RSS of this process
 * (server and client; PostgreSQL is its own process). Then where the time goes: the same steps
 * split into SQL, clustering/matching and JSON.
 *
 * Options: `--annotations 100000`, `--points 300` (distinct points per section), `--runs 3`,
 * `--profile` (CPU profiles of one summary and one roll-up request, hottest functions printed).
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { sql } from 'kysely';
import * as Y from 'yjs';
import { annotationsForSummary } from '../server/db/annotations.repository.js';
import { insertMember } from '../server/db/members.repository.js';
import { latestPackagesTo } from '../server/db/packages.repository.js';
import { roundParticipation } from '../server/db/participation.repository.js';
import { findVersionContent, findVersionState } from '../server/db/versions.repository.js';
import { anchorInBase, type Anchor } from '../server/domain/anchoring.js';
import { clusterAnnotations, matchAcrossUnits } from '../server/domain/clustering.js';
import { projectFragment } from '../server/domain/projection.js';
import type { Section } from '../server/domain/sections.js';
import { hashPassword } from '../server/services/secrets.js';
import { generateProvince, provincePassword, seededRandom } from './province.js';
import { planAnnotations } from './support/comment-pool.js';
import { profileInProcess } from './support/cpu-profile.js';
import { openBenchDatabase, type BenchDatabase } from './support/database.js';
import { sectionedReport } from './support/draft-text.js';
import { int, numberArg, printHeader } from './support/env.js';
import { startInProcess, type RunningServer } from './support/server.js';
import { benchPassword, login } from './support/workspace.js';
import { runMain } from './support/run.js';
import { apiCall } from './support/http.js';

const totalAnnotations = numberArg('annotations', 100_000);
const pointsPerSection = numberArg('points', 300);
const runs = numberArg('runs', 3);
const profile = process.argv.includes('--profile');

let peakRss = 0;
const rssTimer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

async function main(): Promise<void> {
  printHeader('bench:aggregate', 'province-sized round: summary, 13 packages, roll-up (issue 6)');
  const setupStarted = performance.now();
  let database: BenchDatabase | undefined;
  let server: RunningServer | undefined;
  try {
    database = await openBenchDatabase('aggregate', { poolSize: 10 });
    const db = database.db;
    server = await startInProcess(db, database.url);
    const base = server.baseUrl;
    console.log(`server: ${server.description}`);

    // The province, imported as an admin would.
    let t = performance.now();
    await insertMember(db, { login: 'bench-admin', displayName: 'Admin', passwordHash: await hashPassword(benchPassword), isAdmin: true });
    const admin = await login(base, 'bench-admin');
    await call(base, admin, 'POST', '/api/v1/import', generateProvince(1), 200);
    const importSeconds = (performance.now() - t) / 1000;

    const units = (await sql<{ id: string; level: string; name: string; parent_id: string | null }>`select id, level, name, parent_id from units`.execute(db)).rows;
    const province = units.find((u) => u.level === 'province')!;
    const districts = units.filter((u) => u.level === 'district');
    const grassroots = units.filter((u) => u.level === 'grassroots');
    const staff = async (unitId: string, role: string) =>
      (
        await sql<{ login: string }>`select m.login from memberships ms join members m on m.id = ms.member_id
          where ms.unit_id = ${unitId} and ms.role = ${role} and m.password_hash is not null order by m.login limit 1`.execute(db)
      ).rows[0]!.login;
    const provinceDrafter = await provinceLogin(base, await staff(province.id, 'drafter'));
    const provinceSecretary = await provinceLogin(base, await staff(province.id, 'secretary'));
    const districtSecretaries = await Promise.all(districts.map(async (d) => ({ unit: d, token: await provinceLogin(base, await staff(d.id, 'secretary')) })));
    const authors = (
      await sql<{ member_id: string; unit_id: string }>`select ms.member_id, ms.unit_id from memberships ms join units u on u.id = ms.unit_id
        where u.level = 'grassroots' order by ms.member_id`.execute(db)
    ).rows;
    const memberCount = Number((await sql<{ n: number }>`select count(*)::int as n from members where not is_admin`.execute(db)).rows[0]!.n);

    // The document (50 sections) and its round, over HTTP.
    t = performance.now();
    const markdown = sectionedReport(50, 300_000);
    const document = await call(base, provinceDrafter, 'POST', '/api/v1/documents', { unitId: province.id, title: 'Dự thảo Báo cáo chính trị Đại hội Đảng bộ tỉnh', content: { format: 'markdown', value: markdown } }, 201);
    const round = await call(base, provinceDrafter, 'POST', `/api/v1/documents/${document.id}/rounds`, { closesAt: new Date(Date.now() + 86_400_000).toISOString(), scopeUnitId: province.id }, 201);
    const state = (await findVersionState(db, document.id, round.baseVersion))!;
    const doc = new Y.Doc();
    Y.applyUpdate(doc, state);
    const projection = projectFragment(doc.getXmlFragment('default'));
    const headingStarts = new Set(projection.headings.map((h) => h.start));
    const paragraphs = projection.textblocks.filter((b) => !headingStarts.has(b.start)).map((b) => ({ start: b.start, end: b.start + b.length }));
    const documentSeconds = (performance.now() - t) / 1000;

    // 100,000 annotations, anchored once per distinct passage, inserted in batches.
    t = performance.now();
    const random = seededRandom(20250706);
    const { planned, points } = planAnnotations(projection.sections, paragraphs, { total: totalAnnotations, pointsPerSection, random });
    const anchors = new Map<string, Anchor>();
    const anchorOf = (start: number, end: number) => {
      const key = `${start}:${end}`;
      let anchor = anchors.get(key);
      if (!anchor) anchors.set(key, (anchor = anchorInBase({ doc, projection }, { start, end })));
      return anchor;
    };
    const batch = 5_000;
    for (let from = 0; from < planned.length; from += batch) {
      const rows = planned.slice(from, from + batch).map((p) => ({ ...p, anchor: anchorOf(p.start, p.end), author: authors[Math.floor(random() * authors.length)]! }));
      const col = <T>(f: (r: (typeof rows)[number]) => T) => rows.map(f);
      await sql`
        insert into annotations (id, round_id, document_id, author_id, author_unit_id, kind, body, replacement, anchor_start, anchor_end,
                                 rel_start, rel_end, quote_exact, quote_prefix, quote_suffix, section, created_at, updated_at)
        select id, ${round.id}::uuid, ${document.id}::uuid, author_id, unit_id, kind, body, replacement, s, e, rs, re, qe, qp, qs, section,
               now() - (ord * interval '1 second'), now()
        from unnest(${col(() => randomUUID())}::uuid[], ${col((r) => r.author.member_id)}::uuid[], ${col((r) => r.author.unit_id)}::uuid[],
                    ${col((r) => r.kind)}::text[], ${col((r) => r.body)}::text[], ${col((r) => r.replacement)}::text[],
                    ${col((r) => r.anchor.start)}::int[], ${col((r) => r.anchor.end)}::int[], ${col((r) => r.anchor.relStart)}::text[],
                    ${col((r) => r.anchor.relEnd)}::text[], ${col((r) => r.anchor.quote.exact)}::text[], ${col((r) => r.anchor.quote.prefix)}::text[],
                    ${col((r) => r.anchor.quote.suffix)}::text[], ${col((r) => r.anchor.section)}::text[])
             with ordinality as x(id, author_id, unit_id, kind, body, replacement, s, e, rs, re, qe, qp, qs, section, ord)`.execute(db);
    }
    await sql`analyze annotations`.execute(db);
    await call(base, provinceSecretary, 'POST', `/api/v1/rounds/${round.id}/close`, undefined, 200);
    const insertSeconds = (performance.now() - t) / 1000;
    const setupSeconds = (performance.now() - setupStarted) / 1000;
    const stats = (await sql<{ n: number; authors: number; units: number; sections: number }>`
      select count(*)::int as n, count(distinct author_id)::int as authors, count(distinct author_unit_id)::int as units, count(distinct section)::int as sections
      from annotations where round_id = ${round.id}`.execute(db)).rows[0]!;

    console.log(
      `province: ${units.length} units (${districts.length} district-level, ${grassroots.length} grassroots), ${int(memberCount)} members; ` +
        `authors drawn from the ${int(authors.length)} grassroots members`,
    );
    console.log(`draft: ${int(markdown.length)} chars of Markdown → base text ${int(projection.text.length)} chars, ${projection.sections.length} sections, ${paragraphs.length} paragraphs`);
    console.log(
      `round ${round.number} (scope: province, private), closed: ${int(stats.n)} annotations by ${int(stats.authors)} members of ${stats.units} units in ${stats.sections} sections; ` +
        `${int(points)} distinct points (${pointsPerSection} per section) + 15 % one-off remarks; ${int(anchors.size)} distinct passages`,
    );
    console.log(
      `setup ${setupSeconds.toFixed(1)} s (import ${importSeconds.toFixed(1)} s, document + round ${documentSeconds.toFixed(1)} s, ` +
        `planning + anchoring + SQL inserts + close ${insertSeconds.toFixed(1)} s); RSS now ${mib(process.memoryUsage().rss)}, peak so far ${mib(peakRss)}`,
    );

    // ---- measured ----
    global.gc?.();
    peakRss = process.memoryUsage().rss;
    console.log('\nmeasured (HTTP, fetch, bearer token; time to the whole answer read):');
    let summary: any;
    const summaryTimes: number[] = [];
    for (let i = 0; i < runs; i++) {
      const r = await timed(() => call(base, provinceDrafter, 'GET', `/api/v1/rounds/${round.id}/summary`, undefined, 200, true));
      summary = JSON.parse(r.value.text);
      summaryTimes.push(r.ms);
      if (i === 0) console.log(`  answer: ${(r.value.bytes / 1e6).toFixed(1)} MB`);
    }
    const clusters = (summary.sections as Array<{ path: string; clusters: Array<{ count: number; representative: { body: string }; unitIds: string[] }> }>).flatMap((s) =>
      s.clusters.map((c) => ({ ...c, section: s.path })),
    );
    const largest = clusters.reduce((a, b) => (b.count > a.count ? b : a));
    const multi = clusters.filter((c) => c.count > 1);
    // The first request computes the clusters; later ones are remembered until the outbox moves.
    console.log(
      `  GET /rounds/:id/summary: first (computed) ${Math.round(summaryTimes[0]!)} ms, then (remembered) ${fmtRuns(summaryTimes.slice(1))}; ` +
        `goal < 2 s for the computed one: ${summaryTimes[0]! < 2000 ? 'met' : 'MISSED'}`,
    );
    console.log(
      `    ${int(clusters.length)} clusters in ${summary.sections.length} sections (${int(multi.length)} with more than one annotation, holding ${int(multi.reduce((a, c) => a + c.count, 0))}); ` +
        `largest: ${largest.count} annotations from ${largest.unitIds.length} units, section ${largest.section}, "${largest.representative.body}"`,
    );
    const p = summary.participation;
    console.log(`    participation: invited ${int(p.invited)}, commented ${int(p.commented)} (${((100 * p.commented) / p.invited).toFixed(1)} %), annotations ${int(p.annotations)}, ${p.byUnit.length} units listed`);

    const packageTimes: number[] = [];
    let items = 0;
    const packagesStarted = performance.now();
    for (const { unit, token } of districtSecretaries) {
      const r = await timed(() => call(base, token, 'POST', `/api/v1/documents/${document.id}/packages`, { fromUnitId: unit.id, roundIds: [round.id] }, 201));
      packageTimes.push(r.ms);
      items += r.value.items.length;
    }
    const packagesTotal = performance.now() - packagesStarted;
    console.log(
      `  13 packages (POST /documents/:id/packages by each district-level secretary, one after another): total ${(packagesTotal / 1000).toFixed(2)} s; ` +
        `each ${Math.round(Math.min(...packageTimes))}–${Math.round(Math.max(...packageTimes))} ms (median ${Math.round(median(packageTimes))} ms); ${int(items)} items in all`,
    );

    let feedback: any;
    const feedbackTimes: number[] = [];
    for (let i = 0; i < runs; i++) {
      const r = await timed(() => call(base, provinceSecretary, 'GET', `/api/v1/documents/${document.id}/feedback`, undefined, 200, true));
      feedback = JSON.parse(r.value.text);
      feedbackTimes.push(r.ms);
      if (i === 0) console.log(`  answer: ${(r.value.bytes / 1e6).toFixed(1)} MB`);
    }
    const top = feedback.items.reduce((a: any, b: any) => (b.unitCount > a.unitCount || (b.unitCount === a.unitCount && b.count > a.count) ? b : a));
    console.log(
      `  GET /documents/:id/feedback (province roll-up): first (computed) ${Math.round(feedbackTimes[0]!)} ms, then (remembered) ${fmtRuns(feedbackTimes.slice(1))}; ` +
        `goal < 1 s for the computed one: ${feedbackTimes[0]! < 1000 ? 'met' : 'MISSED'}`,
    );
    console.log(
      `    ${int(feedback.items.length)} items from ${feedback.units.filter((u: any) => u.packageId).length} of ${feedback.units.length} units; ` +
        `top item raised by ${top.unitCount} of 13 (count ${top.count}, section ${top.section}): "${top.representative.body}"; ` +
        `items raised by ≥ 7 of 13: ${feedback.items.filter((i: any) => i.unitCount >= 7).length}`,
    );
    console.log(`  peak RSS of this process during the measured part: ${mib(peakRss)} (server + client; PostgreSQL not included)`);

    // ---- where the time goes ----
    console.log('\nwhere the time goes (same steps called directly, warm):');
    const scope = (await sql<{ path: string }>`select path::text as path from units where id = ${province.id}`.execute(db)).rows[0]!.path;
    const q = await timed(() => annotationsForSummary(db, [round.id]));
    const part = await timed(() => roundParticipation(db, round.id, scope));
    const version = await timed(() => findVersionContent<Section>(db, document.id, round.baseVersion));
    const starts = [0];
    for (let i = version.value!.text.indexOf('\n'); i >= 0 && i + 1 < version.value!.text.length; i = version.value!.text.indexOf('\n', i + 1)) starts.push(i + 1);
    const clustered = await timed(async () => clusterAnnotations(q.value, version.value!.sections, { paragraphStarts: starts }));
    const json = await timed(async () => JSON.stringify({ sections: clustered.value, participation: part.value }).length);
    console.log(
      `  summary: annotationsForSummary ${Math.round(q.ms)} ms (${int(q.value.length)} rows), roundParticipation ${Math.round(part.ms)} ms, ` +
        `version content ${Math.round(version.ms)} ms, clusterAnnotations ${Math.round(clustered.ms)} ms, JSON.stringify ${Math.round(json.ms)} ms (${(json.value / 1e6).toFixed(1)} MB)`,
    );
    const received = await timed(() => latestPackagesTo(db, document.id, province.id));
    const matched = await timed(async () =>
      matchAcrossUnits(
        received.value.map((p) => ({ unitId: p.fromUnitId, items: (p.items as any[]).map((item) => ({ id: `${p.id}/${item.id}`, section: item.section, kind: item.kind, count: item.count, representative: item.representative })) })),
        {},
      ),
    );
    const fbJson = await timed(async () => JSON.stringify(feedback).length);
    console.log(
      `  roll-up: latestPackagesTo ${Math.round(received.ms)} ms (${received.value.length} packages, ${int(received.value.reduce((a, p) => a + (p.items as unknown[]).length, 0))} items), ` +
        `matchAcrossUnits ${Math.round(matched.ms)} ms (${int(matched.value.length)} items), JSON.stringify of the answer ${Math.round(fbJson.ms)} ms (${(fbJson.value / 1e6).toFixed(1)} MB)`,
    );
    if (profile) {
      console.log('\nCPU profile of one summary request (server and client in this process):');
      const a = await profileInProcess(() => call(base, provinceDrafter, 'GET', `/api/v1/rounds/${round.id}/summary`, undefined, 200, true));
      for (const line of a.lines) console.log(`  ${line}`);
      console.log('\nCPU profile of one roll-up request:');
      const b = await profileInProcess(() => call(base, provinceSecretary, 'GET', `/api/v1/documents/${document.id}/feedback`, undefined, 200, true));
      for (const line of b.lines) console.log(`  ${line}`);
    }
    console.log(`\npeak RSS of this process over the whole run: ${mib(peakRss)}; machine: ${os.cpus().length} cores, node ${process.version}`);
  } finally {
    clearInterval(rssTimer);
    await server?.stop();
    await database?.close();
  }
}

async function provinceLogin(base: string, loginName: string): Promise<string> {
  const response = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login: loginName, password: provincePassword }),
  });
  if (!response.ok) throw new Error(`login ${loginName}: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { token: string }).token;
}

async function call(base: string, token: string, method: string, url: string, body: unknown, expect: number): Promise<any>;
async function call(base: string, token: string, method: string, url: string, body: unknown, expect: number, raw: true): Promise<{ text: string; bytes: number }>;
async function call(base: string, token: string, method: string, url: string, body: unknown, expect: number, raw = false): Promise<unknown> {
  const text = await apiCall(base, token, method, url, body, expect);
  // Timed up to here when raw: the answer is read; parsing it is the client's business.
  return raw ? { text, bytes: Buffer.byteLength(text) } : text ? JSON.parse(text) : undefined;
}

async function timed<T>(f: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await f();
  return { value, ms: performance.now() - started };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const fmtRuns = (values: number[]) => `${values.map((v) => `${Math.round(v)} ms`).join(', ')} (median ${Math.round(median(values))} ms)`;

runMain(main);
