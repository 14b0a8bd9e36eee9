// Compiles the server and the migrations to dist/ (tsconfig.build.json), copies the files the
// server reads beside its code, and stamps the build. With --if-needed (what `npm start` runs)
// it does nothing unless a source is newer than the last build, so a restart costs nothing and a
// start after `git pull` never runs stale code. Plain Node: it runs before anything is built.
import { spawnSync } from 'node:child_process';
import { cpSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const stamp = path.join(root, 'dist', '.built');

function newest(target) {
  const stat = statSync(target, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs;
  for (const entry of readdirSync(target)) latest = Math.max(latest, newest(path.join(target, entry)));
  return latest;
}

if (process.argv.includes('--if-needed')) {
  const builtAt = statSync(stamp, { throwIfNoEntry: false })?.mtimeMs ?? 0;
  const sources = ['server', 'migrations', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json'];
  if (builtAt >= Math.max(...sources.map((s) => newest(path.join(root, s))))) process.exit(0);
  console.error(builtAt === 0 ? 'building the server (first start)…' : 'sources changed: rebuilding the server…');
}

// The stamp carries the time the build began: a source saved while tsc ran is newer, so rebuilt next time.
const began = new Date();
const tsc = spawnSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
if (tsc.status !== 0) process.exit(tsc.status ?? 1);
rmSync(path.join(root, 'dist/server/demo'), { recursive: true, force: true });
cpSync(path.join(root, 'server/demo'), path.join(root, 'dist/server/demo'), { recursive: true });
writeFileSync(stamp, `${began.toISOString()}\n`);
utimesSync(stamp, began, began);
