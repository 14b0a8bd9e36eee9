/**
 * A draftroom server for benchmarks that need collab limits other than the defaults (a writer
 * replaying a trace as fast as flow control allows exceeds the 300 messages/s per connection).
 * Same as server/main.ts minus bootstrap: `buildApp` on DATABASE_URL, with BENCH_COLLAB (JSON of
 * CollabOptions overrides), listening on PORT. SIGTERM drains (app.close) and exits 0.
 * BENCH_IN_THREAD=1 makes every version read and every live read and server edit take the
 * in-thread path small documents take, whatever the size (the "before" of bench:big-writes).
 *
 *   DATABASE_URL=… PORT=… BENCH_COLLAB='{"messagesPerSecond":100000}' node --import tsx bench/support/collab-process.ts
 */
import { buildApp } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { connectDatabase } from '../../server/db/connect.js';

async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.databaseUrl) throw new Error('DATABASE_URL is required');
  const database = connectDatabase(config.databaseUrl, { max: 20 });
  const collab = process.env.BENCH_COLLAB ? (JSON.parse(process.env.BENCH_COLLAB) as Record<string, number>) : {};
  const app = await buildApp({
    config,
    db: database.db,
    collab,
    loginLimits: { perLogin: 10_000, perAddress: 100_000, windowSeconds: 60 },
  });
  if (process.env.BENCH_IN_THREAD === '1') {
    app.services.versions.onWorkerFrom = Number.POSITIVE_INFINITY;
    app.collab.observe({ loaded: (room) => (room.readOnWorkerFrom = Number.POSITIVE_INFINITY), committed: () => undefined });
  }
  const stop = async () => {
    await app.close();
    await database.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
  await app.listen({ port: config.port, host: '127.0.0.1' });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
