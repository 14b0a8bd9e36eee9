import { describe, expect, it } from 'vitest';
import { editDistance, parseQuery, rankByQuery, scoreAnnotation, searchWords, wordMatch, type SearchableText } from '../../server/domain/annotation-search.js';

const text = (body: string, extra: Partial<SearchableText> = {}): SearchableText => ({ body, replacement: null, quote: '', authorName: '', ...extra });

describe('annotation search ranking', () => {
  it('folds accents and case: "de nghi bo" finds "Đề nghị bỏ"', () => {
    expect(searchWords('Đề nghị BỎ câu này.')).toEqual(['de', 'nghi', 'bo', 'cau', 'nay']);
    expect(scoreAnnotation(parseQuery('de nghi bo'), text('Đề nghị bỏ câu này.'))).toBeGreaterThan(0);
    expect(scoreAnnotation(parseQuery('ĐỀ NGHỊ'), text('đề nghị bổ sung'))).toBeGreaterThan(0);
  });

  it('tolerates one typo in a word of 4 to 7 letters and two from 8 letters, but not in short words', () => {
    expect(wordMatch('nghi', 'nghi')).toBe(1);
    expect(wordMatch('ngih', 'nghi')).toBe(0.6); // two neighbours swapped
    expect(wordMatch('nguon', 'ngon')).toBe(0.6); // one deleted
    expect(wordMatch('thongke', 'thongkee')).toBe(0.8); // a prefix
    expect(wordMatch('nienngiam', 'niengiam')).toBe(0.6);
    expect(wordMatch('nienggiamm', 'niengiam')).toBe(0.4);
    expect(wordMatch('bo', 'ba')).toBe(0);
    expect(wordMatch('cao', 'cai')).toBe(0);
    expect(wordMatch('nghi', 'nhat')).toBe(0);
  });

  it('matches a prefix of a word from three letters', () => {
    expect(wordMatch('thu', 'thuong')).toBe(0.8);
    expect(wordMatch('th', 'thuong')).toBe(0);
  });

  it('asks every query word to match somewhere', () => {
    const query = parseQuery('nguồn thống kê');
    expect(scoreAnnotation(query, text('Đề nghị nêu rõ nguồn số liệu', { quote: 'theo thống kê năm 2024' }))).toBeGreaterThan(0);
    expect(scoreAnnotation(query, text('Đề nghị nêu rõ nguồn số liệu'))).toBe(0);
  });

  it('ranks exact words over typos, the comment over the quote, and a whole phrase first', () => {
    const items = [
      { id: 'typo', t: text('Đề nghị bỏ đoạnn này') },
      { id: 'quote', t: text('Nhất trí', { quote: 'đề nghị bỏ' }) },
      { id: 'scattered', t: text('Bỏ chữ này; đề nghị thêm số liệu') },
      { id: 'phrase', t: text('Đề nghị bỏ đoạn này') },
      { id: 'none', t: text('Tán thành') },
    ];
    const ranked = rankByQuery(items, 'de nghi bo doan', (i) => i.t).map((r) => r.item.id);
    expect(ranked[0]).toBe('phrase');
    expect(ranked).not.toContain('none');
    expect(ranked).not.toContain('quote'); // "doan" is nowhere in it
    expect(ranked.indexOf('phrase')).toBeLessThan(ranked.indexOf('typo'));
    const byField = rankByQuery(items, 'de nghi bo', (i) => i.t).map((r) => r.item.id);
    expect(byField.indexOf('phrase')).toBeLessThan(byField.indexOf('quote'));
  });

  it('keeps everything, in order, for an empty query (filters only)', () => {
    const ranked = rankByQuery(['a', 'b', 'c'], '  ', () => text('x'));
    expect(ranked.map((r) => r.item)).toEqual(['a', 'b', 'c']);
  });

  it('matches the author’s name and the proposed wording', () => {
    expect(scoreAnnotation(parseQuery('hoang an'), text('x', { authorName: 'Hoàng Văn An' }))).toBeGreaterThan(0);
    expect(scoreAnnotation(parseQuery('450 ha'), text('', { replacement: 'đạt 450 ha' }))).toBeGreaterThan(0);
  });

  it('measures edit distance with transpositions and stops past its limit', () => {
    expect(editDistance('abcd', 'abdc', 2)).toBe(1);
    expect(editDistance('kitten', 'sitting', 5)).toBe(3);
    expect(editDistance('kitten', 'sitting', 1)).toBe(2);
    expect(editDistance('a', 'abcdef', 2)).toBe(3);
  });
});
