/**
 * Runs the forward-only migrations in `migrations/` with Kysely's migrator. Migration files take
 * `Kysely<any>` and never import app code, so they stay as they were when written.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Migrator, type Kysely, type Migration, type MigrationProvider, type MigrationResultSet } from 'kysely';

import { migrationsDir } from '../paths.js';

export const migrationsFolder = migrationsDir;

/**
 * Kysely's FileMigrationProvider imports from inside node_modules, where neither tsx nor vitest
 * can load a `.ts` file; importing from here lets whichever loader runs us handle it.
 */
const folderProvider: MigrationProvider = {
  async getMigrations() {
    const migrations: Record<string, Migration> = {};
    for (const file of (await fs.readdir(migrationsFolder)).sort()) {
      const match = /^(\d+_[\w-]+)\.(ts|js)$/.exec(file);
      if (!match) continue;
      migrations[match[1]!] = (await import(pathToFileURL(path.join(migrationsFolder, file)).href)) as Migration;
    }
    return migrations;
  },
};

export function createMigrator(db: Kysely<any>): Migrator {
  return new Migrator({
    db,
    provider: folderProvider,
  });
}

/** Applies every pending migration; throws with the failing migration's name and error. */
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const result: MigrationResultSet = await createMigrator(db).migrateToLatest();
  const failed = result.results?.find((r) => r.status === 'Error');
  if (result.error || failed) {
    const cause = result.error instanceof Error ? result.error.message : String(result.error);
    throw new Error(`migration ${failed?.migrationName ?? '(unknown)'} failed: ${cause}`, { cause: result.error });
  }
  return (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** True when every migration file has been applied (used by /readyz). */
export async function migrationsApplied(db: Kysely<any>): Promise<boolean> {
  const migrations = await createMigrator(db).getMigrations();
  return migrations.every((m) => m.executedAt !== undefined);
}
