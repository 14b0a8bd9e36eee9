/**
 * The bulk import of a unit tree with its members (API.md `POST /api/v1/import`): one
 * transaction, set-based statements (a province is ≈600 units and ≈80,000 members), idempotent
 * on re-import: units are matched by their key, members by login; nothing is duplicated.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../db/connect.js';
import { planImport, type ImportMember, type ImportUnit } from '../domain/import-plan.js';
import { mayDoGlobal, type Actor } from '../domain/permissions.js';
import { formatPath, parsePath } from '../domain/unit-path.js';
import { forbidden, invalid } from '../errors.js';
import type { AccessEvents } from './access-events.js';
import { normaliseLogin } from './auth.service.js';
import type { Clock } from './clock.js';
import { hashPassword, newActivationCode, normaliseActivationCode, sha256 } from './secrets.js';

export interface ImportResult {
  units: { created: number; updated: number };
  members: { created: number; updated: number };
  memberships: number;
  activations: Array<{ login: string; code: string }>;
}

const activationTtlMs = 30 * 24 * 3600 * 1000;

interface UnitState {
  id: string;
  path: string[];
  parentId: string | null;
}

export class ImportService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly access: AccessEvents,
  ) {}

  async importTree(actor: Actor, input: { units: ImportUnit[]; members: ImportMember[] }): Promise<ImportResult> {
    if (!mayDoGlobal(actor, 'import')) throw forbidden('only an administrator can import');
    const referenced = [
      ...new Set([
        ...input.units.flatMap((u) => (u.parentKey === null ? [u.key] : [u.key, u.parentKey])),
        ...input.members.map((m) => m.unitKey),
      ]),
    ];

    // Hash passwords before the transaction: argon2 is slow on purpose and must not hold locks.
    const passwordHashes = new Map<string, string>();
    const withPassword = input.members.filter((m) => m.password !== undefined);
    await forEachLimited(withPassword, 4, async (m) => {
      passwordHashes.set(normaliseLogin(m.login), await hashPassword(m.password!));
    });

    const result = await this.db.transaction().execute(async (tx) => {
      // Serialise imports: two at once could both create the same new key.
      await sql`select pg_advisory_xact_lock(hashtext('draftroom.import'))`.execute(tx);
      const existing = await tx
        .selectFrom('units')
        .select(['id', 'import_key', 'parent_id', sql<string>`path::text`.as('path')])
        .where('import_key', 'in', referenced.length > 0 ? referenced : [''])
        .execute();
      const byKey = new Map<string, UnitState>(
        existing.map((u) => [u.import_key!, { id: u.id, path: [...parsePath(u.path)], parentId: u.parent_id }]),
      );
      const plan = planImport(input, new Set(byKey.keys()), normaliseLogin);

      const units = { created: 0, updated: 0 };
      const fresh: Array<{ id: string; name: string; level: string; parent: string | null; path: string; key: string }> = [];
      for (const unit of plan.units) {
        const parent = unit.parentKey === null ? undefined : byKey.get(unit.parentKey)!;
        const known = byKey.get(unit.key);
        const id = known?.id ?? randomUUID();
        const path = [...(parent?.path ?? []), id];
        if (!known) {
          fresh.push({ id, name: unit.name.normalize('NFC'), level: unit.level, parent: parent?.id ?? null, path: formatPath(path), key: unit.key });
          units.created++;
        } else {
          // The file alone cannot show a cycle through units already in the database.
          if (parent?.path.includes(id)) {
            throw invalid(`the import has 1 problem(s): unit "${unit.key}" cannot move under "${unit.parentKey}", which is inside its own subtree`);
          }
          const moved = known.parentId !== (parent?.id ?? null);
          await tx
            .updateTable('units')
            .set({ name: unit.name.normalize('NFC'), level: unit.level, parent_id: parent?.id ?? null })
            .where('id', '=', id)
            .execute();
          if (moved) {
            // Re-root the whole subtree under the new parent's path. subpath() refuses an offset
            // equal to the path's length, so the moved unit itself takes the new path directly.
            const oldPath = formatPath(known.path);
            await sql`update units set path = case when path = ${oldPath}::ltree then ${formatPath(path)}::ltree
                        else ${formatPath(path)}::ltree || subpath(path, nlevel(${oldPath}::ltree)) end
                      where path <@ ${oldPath}::ltree`.execute(tx);
            for (const state of byKey.values()) {
              if (state.path.length >= known.path.length && state.path[known.path.length - 1] === id) {
                state.path = [...path, ...state.path.slice(known.path.length)];
              }
            }
          }
          units.updated++;
        }
        byKey.set(unit.key, { id, path, parentId: parent?.id ?? null });
      }
      // Parents come first in `fresh`, so one statement satisfies the foreign key.
      if (fresh.length > 0) {
        await sql`insert into units (id, name, level, parent_id, path, import_key)
          select * from unnest(${fresh.map((u) => u.id)}::uuid[], ${fresh.map((u) => u.name)}::text[],
            ${fresh.map((u) => u.level)}::text[], ${fresh.map((u) => u.parent)}::uuid[],
            ${fresh.map((u) => u.path)}::ltree[], ${fresh.map((u) => u.key)}::text[])`.execute(tx);
      }

      const logins = [...plan.members.keys()];
      const upserted = await sql<{ id: string; login: string; inserted: boolean; pending: boolean }>`
        insert into members (login, display_name, password_hash, updated_at)
        select login, display_name, password_hash, now()
        from unnest(${logins}::text[], ${logins.map((l) => plan.members.get(l)!.displayName)}::text[],
                    ${logins.map((l) => passwordHashes.get(l) ?? null)}::text[]) as t(login, display_name, password_hash)
        on conflict (login) do update
          set display_name = excluded.display_name,
              password_hash = coalesce(excluded.password_hash, members.password_hash),
              updated_at = now()
        returning id, login, (xmax = 0) as inserted, password_hash is null as pending`.execute(tx);
      const memberIds = new Map(upserted.rows.map((r) => [r.login, r.id]));

      const roles = [...plan.roles.values()];
      if (roles.length > 0) {
        await sql`insert into memberships (unit_id, member_id, role)
          select * from unnest(${roles.map((r) => byKey.get(r.unitKey)!.id)}::uuid[],
                               ${roles.map((r) => memberIds.get(r.login)!)}::uuid[], ${roles.map((r) => r.role)}::text[])
          on conflict (unit_id, member_id) do update set role = excluded.role`.execute(tx);
      }

      // Members who have never set a password get a fresh one-time code with each import; it
      // replaces their earlier codes, so a re-import adds no rows and only the latest code works.
      const activations = upserted.rows.filter((r) => r.pending).map((r) => ({ login: r.login, id: r.id, code: newActivationCode() }));
      if (activations.length > 0) {
        await sql`delete from activation_codes where member_id = any(${activations.map((a) => a.id)}::uuid[])`.execute(tx);
        const expiresAt = new Date(this.clock.now().getTime() + activationTtlMs);
        await sql`insert into activation_codes (code_hash, member_id, expires_at)
          select hash, member_id, ${expiresAt} from unnest(
            ${activations.map((a) => sha256(normaliseActivationCode(a.code)))}::bytea[], ${activations.map((a) => a.id)}::uuid[]
          ) as t(hash, member_id)`.execute(tx);
      }

      const created = upserted.rows.filter((r) => r.inserted).length;
      return {
        units,
        members: { created, updated: upserted.rows.length - created },
        memberships: roles.length,
        activations: activations.map(({ login, code }) => ({ login, code })),
        updatedMemberIds: upserted.rows.filter((r) => !r.inserted).map((r) => r.id),
      };
    });

    // Roles of existing members may have changed: let live connections re-check.
    for (const id of result.updatedMemberIds) this.access.emit('membershipChanged', id);
    const { updatedMemberIds: _, ...publicResult } = result;
    return publicResult;
  }
}

async function forEachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

