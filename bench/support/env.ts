/**
 * What every benchmark prints first (machine, Node, the exact command) and the small helpers
 * they share: argument parsing, percentiles, formatting.
 */
import os from 'node:os';

/** Prints the header: the benchmark, cores, Node version and the command to reproduce it. */
export function printHeader(name: string, what: string): void {
  const args = process.argv.slice(2);
  const command = `npm run ${name}${args.length > 0 ? ` -- ${args.join(' ')}` : ''}`;
  console.log(`${name} — ${what}`);
  console.log(
    `machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}, ` +
      `PostgreSQL: ${process.env.DATABASE_URL ? 'DATABASE_URL' : 'embedded (temp dir)'}`,
  );
  console.log(`command: ${command}`);
  // The machine may be shared: other processes' load skews every figure below.
  console.log(`load average at start: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} (1/5/15 min)`);
}

/** `--name value` or `--name=value` from argv, as a number; `fallback` when absent. */
export function numberArg(name: string, fallback: number): number {
  const raw = stringArg(name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number, got "${raw}"`);
  return value;
}

export function stringArg(name: string): string | undefined {
  const args = process.argv.slice(2);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === `--${name}`) return args[i + 1];
    if (arg.startsWith(`--${name}=`)) return arg.slice(name.length + 3);
  }
  return undefined;
}

/** A growable array of samples (milliseconds) with percentiles. */
export class Samples {
  private values = new Float64Array(1 << 16);
  length = 0;

  add(value: number): void {
    if (this.length === this.values.length) {
      const bigger = new Float64Array(this.values.length * 2);
      bigger.set(this.values);
      this.values = bigger;
    }
    this.values[this.length++] = value;
  }

  /** The samples so far, as a copy. */
  toArray(): Float64Array {
    return this.values.slice(0, this.length);
  }

  /** p50 / p99 / max (sorts a copy). */
  summary(): { p50: number; p99: number; max: number; count: number } {
    const sorted = this.values.slice(0, this.length).sort();
    const at = (q: number) => (sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!);
    return { p50: at(0.5), p99: at(0.99), max: sorted.length ? sorted[sorted.length - 1]! : NaN, count: sorted.length };
  }
}

export const ms = (value: number): string => (Number.isFinite(value) ? `${value.toFixed(value < 10 ? 2 : 1)} ms` : 'n/a');
export const int = (value: number): string => Math.round(value).toLocaleString('en-US');
export const sleep = (milliseconds: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, milliseconds));

/** Waits until `predicate` holds, polling every `everyMs`; throws `what` after `timeoutMs`. */
export async function waitFor(predicate: () => boolean, what: string, timeoutMs: number, everyMs = 5): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!predicate()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}
