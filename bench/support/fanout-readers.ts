/**
 * Read-only y-websocket clients for bench:fanout, in child processes: each holds a share of the
 * readers. In one process, 500 readers' frames of one broadcast are handled one after another
 * (≈ 18 µs each on the bench machine), so the last reader's latency was mostly the load
 * generator's own queue, for the relay and draftroom alike; spread over processes, what is
 * measured is the server. (Processes, not worker threads: Node 20 does not load TypeScript in a
 * worker through tsx.)
 *
 * Times cross processes as absolute times (`performance.timeOrigin + performance.now()`, ms). The
 * bench process posts every timed writer update as it is sent (writer, the clock it reaches, when);
 * each reader keeps when frames reached which clocks, and an update is credited at the first
 * frame of a reader that carries its clock (a merged broadcast credits every update it carries),
 * so latencies are per original update and per reader.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import * as Y from 'yjs';
import { Samples } from './env.js';
import { YwsClient } from './yws-client.js';

const now = (): number => performance.timeOrigin + performance.now();

interface ReaderInput {
  urls: string[];
  handshake: boolean;
  /** Yjs clientID of each writer, by writer index. */
  writerClients: number[];
}

type ToReaders = { kind: 'start'; input: ReaderInput } | { kind: 'sent'; writer: number; clock: number; at: number } | { kind: 'record'; on: boolean } | { kind: 'finish' } | { kind: 'close' };
type FromReaders =
  | { kind: 'ready' }
  | { kind: 'progress'; delivered: number }
  | { kind: 'finished'; latencies: Float64Array; delivered: number; frames: number; closed: number; cpuSeconds: number; loopP99: number; loopMax: number };

export interface ReaderProcessesResult {
  latency: ReturnType<Samples['summary']>;
  delivered: number;
  frames: number;
  closed: number;
  /** CPU seconds of the reader processes while recording, summed. */
  cpuSeconds: number;
  /** The reader processes' event-loop delay while recording (ms; the worst process). */
  loop: { p99: number; max: number };
}

/** Readers spread over `processes` child processes; `urls[i]` is reader i's address. */
export class ReaderProcesses {
  private readonly processes: ChildProcess[] = [];
  private readonly delivered: number[] = [];

  private constructor() {}

  static async start(urls: string[], options: { processes: number; handshake: boolean; writerClients: number[] }): Promise<ReaderProcesses> {
    const pool = new ReaderProcesses();
    const here = fileURLToPath(import.meta.url);
    const share = Math.ceil(urls.length / options.processes);
    await Promise.all(
      Array.from({ length: options.processes }, (_, t) => {
        const input: ReaderInput = { urls: urls.slice(t * share, (t + 1) * share), handshake: options.handshake, writerClients: options.writerClients };
        const child = fork(here, [], { execArgv: here.endsWith('.ts') ? ['--import', 'tsx'] : [], env: { ...process.env, FANOUT_READERS: '1' }, serialization: 'advanced', stdio: 'inherit' });
        child.send({ kind: 'start', input } satisfies ToReaders);
        pool.processes.push(child);
        pool.delivered.push(0);
        child.on('message', (message: FromReaders) => {
          if (message.kind === 'progress') pool.delivered[t] = message.delivered;
        });
        return new Promise<void>((resolve, reject) => {
          child.once('error', reject);
          child.once('exit', (code) => reject(new Error(`a reader process exited (code ${code}) before its readers were connected`)));
          const ready = (message: FromReaders) => {
            if (message.kind !== 'ready') return;
            child.off('message', ready);
            resolve();
          };
          child.on('message', ready);
        });
      }),
    );
    return pool;
  }

  /** Starts or stops crediting updates (the timed phase). */
  record(on: boolean): void {
    for (const w of this.processes) w.send({ kind: 'record', on } satisfies ToReaders);
  }

  /** A timed writer update was sent: `clock` is the writer's clock after it, `at` an absolute time (ms). */
  sent(writer: number, clock: number, at: number): void {
    for (const w of this.processes) w.send({ kind: 'sent', writer, clock, at } satisfies ToReaders);
  }

  /** Updates credited so far, over all readers (as last reported; each process reports every 100 ms). */
  get deliveredSoFar(): number {
    return this.delivered.reduce((a, b) => a + b, 0);
  }

  /** Every process's latencies, merged; frames counted since `record(true)`. */
  async finish(): Promise<ReaderProcessesResult> {
    const results = await Promise.all(
      this.processes.map(
        (w) =>
          new Promise<Extract<FromReaders, { kind: 'finished' }>>((resolve) => {
            const done = (message: FromReaders) => {
              if (message.kind !== 'finished') return;
              w.off('message', done);
              resolve(message);
            };
            w.on('message', done);
            w.send({ kind: 'finish' } satisfies ToReaders);
          }),
      ),
    );
    const latency = new Samples();
    for (const r of results) for (const value of r.latencies) latency.add(value);
    return {
      latency: latency.summary(),
      delivered: results.reduce((sum, r) => sum + r.delivered, 0),
      frames: results.reduce((sum, r) => sum + r.frames, 0),
      closed: results.reduce((sum, r) => sum + r.closed, 0),
      cpuSeconds: results.reduce((sum, r) => sum + r.cpuSeconds, 0),
      loop: { p99: Math.max(...results.map((r) => r.loopP99)), max: Math.max(...results.map((r) => r.loopMax)) },
    };
  }

  async close(): Promise<void> {
    await Promise.all(
      this.processes.map((w) => {
        w.send({ kind: 'close' } satisfies ToReaders);
        return new Promise<void>((resolve) => w.once('exit', () => resolve()));
      }),
    );
  }
}

async function readerProcess(input: ReaderInput): Promise<void> {
  const send = (message: FromReaders) => process.send!(message);
  const writers = input.writerClients.length;
  const writerIndex = new Map(input.writerClients.map((client, w) => [client, w]));
  const ends: number[][] = input.writerClients.map(() => []);
  const sentAt: number[][] = input.writerClients.map(() => []);
  let recording = false;
  let frames = 0;
  const loop = monitorEventLoopDelay({ resolution: 5 });
  let cpuStart = process.cpuUsage();
  // A frame's meta (writer → clock reached) is parsed once and shared by the readers of this process.
  const metaCache = new Map<string, Array<[number, number]>>();
  const metaOf = (update: Uint8Array, frame: Buffer): Array<[number, number]> => {
    const key = frame.toString('latin1');
    let meta = metaCache.get(key);
    if (!meta) {
      if (metaCache.size > 50_000) metaCache.clear();
      meta = [];
      for (const [client, clock] of Y.parseUpdateMeta(update).to) {
        const w = writerIndex.get(client);
        if (w !== undefined) meta.push([w, clock]);
      }
      metaCache.set(key, meta);
    }
    return meta;
  };
  // Per reader and writer: the clocks reached by the frames received while recording, and when.
  // Updates are credited from these afterwards, so a frame that overtakes the bench process's
  // "sent" message for its update is still credited at its own arrival time.
  interface Arrivals {
    clocks: number[][];
    at: number[][];
  }
  const arrivals: Arrivals[] = [];
  const readers: YwsClient[] = [];
  for (let r = 0; r < input.urls.length; r += 50) {
    const batch = input.urls.slice(r, r + 50).map((url) => {
      const mine: Arrivals = { clocks: input.writerClients.map(() => []), at: input.writerClients.map(() => []) };
      arrivals.push(mine);
      return new YwsClient(url, {
        handshake: input.handshake,
        onUpdate(update, frame) {
          if (!recording) return;
          frames++;
          const at = now();
          for (const [w, clock] of metaOf(update, frame)) {
            mine.clocks[w]!.push(clock);
            mine.at[w]!.push(at);
          }
        },
      });
    });
    await Promise.all(batch.map((c) => c.opened.then(() => c.synced)));
    readers.push(...batch);
  }
  /** Updates credited: per reader and writer, each sent update at the first frame reaching its clock. */
  const credit = (latency: Samples): number => {
    let delivered = 0;
    for (const mine of arrivals) {
      for (let w = 0; w < writers; w++) {
        const writerEnds = ends[w]!;
        const clocks = mine.clocks[w]!;
        const at = mine.at[w]!;
        let k = 0;
        for (let f = 0; f < clocks.length && k < writerEnds.length; f++) {
          while (k < writerEnds.length && writerEnds[k]! <= clocks[f]!) {
            latency.add(at[f]! - sentAt[w]![k]!);
            delivered++;
            k++;
          }
        }
      }
    }
    return delivered;
  };
  /** Updates credited so far, cheaply: per reader and writer, the sent updates at or below the last clock reached. */
  const creditedSoFar = (): number => {
    let delivered = 0;
    for (const mine of arrivals) {
      for (let w = 0; w < writers; w++) {
        const clocks = mine.clocks[w]!;
        if (clocks.length === 0) continue;
        const last = clocks[clocks.length - 1]!;
        const writerEnds = ends[w]!;
        let lo = 0;
        let hi = writerEnds.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (writerEnds[mid]! <= last) lo = mid + 1;
          else hi = mid;
        }
        delivered += lo;
      }
    }
    return delivered;
  };
  const progress = setInterval(() => send({ kind: 'progress', delivered: creditedSoFar() } satisfies FromReaders), 100);
  process.on('message', (message: ToReaders) => {
    if (message.kind === 'sent') {
      ends[message.writer]!.push(message.clock);
      sentAt[message.writer]!.push(message.at);
    } else if (message.kind === 'record') {
      recording = message.on;
      if (recording) {
        cpuStart = process.cpuUsage();
        loop.reset();
        loop.enable();
      }
    } else if (message.kind === 'finish') {
      recording = false;
      loop.disable();
      const cpu = process.cpuUsage(cpuStart);
      const latency = new Samples();
      const delivered = credit(latency);
      const latencies = latency.toArray();
      const closed = readers.filter((c) => c.closeCode !== undefined).length;
      send({ kind: 'finished', latencies, delivered, frames, closed, cpuSeconds: (cpu.user + cpu.system) / 1e6, loopP99: loop.percentile(99) / 1e6, loopMax: loop.max / 1e6 });
    } else if (message.kind === 'close') {
      clearInterval(progress);
      for (const c of readers) c.close();
      process.disconnect();
    }
  });
  send({ kind: 'ready' } satisfies FromReaders);
}

if (process.env.FANOUT_READERS === '1' && process.send) {
  process.once('message', (message: ToReaders) => {
    if (message.kind === 'start') void readerProcess(message.input);
  });
}
