/**
 * A closed-loop HTTP load generator: `clients` concurrent loops, each sending its next request as
 * soon as the previous answer was read, over keep-alive connections (global fetch: undici's
 * default agent keeps one connection per concurrent request alive). Counts answers with the
 * expected status, everything else as an error (with the first few bodies kept for the report).
 */
import { Samples } from './env.js';

export interface LoadResult {
  seconds: number;
  ok: number;
  errors: number;
  perSecond: number;
  latency: { p50: number; p99: number; max: number };
  /** Status (or error name) → count, for the unexpected ones. */
  failures: Map<string, number>;
  firstFailures: string[];
}

export interface LoadRequest {
  url: string;
  method: string;
  headers?: Record<string, string>;
  body?: string;
  expect: number;
}

/**
 * Runs `clients` loops for `seconds`; `next(client, i)` makes the request of client `client`'s
 * `i`-th iteration.
 */
export async function closedLoop(clients: number, seconds: number, next: (client: number, i: number) => LoadRequest): Promise<LoadResult> {
  const samples = new Samples();
  const failures = new Map<string, number>();
  const firstFailures: string[] = [];
  let ok = 0;
  let errors = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const fail = (key: string, detail: string) => {
    errors++;
    failures.set(key, (failures.get(key) ?? 0) + 1);
    if (firstFailures.length < 5) firstFailures.push(detail);
  };
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      for (let i = 0; performance.now() < deadline; i++) {
        const request = next(client, i);
        const sent = performance.now();
        try {
          const response = await fetch(request.url, {
            method: request.method,
            ...(request.headers ? { headers: request.headers } : {}),
            ...(request.body !== undefined ? { body: request.body } : {}),
          });
          const text = await response.text();
          samples.add(performance.now() - sent);
          if (response.status === request.expect) ok++;
          else fail(String(response.status), `${response.status} ${text.slice(0, 300)}`);
        } catch (error) {
          samples.add(performance.now() - sent);
          const e = error as Error & { cause?: { code?: string } };
          fail(e.cause?.code ?? e.name, String(e.cause ?? e));
        }
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const { p50, p99, max } = samples.summary();
  return { seconds: elapsed, ok, errors, perSecond: ok / elapsed, latency: { p50, p99, max }, failures, firstFailures };
}
