/**
 * The demo workspace a newcomer meets on first start: a province → district → commune tree with a
 * member of each role, the commune's draft political report, and round 1 open with a few members'
 * annotations, a reply and a decision. Everything goes through the same services as real use.
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Db } from '../db/connect.js';
import { findMemberByLogin, membershipsOf } from '../db/members.repository.js';
import type { AnnotationKind } from '../db/schema.js';
import type { ImportMember, ImportUnit } from '../domain/import-plan.js';
import type { AnnotationsService, Author } from './annotations.service.js';
import type { DocumentsService } from './documents.service.js';
import type { ImportService } from './import.service.js';
import type { RoundsService } from './rounds.service.js';

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

/** Round 1's annotations: two say the same thing (they merge in the summary). */
const demoAnnotations: Array<{ login: string; kind: AnnotationKind; quote: string; body: string; replacement?: string }> = [
  { login: 'dangvien1', kind: 'comment', quote: 'Thu nhập bình quân đầu người năm 2025 ước đạt 52 triệu đồng', body: 'Đề nghị nêu rõ nguồn số liệu thu nhập bình quân.' },
  { login: 'dangvien2', kind: 'comment', quote: 'Thu nhập bình quân đầu người năm 2025 ước đạt 52 triệu đồng', body: 'Đề nghị nêu rõ nguồn số liệu về thu nhập bình quân' },
  {
    login: 'dangvien3',
    kind: 'suggestion',
    quote: 'Tỷ lệ hộ nghèo giảm từ 14,3% xuống còn 4,1%',
    body: 'Cập nhật theo số liệu rà soát cuối năm của Phòng Lao động.',
    replacement: 'Tỷ lệ hộ nghèo giảm từ 14,3% xuống còn 3,9%',
  },
  { login: 'dangvien1', kind: 'question', quote: 'tỷ lệ hồ sơ giải quyết trực tuyến đạt 68%', body: 'Tỷ lệ 68% tính từ thời điểm nào?' },
  {
    login: 'dangvien2',
    kind: 'objection',
    quote: 'Không để xảy ra điểm nóng về an ninh, trật tự.',
    body: 'Năm 2023 có vụ tranh chấp đất đai kéo dài ở thôn Đồng Tâm; đề nghị đánh giá sát thực tế hơn.',
  },
  { login: 'dangvien3', kind: 'support', quote: 'Phải phát huy vai trò nêu gương của người đứng đầu', body: 'Nhất trí, đây là bài học quan trọng.' },
];

export interface DemoServices {
  importer: ImportService;
  documents: DocumentsService;
  rounds: RoundsService;
  annotations: AnnotationsService;
}

export async function createDemoWorkspace(db: Db, services: DemoServices, admin: { id: string }): Promise<void> {
  await services.importer.importTree(
    { memberId: admin.id, isAdmin: true, memberships: [] },
    { units: demoUnits, members: demoMembers.map((m) => ({ ...m, password: demoPassword })) },
  );
  const actorOf = async (login: string): Promise<Author> => {
    const member = (await findMemberByLogin(db, login))!;
    return { memberId: member.id, displayName: member.display_name, isAdmin: false, memberships: await membershipsOf(db, member.id) };
  };
  const drafter = await actorOf('xa.soanthao');
  const commune = await db.selectFrom('units').select('id').where('import_key', '=', 'demo-commune').executeTakeFirstOrThrow();
  const report = await readFile(demoReportUrl, 'utf8');
  const document = await services.documents.create(drafter, {
    unitId: commune.id,
    title: 'Dự thảo Báo cáo chính trị Đại hội Đảng bộ xã Minh Sơn lần thứ XXVI',
    content: { format: 'markdown', value: report },
  });
  const round = await services.rounds.open(drafter, document.id, { closesAt: new Date(Date.now() + 14 * 24 * 3600_000).toISOString() });
  const content = await services.documents.liveContent(document.id);

  const written: string[] = [];
  for (const a of demoAnnotations) {
    const start = content.text.indexOf(a.quote);
    if (start < 0) throw new Error(`demo quote not found in the report: ${a.quote}`);
    const { annotation } = await services.annotations.upsert(await actorOf(a.login), round.id, randomUUID(), {
      kind: a.kind,
      body: a.body,
      replacement: a.replacement,
      anchor: { start, end: start + a.quote.length },
    });
    written.push(annotation.id);
  }
  await services.annotations.reply(drafter, written[0]!, 'Số liệu theo Niên giám thống kê huyện năm 2024; sẽ ghi nguồn trong bản sau.');
  await services.annotations.setDisposition(drafter, written[0]!, { decision: 'accepted', note: 'Bổ sung nguồn số liệu ở chú thích.' });
}
