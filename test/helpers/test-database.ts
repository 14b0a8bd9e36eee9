/** A fresh, migrated database for one test file, cloned from the template global-setup made. */
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { connectDatabase, type DatabaseHandle } from '../../server/db/connect.js';
import { runAdmin, withDatabase } from './global-setup.js';

export interface TestDatabase extends DatabaseHandle {
  readonly url: string;
  readonly name: string;
  /** Closes the pool and drops the database. */
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = inject('adminUrl');
  const template = inject('templateDatabase');
  const name = `${template.replace(/template$/, '')}${randomBytes(6).toString('hex')}`;
  // Cloning needs the template free of connections; retry briefly if a sibling file is cloning too.
  for (let attempt = 0; ; attempt++) {
    try {
      await runAdmin(adminUrl, [`create database ${name} template ${template}`]);
      break;
    } catch (error) {
      if (attempt >= 20 || !String(error).includes('being accessed by other users')) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 200));
    }
  }
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

