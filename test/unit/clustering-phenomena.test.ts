/**
 * Issue 12: each phenomenon of "points that read as the same merge" as a minimal pair — merged,
 * and the nearest case kept apart — on a small draft with real offsets.
 */
import { describe, expect, it } from 'vitest';
import { clusterAnnotations, type AnnotationForClustering } from '../../server/domain/clustering.js';
import { nearDuplicate } from '../../server/domain/same-meaning.js';

const text = [
  'I. Về kinh tế',
  'Thu nhập bình quân đầu người năm 2025 ước đạt 52 triệu đồng, tăng 1,6 lần so với năm 2020. Nông nghiệp chiếm 34,2%.',
  'Công tác tuyển quân đạt 100% chỉ tiêu. Xây dựng lực lượng dân quân vững mạnh.',
  'II. Chỉ tiêu',
  'Tốc độ tăng trưởng bình quân đạt 9% mỗi năm.',
  '',
].join('\n');
const sections = [
  { path: 'I', title: 'I. Về kinh tế', start: 0 },
  { path: 'II', title: 'II. Chỉ tiêu', start: text.indexOf('II. Chỉ tiêu') },
];
const at = (quote: string) => {
  const start = text.indexOf(quote);
  if (start < 0) throw new Error(`not in the text: ${quote}`);
  return { start, end: start + quote.length, section: start >= sections[1]!.start ? 'II' : 'I' };
};

let next = 0;
function ann(quote: string, body: string, over: Partial<AnnotationForClustering> = {}): AnnotationForClustering {
  next += 1;
  return { id: `a-${String(next).padStart(4, '0')}`, kind: 'comment', body, replacement: null, ...at(quote), authorId: `m-${next}`, unitId: 'u', decision: null, ...over };
}

/** The number of points the annotations make. */
const points = (...anns: AnnotationForClustering[]) => clusterAnnotations(anns, sections, { text }).flatMap((s) => s.clusters).length;

const SENTENCE = 'Công tác tuyển quân đạt 100% chỉ tiêu.';
const INCOME = 'ước đạt 52 triệu đồng';
const TARGET = 'đạt 9% mỗi năm';

describe('merged when a person reads them as the same point', () => {
  it.each([
    ['politeness and filler', 'Tôi đề nghị bỏ câu này.', 'Nên bỏ câu này ạ'],
    ['politeness and filler (2)', 'Đề nghị bỏ câu này.', 'Kính đề nghị bỏ câu này.'],
    ['unaccented typing', 'Đề nghị bỏ câu này.', 'de nghi bo cau nay'],
    ['a synonym of the stance', 'Đề nghị bỏ câu này.', 'Nên lược bỏ câu này'],
  ])('%s: "%s" / "%s"', (_, a, b) => {
    expect(points(ann(SENTENCE, a), ann(SENTENCE, b))).toBe(1);
  });

  it.each([
    ['one or two extra words', 'Nên giữ nguyên tên phong trào như hiện nay.', 'Nên giữ nguyên tên phong trào.'],
    ['number formats 8% / 8,0%', 'Đề nghị hạ chỉ tiêu xuống 8%.', 'Đề nghị hạ chỉ tiêu xuống 8,0%'],
    ['number formats 8% / 8.0 %', 'Đề nghị hạ chỉ tiêu xuống 8%.', 'Đề nghị hạ chỉ tiêu xuống 8.0 %'],
    ['decimal comma / point', 'Thu nhập phải là 52,4 triệu đồng', 'Thu nhập phải là 52.4 triệu đồng'],
    ['tỉ / tỷ', 'Cần nêu tổng vốn đầu tư bao nhiêu tỉ đồng', 'Cần nêu tổng vốn đầu tư bao nhiêu tỷ đồng'],
    ['hoá / hóa', 'Nên thay cứng hoá bằng bê tông hoá', 'Nên thay cứng hóa bằng bê tông hóa'],
    ['bổ xung / bổ sung', 'Đề nghị bổ xung số liệu năng suất lúa', 'Đề nghị bổ sung số liệu năng suất lúa'],
    ['fixed phrase "tăng cường" is no stance', 'Kiểm tra được tăng cường nhưng cần nêu số vụ vi phạm', 'Đề nghị nêu số vụ vi phạm phát hiện qua kiểm tra'],
    ['fixed phrase "tăng cường" beside a real stance', 'Đề nghị giảm số cuộc kiểm tra', 'Tăng cường kiểm tra là đúng, nhưng đề nghị giảm số cuộc kiểm tra'],
    ['fixed phrase "giảm nghèo" is no stance', 'Kết quả giảm nghèo cần nêu số hộ thoát nghèo', 'Đề nghị nêu số hộ thoát nghèo'],
    ['English stop words and plurals', 'Please add a target for digital transformation.', 'We should add targets for digital transformation'],
    ['English number formats', 'It should be 52.4 million dong.', 'The figure should be 52,4 million dong'],
  ])('%s: "%s" / "%s"', (_, a, b) => {
    expect(nearDuplicate(a, b)).toBe(true);
    expect(nearDuplicate(b, a)).toBe(true);
  });

  it('a comment restating a suggestion, and the suggestion', () => {
    const suggestion = ann('52 triệu đồng', 'Theo số liệu thống kê.', { kind: 'suggestion', replacement: '52,4 triệu đồng' });
    expect(points(suggestion, ann(INCOME, 'Nên sửa thành 52,4 triệu đồng.'))).toBe(1);
  });

  it('the same remark on a heading and on its section’s first paragraph', () => {
    const heading = ann('I. Về kinh tế', 'Phần này còn thiếu đánh giá về kinh tế tập thể.');
    const paragraph = ann('Thu nhập bình quân đầu người', 'Đề nghị bổ sung đánh giá về kinh tế tập thể.');
    expect(points(heading, paragraph)).toBe(1);
  });

  it('supports on one passage, whatever they say', () => {
    expect(points(ann(SENTENCE, 'Đồng ý', { kind: 'support' }), ann('tuyển quân đạt 100%', 'Nhất trí cao', { kind: 'support' }))).toBe(1);
  });
});

describe('kept apart when one decisive thing differs', () => {
  it.each([
    ['a different number', 'Thu nhập phải là 52,4 triệu đồng', 'Thu nhập phải là 54 triệu đồng'],
    ['giữ / bỏ', 'Đề nghị giữ câu này', 'Đề nghị bỏ câu này'],
    ['tăng / giảm', 'Đề nghị tăng chỉ tiêu tuyển quân', 'Đề nghị giảm chỉ tiêu tuyển quân'],
    ['đồng ý / không đồng ý', 'Đồng ý với nhận định về cán bộ', 'Không đồng ý với nhận định về cán bộ'],
    ['chi bộ / chi đoàn', 'Nên nêu cụ thể những chi bộ nào sinh hoạt chưa tốt', 'Nên nêu cụ thể những chi đoàn nào sinh hoạt chưa tốt'],
    ['thôn Đông / thôn Tây', 'Cần nêu vụ việc ở thôn Đông năm 2023', 'Cần nêu vụ việc ở thôn Tây năm 2023'],
    ['chuyển đổi số / xanh', 'Đề nghị bổ sung nội dung chuyển đổi số', 'Đề nghị bổ sung nội dung chuyển đổi xanh'],
    ['trước / sau năm 2027', 'Nên đạt chuẩn nông thôn mới nâng cao trước năm 2027', 'Nên đạt chuẩn nông thôn mới nâng cao sau năm 2027'],
    ['English keep / delete', 'Keep this sentence.', 'Delete this sentence.'],
    ['English numbers', 'Lower the target to 8%.', 'Lower the target to 8.5%.'],
  ])('%s: "%s" / "%s"', (_, a, b) => {
    expect(nearDuplicate(a, b)).toBe(false);
    expect(nearDuplicate(b, a)).toBe(false);
  });

  it('the figure a generic remark is about', () => {
    expect(points(ann('tăng 1,6 lần', 'Số liệu này cần kiểm tra lại.'), ann('Nông nghiệp chiếm 34,2%', 'Số liệu này cần kiểm tra lại.'))).toBe(2);
    expect(points(ann('tăng 1,6 lần', 'Số liệu này cần kiểm tra lại.'), ann('1,6 lần so với năm 2020', 'Cần xem lại số liệu này.'))).toBe(1);
  });

  it('the same generic remark on the next sentence', () => {
    expect(points(ann(SENTENCE, 'Đề nghị bỏ câu này.'), ann('Xây dựng lực lượng dân quân vững mạnh.', 'Đề nghị bỏ câu này.'))).toBe(2);
  });

  it('supports on different passages', () => {
    expect(points(ann(SENTENCE, 'Đồng ý', { kind: 'support' }), ann(TARGET, 'Đồng ý', { kind: 'support' }))).toBe(2);
  });

  it('a support and an objection on one passage', () => {
    expect(points(ann(SENTENCE, 'Đồng ý', { kind: 'support' }), ann(SENTENCE, 'Không đồng ý', { kind: 'objection' }))).toBe(2);
  });
});
