/**
 * The demo workspace a newcomer meets on first start: a province → district → three communes tree
 * with a member of each role, and two drafts:
 * - the commune Minh Sơn's draft political report, round 1 open with a few members' annotations,
 *   a reply and a decision;
 * - the district Đông Sơn's draft resolution, distributed to its three communes (round 1 open,
 *   scoped to the district), with annotations from members of Minh Sơn and Tân Lập (one point
 *   raised in both), and Tân Lập's feedback package already sent: Minh Sơn's secretary can send
 *   theirs, and the district sees "raised by 2 of 3 units" and Hòa Bình still pending.
 * Everything goes through the same services as real use.
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Db } from '../db/connect.js';
import { findMemberByLogin, membershipsOf } from '../db/members.repository.js';
import { findUnitIdByImportKey } from '../db/units.repository.js';
import type { AnnotationKind } from '../db/schema.js';
import type { ImportMember, ImportUnit } from '../domain/import-plan.js';
import type { AggregationService } from './aggregation.service.js';
import type { AnnotationsService, Author } from './annotations.service.js';
import type { DocumentsService } from './documents.service.js';
import type { ImportService } from './import.service.js';
import type { RoundsService } from './rounds.service.js';
import { demoDir } from '../paths.js';

export const demoPassword = 'demo-draftroom';

/** The demo commune's draft political report (the Vietnamese fixture), in Markdown. */
export const demoReportPath = path.join(demoDir, 'draft-political-report.vi.md');

/** The demo district's draft resolution, distributed to its communes, in Markdown. */
export const demoDistrictDraftPath = path.join(demoDir, 'district-resolution.vi.md');
export const demoDistrictDraftTitle = 'Dự thảo Nghị quyết Đại hội Đảng bộ huyện Đông Sơn lần thứ XXIII';

export const demoUnits: ImportUnit[] = [
  { key: 'demo-province', name: 'Tỉnh ủy Minh Hà', level: 'province', parentKey: null },
  { key: 'demo-district', name: 'Huyện ủy Đông Sơn', level: 'district', parentKey: 'demo-province' },
  { key: 'demo-commune', name: 'Đảng ủy xã Minh Sơn', level: 'commune', parentKey: 'demo-district' },
  { key: 'demo-commune-2', name: 'Đảng ủy xã Tân Lập', level: 'commune', parentKey: 'demo-district' },
  { key: 'demo-commune-3', name: 'Đảng ủy xã Hòa Bình', level: 'commune', parentKey: 'demo-district' },
];

/** A demo login, with what to try with it (printed at start). */
export type DemoMember = Omit<ImportMember, 'password'> & { does: string };

export const demoMembers: DemoMember[] = [
  { login: 'tinh.thuky', displayName: 'Lê Văn Tỉnh (Thư ký Tỉnh ủy)', unitKey: 'demo-province', role: 'secretary', does: 'reads what the district sends up' },
  { login: 'huyen.thuky', displayName: 'Phạm Thị Huyền (Thư ký Huyện ủy)', unitKey: 'demo-district', role: 'secretary', does: 'reads the communes’ feedback on the district draft, decides, sends to the province' },
  { login: 'huyen.soanthao', displayName: 'Trịnh Văn Hùng (Tổ soạn thảo huyện)', unitKey: 'demo-district', role: 'drafter', does: 'writes district drafts, opens rounds for the communes' },
  { login: 'xa.thuky', displayName: 'Nguyễn Văn Thư (Thư ký Đảng ủy xã)', unitKey: 'demo-commune', role: 'secretary', does: 'sends Minh Sơn’s feedback on the district draft' },
  { login: 'xa.soanthao', displayName: 'Trần Thị Soạn (Tổ soạn thảo)', unitKey: 'demo-commune', role: 'drafter', does: 'writes the commune’s report, decides on comments' },
  { login: 'xa.soanthao2', displayName: 'Đỗ Minh Thảo (Tổ soạn thảo)', unitKey: 'demo-commune', role: 'drafter', does: 'a second drafter (live editing together)' },
  { login: 'dangvien1', displayName: 'Hoàng Văn An', unitKey: 'demo-commune', role: 'member', does: 'comments on both drafts' },
  { login: 'dangvien2', displayName: 'Vũ Thị Bình', unitKey: 'demo-commune', role: 'member', does: 'comments on both drafts' },
  { login: 'dangvien3', displayName: 'Bùi Quang Cường', unitKey: 'demo-commune', role: 'member', does: 'comments on both drafts' },
  { login: 'tanlap.thuky', displayName: 'Ngô Thị Lan (Thư ký xã Tân Lập)', unitKey: 'demo-commune-2', role: 'secretary', does: 'has sent Tân Lập’s feedback (can send a correction)' },
  { login: 'tanlap.dangvien', displayName: 'Đinh Văn Lập', unitKey: 'demo-commune-2', role: 'member', does: 'comments on the district draft' },
  { login: 'hoabinh.thuky', displayName: 'Lý Thị Hòa (Thư ký xã Hòa Bình)', unitKey: 'demo-commune-3', role: 'secretary', does: 'has not sent yet (pending at the district)' },
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

/** The district draft's annotations: members of two communes, one point raised in both. */
const districtAnnotations: Array<{ login: string; kind: AnnotationKind; quote: string; body: string; replacement?: string }> = [
  {
    login: 'dangvien1',
    kind: 'objection',
    quote: 'Tốc độ tăng giá trị sản xuất bình quân đạt 9% mỗi năm.',
    body: 'Chỉ tiêu tăng trưởng 9% mỗi năm là quá cao so với khả năng của các xã; đề nghị điều chỉnh xuống 8%.',
  },
  {
    login: 'tanlap.dangvien',
    kind: 'objection',
    quote: 'Tốc độ tăng giá trị sản xuất bình quân đạt 9% mỗi năm.',
    body: 'Chỉ tiêu tăng trưởng 9% mỗi năm là quá cao so với khả năng của xã; đề nghị điều chỉnh xuống 8%.',
  },
  {
    login: 'dangvien2',
    kind: 'suggestion',
    quote: 'Hằng năm kết nạp từ 250 đảng viên mới trở lên.',
    body: 'Sau sắp xếp, số chi bộ giảm; 250 đảng viên mỗi năm khó đạt.',
    replacement: 'Hằng năm kết nạp từ 200 đảng viên mới trở lên.',
  },
  { login: 'dangvien3', kind: 'question', quote: 'được giải quyết trực tuyến đạt trên 90%', body: 'Chỉ tiêu 90% có tính hồ sơ nộp trực tuyến một phần không?' },
  {
    login: 'tanlap.dangvien',
    kind: 'comment',
    quote: 'nhất là đội ngũ cán bộ cấp xã sau sắp xếp',
    body: 'Đề nghị bổ sung chính sách hỗ trợ cán bộ dôi dư sau sắp xếp.',
  },
];

export interface DemoServices {
  importer: ImportService;
  documents: DocumentsService;
  rounds: RoundsService;
  annotations: AnnotationsService;
  aggregation: AggregationService;
}

export async function createDemoWorkspace(db: Db, services: DemoServices, admin: { id: string }): Promise<void> {
  await services.importer.importTree(
    { memberId: admin.id, isAdmin: true, memberships: [] },
    { units: demoUnits, members: demoMembers.map(({ does: _, ...m }) => ({ ...m, password: demoPassword })) },
  );
  const actorOf = async (login: string): Promise<Author> => {
    const member = (await findMemberByLogin(db, login))!;
    return { memberId: member.id, displayName: member.display_name, isAdmin: false, memberships: await membershipsOf(db, member.id) };
  };
  const drafter = await actorOf('xa.soanthao');
  const commune = await demoUnit(db, 'demo-commune');
  const report = await readFile(demoReportPath, 'utf8');
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
  await createDistrictDraft(db, services, actorOf);
}

/** The district's draft distributed to its communes, their members' annotations, and Tân Lập's package. */
async function createDistrictDraft(db: Db, services: DemoServices, actorOf: (login: string) => Promise<Author>): Promise<void> {
  const drafter = await actorOf('huyen.soanthao');
  const district = await demoUnit(db, 'demo-district');
  const tanLap = await demoUnit(db, 'demo-commune-2');
  const document = await services.documents.create(drafter, {
    unitId: district.id,
    title: demoDistrictDraftTitle,
    content: { format: 'markdown', value: await readFile(demoDistrictDraftPath, 'utf8') },
  });
  // Scoped to the district: every commune below it takes part.
  const round = await services.rounds.open(drafter, document.id, { closesAt: new Date(Date.now() + 10 * 24 * 3600_000).toISOString(), scopeUnitId: district.id });
  const content = await services.documents.liveContent(document.id);
  for (const a of districtAnnotations) {
    const start = content.text.indexOf(a.quote);
    if (start < 0) throw new Error(`demo quote not found in the district draft: ${a.quote}`);
    await services.annotations.upsert(await actorOf(a.login), round.id, randomUUID(), {
      kind: a.kind,
      body: a.body,
      replacement: a.replacement,
      anchor: { start, end: start + a.quote.length },
    });
  }
  await services.aggregation.submitPackage(await actorOf('tanlap.thuky'), document.id, {
    id: randomUUID(),
    fromUnitId: tanLap.id,
    roundIds: [round.id],
    note: 'Chi bộ các thôn đã thảo luận; đa số đề nghị giảm chỉ tiêu tăng trưởng.',
  });
}

/** A unit the demo import made, by its key. */
async function demoUnit(db: Db, key: string): Promise<{ id: string }> {
  const id = await findUnitIdByImportKey(db, key);
  if (!id) throw new Error(`the demo import made no unit ${key}`);
  return { id };
}
