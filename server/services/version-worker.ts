/**
 * Runs on the version worker thread (version-docs.ts): reads of big frozen versions
 * (version-reads.ts). The thread keeps the versions it built as Y.Docs, least recently used out
 * past `keepBytes` of encoded state (versions never change, so a kept one is always right): a
 * round's base is built once, not once per annotation written on it. A task for a version it does
 * not hold, sent without the state, answers `missing`; the caller sends it again with the state.
 */
import type { BaseVersion } from '../domain/anchoring.js';
import { readVersion, versionOf, type VersionRead, type VersionReadResult } from './version-reads.js';

export interface VersionTask {
  /** `documentId:number`. */
  key: string;
  /** The version's encoded state, when the caller was told it is missing here. */
  state?: Uint8Array;
  /** Encoded bytes of versions kept at most (the one read now is always kept). */
  keepBytes: number;
  read: VersionRead;
}

export type VersionAnswer = { missing: true } | { result: VersionReadResult<VersionRead> };

const kept = new Map<string, { version: BaseVersion; bytes: number }>();

export default function run(task: VersionTask): VersionAnswer {
  let entry = kept.get(task.key);
  if (entry) {
    // Most recently used last (a Map keeps insertion order).
    kept.delete(task.key);
    kept.set(task.key, entry);
  } else {
    if (!task.state) return { missing: true };
    entry = { version: versionOf(task.state), bytes: task.state.byteLength };
    kept.set(task.key, entry);
    let total = 0;
    for (const e of kept.values()) total += e.bytes;
    for (const [key, e] of kept) {
      if (total <= task.keepBytes || key === task.key) break;
      kept.delete(key);
      e.version.doc.destroy();
      total -= e.bytes;
    }
  }
  return { result: readVersion(entry.version, task.read) };
}
