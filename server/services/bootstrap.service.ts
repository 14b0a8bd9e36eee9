/**
 * First-start setup: the `admin` account and, unless DEMO=0, the demo workspace
 * (demo-workspace.ts).
 */
import { randomBytes } from 'node:crypto';
import type { Db } from '../db/connect.js';
import { findMemberByLogin, insertMember } from '../db/members.repository.js';
import { findUnitIdByImportKey } from '../db/units.repository.js';
import { createDemoWorkspace, type DemoServices } from './demo-workspace.js';
import { hashPassword } from './secrets.js';

export { demoDistrictDraftTitle, demoMembers, demoPassword } from './demo-workspace.js';

export interface BootstrapResult {
  /** Set only when the admin was created now with a generated password: print it once. */
  generatedAdminPassword?: string;
  adminCreated: boolean;
  demoCreated: boolean;
  demoPresent: boolean;
}

export async function bootstrap(
  db: Db,
  services: DemoServices,
  options: { adminPassword: string | undefined; demo: boolean },
): Promise<BootstrapResult> {
  let generatedAdminPassword: string | undefined;
  let admin = await findMemberByLogin(db, 'admin');
  const adminCreated = !admin;
  if (!admin) {
    const password = options.adminPassword ?? (generatedAdminPassword = randomBytes(12).toString('base64url'));
    admin =
      (await insertMember(db, { login: 'admin', displayName: 'Administrator', passwordHash: await hashPassword(password), isAdmin: true })) ??
      (await findMemberByLogin(db, 'admin'))!;
  }

  let demoCreated = false;
  if (adminCreated && options.demo) {
    await createDemoWorkspace(db, services, admin);
    demoCreated = true;
  }
  const demoPresent =
    (await findUnitIdByImportKey(db, 'demo-province')) !== undefined;
  return { adminCreated, demoCreated, demoPresent, ...(generatedAdminPassword ? { generatedAdminPassword } : {}) };
}
