/**
 * The vocabulary reviewers use when commenting on a draft (Vietnamese and English), read by
 * text-similarity.ts. Every entry is a phrase of one to three words, written accented and in lower
 * case (tone marks in the new style, "hóa" not "hoá"); text-similarity matches it on a word's
 * accented form, and on its folded form (accents stripped) only when the words were typed without
 * any accent and the folded phrase is unambiguous (FOLDED_AMBIGUOUS lists those that are not:
 * "bo" is bỏ, bổ or bộ).
 *
 * Roles:
 * - `stop`: filler, politeness and request verbs ("đề nghị", "tôi", "ạ", "please"): dropped;
 * - `this`: deictic words ("này", "this"): dropped, but they mark the text as pointing at its
 *   anchor rather than naming what it is about (a generic remark);
 * - `not`: negation, which turns the next stance within three words (không nên bỏ → keep);
 * - a stance (`remove`, `keep`, `add`, `up`, `down`, `agree`, `oppose`): what the member wants
 *   done, or a judgement (`high`, `low`: "quá cao" / "quá thấp"); two texts with conflicting stances are never one point;
 * - an act (`check`, `clarify`, `list`, `figure`): a common verb or noun written many ways
 *   ("kiểm tra lại" / "xem lại" / "rà soát"), one token for all its spellings;
 * - `fixed`: a fixed phrase whose words would otherwise read as a stance ("tăng cường" is
 *   strengthen, "giảm nghèo" poverty reduction, "giữ gìn" preserve): kept as one content word.
 */
export type Stance = 'remove' | 'keep' | 'add' | 'up' | 'down' | 'agree' | 'oppose' | 'high' | 'low';
export type Act = 'check' | 'clarify' | 'list' | 'figure';
export type Role = 'stop' | 'this' | 'not' | 'fixed' | Stance | Act;

export const STANCES: ReadonlySet<string> = new Set<Stance>(['remove', 'keep', 'add', 'up', 'down', 'agree', 'oppose', 'high', 'low']);

/** Pairs of stances that cannot be one point (in either order). */
export const CONFLICTS: ReadonlyArray<readonly [Stance, Stance]> = [
  ['remove', 'keep'],
  ['remove', 'add'],
  ['up', 'down'],
  ['up', 'keep'],
  ['down', 'keep'],
  ['agree', 'oppose'],
  ['high', 'low'],
];

/** What a stance becomes under negation ("không nên bỏ" keeps, "không đồng ý" opposes). */
export const NEGATED: Readonly<Record<Stance, Stance>> = {
  remove: 'keep',
  add: 'keep',
  up: 'keep',
  down: 'keep',
  keep: 'remove',
  agree: 'oppose',
  oppose: 'agree',
  high: 'low',
  low: 'high',
};

const words = (role: Role, list: string): [string, Role][] => list.split(',').map((w) => [w.trim(), role]);

export const PHRASES: ReadonlyMap<string, Role> = new Map<string, Role>([
  ...words(
    'stop',
    'đề nghị, kiến nghị, đề xuất, xin, cần, nên, phải, hơn, rất, nữa, về, các, những, của, và, là, thì, mà, cho, với, trong, tại, ở, đến, được, đã, sẽ, đang, một, cũng, việc, theo, vào, nhé, ạ, ý kiến, tôi, chúng tôi, em, mình, theo tôi, thiết nghĩ, góp ý, cụ thể, rõ, lại, thành, bằng, như, có, bị, vì, do, để, từ, cụm từ, chữ, từ ngữ, sửa, sửa lại, sửa thành, thay, thay bằng, thay thế, điều chỉnh, chỉnh, chỉnh sửa, ghi, ghi là, viết, viết lại, nói, đưa, đưa vào, luôn, quá, nên chăng, hay, hoặc, nào, gì, bao nhiêu, sao, vậy, chưa ạ, đi, còn, cả, mỗi, ra, lên',
  ),
  ...words(
    'stop',
    'a, an, the, of, to, in, on, at, for, and, or, is, are, be, been, was, were, i, we, you, please, should, would, could, must, need, needs, also, very, more, some, any, with, by, as, from, about, there, our, their, suggest, propose, recommend, request, consider, text, change, replace, read, it, its, which, what, how, many, much, do, does, too, here, so, just, only, not yet, into, whose, where, that is, meant, fully, strongly, think, believe, give',
  ),
  ...words('this', 'này, đó, đấy, ấy, trên, phần này, đoạn này, câu này, ý này, chỗ này, this, that, these, those'),
  ...words('not', 'không, chưa, chẳng, chả, đừng, chớ, không nên, not, no, never, dont, doesnt, shouldnt, cannot, cant, without'),
  ...words('remove', 'bỏ, xóa, loại bỏ, lược bỏ, cắt bỏ, bỏ đi, bỏ bớt, bãi bỏ, thừa, remove, removing, delete, deleting, drop, dropping, omit, scrap, cut out'),
  ...words('keep', 'giữ, giữ nguyên, giữ lại, duy trì, keep, keeping, retain, preserve, leave as is'),
  ...words('add', 'bổ sung, bổ xung, thêm, bổ sung thêm, còn thiếu, thiếu, add, adding, include, insert, missing, lacks'),
  ...words('up', 'tăng, nâng, tăng lên, nâng lên, raise, raising, increase, increasing, higher'),
  ...words('down', 'giảm, hạ, giảm xuống, hạ xuống, giảm còn, xuống, lower, lowering, reduce, reducing, decrease, decreasing'),
  ...words('high', 'cao, quá cao, high, too high, ambitious'),
  ...words('low', 'thấp, quá thấp, low, too low'),
  ...words('agree', 'đồng ý, nhất trí, tán thành, ủng hộ, đồng tình, agree, support, endorse, approve'),
  ...words('oppose', 'phản đối, bác bỏ, disagree, oppose, object, reject'),
  ...words('check', 'kiểm tra, kiểm tra lại, xem lại, xem xét lại, rà soát, rà soát lại, đối chiếu, check, verify, recheck, double check, review'),
  ...words('clarify', 'nêu, làm rõ, ghi rõ, nêu rõ, nói rõ, chỉ rõ, nêu cụ thể, ghi cụ thể, nói cụ thể, clarify, specify, state, explain'),
  ...words('list', 'nêu tên, kể tên, liệt kê, ghi tên, name, list'),
  ...words('figure', 'số liệu, con số, figure, figures, number, data'),
  ...words(
    'fixed',
    'tăng cường, tăng trưởng, giảm nghèo, thoát nghèo, hạ tầng, giữ gìn, giữ vững, nâng cao, bỏ phiếu, không gian, không khí, hộ nghèo, chất lượng cao, công nghệ cao, cao điểm, poverty reduction, high quality, high technology',
  ),
]);

/** Folded phrases that must not be read from unaccented typing: they fold several words. */
export const FOLDED_AMBIGUOUS: ReadonlySet<string> = new Set([
  'bo', 'tang', 'giam', 'ha', 'nang', 'thanh', 've', 'co', 'cho', 'thi', 'ma', 'la', 'cac', 'can', 'nen', 'trong', 'tai', 'o', 'de', 'da', 'dang',
  'mot', 'viec', 'theo', 'bi', 'do', 'tu', 'chu', 'ghi', 'viet', 'noi', 'dua', 'luon', 'qua', 'chi', 'hay', 'nao', 'gi', 'sao', 'di', 'con', 'ca',
  'moi', 'ra', 'len', 'nay', 'tren', 'ay', 'cao', 'thap', 'khong', 'chua', 'giu', 'them', 'thieu', 'thua', 'xuong', 'sua', 'thay', 'chinh', 'xoa', 'dong y',
]);

/** Unaccented words that still read as a stance or act ("giu" can only be giữ). */
export const FOLDED_EXTRA: ReadonlyMap<string, Role> = new Map<string, Role>([
  ['khong', 'not'], ['chua', 'not'], ['giu', 'keep'], ['xoa', 'remove'], ['them', 'add'], ['dong y', 'agree'], ['xuong', 'down'],
  ['de nghi', 'stop'], ['nen', 'stop'], ['can', 'stop'], ['cac', 'stop'], ['la', 'stop'], ['ve', 'stop'], ['nay', 'this'], ['thanh', 'stop'], ['sua', 'stop'],
]);

/** Common misspellings and spelling variants, on folded words: "bổ xung" is "bổ sung". */
export const FOLDED_VARIANTS: ReadonlyMap<string, string> = new Map([
  ['bo xung', 'bo sung'],
  ['su ly', 'xu ly'],
  ['sat nhap', 'sap nhap'],
  ['chuan doan', 'chan doan'],
  ['xap xep', 'sap xep'],
]);

/** Stances and the folded words of their accented spellings, so an unaccented "bo" may stand for "bỏ". */
export function foldedStanceWords(fold: (s: string) => string): Map<string, Set<Stance>> {
  const out = new Map<string, Set<Stance>>();
  for (const [phrase, role] of PHRASES) {
    if (!STANCES.has(role) || phrase.includes(' ')) continue;
    const f = fold(phrase);
    let set = out.get(f);
    if (!set) out.set(f, (set = new Set()));
    set.add(role as Stance);
  }
  return out;
}
