/**
 * Province-sized annotations with realistic repetition, for bench:aggregate. Per section, a pool
 * of distinct points (Vietnamese remarks built from request verbs, objects and aspects), each
 * anchored on a passage of one paragraph of the section and popular on a Zipf-like curve; members
 * raise a point in one of several variants (as typed, lower case, punctuation, a filler word such
 * as "thêm", typed without accents), on a passage overlapping the point's (start and end moved by
 * up to ±12 characters inside the paragraph). A share of annotations is a tail of one-off remarks.
 * Deterministic for a seed.
 */
import type { Section } from '../../server/domain/sections.js';

export type Kind = 'comment' | 'question' | 'objection' | 'support' | 'suggestion';

export interface PlannedAnnotation {
  kind: Kind;
  body: string;
  replacement: string | null;
  start: number;
  end: number;
  /** Index into the pool of points (−1 for a one-off remark). */
  point: number;
}

export interface PoolOptions {
  total: number;
  pointsPerSection: number;
  /** Share of one-off remarks (default 0.15). */
  uniqueShare?: number;
  random: () => number;
}

const verbs = [
  'Đề nghị bổ sung', 'Cần làm rõ', 'Đề nghị viết lại', 'Nên nêu cụ thể', 'Đề nghị đánh giá sâu hơn',
  'Cần có giải pháp cho', 'Đề nghị lượng hóa', 'Nên nhấn mạnh', 'Đề nghị rà soát', 'Cần phân tích nguyên nhân của',
];
const objects = [
  'chỉ tiêu về chuyển đổi số', 'nguồn lực đầu tư công', 'tỷ lệ hộ nghèo đa chiều', 'chất lượng nguồn nhân lực', 'kết cấu hạ tầng giao thông',
  'công tác cán bộ', 'xây dựng nông thôn mới nâng cao', 'cải cách thủ tục hành chính', 'bảo vệ môi trường làng nghề', 'phát triển du lịch sinh thái',
  'kinh tế tập thể và hợp tác xã', 'chăm sóc sức khỏe người cao tuổi', 'giáo dục nghề nghiệp cho thanh niên', 'an ninh trật tự ở cơ sở', 'phòng chống tham nhũng lãng phí',
  'thu hút doanh nghiệp vào nông nghiệp', 'quản lý đất đai và tài nguyên', 'văn hóa dòng họ và hương ước', 'đảng viên trẻ và kết nạp đảng', 'chính quyền số cấp xã',
  'ứng phó biến đổi khí hậu', 'nước sạch nông thôn', 'sản phẩm OCOP chủ lực', 'kinh tế ban đêm', 'thu ngân sách trên địa bàn',
  'giảm nghèo bền vững vùng đồng bào dân tộc', 'trường học đạt chuẩn quốc gia', 'bảo hiểm y tế toàn dân', 'xử lý rác thải sinh hoạt', 'dân vận khéo',
  'kiểm tra giám sát của Đảng', 'quốc phòng toàn dân thế trận lòng dân', 'năng suất lao động', 'đô thị hóa và quy hoạch', 'khởi nghiệp đổi mới sáng tạo',
  'thương mại điện tử cho nông sản', 'tín dụng chính sách xã hội', 'người có công với cách mạng', 'phòng cháy chữa cháy', 'an toàn thực phẩm',
];
const aspects = [
  'ở cấp xã', 'trong giai đoạn 2025–2030', 'đối với vùng khó khăn', 'gắn với trách nhiệm người đứng đầu', 'bằng số liệu so sánh với nhiệm kỳ trước',
  'theo từng năm', 'ở khu dân cư', 'cho phù hợp thực tiễn địa phương', 'và lộ trình thực hiện', 'trong khối doanh nghiệp',
  'đối với phụ nữ và trẻ em', 'trong lực lượng vũ trang',
];
const kinds: Array<[Kind, number]> = [['comment', 0.6], ['question', 0.1], ['objection', 0.1], ['support', 0.1], ['suggestion', 0.1]];
const places = ['thôn Đông', 'xóm Trại', 'khu phố 3', 'bản Nà Lầu', 'tổ dân phố 7', 'ấp Tân Hòa', 'thôn Bắc Sơn', 'xóm Chợ'];

interface Point {
  section: number;
  kind: Kind;
  body: string;
  replacement: string | null;
  /** The paragraph [from, to) holding its passage, and the passage. */
  paragraph: { from: number; to: number };
  start: number;
  end: number;
}

/** Lower-case, accents stripped (đ → d): a member typing without a Vietnamese input method. */
export function withoutAccents(s: string): string {
  return s.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').normalize('NFC');
}

/** One member's wording of a point: the same words with surface differences. */
function variant(text: string, random: () => number): string {
  const r = random();
  if (r < 0.4) return text;
  if (r < 0.55) return text.charAt(0).toLowerCase() + text.slice(1);
  if (r < 0.7) return text + ['.', '!', ' ạ.', '…'][Math.floor(random() * 4)]!;
  if (r < 0.85) {
    const filler = ['thêm', 'cần', 'nữa', 'rất'][Math.floor(random() * 4)]!;
    const words = text.split(' ');
    const at = 1 + Math.floor(random() * (words.length - 1));
    return [...words.slice(0, at), filler, ...words.slice(at)].join(' ');
  }
  if (r < 0.95) return withoutAccents(text);
  return `${text.charAt(0).toLowerCase()}${text.slice(1)} thêm.`;
}

/**
 * Plans `total` annotations over the sections of a base text (`paragraphs`: [start, end) of each
 * non-heading textblock, in order).
 */
export function planAnnotations(sections: readonly Section[], paragraphs: ReadonlyArray<{ start: number; end: number }>, options: PoolOptions): { planned: PlannedAnnotation[]; points: number } {
  const { random, total, pointsPerSection } = options;
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const pickKind = (): Kind => {
    let r = random();
    for (const [k, w] of kinds) if ((r -= w) < 0) return k;
    return 'comment';
  };
  const inSection = sections.map((s) => paragraphs.filter((p) => p.start >= s.start && p.end <= s.end && p.end - p.start > 40));
  const passage = (p: { start: number; end: number }) => {
    const length = 20 + Math.floor(random() * Math.min(120, p.end - p.start - 20));
    const start = p.start + Math.floor(random() * (p.end - p.start - length));
    return { start, end: start + length };
  };

  const points: Point[] = [];
  sections.forEach((_, s) => {
    if (inSection[s]!.length === 0) return;
    const used = new Set<string>();
    for (let i = 0; i < pointsPerSection; i++) {
      let body: string;
      do body = `${pick(verbs)} ${pick(objects)} ${pick(aspects)}`;
      while (used.has(body));
      used.add(body);
      const kind = pickKind();
      const paragraph = pick(inSection[s]!);
      points.push({
        section: s,
        kind,
        body: kind === 'support' ? pick(['Đồng ý', 'Nhất trí với dự thảo', 'Tán thành nội dung này', '']) : body,
        replacement: kind === 'suggestion' ? `${pick(objects)} ${pick(aspects)}` : null,
        paragraph: { from: paragraph.start, to: paragraph.end },
        ...passage(paragraph),
      });
    }
  });
  // Popularity within a section: weight 1/(rank+1)^0.9, one cumulative table per section.
  const bySection = new Map<number, { list: Point[]; indexes: number[]; cumulative: number[] }>();
  points.forEach((p, index) => {
    let entry = bySection.get(p.section);
    if (!entry) bySection.set(p.section, (entry = { list: [], indexes: [], cumulative: [] }));
    const rank = entry.list.length;
    entry.list.push(p);
    entry.indexes.push(index);
    entry.cumulative.push((entry.cumulative[rank - 1] ?? 0) + 1 / (rank + 1) ** 0.9);
  });
  const sectionList = [...bySection.values()];

  const planned: PlannedAnnotation[] = [];
  const uniqueShare = options.uniqueShare ?? 0.15;
  const clamp = (v: number, p: Point) => Math.max(p.paragraph.from, Math.min(p.paragraph.to, v));
  for (let n = 0; n < total; n++) {
    const entry = pick(sectionList);
    if (random() < uniqueShare) {
      // A one-off remark on a passage of a random paragraph of the section.
      const p = pick(entry.list);
      const at = passage({ start: p.paragraph.from, end: p.paragraph.to });
      const body = `${pick(verbs)} ${pick(objects)}, gắn với ${pick(objects)} ${pick(aspects)}; thực tế ở ${pick(places)} cho thấy ${pick(objects)} còn hạn chế`;
      planned.push({ kind: 'comment', body, replacement: null, ...at, point: -1 });
      continue;
    }
    const total = entry.cumulative[entry.cumulative.length - 1]!;
    const r = random() * total;
    let lo = 0;
    let hi = entry.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (entry.cumulative[mid]! < r) lo = mid + 1;
      else hi = mid;
    }
    const point = entry.list[lo]!;
    // Near the point's passage: each end moved by up to ±12 characters, in steps of 4 (so the
    // same passages recur, as selections snapped to words do), kept inside the paragraph.
    const shift = () => 4 * (Math.floor(random() * 7) - 3);
    let start = clamp(point.start + shift(), point);
    let end = clamp(point.end + shift(), point);
    if (end <= start) [start, end] = [point.start, point.end];
    planned.push({
      kind: point.kind,
      body: point.body === '' ? '' : variant(point.body, random),
      replacement: point.replacement === null ? null : variant(point.replacement, random),
      start,
      end,
      point: entry.indexes[lo]!,
    });
  }
  return { planned, points: points.length };
}
