/**
 * Frozen versions, for anchoring annotations into a round's base and re-anchoring into any
 * version (version-reads.ts says what is computed). A small version is built as a Y.Doc here and
 * kept (a small LRU). A big one (its state `onWorkerFrom` bytes or more) is never built on the
 * event loop: it is read on the version worker thread (version-worker.ts), which keeps the
 * versions it built, bounded by encoded bytes, so a write on a big round costs the event loop a
 * message, not seconds. Versions never change, so every cache here is always correct; what is
 * remembered per version (its size, state vector and recent placements) is small and bounded.
 */
import { createHash } from 'node:crypto';
import { Piscina } from 'piscina';
import type { Db } from '../db/connect.js';
import { findVersionState, findVersionStateBytes, findVersionStateInChunks } from '../db/versions.repository.js';
import type { BaseVersion, Reanchored } from '../domain/anchoring.js';
import { notFound } from '../errors.js';
import type { ScopedAnchorInput } from './annotation-input.js';
import { lruCache, type Cache } from './cache.js';
import { systemClock } from './clock.js';
import { placementGroupsKey, type DocumentContent, type PlacementGroup } from './live-reads.js';
import { readVersion, versionOf, type AnchorOutcome, type VersionRead, type VersionReadResult } from './version-reads.js';
import type { VersionAnswer, VersionTask } from './version-worker.js';

/**
 * Versions of this many bytes of state or more are read on the worker: building one as a Y.Doc
 * takes about 0.1 s per MiB of the event loop (the live room's IN_PLACE_DOC_BYTES, same reason).
 */
export const VERSION_ON_WORKER_BYTES = 1024 * 1024;

/** Encoded bytes of big versions the worker keeps built (about two 16 MiB versions: a round's base and the one before). */
const WORKER_KEEP_BYTES = 40 * 1024 * 1024;

// Source (tsx, vitest) or compiled JavaScript: the worker sits beside this module either way.
const here = import.meta.url;

export class VersionDocs {
  /** Versions with states this big or bigger are read on the worker (tests move it to compare both paths). */
  onWorkerFrom = VERSION_ON_WORKER_BYTES;
  /** Versions built as a Y.Doc on this thread so far (tests: a big one never is). */
  builtHere = 0;
  // Evicted entries are dropped, not destroyed: a request may still be reading one.
  private readonly docs;
  private readonly sizes;
  private readonly stateVectors;
  private readonly placed;
  private readonly loadingStates = new Map<string, Promise<Uint8Array>>();
  private pool: Piscina | undefined;

  constructor(
    private readonly db: Db,
    capacity = 16,
  ) {
    this.docs = lruCache<string, Promise<BaseVersion>>(systemClock, { max: capacity });
    this.sizes = lruCache<string, Promise<number>>(systemClock, { max: 1024 });
    this.stateVectors = lruCache<string, Promise<Uint8Array>>(systemClock, { max: 256 });
    this.placed = lruCache<string, Promise<unknown>>(systemClock, { max: 32 });
  }

  /**
   * The stored anchor of each input in version `number` (annotation-input.ts `scopedAnchor`), in
   * order; a refused input is an outcome (anchorOrThrow throws it). 404 when the version does not exist.
   */
  anchors(documentId: string, number: number, inputs: ScopedAnchorInput[]): Promise<AnchorOutcome[]> {
    return this.read(documentId, number, { kind: 'anchors', inputs });
  }

  /**
   * Anchors re-anchored into version `number`, per group (anchors made on one base version, with
   * that version's state vector), offsets of its NFC text. For a big version the same groups
   * again are answered from memory (the reads of a round's page repeat them).
   */
  placements(documentId: string, number: number, groups: PlacementGroup[]): Promise<Reanchored[][]> {
    return this.read(documentId, number, { kind: 'placements', groups }, (key) => `${key}:${placementsKey(groups)}`);
  }

  /** The version's NFC text and sections, as its projection gives them. */
  content(documentId: string, number: number): Promise<DocumentContent> {
    return this.read(documentId, number, { kind: 'content' });
  }

  /** The state vector (`Y.encodeStateVector`) of version `number`: what re-anchoring needs of a round's base. */
  stateVector(documentId: string, number: number): Promise<Uint8Array> {
    return this.remembered(this.stateVectors, `${documentId}:${number}`, () => this.read(documentId, number, { kind: 'stateVector' }));
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    await pool?.destroy();
  }

  /**
   * What `read` computes on version `number`: here for a small version, on the worker for a big
   * one — remembered under `remember(key)` when given (placements only).
   */
  private async read<R extends VersionRead>(documentId: string, number: number, read: R, remember?: (key: string) => string): Promise<VersionReadResult<R>> {
    const key = `${documentId}:${number}`;
    const bytes = await this.remembered(this.sizes, key, async () => {
      const found = await findVersionStateBytes(this.db, documentId, number);
      if (found === undefined) throw notFound(`version ${number}`);
      return found;
    });
    if (bytes < this.onWorkerFrom) return readVersion(await this.builtHereFor(key, documentId, number), read);
    if (remember) return this.remembered(this.placed, remember(key), () => this.onWorker(key, documentId, number, bytes, read)) as Promise<VersionReadResult<R>>;
    return this.onWorker(key, documentId, number, bytes, read);
  }

  private async onWorker<R extends VersionRead>(key: string, documentId: string, number: number, bytes: number, read: R): Promise<VersionReadResult<R>> {
    const pool = (this.pool ??= new Piscina({
      filename: new URL(here.endsWith('.ts') ? './version-worker.ts' : './version-worker.js', here).href,
      minThreads: 0,
      // One thread: it keeps the versions it built, so every read of a version goes where it is.
      maxThreads: 1,
      // Its versions are let go when no one has written or read one for a while.
      idleTimeout: 5 * 60_000,
      execArgv: here.endsWith('.ts') ? ['--import', 'tsx'] : [],
    }));
    const task: VersionTask = { key, keepBytes: WORKER_KEEP_BYTES, read };
    let answer = (await pool.run(task)) as VersionAnswer;
    for (let attempt = 0; 'missing' in answer && attempt < 3; attempt++) {
      const state = await this.stateOf(key, documentId, number, bytes);
      // Moved, not copied, to the worker (16 MiB cloned on the event loop is tens of ms). Concurrent
      // readers share one read: a state already moved by one of them reached the thread ahead of this task.
      answer = (await (state.byteLength === 0 && bytes > 0 ? pool.run(task) : pool.run({ ...task, state }, { transferList: [state.buffer as ArrayBuffer] }))) as VersionAnswer;
    }
    if ('missing' in answer) throw new Error(`version ${key} was not kept by the worker`);
    return answer.result as VersionReadResult<R>;
  }

  /** A small version's Y.Doc, built here once while cached. */
  private builtHereFor(key: string, documentId: string, number: number): Promise<BaseVersion> {
    return this.remembered(this.docs, key, async () => {
      const state = await this.stateOf(key, documentId, number);
      this.builtHere++;
      return versionOf(state);
    });
  }

  /**
   * The version's stored state; concurrent askers share one read. A big one (`bytes` given) is
   * read in pieces, so the driver never parses 16 MiB at once on the event loop.
   */
  private stateOf(key: string, documentId: string, number: number, bytes?: number): Promise<Uint8Array> {
    const loading = this.loadingStates.get(key);
    if (loading) return loading;
    const read = bytes === undefined ? findVersionState(this.db, documentId, number) : findVersionStateInChunks(this.db, documentId, number, bytes);
    const reading = read.then((state) => {
      if (!state) throw notFound(`version ${number}`);
      return state;
    });
    this.loadingStates.set(key, reading);
    const forget = () => this.loadingStates.delete(key);
    reading.then(forget, forget);
    return reading;
  }

  /** `compute()` remembered in `cache` under `key` (concurrent askers share it; a failure is not remembered). */
  private remembered<T>(cache: Cache<string, Promise<T>>, key: string, compute: () => Promise<T>): Promise<T> {
    const hit = cache.get(key);
    if (hit) return hit;
    const computing = compute();
    cache.set(key, computing);
    computing.catch(() => cache.delete(key));
    return computing;
  }
}

/** A short key for a set of placement groups (their anchors can be many). */
function placementsKey(groups: readonly PlacementGroup[]): string {
  return createHash('sha256').update(placementGroupsKey(groups)).digest('base64url');
}
