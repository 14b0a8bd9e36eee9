import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { readWordReview } from '../../server/domain/word-review.js';
import { memberFile } from '../helpers/word-review-files.js';

async function read(file: Buffer) {
  const zip = await JSZip.loadAsync(file);
  return readWordReview(await zip.file('word/document.xml')!.async('string'), await zip.file('word/comments.xml')?.async('string'));
}

describe('reading a member’s Word file', () => {
  it('rebuilds the text before the changes and places comments and tracked changes in it', async () => {
    const review = await read(
      await memberFile([
        ['I. Về kinh tế'],
        ['Tốc độ tăng trưởng đạt ', { comment: 'Nguồn số liệu?', on: '8,2%' }, ' mỗi năm.'],
        ['Tỷ lệ hộ nghèo giảm còn ', { del: '4,1%' }, { ins: '3,9%' }, '.'],
        ['Nhiệm vụ ', { ins: 'trọng tâm ' }, 'là phát triển.'],
        ['Câu cuối.', { commentOnly: 'Góp ý chung về cả văn bản' }],
        [{ ins: 'Một đoạn mới hoàn toàn.' }],
      ]),
    );
    expect(review.text).toBe('I. Về kinh tế\nTốc độ tăng trưởng đạt 8,2% mỗi năm.\nTỷ lệ hộ nghèo giảm còn 4,1%.\nNhiệm vụ là phát triển.\nCâu cuối.\n\n');
    const [comment, replace, insert, added, general] = review.items;
    // A whole new paragraph is not lost: a comment at its place proposing it.
    expect(added).toMatchObject({ kind: 'comment', start: review.text.length - 1, end: review.text.length - 1, body: 'Đề nghị bổ sung: «Một đoạn mới hoàn toàn.»' });
    expect(review.text.slice(comment!.start!, comment!.end!)).toBe('8,2%');
    expect(comment).toMatchObject({ kind: 'comment', body: 'Nguồn số liệu?', replacement: null, author: 'Hoàng Văn An' });
    expect(replace).toMatchObject({ kind: 'suggestion', replacement: '3,9%' });
    expect(review.text.slice(replace!.start!, replace!.end!)).toBe('4,1%');
    // A pure insertion rewords the word before it.
    expect(review.text.slice(insert!.start!, insert!.end!)).toBe('vụ ');
    expect(insert!.replacement).toBe('vụ trọng tâm ');
    expect(general).toMatchObject({ kind: 'comment', start: null, end: null, body: 'Góp ý chung về cả văn bản' });
  });

  it('refuses XML that is not well-formed', () => {
    expect(() => readWordReview('<w:document><w:body>')).toThrow(/not well-formed|no document body/);
  });
});
