/**
 * The bulk import of a unit tree with its members (API.md `POST /api/v1/import`): one
 * transaction, set-based statements (a province is ≈600 units and ≈80,000 members), idempotent
 * on re-import: units are matched by their key, members by login; nothing is duplicated, and
 * activation codes already handed out stay valid.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '../db/connect.js';
import { membersHoldingValidCodes } from '../db/activation-codes.repository.js';
import {
  importKeys,
  insertImportedUnits,
  lockImports,
  moveSubtree,
  unitsByImportKey,
  updateImportedUnit,
  upsertMembersByLogin,
  upsertMemberships,
} from '../db/import.repository.js';
import { planImport, type ImportMember, type ImportUnit } from '../domain/import-plan.js';
import { mayDoGlobal, type Actor } from '../domain/permissions.js';
import { forbidden, invalid } from '../errors.js';
import type { AccessEvents } from './access-events.js';
import { normaliseLogin } from './auth.service.js';
import type { Clock } from './clock.js';
import { issueActivationCodes } from './activations.js';
import { hashPassword } from './secrets.js';
import { readSheetRows } from './sheet-reader.js';
import { readImportSheet } from '../domain/import-sheet.js';
import type { ImportResult, ImportSheetResult as SheetImport } from '../http/schemas/import.js';

interface UnitState {
  id: string;
  path: string[];
  parentId: string | null;
}

/** Rows of each kind sent back for the preview. */
const previewRows = 500;

export class ImportService {
  /**
   * A spreadsheet (CSV or XLSX) checked row by row; unless `dryRun`, or when any row has a
   * problem, imported as `importTree` does. Admin only.
   */
  async importSheet(actor: Actor, input: { filename: string; data: Buffer; dryRun: boolean }): Promise<SheetImport> {
    if (!mayDoGlobal(actor, 'import')) throw forbidden('only an administrator can import');
    const rows = await readSheetRows(input.filename, input.data);
    // Every imported unit's key (a province is ≈600): rows may refer to units imported before.
    const preview = readImportSheet(rows, await importKeys(this.db), normaliseLogin);
    const imported =
      input.dryRun || preview.problems.length > 0
        ? null
        : await this.importTree(actor, { units: preview.units.map(({ row: _row, ...u }) => u), members: preview.members.map(({ row: _row, ...m }) => m) });
    return {
      units: preview.units.slice(0, previewRows),
      members: preview.members.slice(0, previewRows),
      counts: { units: preview.units.length, members: preview.members.length },
      problems: preview.problems,
      imported,
    };
  }

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
      await lockImports(tx);
      const byKey = new Map<string, UnitState>(
        [...(await unitsByImportKey(tx, referenced))].map(([key, u]) => [key, { id: u.id, path: [...u.path], parentId: u.parentId }]),
      );
      const plan = planImport(input, new Set(byKey.keys()), normaliseLogin);

      const units = { created: 0, updated: 0 };
      const fresh: Array<{ id: string; name: string; level: string; parent: string | null; path: string[]; key: string }> = [];
      for (const unit of plan.units) {
        const parent = unit.parentKey === null ? undefined : byKey.get(unit.parentKey)!;
        const known = byKey.get(unit.key);
        const id = known?.id ?? randomUUID();
        const path = [...(parent?.path ?? []), id];
        if (!known) {
          fresh.push({ id, name: unit.name.normalize('NFC'), level: unit.level, parent: parent?.id ?? null, path, key: unit.key });
          units.created++;
        } else {
          // The file alone cannot show a cycle through units already in the database.
          if (parent?.path.includes(id)) {
            throw invalid(`the import has 1 problem(s): unit "${unit.key}" cannot move under "${unit.parentKey}", which is inside its own subtree`);
          }
          const moved = known.parentId !== (parent?.id ?? null);
          await updateImportedUnit(tx, id, { name: unit.name.normalize('NFC'), level: unit.level, parentId: parent?.id ?? null });
          if (moved) {
            // Re-root the whole subtree under the new parent's path.
            await moveSubtree(tx, known.path, path);
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
      await insertImportedUnits(tx, fresh);

      const logins = [...plan.members.keys()];
      const upserted = await upsertMembersByLogin(
        tx,
        logins.map((login) => ({ login, displayName: plan.members.get(login)!.displayName, passwordHash: passwordHashes.get(login) ?? null })),
      );
      const memberIds = new Map(upserted.map((r) => [r.login, r.id]));

      const roles = [...plan.roles.values()];
      await upsertMemberships(tx, roles.map((r) => ({ unitId: byKey.get(r.unitKey)!.id, memberId: memberIds.get(r.login)!, role: r.role })));

      // Members who have never set a password need a one-time code. Codes already handed out stay
      // valid until they expire (letters may be in the post): only new members and those whose
      // code expired get one. POST /units/:id/activations reissues on purpose.
      const pending = upserted.filter((r) => r.pending);
      const holding = await membersHoldingValidCodes(tx, pending.map((r) => r.id), this.clock.now());
      const activations = await issueActivationCodes(tx, pending.filter((r) => !holding.has(r.id)), this.clock.now());

      const created = upserted.filter((r) => r.inserted).length;
      return {
        units,
        members: { created, updated: upserted.length - created },
        memberships: roles.length,
        activations,
        updatedMemberIds: upserted.filter((r) => !r.inserted).map((r) => r.id),
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

