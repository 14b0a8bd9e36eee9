/** A fresh, migrated database for one test file, cloned from the template global-setup made. */
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { connectDatabase, type DatabaseHandle } from '../../server/db/connect.js';
import { cloneDatabase, runAdmin, withDatabase } from './global-setup.js';

export interface TestDatabase extends DatabaseHandle {
  readonly url: string;
  readonly name: string;
  /** Closes the pool and drops the database. */
  drop(): Promise<void>;
}

/** `template`: another template to clone than the migrated one (the browser tests' demo database). */
export async function createTestDatabase(template = inject('templateDatabase')): Promise<TestDatabase> {
  const adminUrl = inject('adminUrl');
  const name = `${inject('templateDatabase').replace(/template$/, '')}${randomBytes(6).toString('hex')}`;
  await cloneDatabase(adminUrl, template, name);
  const url = withDatabase(adminUrl, name);
  const handle = connectDatabase(url, { max: 10 });
  return {
    ...handle,
    url,
    name,
    async drop() {
      await handle.close();
      await runAdmin(adminUrl, [`drop database if exists ${name} with (force)`]);
    },
  };
}

