/**
 * First-start setup: the `admin` account and, unless DEMO=0, a demo workspace (a province →
 * district → commune tree with a member of each role). The demo goes through the same bulk import
 * as real data.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Db } from '../db/connect.js';
import { findMemberByLogin, insertMember, membershipsOf } from '../db/members.repository.js';
import type { Actor } from '../domain/permissions.js';
import type { ImportMember, ImportUnit } from '../domain/import-plan.js';
import type { DocumentsService } from './documents.service.js';
import type { ImportService } from './import.service.js';
import { hashPassword } from './secrets.js';

export const demoPassword = 'demo-draftroom';

/** The demo commune's draft political report (the Vietnamese fixture), in Markdown. */
export const demoReportUrl = new URL('../demo/draft-political-report.vi.md', import.meta.url);

export const demoUnits: ImportUnit[] = [
  { key: 'demo-province', name: 'Tỉnh ủy Minh Hà', level: 'province', parentKey: null },
  { key: 'demo-district', name: 'Huyện ủy Đông Sơn', level: 'district', parentKey: 'demo-province' },
  { key: 'demo-commune', name: 'Đảng ủy xã Minh Sơn', level: 'commune', parentKey: 'demo-district' },
  { key: 'demo-commune-2', name: 'Đảng ủy xã Tân Lập', level: 'commune', parentKey: 'demo-district' },
];

export const demoMembers: Array<Omit<ImportMember, 'password'>> = [
  { login: 'tinh.thuky', displayName: 'Lê Văn Tỉnh (Thư ký Tỉnh ủy)', unitKey: 'demo-province', role: 'secretary' },
  { login: 'huyen.thuky', displayName: 'Phạm Thị Huyền (Thư ký Huyện ủy)', unitKey: 'demo-district', role: 'secretary' },
  { login: 'xa.thuky', displayName: 'Nguyễn Văn Thư (Thư ký Đảng ủy xã)', unitKey: 'demo-commune', role: 'secretary' },
  { login: 'xa.soanthao', displayName: 'Trần Thị Soạn (Tổ soạn thảo)', unitKey: 'demo-commune', role: 'drafter' },
  { login: 'xa.soanthao2', displayName: 'Đỗ Minh Thảo (Tổ soạn thảo)', unitKey: 'demo-commune', role: 'drafter' },
  { login: 'dangvien1', displayName: 'Hoàng Văn An', unitKey: 'demo-commune', role: 'member' },
  { login: 'dangvien2', displayName: 'Vũ Thị Bình', unitKey: 'demo-commune', role: 'member' },
  { login: 'dangvien3', displayName: 'Bùi Quang Cường', unitKey: 'demo-commune', role: 'member' },
  { login: 'tanlap.thuky', displayName: 'Ngô Thị Lan (Thư ký xã Tân Lập)', unitKey: 'demo-commune-2', role: 'secretary' },
  { login: 'tanlap.dangvien', displayName: 'Đinh Văn Lập', unitKey: 'demo-commune-2', role: 'member' },
];

export interface BootstrapResult {
  /** Set only when the admin was created now with a generated password: print it once. */
  generatedAdminPassword?: string;
  adminCreated: boolean;
  demoCreated: boolean;
  demoPresent: boolean;
}

export async function bootstrap(
  db: Db,
  importer: ImportService,
  documents: DocumentsService,
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
    const actor: Actor = { memberId: admin.id, isAdmin: true, memberships: [] };
    await importer.importTree(actor, {
      units: demoUnits,
      members: demoMembers.map((m) => ({ ...m, password: demoPassword })),
    });
    const drafter = await findMemberByLogin(db, 'xa.soanthao');
    const commune = await db.selectFrom('units').select('id').where('import_key', '=', 'demo-commune').executeTakeFirstOrThrow();
    const memberships = await membershipsOf(db, drafter!.id);
    await documents.create(
      { memberId: drafter!.id, isAdmin: false, memberships },
      {
        unitId: commune.id,
        title: 'Dự thảo Báo cáo chính trị Đại hội Đảng bộ xã Minh Sơn lần thứ XXVI',
        content: { format: 'markdown', value: await readFile(demoReportUrl, 'utf8') },
      },
    );
    demoCreated = true;
  }
  const demoPresent =
    (await db.selectFrom('units').select('id').where('import_key', '=', 'demo-province').executeTakeFirst()) !== undefined;
  return { adminCreated, demoCreated, demoPresent, ...(generatedAdminPassword ? { generatedAdminPassword } : {}) };
}
