import { MAX_CLIENT_IDS_PER_CONNECTION } from './constants.js';
import { awarenessRemoval, type AwarenessEntry } from './awareness.js';

/**
 * Which awareness client ids one connection owns, and the last clock seen for each.
 *
 * A connection owns the ids it first announced: an id is claimed the first time the connection
 * sends a *present* (non-null) state for it, provided it owns fewer than `maxIds` ids and the room's
 * `isClaimable(id)` agrees. The room must answer false for ids another live connection owns, and
 * should also for ids removed recently: the stock provider echoes other clients' entries back, so
 * without that check a connection could claim an id it merely echoed (e.g. a peer's state that
 * crossed that peer's disconnect). Removal entries never claim, so echoed removals are harmless.
 *
 * Invariant: ids are only ever added, never transferred; `has` is what `stampAwareness` trusts.
 */
export class ClientIdOwnership {
  readonly #clocks = new Map<number, number>();

  constructor(readonly maxIds: number = MAX_CLIENT_IDS_PER_CONNECTION) {}

  has(clientId: number): boolean {
    return this.#clocks.has(clientId);
  }

  /** Owned ids with the highest clock seen for each. */
  get clocks(): ReadonlyMap<number, number> {
    return this.#clocks;
  }

  get size(): number {
    return this.#clocks.size;
  }

  /**
   * Claims new ids from `entries` (rules above) and records clocks of owned ones.
   * Returns the ids newly claimed by this call.
   */
  observe(
    entries: readonly AwarenessEntry[],
    isClaimable: (clientId: number) => boolean = () => true,
  ): number[] {
    const claimed: number[] = [];
    for (const { clientId, clock, state } of entries) {
      const known = this.#clocks.get(clientId);
      if (known !== undefined) {
        if (clock > known) this.#clocks.set(clientId, clock);
      } else if (state !== null && this.#clocks.size < this.maxIds && isClaimable(clientId)) {
        this.#clocks.set(clientId, clock);
        claimed.push(clientId);
      }
    }
    return claimed;
  }

  /** The awareness update announcing all owned ids as gone, or null if none: send on close. */
  removal(): Uint8Array | null {
    return this.#clocks.size === 0 ? null : awarenessRemoval(this.#clocks.keys(), this.#clocks);
  }
}
