/**
 * Reads a V8 `.cpuprofile` (`node --cpu-prof`) and lists where the time went: self time per
 * function (with its file and line) and per file, as percentages of the sampled time.
 */
import { readFile } from 'node:fs/promises';
import { root } from './server.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

/** The `top` hottest functions by self time, then the hottest files, as printable lines. */
export async function summariseProfile(file: string, top = 25): Promise<string[]> {
  const profile = JSON.parse(await readFile(file, 'utf8')) as { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
  const selfMs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000));
  const byFunction = new Map<string, number>();
  const byFile = new Map<string, number>();
  let total = 0;
  for (const node of profile.nodes) {
    const t = selfMs.get(node.id) ?? 0;
    total += t;
    const where = shorten(node.callFrame.url);
    const name = `${node.callFrame.functionName || '(anonymous)'} ${where}${where ? `:${node.callFrame.lineNumber + 1}` : ''}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + t);
    const fileKey = where || node.callFrame.functionName;
    byFile.set(fileKey, (byFile.get(fileKey) ?? 0) + t);
  }
  const busy = total - (byFunction.get('(idle) ') ?? 0);
  const lines = [`sampled ${(total / 1000).toFixed(1)} s, busy (not idle) ${(busy / 1000).toFixed(1)} s; % of busy time, self:`];
  const list = (map: Map<string, number>, n: number) =>
    [...map]
      .filter(([k]) => !k.startsWith('(idle)'))
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, v]) => `${((100 * v) / busy).toFixed(1).padStart(5)} %  ${k}`);
  lines.push('by function:', ...list(byFunction, top), 'by file:', ...list(byFile, 15));
  return lines;
}

function shorten(url: string): string {
  return url.replace(/^file:\/\//, '').replace(`${root}/`, '').replace(/^.*node_modules\//, 'nm/');
}

/**
 * Profiles `f` in this process with the inspector (V8 sampling profiler) and returns its result
 * and the summary lines of `summariseProfile`.
 */
export async function profileInProcess<T>(f: () => Promise<T>, top = 20): Promise<{ value: T; lines: string[] }> {
  const { Session } = await import('node:inspector/promises');
  const { writeFile, mkdtemp } = await import('node:fs/promises');
  const os = await import('node:os');
  const path = await import('node:path');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 500 });
  await session.post('Profiler.start');
  let value: T;
  let profile: unknown;
  try {
    value = await f();
  } finally {
    profile = ((await session.post('Profiler.stop')) as { profile: unknown }).profile;
    session.disconnect();
  }
  const file = path.join(await mkdtemp(path.join(os.tmpdir(), 'draftroom-prof-')), 'in-process.cpuprofile');
  await writeFile(file, JSON.stringify(profile));
  return { value, lines: [...(await summariseProfile(file, top)), `(profile: ${file})`] };
}
