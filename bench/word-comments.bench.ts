/**
 * `npm run bench:word-comments` (issue 13): a member's Word file with 200 comments (and 20 tracked
 * replacements) on a 100-page draft, ingested by `POST /api/v1/rounds/:id/imports`: each comment
 * found in the round's base version by quote and context and written as the member's annotation.
 * The file is the draft's text as Word would hold it (one paragraph per line) with comment ranges
 * and `w:del`/`w:ins` runs, made with the `docx` writer. Prints the first ingest (every annotation
 * created) and a replay of the same file (nothing created). Goal: ≤ 1 s for 200 comments.
 * Server in this process (buildApp + listen), PostgreSQL embedded in a temp dir unless DATABASE_URL.
 */
import { openBenchDatabase, type BenchDatabase } from './support/database.js';
import { repeatedReport } from './support/draft-text.js';
import { int, ms, numberArg, printHeader } from './support/env.js';
import { runMain } from './support/run.js';
import { startInProcess, type RunningServer } from './support/server.js';
import { login, seedWorkspace } from './support/workspace.js';
import { ApiClient } from '../test/helpers/api-client.js';
import { memberFile, type Piece } from '../test/helpers/word-review-files.js';

const comments = numberArg('comments', 200);
const changes = numberArg('changes', 20);

async function main(): Promise<void> {
  printHeader('bench:word-comments', 'a member’s Word file with comments and tracked changes ingested as annotations (issue 13)');
  let database: BenchDatabase | undefined;
  let server: RunningServer | undefined;
  try {
    database = await openBenchDatabase('word-comments');
    const workspace = await seedWorkspace(database.db, { writers: 1, readers: 1 });
    server = await startInProcess(database.db, database.url);
    const drafter = new ApiClient(server.baseUrl, await login(server.baseUrl, workspace.writers[0]!));
    const member = new ApiClient(server.baseUrl, await login(server.baseUrl, workspace.readers[0]!));
    const created = await drafter.createDocument({ unitId: workspace.unit.id, title: 'Dự thảo 100 trang', content: { format: 'markdown', value: repeatedReport(300_000) } });
    const round = await drafter.openRound(created.id, { closesAt: new Date(Date.now() + 3_600_000).toISOString() });
    const { text } = await drafter.content(created.id, round.baseVersion);

    // The member's copy: every paragraph of the base text; marks on every k-th long paragraph.
    const lines = text.split('\n').filter((line) => line.length > 0);
    const long = lines.map((line, i) => ({ line, i })).filter(({ line }) => line.length >= 80);
    const every = Math.max(1, Math.floor(long.length / (comments + changes)));
    const marked = new Map<number, Piece[]>();
    long.slice(0, (comments + changes) * every).forEach(({ line, i }, k) => {
      if (k % every !== 0) return;
      const n = k / every;
      const [from, to] = [20, 60];
      if (n < comments) marked.set(i, [line.slice(0, from), { comment: `Ý kiến số ${n + 1}: đề nghị làm rõ đoạn này`, on: line.slice(from, to) }, line.slice(to)]);
      else marked.set(i, [line.slice(0, from), { del: line.slice(from, from + 6) }, { ins: 'thay thế' }, line.slice(from + 6)]);
    });
    const file = await memberFile(lines.map((line, i) => marked.get(i) ?? [line]));
    const body = { filename: 'gop-y.docx', dataBase64: file.toString('base64') };
    console.log(`document: base text ${int(text.length)} chars, ${int(lines.length)} paragraphs; file ${int(file.length)} bytes with ${comments} comments and ${changes} tracked replacements`);

    const post = async (expect: 200 | 201) => {
      const started = performance.now();
      const result = await member.json<{ created: unknown[]; unplaced: number }>('POST', `/api/v1/rounds/${round.id}/imports`, body, expect);
      return { ms: performance.now() - started, ...result };
    };
    const first = await post(201);
    console.log(`first ingest: ${ms(first.ms)} — ${first.created.length} annotations created, ${first.unplaced} unplaced; goal ≤ 1 s for 200 comments: ${first.ms <= 1000 ? 'met' : 'MISSED'}`);
    const replay = await post(200);
    console.log(`same file again: ${ms(replay.ms)} — ${replay.created.length} created`);
  } finally {
    await server?.stop();
    await database?.close();
  }
}

runMain(main);
