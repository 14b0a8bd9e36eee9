/**
 * CPU seconds of a process and its direct children (PostgreSQL: the postmaster and its backends),
 * from /proc (Linux). The postmaster's pid is the first line of `<dataDir>/pg/postmaster.pid`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

function stat(pid: number): { ppid: number; cpuSeconds: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(fields[1]), cpuSeconds: (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / 100 };
  } catch {
    return undefined;
  }
}

/** CPU seconds used so far by `root` and its children (exited children reaped by it included). */
export function treeCpuSeconds(root: number): number {
  let total = stat(root)?.cpuSeconds ?? 0;
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === root) continue;
    const s = stat(pid);
    if (s && s.ppid === root) total += s.cpuSeconds;
  }
  return total;
}

/** The postmaster pid of an embedded server started on `dataDir` (its data in `dataDir/pg`), or undefined. */
export function postmasterPid(dataDir: string | undefined): number | undefined {
  if (!dataDir) return undefined;
  try {
    return Number(readFileSync(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return undefined;
  }
}
