/** Passages, representatives and stable cluster ids (issue 12; API.md "Aggregation"). */
import { describe, expect, it } from 'vitest';
import { clusterAnnotations, type AnnotationForClustering } from '../../server/domain/clustering.js';
import { passagesOf } from '../../server/domain/passages.js';
import { changedWords } from '../../server/domain/suggestion-change.js';

const text = 'I. Kinh tế\nThu nhập đạt 52 triệu đồng. Cơ cấu chuyển dịch đúng hướng.\nNông nghiệp chiếm 38%.\n';
const sections = [{ path: 'I', title: 'I. Kinh tế', start: 0 }];
const at = (quote: string) => ({ start: text.indexOf(quote), end: text.indexOf(quote) + quote.length });

let next = 0;
function ann(quote: string, body: string, over: Partial<AnnotationForClustering> = {}): AnnotationForClustering {
  next += 1;
  return { id: `a-${String(next).padStart(4, '0')}`, kind: 'comment', body, replacement: null, section: 'I', ...at(quote), authorId: `m-${next}`, unitId: 'u', decision: null, ...over };
}
const summarize = (anns: AnnotationForClustering[]) => clusterAnnotations(anns, sections, { text })[0]!;

describe('passages', () => {
  it('gather anchors that overlap or touch, each with its points, in text order', () => {
    const income = [ann('52 triệu đồng', 'Nên sửa thành 52,4 triệu đồng'), ann('Thu nhập đạt 52 triệu', 'Thu nhập phải là 52,4 triệu đồng')];
    const wrong = ann('đạt 52 triệu đồng', 'Thu nhập phải là 54 triệu đồng');
    const touching = ann('Cơ cấu chuyển dịch', 'Nên nêu tỷ trọng năm 2020'); // ". " away from "đồng"
    const far = ann('chiếm 38%', 'Số liệu này cần kiểm tra lại');
    const s = summarize([far, ...income, wrong, touching]);
    expect(s.clusters).toHaveLength(4);
    const idOf = (a: AnnotationForClustering) => s.clusters.find((c) => c.annotationIds.includes(a.id))!.id;
    expect(s.passages).toEqual([
      {
        start: at('Thu nhập đạt 52 triệu').start,
        end: at('Cơ cấu chuyển dịch').end,
        quote: 'Thu nhập đạt 52 triệu đồng. Cơ cấu chuyển dịch',
        count: 4,
        clusterIds: [idOf(income[0]!), idOf(wrong), idOf(touching)].sort((a, b) => s.clusters.findIndex((c) => c.id === a) - s.clusters.findIndex((c) => c.id === b)),
      },
      { ...at('chiếm 38%'), quote: 'chiếm 38%', count: 1, clusterIds: [idOf(far)] },
    ]);
  });

  it('never cut a point in two: a point whose anchors sit apart joins them', () => {
    const passages = passagesOf(
      [
        { start: 0, end: 5, reach: { start: 0, end: 5 }, clusterId: 'p' },
        { start: 50, end: 55, reach: { start: 50, end: 55 }, clusterId: 'p' },
        { start: 30, end: 32, reach: { start: 30, end: 32 }, clusterId: 'q' },
      ],
      ['p', 'q'],
      3,
    );
    expect(passages).toEqual([
      { start: 0, end: 55, quote: '', count: 2, clusterIds: ['p'] },
      { start: 30, end: 32, quote: '', count: 1, clusterIds: ['q'] },
    ]);
  });

  it('reach from a heading into the section’s first paragraph', () => {
    const s = summarize([ann('I. Kinh tế', 'Phần này thiếu đánh giá kinh tế tập thể'), ann('Thu nhập đạt', 'Đề nghị bổ sung đánh giá kinh tế tập thể')]);
    expect(s.clusters).toHaveLength(1);
    expect(s.passages).toHaveLength(1);
    expect(s.passages[0]!.count).toBe(2);
  });
});

describe('points', () => {
  it('are named by their earliest annotation, and keep that id when later ones join', () => {
    const first = ann('52 triệu đồng', 'Nên sửa thành 52,4 triệu đồng', { id: 'zz-first', createdAt: '2026-01-01T08:00:00Z' });
    const second = ann('52 triệu đồng', 'Đề nghị sửa thành 52,4 triệu đồng', { id: 'bb-second', createdAt: '2026-01-01T09:00:00Z' });
    const third = ann('52 triệu đồng', 'nen sua thanh 52,4 trieu dong', { id: 'aa-third', createdAt: '2026-01-02T09:00:00Z' });
    expect(summarize([first, second]).clusters[0]!.id).toBe('zz-first');
    const later = summarize([third, second, first]).clusters[0]!;
    expect(later.id).toBe('zz-first');
    expect(later.annotationIds).toEqual(['aa-third', 'bb-second', 'zz-first']);
  });

  it('show the wording most members used, with accents as most typed them; ties → the earliest', () => {
    const t = (h: number) => `2026-01-01T0${h}:00:00Z`;
    const anns = [
      ann('52 triệu đồng', 'nen sua thanh 52,4 trieu dong', { createdAt: t(1) }),
      ann('52 triệu đồng', 'Nên sửa thành 52,4 triệu đồng.', { createdAt: t(2) }),
      ann('52 triệu đồng', 'nên sửa thành 52,4 triệu đồng', { createdAt: t(3) }),
      ann('52 triệu đồng', 'Đề nghị ghi là 52,4 triệu đồng theo thống kê', { createdAt: t(4) }),
    ];
    expect(summarize(anns).clusters[0]!.representative.body).toBe('Nên sửa thành 52,4 triệu đồng.');
    // One accented and one unaccented: a tie, so the earliest.
    expect(summarize(anns.slice(0, 2)).clusters[0]!.representative.body).toBe('nen sua thanh 52,4 trieu dong');
  });

  it('take the kind most members gave them', () => {
    const anns = [ann('52 triệu đồng', 'Thu nhập 52,4 triệu đồng', { kind: 'suggestion', replacement: '52,4 triệu đồng' }), ann('52 triệu đồng', 'Nên sửa thành 52,4 triệu đồng'), ann('52 triệu đồng', 'Sửa thành 52,4 triệu đồng?', { kind: 'question' })];
    const [cluster] = summarize(anns).clusters;
    expect(cluster!.count).toBe(3);
    expect(cluster!.kind).toBe('suggestion');
  });
});

describe('suggestion changes', () => {
  it('are the words the replacement inserts, or what it drops', () => {
    expect(changedWords('52 triệu đồng', '52,4 triệu đồng')).toBe('52,4');
    expect(changedWords('đẩy mạnh chuyển đổi số', 'đẩy mạnh chuyển đổi số, chuyển đổi xanh')).toBe('chuyển đổi xanh');
    expect(changedWords('Phải thường xuyên chăm lo', 'Thường xuyên chăm lo')).toBe('bỏ phải');
    expect(changedWords('Câu thừa.', '')).toBe('bỏ câu thừa');
  });
});
