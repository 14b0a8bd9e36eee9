/**
 * The one cache of the services: `lru-cache` (least recently used out past `max` entries) with an
 * optional time to live measured on the injected clock, so a test that moves the clock expires
 * entries too. Used for checked sessions, frozen versions, computed clusters and visible rounds.
 */
import { LRUCache } from 'lru-cache';
import type { Clock } from './clock.js';

/** Anything but null and undefined (what lru-cache stores). */
type Key = NonNullable<unknown>;

export type Cache<K extends Key, V extends Key> = LRUCache<K, V>;

export interface CacheOptions<K extends Key, V extends Key> {
  /** Entries kept; the least recently used goes first. */
  max: number;
  /** Time to live in ms on `clock` (unset: until evicted or deleted). */
  ttlMs?: number;
  /** Called when an entry leaves by eviction, expiry, deletion or replacement. */
  dispose?: (value: V, key: K) => void;
}

export function lruCache<K extends Key, V extends Key>(clock: Clock, options: CacheOptions<K, V>): Cache<K, V> {
  return new LRUCache<K, V>({
    max: options.max,
    ...(options.ttlMs !== undefined ? { ttl: Math.max(1, options.ttlMs), ttlResolution: 0 } : {}),
    ...(options.dispose ? { dispose: (value: V, key: K) => options.dispose!(value, key) } : {}),
    perf: { now: () => clock.now().getTime() },
  });
}
