/** Whether this instance may take traffic: the database answers and every migration is applied. */
import type { Db } from '../db/connect.js';
import { pingDatabase } from '../db/health.repository.js';
import { migrationsApplied } from '../db/migrate.js';

/** Undefined when ready; otherwise a short reason for the 503. Never throws. */
export async function databaseReadiness(db: Db): Promise<string | undefined> {
  try {
    await pingDatabase(db);
    return (await migrationsApplied(db)) ? undefined : 'migrations are pending';
  } catch {
    return 'database unreachable';
  }
}
