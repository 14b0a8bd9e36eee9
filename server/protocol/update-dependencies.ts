import * as Y from 'yjs';

/** What a validated update would do to a document that knows `known(client)` clocks per client. */
export interface UpdateEffect {
  /**
   * Client ids with structs the document does not have yet: the clientIDs this update writes
   * (a resent or relayed struct the document already holds is not a write).
   */
  readonly writes: ReadonlySet<number>;
  /** Every client id the update carries structs of, new or already known. */
  readonly clients: ReadonlySet<number>;
  /** For each client in `writes`, the clock the document reaches once the update is applied. */
  readonly reaches: ReadonlyMap<number, number>;
  /** True when nothing would change: no new struct and no delete beyond what `isDeleted` says. */
  readonly empty: boolean;
  /**
   * Why the update could never apply completely to that document (Yjs would keep part of it as
   * pending structs or a pending delete set, waiting for changes the server does not have), or
   * null when it applies completely.
   */
  readonly missing: string | null;
}

/**
 * Works out, without touching any document, what `update` (a v1 update that passed
 * validateUpdate) would do to a document whose state vector is `known`: which clientIDs it
 * writes, whether it is empty, and whether part of it would wait for missing dependencies.
 *
 * It follows Y.applyUpdate's rules: a client's structs integrate in clock order from the
 * document's clock for that client (a gap, or a Skip over clocks the document lacks, waits); an
 * Item waits until its origin, right origin and parent (other clients' ids) are known; structs of
 * the update may satisfy each other, in any order (Yjs resolves them with a stack), so this
 * iterates to a fixed point. A delete range waits while it reaches past the known clock.
 * `isDeleted(client, clock, len)` tells whether the document already has that range deleted
 * (used only for `empty`).
 *
 * Cost: linear in the update's structs times the rounds of the fixed point (one per dependency
 * chain across clients, usually 1-2).
 */
export function updateEffect(
  update: Uint8Array,
  known: (client: number) => number,
  isDeleted: (client: number, clock: number, len: number) => boolean,
): UpdateEffect {
  const { structs, ds } = Y.decodeUpdate(update);
  const byClient = new Map<number, Array<Y.Item | Y.GC | Y.Skip>>();
  for (const struct of structs) {
    let list = byClient.get(struct.id.client);
    if (!list) byClient.set(struct.id.client, (list = []));
    list.push(struct);
  }
  for (const list of byClient.values()) list.sort((a, b) => a.id.clock - b.id.clock);
  const clock = new Map<number, number>();
  const state = (client: number) => clock.get(client) ?? known(client);
  const next = new Map<number, number>([...byClient.keys()].map((c) => [c, 0]));
  const writes = new Set<number>();
  const dependsOnKnown = (ref: Y.ID | null, self: number) => ref === null || ref.client === self || ref.clock < state(ref.client);

  for (let progress = true; progress; ) {
    progress = false;
    for (const [client, list] of byClient) {
      let i = next.get(client)!;
      for (; i < list.length; i++) {
        const struct = list[i]!;
        const end = struct.id.clock + struct.length;
        const have = state(client);
        if (end <= have) continue; // already known: a resend, nothing to integrate
        if (struct instanceof Y.Skip || struct.id.clock > have) break; // a gap: waits
        if (struct instanceof Y.Item) {
          const parent = struct.parent instanceof Y.ID ? struct.parent : null;
          if (!dependsOnKnown(struct.origin, client) || !dependsOnKnown(struct.rightOrigin, client) || !dependsOnKnown(parent, client)) break;
        }
        clock.set(client, end);
        writes.add(client);
        progress = true;
      }
      next.set(client, i);
    }
  }

  let missing: string | null = null;
  for (const [client, list] of byClient) {
    const stuck = list.slice(next.get(client)!).find((s) => !(s instanceof Y.Skip) && s.id.clock + s.length > state(client));
    if (stuck) {
      missing = `structs of client ${client} from clock ${stuck.id.clock} depend on changes the server does not have`;
      break;
    }
  }
  let deletes = false;
  for (const [client, ranges] of ds.clients) {
    for (const { clock: start, len } of ranges) {
      if (start + len > state(client)) missing ??= `deletes of client ${client} reach past clock ${state(client)}`;
      else if (!deletes && !isDeleted(client, start, len)) deletes = true;
    }
  }
  const clients = new Set([...byClient].filter(([, list]) => list.some((s) => !(s instanceof Y.Skip))).map(([client]) => client));
  return { writes, clients, reaches: clock, empty: writes.size === 0 && !deletes, missing };
}
