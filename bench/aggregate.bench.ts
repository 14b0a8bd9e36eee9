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
 * Measured over HTTP (fetch, bearer tokens): the round summary (goal < 2 s); what the web client
 * reads instead (the index `/summary/sections`, one section's annotations) beside what it read
 * before (the whole summary, every annotation of the round); 13 packages submitted
 * by the 13 district-level secretaries, the province roll-up as the web client reads it (its index
 * `/feedback/sections`, then one section) and whole (goal < 1 s); peak RSS of this process
 * (server and client; PostgreSQL is its own process). Then where the time goes: the same steps
 * split into SQL, clustering/matching and JSON.
 *
 * Options: `--annotations 100000`, `--points 300` (distinct points per section), `--runs 3`,
 * `--summary-only` (stop after the summaries), `--profile` (CPU profiles of one summary computed after a new annotation and
 * one roll-up request, hottest functions printed).
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
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
import type { Feedback, FeedbackIndex, PackageItem, RoundSummary } from '../server/http/schemas/aggregation.js';
import { ApiClient } from '../test/helpers/api-client.js';

const totalAnnotations = numberArg('annotations', 100_000);
const pointsPerSection = numberArg('points', 300);
const runs = numberArg('runs', 3);
const profile = process.argv.includes('--profile');
/** Stops after the summaries (no packages, no roll-up): for working on the summary alone. */
const summaryOnly = process.argv.includes('--summary-only');

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
    const admin = new ApiClient(base, await login(base, 'bench-admin'));
    await admin.importTree(generateProvince(1));
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
    const provinceDrafter = await ApiClient.logIn(base, await staff(province.id, 'drafter'), provincePassword);
    const provinceSecretary = await ApiClient.logIn(base, await staff(province.id, 'secretary'), provincePassword);
    const districtSecretaries = await Promise.all(districts.map(async (d) => ({ unit: d, client: await ApiClient.logIn(base, await staff(d.id, 'secretary'), provincePassword) })));
    const authors = (
      await sql<{ member_id: string; unit_id: string }>`select ms.member_id, ms.unit_id from memberships ms join units u on u.id = ms.unit_id
        where u.level = 'grassroots' order by ms.member_id`.execute(db)
    ).rows;
    const memberCount = Number((await sql<{ n: number }>`select count(*)::int as n from members where not is_admin`.execute(db)).rows[0]!.n);

    // The document (50 sections) and its round, over HTTP.
    t = performance.now();
    const markdown = sectionedReport(50, 300_000);
    const document = await provinceDrafter.createDocument({ unitId: province.id, title: 'Dự thảo Báo cáo chính trị Đại hội Đảng bộ tỉnh', content: { format: 'markdown', value: markdown } });
    const round = await provinceDrafter.openRound(document.id, { closesAt: new Date(Date.now() + 86_400_000).toISOString(), scopeUnitId: province.id });
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
      `round ${round.number} (scope: province, private, open until the summaries are read): ${int(stats.n)} annotations by ${int(stats.authors)} members of ${stats.units} units in ${stats.sections} sections; ` +
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
    let summary: RoundSummary | undefined;
    const summaryTimes: number[] = [];
    for (let i = 0; i < runs; i++) {
      const r = await timed(() => provinceDrafter.send('GET', `/api/v1/rounds/${round.id}/summary`));
      summary = JSON.parse(r.value.text) as RoundSummary;
      summaryTimes.push(r.ms);
      if (i === 0) console.log(`  answer: ${(r.value.bytes / 1e6).toFixed(1)} MB`);
    }
    if (!summary) throw new Error('no summary read');
    const clusters = summary.sections.flatMap((s) => s.clusters.map((c) => ({ ...c, section: s.path })));
    const largest = clusters.reduce((a, b) => (b.count > a.count ? b : a));
    const multi = clusters.filter((c) => c.count > 1);
    // The first request computes the clusters; later ones are remembered until the outbox moves.
    console.log(
      `  GET /rounds/:id/summary: first (computed) ${Math.round(summaryTimes[0]!)} ms, then (remembered) ${fmtRuns(summaryTimes.slice(1))}; ` +
        `(the first computation of the round: every section clustered)`,
    );
    console.log(
      `    ${int(clusters.length)} clusters in ${summary.sections.length} sections (${int(multi.length)} with more than one annotation, holding ${int(multi.reduce((a, c) => a + c.count, 0))}); ` +
        `largest: ${largest.count} annotations from ${largest.unitIds.length} units, section ${largest.section}, "${largest.representative.body}"`,
    );
    const p = summary.participation;
    console.log(`    participation: invited ${int(p.invited)}, commented ${int(p.commented)} (${((100 * p.commented) / p.invited).toFixed(1)} %), annotations ${int(p.annotations)}, ${p.byUnit.length} units listed`);

    // The issue's goal: the summary computed again after new annotations (not a remembered answer).
    // A district secretary writes one annotation over HTTP (events and all), then the drafter reads.
    const writer = districtSecretaries[0]!.client;
    let written = 0;
    const writeOne = async (i: number) => {
      const paragraph = paragraphs[(i * 397) % paragraphs.length]!;
      written++;
      return writer.putAnnotation(round.id, randomUUID(), { kind: 'comment', body: `Đề nghị làm rõ thêm ý này (${i + 1}).`, anchor: { start: paragraph.start, end: Math.min(paragraph.end, paragraph.start + 40) } });
    };
    const afterOne: number[] = [];
    for (let i = 0; i < runs; i++) {
      await writeOne(i);
      const r = await timed(() => provinceDrafter.send('GET', `/api/v1/rounds/${round.id}/summary`));
      const read = JSON.parse(r.value.text) as RoundSummary;
      const counted = read.sections.reduce((n, s) => n + s.clusters.reduce((m, c) => m + c.count, 0), 0);
      if (counted !== stats.n + written) throw new Error(`the summary after a new annotation holds ${counted} annotations, not ${stats.n + written}`);
      afterOne.push(r.ms);
    }
    console.log(
      `  GET /rounds/:id/summary, whole, computed after one new annotation (PUT over HTTP, then read): ${fmtRuns(afterOne)}; ` +
        `goal ≤ 1 s: ${median(afterOne) <= 1000 ? 'met' : 'MISSED'}`,
    );
    // Sections on demand: the section the new annotation is in, read right after it was written.
    const oneSection: number[] = [];
    let sectionBytes = 0;
    for (let i = runs; i < 2 * runs; i++) {
      const written = await writeOne(i);
      const r = await timed(() => provinceDrafter.send('GET', `/api/v1/rounds/${round.id}/summary?section=${encodeURIComponent(written.anchor.section)}`));
      const read = JSON.parse(r.value.text) as RoundSummary;
      if (!read.sections[0]?.clusters.some((c) => c.annotationIds.includes(written.id))) throw new Error('the section read after a new annotation does not hold it');
      sectionBytes = r.value.bytes;
      oneSection.push(r.ms);
    }
    console.log(
      `  GET /rounds/:id/summary?section=…, computed after one new annotation in that section: ${fmtRuns(oneSection)} (${(sectionBytes / 1e6).toFixed(2)} MB); ` +
        `goal ≤ 1 s: ${median(oneSection) <= 1000 ? 'met' : 'MISSED'}`,
    );
    // What the web client reads (issue 12, sections on demand): the index, then one section and its
    // annotations; beside it what it read before (the whole summary and every annotation of the round).
    const cpuTimed = async <T>(f: () => Promise<T>) => {
      const cpu = process.cpuUsage();
      const r = await timed(f);
      const used = process.cpuUsage(cpu);
      return { ...r, cpuMs: (used.user + used.system) / 1000 };
    };
    const fmtCpu = (values: Array<{ ms: number; cpuMs: number }>) =>
      `${values.map((v) => `${Math.round(v.ms)} ms`).join(', ')} (median ${Math.round(median(values.map((v) => v.ms)))} ms; CPU of this process, server + client, median ${Math.round(median(values.map((v) => v.cpuMs)))} ms)`;
    // The index and the whole summary alternate, so both meet the same load.
    const indexUrl = `/api/v1/rounds/${round.id}/summary/sections`;
    const wholeUrl = `/api/v1/rounds/${round.id}/summary`;
    await provinceDrafter.send('GET', wholeUrl); // up to date after the section reads' writes
    const remembered = { index: [] as Array<{ ms: number; cpuMs: number }>, whole: [] as Array<{ ms: number; cpuMs: number }> };
    const afterWrite = { index: [] as Array<{ ms: number; cpuMs: number }>, whole: [] as Array<{ ms: number; cpuMs: number }> };
    let indexBytes = 0;
    let lastSection = '';
    for (let i = 0; i < runs; i++) {
      const index = await cpuTimed(() => provinceDrafter.send('GET', indexUrl));
      indexBytes = index.value.bytes;
      remembered.index.push(index);
      remembered.whole.push(await cpuTimed(() => provinceDrafter.send('GET', wholeUrl)));
    }
    for (let i = 2 * runs; i < 3 * runs; i++) {
      const fresh = await writeOne(2 * i);
      lastSection = fresh.anchor.section;
      const r = await cpuTimed(() => provinceDrafter.send('GET', indexUrl));
      const index = JSON.parse(r.value.text) as { sections: Array<{ path: string; annotations: number }> };
      if (index.sections.reduce((n, x) => n + x.annotations, 0) !== stats.n + written) throw new Error('the index after a new annotation does not count it');
      afterWrite.index.push(r);
      await writeOne(2 * i + 1);
      afterWrite.whole.push(await cpuTimed(() => provinceDrafter.send('GET', wholeUrl)));
    }
    console.log(`  GET /rounds/:id/summary/sections (the index the web client reads first): ${indexBytes} bytes (${(indexBytes / 1e3).toFixed(1)} kB); alternating with the whole summary:`);
    console.log(`    index, remembered: ${fmtCpu(remembered.index)}`);
    console.log(`    whole, remembered: ${fmtCpu(remembered.whole)}`);
    console.log(`    index, computed after one new annotation (PUT over HTTP, then read): ${fmtCpu(afterWrite.index)}`);
    console.log(`    whole, computed after one new annotation (PUT over HTTP, then read): ${fmtCpu(afterWrite.whole)}`);
    // The same read, its bytes taken as they come (gzip, not decoded into a 22 MB string): what the
    // server and the wire cost, without the client's decompressing and decoding.
    const raw: Array<{ ms: number; cpuMs: number }> = [];
    let rawSize = 0;
    for (let i = 3 * runs; i < 4 * runs; i++) {
      await writeOne(2 * i);
      const r = await cpuTimed(() => rawBytes(base + wholeUrl, provinceDrafter.token!));
      rawSize = r.value.bytes;
      raw.push(r);
    }
    console.log(
      `    whole, computed after one new annotation, bytes as sent (gzip, ${(rawSize / 1e6).toFixed(1)} MB, time to the last byte, not decoded): ${fmtCpu(raw)}; ` +
        `goal ≤ 1 s: ${median(raw.map((r) => r.ms)) <= 1000 ? 'met' : 'MISSED'}`,
    );
    const sectionAnnotations = await cpuTimed(() => provinceDrafter.send('GET', `/api/v1/rounds/${round.id}/annotations?section=${encodeURIComponent(lastSection)}`));
    const allAnnotations = await cpuTimed(() => provinceDrafter.send('GET', `/api/v1/rounds/${round.id}/annotations`));
    console.log(
      `  GET /rounds/:id/annotations?section=… (one section's annotations, read beside it): ${Math.round(sectionAnnotations.ms)} ms, CPU ${Math.round(sectionAnnotations.cpuMs)} ms, ${(sectionAnnotations.value.bytes / 1e6).toFixed(2)} MB; ` +
        `the whole round's (what the client read before): ${Math.round(allAnnotations.ms)} ms, CPU ${Math.round(allAnnotations.cpuMs)} ms, ${(allAnnotations.value.bytes / 1e6).toFixed(1)} MB`,
    );
    if (profile) {
      console.log('  CPU profile of one more summary computed after one new annotation (server and client in this process):');
      const paragraph = paragraphs[11]!;
      await writer.putAnnotation(round.id, randomUUID(), { kind: 'question', body: 'Số liệu này lấy từ đâu?', anchor: { start: paragraph.start, end: Math.min(paragraph.end, paragraph.start + 30) } });
      const a = await profileInProcess(() => provinceDrafter.send('GET', `/api/v1/rounds/${round.id}/summary`));
      for (const line of a.lines) console.log(`    ${line}`);
    }
    await provinceSecretary.closeRound(round.id);
    if (summaryOnly) return;

    const packageTimes: number[] = [];
    let items = 0;
    const packagesStarted = performance.now();
    // The roll-up is read once before the last package (as a secretary follows them arriving), so
    // the read after it is the one the goal is about: computed after a new package, not remembered.
    let firstWhole: { ms: number; cpuMs: number } | undefined;
    let lastPackage: { ms: number; cpuMs: number } | undefined;
    const feedbackUrl = `/api/v1/documents/${document.id}/feedback`;
    for (const [i, { unit, client }] of districtSecretaries.entries()) {
      if (i === districtSecretaries.length - 1) firstWhole = await timedCpu(() => provinceSecretary.send('GET', feedbackUrl));
      const r = await timedCpu(() => client.submitPackage(document.id, { fromUnitId: unit.id, roundIds: [round.id] }));
      packageTimes.push(r.ms);
      lastPackage = r;
      items += r.value.items.length;
    }
    const packagesTotal = performance.now() - packagesStarted;
    console.log(
      `  13 packages (POST /documents/:id/packages by each district-level secretary, one after another): total ${(packagesTotal / 1000).toFixed(2)} s; ` +
        `each ${Math.round(Math.min(...packageTimes))}–${Math.round(Math.max(...packageTimes))} ms (median ${Math.round(median(packageTimes))} ms); ${int(items)} items in all`,
    );
    // The 13th submission also matches its items into the province's kept roll-up (aggregation.service.ts `matchOnArrival`).
    console.log(`  the 13th package's POST alone: ${Math.round(lastPackage!.ms)} ms (CPU of this process ${Math.round(lastPackage!.cpuMs)} ms)`);
    console.log(`  GET /documents/:id/feedback before the 13th package (first read of the roll-up: 12 packages): ${Math.round(firstWhole!.ms)} ms (CPU of this process ${Math.round(firstWhole!.cpuMs)} ms)`);
    // Sections on demand, right after the 13th package, as the web client reads them (issue 12):
    // the index first (the roll-up computed, every section counted), then one section's items.
    console.log(`  load average now: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} (1/5/15 min)`);
    const indexRead = await timedCpu(() => provinceSecretary.send('GET', `${feedbackUrl}/sections`));
    const feedbackIndex = JSON.parse(indexRead.value.text) as FeedbackIndex;
    console.log(
      `  GET /documents/:id/feedback/sections (the index the web client reads first), first read after the 13th package (matched at its POST, counted right after it): ${Math.round(indexRead.ms)} ms ` +
        `(CPU ${Math.round(indexRead.cpuMs)} ms; ${feedbackIndex.sections.length} sections, ${int(feedbackIndex.sections.reduce((n, x) => n + x.items, 0))} items counted, ` +
        `${indexRead.value.bytes} bytes = ${(indexRead.value.bytes / 1e3).toFixed(1)} kB)`,
    );
    const topSection = '15';
    const sectionRead = await timedCpu(() => provinceSecretary.send('GET', `${feedbackUrl}?section=${encodeURIComponent(topSection)}`));
    const sectionItems = (JSON.parse(sectionRead.value.text) as Feedback).items.length;
    console.log(
      `  GET /documents/:id/feedback?section=${topSection}, read right after the index (its items built): ${Math.round(sectionRead.ms)} ms (CPU ${Math.round(sectionRead.cpuMs)} ms; ` +
        `${int(sectionItems)} items, ${(sectionRead.value.bytes / 1e6).toFixed(2)} MB); index + section: ${Math.round(indexRead.ms + sectionRead.ms)} ms, goal ≤ 0.5 s: ${indexRead.ms + sectionRead.ms <= 500 ? 'met' : 'MISSED'}`,
    );
    if (feedbackIndex.sections.find((x) => x.section === topSection)?.items !== sectionItems) throw new Error(`the index does not count section ${topSection}'s items`);
    // A decision on one of its items, as the view records it (only the item's section is built).
    const decided = (JSON.parse(sectionRead.value.text) as Feedback).items[0]!;
    const decision = await timedCpu(() => provinceSecretary.send('PUT', `${feedbackUrl}/items/${decided.id}/disposition`, { decision: 'noted', note: 'Đã ghi nhận.' }));
    console.log(`  PUT /documents/:id/feedback/items/:itemId/disposition on one of its items: ${Math.round(decision.ms)} ms (CPU ${Math.round(decision.cpuMs)} ms)`);
    const indexAgain: number[] = [];
    for (let i = 0; i < runs; i++) indexAgain.push((await timed(() => provinceSecretary.send('GET', `${feedbackUrl}/sections`))).ms);
    console.log(`  GET /documents/:id/feedback/sections again (remembered counts, decisions read afresh): ${fmtRuns(indexAgain)}`);

    let feedback: Feedback | undefined;
    const feedbackTimes: number[] = [];
    for (let i = 0; i < runs; i++) {
      const r = await timed(() => provinceSecretary.send('GET', feedbackUrl));
      feedback = JSON.parse(r.value.text) as Feedback;
      feedbackTimes.push(r.ms);
      if (i === 0) console.log(`  answer: ${(r.value.bytes / 1e6).toFixed(1)} MB`);
    }
    if (!feedback) throw new Error('no feedback read');
    for (const x of feedbackIndex.sections) {
      const whole = feedback.items.filter((i) => i.section === x.section);
      if (whole.length !== x.items || whole.reduce((n, i) => n + i.count, 0) !== x.annotations) throw new Error(`the index's counts of section ${x.section} are not the whole answer's`);
    }
    const top = feedback.items.reduce((a, b) => (b.unitCount > a.unitCount || (b.unitCount === a.unitCount && b.count > a.count) ? b : a));
    console.log(
      `  GET /documents/:id/feedback (province roll-up, whole), after the section read (remembered: serialising and sending): ${fmtRuns(feedbackTimes)}`,
    );
    console.log(
      `    ${int(feedback.items.length)} items from ${feedback.units.filter((u) => u.packageId).length} of ${feedback.units.length} units; ` +
        `top item raised by ${top.unitCount} of 13 (count ${top.count}, section ${top.section}): "${top.representative.body}"; ` +
        `items raised by ≥ 7 of 13: ${feedback.items.filter((i) => i.unitCount >= 7).length}`,
    );
    console.log(`  peak RSS of this process during the measured part: ${mib(peakRss)} (server + client; PostgreSQL not included)`);

    // ---- where the time goes ----
    console.log('\nwhere the time goes (same steps called directly, warm):');
    const scope = (await sql<{ path: string }>`select path::text as path from units where id = ${province.id}`.execute(db)).rows[0]!.path;
    const q = await timed(() => annotationsForSummary(db, [round.id]));
    const part = await timed(() => roundParticipation(db, round.id, scope));
    const version = await timed(() => findVersionContent<Section>(db, document.id, round.baseVersion));
    const clustered = await timed(async () => clusterAnnotations(q.value, version.value!.sections, { text: version.value!.text }));
    const json = await timed(async () => JSON.stringify({ sections: clustered.value, participation: part.value }).length);
    console.log(
      `  summary: annotationsForSummary ${Math.round(q.ms)} ms (${int(q.value.length)} rows), roundParticipation ${Math.round(part.ms)} ms, ` +
        `version content ${Math.round(version.ms)} ms, clusterAnnotations ${Math.round(clustered.ms)} ms, JSON.stringify ${Math.round(json.ms)} ms (${(json.value / 1e6).toFixed(1)} MB)`,
    );
    const received = await timed(() => latestPackagesTo(db, document.id, province.id));
    const matched = await timed(async () =>
      matchAcrossUnits(
        received.value.map((p) => ({ unitId: p.fromUnitId, items: (p.items as PackageItem[]).map((item) => ({ id: `${p.id}/${item.id}`, section: item.section, kind: item.kind, count: item.count, representative: item.representative })) })),
        {},
      ),
    );
    const fbJson = await timed(async () => JSON.stringify(feedback).length);
    console.log(
      `  roll-up: latestPackagesTo ${Math.round(received.ms)} ms (${received.value.length} packages, ${int(received.value.reduce((a, p) => a + (p.items as unknown[]).length, 0))} items), ` +
        `matchAcrossUnits ${Math.round(matched.ms)} ms (${int(matched.value.length)} items), JSON.stringify of the answer ${Math.round(fbJson.ms)} ms (${(fbJson.value / 1e6).toFixed(1)} MB)`,
    );
    if (profile) {
      console.log('\nCPU profile of one roll-up request:');
      const b = await profileInProcess(() => provinceSecretary.send('GET', `/api/v1/documents/${document.id}/feedback`));
      for (const line of b.lines) console.log(`  ${line}`);
    }
    console.log(`\npeak RSS of this process over the whole run: ${mib(peakRss)}; machine: ${os.cpus().length} cores, node ${process.version}`);
  } finally {
    clearInterval(rssTimer);
    await server?.stop();
    await database?.close();
  }
}

/** GET `url` taking gzip, to the last byte of the answer as sent (not decompressed); throws unless 200. */
function rawBytes(url: string, token: string): Promise<{ bytes: number }> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { headers: { authorization: `Bearer ${token}`, 'accept-encoding': 'gzip' } }, (response) => {
      let bytes = 0;
      response.on('data', (chunk: Buffer) => (bytes += chunk.length));
      response.on('end', () => (response.statusCode === 200 ? resolve({ bytes }) : reject(new Error(`GET ${url}: ${response.statusCode}`))));
      response.on('error', reject);
    });
    request.on('error', reject);
  });
}

/** Wall time and this process's CPU time (server and client share it). */
async function timedCpu<T>(f: () => Promise<T>): Promise<{ value: T; ms: number; cpuMs: number }> {
  const cpu = process.cpuUsage();
  const r = await timed(f);
  const used = process.cpuUsage(cpu);
  return { ...r, cpuMs: (used.user + used.system) / 1000 };
}

async function timed<T>(f: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await f();
  return { value, ms: performance.now() - started };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const fmtRuns = (values: number[]) => `${values.map((v) => `${Math.round(v)} ms`).join(', ')} (median ${Math.round(median(values))} ms)`;

runMain(main);
