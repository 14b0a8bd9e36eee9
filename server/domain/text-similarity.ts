/**
 * Text matching for clustering (clustering.ts): when do two short comments "say the same thing"?
 *
 * - Exact: the folded keys are equal. Folding = NFC, lower case, numbers with `.`/`,` unified,
 *   punctuation and whitespace dropped, apostrophes removed, accents stripped (NFD, drop combining
 *   marks, đ→d). Folding is for matching only: Vietnamese accents carry meaning ("bỏ" remove /
 *   "bổ" supplement / "bộ" ministry), so callers always show an original text.
 * - Near: Jaccard similarity ≥ NEAR_THRESHOLD on the set of *content* unigrams and adjacent bigrams
 *   of the folded text, AND equal "signatures" (polarity classes and numbers). Why this measure:
 *   Vietnamese words are mostly two syllables, so syllable bigrams approximate words and keep order
 *   ("tăng A, giảm B" ≠ "giảm A, tăng B"); unigrams tolerate reordering; dropping filler words
 *   ("đề nghị", "cần", "thêm", "về", "please", "the") lets paraphrases that differ only by filler
 *   match exactly. One inserted content word in a 7-word comment still scores 0.75; one
 *   substituted word scores 0.62–0.73, so a different object ("chuyển đổi số" / "chuyển đổi
 *   xanh") stays apart. Similarity alone cannot separate "bỏ chỉ tiêu" from "giữ chỉ tiêu" (one
 *   word in a short text is all the meaning), hence the signature veto: the sets of polarity
 *   classes (negation, remove, keep, add, up, down, agree, oppose) and of numbers must be equal.
 *   Polarity is read from accented words (folded "bo" is bỏ, bổ or bộ); a token typed without any
 *   accent is checked against a short list of folded forms that are unambiguous.
 */

/** Jaccard threshold for near-duplicates; see the module comment and the tests for the pairs it was tuned on. */
export const NEAR_THRESHOLD = 0.75;

const TOKEN = /\d+(?:[.,]\d+)*|[\p{L}\p{M}\p{N}]+(?:['’][\p{L}\p{M}\p{N}]+)*|\p{S}/gu;
const NUMBER = /^\d+(?:[.,]\d+)*$/;
const MARKS = /\p{M}/gu;
const ASCII_ONLY = /^[\x00-\x7f]*$/;

/** Filler words, matched on the accented lower-case form (or the phrase of two of them). */
const STOPWORDS = new Set([
  // Vietnamese: request verbs, intensifiers, connectives, demonstratives, aspect markers.
  'đề nghị', 'kiến nghị', 'đề xuất', 'xin', 'cần', 'nên', 'phải', 'hơn', 'rất', 'thêm', 'nữa', 'về',
  'các', 'những', 'của', 'và', 'là', 'thì', 'mà', 'này', 'đó', 'cho', 'với', 'trong', 'tại', 'ở',
  'đến', 'được', 'đã', 'sẽ', 'đang', 'một', 'cũng', 'việc', 'theo', 'vào', 'nhé', 'ạ', 'ý kiến',
  // English
  'a', 'an', 'the', 'of', 'to', 'in', 'on', 'at', 'for', 'and', 'or', 'is', 'are', 'be', 'been',
  'this', 'that', 'these', 'those', 'it', 'its', 'we', 'i', 'you', 'please', 'should', 'would',
  'could', 'must', 'need', 'needs', 'also', 'very', 'more', 'some', 'any', 'with', 'by', 'as',
  'from', 'about', 'there', 'here', 'our', 'their', 'suggest', 'propose', 'recommend', 'request',
  'consider', 'section', 'paragraph', 'text',
]);
/** Folded stopwords recognised on tokens typed without accents: only those whose folded form is
 * not also a content word ("can" ← cán bộ, "dang" ← Đảng, "nen" ← nền, "trong" ← trồng are left out). */
const FOLDED_STOPWORDS = new Set([
  'de nghi', 'kien nghi', 'de xuat', 'xin', 'hon', 'rat', 'them', 've', 'cac', 'nhung', 'cua', 'va',
  'la', 'voi', 'duoc', 'se', 'mot', 'nay', 'y kien',
]);

type Polarity = 'neg' | 'remove' | 'keep' | 'add' | 'up' | 'down' | 'agree' | 'oppose' | 'none';

/** Polarity words and phrases (accented lower case). 'none' shields a phrase whose words would
 * otherwise read as polarity ("tăng trưởng" is growth, "hạ tầng" infrastructure). */
const POLARITY = new Map<string, Polarity>([
  ['không', 'neg'], ['không gian', 'none'], ['không khí', 'none'], ['chưa', 'neg'], ['chẳng', 'neg'], ['chả', 'neg'], ['đừng', 'neg'], ['chớ', 'neg'],
  ['bỏ', 'remove'], ['xóa', 'remove'], ['xoá', 'remove'], ['loại bỏ', 'remove'], ['lược bỏ', 'remove'],
  ['cắt bỏ', 'remove'], ['bãi bỏ', 'remove'], ['từ bỏ', 'remove'], ['bỏ phiếu', 'none'],
  ['giữ', 'keep'], ['giữ nguyên', 'keep'], ['duy trì', 'keep'],
  ['bổ sung', 'add'],
  ['tăng', 'up'], ['nâng', 'up'], ['nâng cao', 'up'], ['cao', 'up'], ['tăng trưởng', 'none'],
  ['giảm', 'down'], ['hạ', 'down'], ['thấp', 'down'], ['cắt giảm', 'down'], ['hạ tầng', 'none'],
  ['đồng ý', 'agree'], ['tán thành', 'agree'], ['ủng hộ', 'agree'], ['nhất trí', 'agree'],
  ['phản đối', 'oppose'], ['bác bỏ', 'oppose'],
  ['not', 'neg'], ['no', 'neg'], ['never', 'neg'], ['nor', 'neg'], ['dont', 'neg'], ['doesnt', 'neg'],
  ['isnt', 'neg'], ['arent', 'neg'], ['shouldnt', 'neg'], ['cannot', 'neg'], ['cant', 'neg'],
  ['wont', 'neg'], ['without', 'neg'],
  ['remove', 'remove'], ['delete', 'remove'], ['drop', 'remove'], ['omit', 'remove'],
  ['eliminate', 'remove'], ['scrap', 'remove'],
  ['keep', 'keep'], ['retain', 'keep'], ['maintain', 'keep'], ['preserve', 'keep'],
  ['add', 'add'], ['include', 'add'], ['insert', 'add'],
  ['increase', 'up'], ['raise', 'up'], ['higher', 'up'], ['high', 'up'],
  ['decrease', 'down'], ['reduce', 'down'], ['lower', 'down'], ['low', 'down'], ['less', 'down'], ['fewer', 'down'],
  ['agree', 'agree'], ['support', 'agree'], ['endorse', 'agree'], ['approve', 'agree'],
  ['oppose', 'oppose'], ['object', 'oppose'], ['reject', 'oppose'], ['disagree', 'oppose'],
]);
/** Polarity of tokens typed without accents: folded forms that are not also common content words
 * ("bo" is bỏ/bổ/bộ, "tang" is tăng/tầng, "giam" is giảm/giám sát, "cao" is cao/báo cáo). */
const FOLDED_POLARITY = new Map<string, Polarity>([
  ['khong', 'neg'], ['chua', 'neg'], ['giu', 'keep'], ['giu nguyen', 'keep'], ['xoa', 'remove'],
  ['loai bo', 'remove'], ['bo sung', 'add'], ['dong y', 'agree'], ['tan thanh', 'agree'],
  ['ung ho', 'agree'], ['phan doi', 'oppose'], ['tang truong', 'none'], ['ha tang', 'none'],
]);

/** What matching needs to know of one text; computed once per distinct original text. */
export interface TextProfile {
  /** Folded text: equal keys mean "identical after normalisation". */
  readonly key: string;
  /** Content unigrams and bigrams of the folded text (distinct, unordered). */
  readonly features: readonly string[];
  /** Sorted polarity classes and numbers; near-duplicates must have equal signatures. */
  readonly signature: string;
  /** Count of accented letters in the original: prefers properly accented texts as representatives. */
  readonly accents: number;
}

interface Token {
  /** NFC lower case, apostrophes removed. */
  readonly lower: string;
  /** Accents stripped, đ→d; numbers with `.` as the only separator. */
  readonly folded: string;
  readonly ascii: boolean;
  readonly number: boolean;
}

/** Strips accents: NFD, drop combining marks, đ→d. Input must be lower case. */
export function foldAccents(s: string): string {
  return s.normalize('NFD').replace(MARKS, '').replace(/đ/g, 'd').normalize('NFC');
}

function tokens(text: string): Token[] {
  const out: Token[] = [];
  for (const raw of text.normalize('NFC').toLowerCase().match(TOKEN) ?? []) {
    const isNumber = NUMBER.test(raw);
    const lower = isNumber ? raw.replace(/,/g, '.') : raw.replace(/['’]/g, '');
    out.push({ lower, folded: isNumber ? lower : foldAccents(lower), ascii: ASCII_ONLY.test(lower), number: isNumber });
  }
  return out;
}

/** Light English plural stripping; Vietnamese syllables never end in "s", so it cannot hurt them. */
function stem(folded: string, ascii: boolean): string {
  if (!ascii || folded.length < 4 || !folded.endsWith('s') || /(?:ss|us|is)$/.test(folded)) return folded;
  return folded.slice(0, -1);
}

/** Looks up a one- or two-token phrase at `i`: accented table first, the folded one for unaccented tokens. */
function lookup<T>(toks: readonly Token[], i: number, accented: ReadonlyMap<string, T> | ReadonlySet<string>, folded: ReadonlyMap<string, T> | ReadonlySet<string>): { length: number; value: T | true } | undefined {
  const a = toks[i]!;
  const b = toks[i + 1];
  const get = (table: ReadonlyMap<string, T> | ReadonlySet<string>, k: string): T | true | undefined =>
    table instanceof Set ? (table.has(k) ? true : undefined) : (table as ReadonlyMap<string, T>).has(k) ? (table as ReadonlyMap<string, T>).get(k)! : undefined;
  if (b) {
    const hit = get(accented, `${a.lower} ${b.lower}`) ?? (a.ascii && b.ascii ? get(folded, `${a.folded} ${b.folded}`) : undefined);
    if (hit !== undefined) return { length: 2, value: hit };
  }
  const hit = get(accented, a.lower) ?? (a.ascii ? get(folded, a.folded) : undefined);
  return hit === undefined ? undefined : { length: 1, value: hit };
}

/** The matching profile of a text (see the module comment). Pure; callers cache it per text. */
export function profileText(text: string): TextProfile {
  const toks = tokens(text);
  const polarity = new Set<string>();
  const numbers = new Set<string>();
  for (let i = 0; i < toks.length; ) {
    const hit = lookup(toks, i, POLARITY, FOLDED_POLARITY);
    if (hit && hit.value !== true && hit.value !== 'none') polarity.add(hit.value);
    if (toks[i]!.number) numbers.add(toks[i]!.folded);
    i += hit?.length ?? 1;
  }
  const content: string[] = [];
  for (let i = 0; i < toks.length; ) {
    const hit = lookup(toks, i, STOPWORDS, FOLDED_STOPWORDS);
    if (hit) {
      i += hit.length;
      continue;
    }
    content.push(stem(toks[i]!.folded, toks[i]!.ascii));
    i += 1;
  }
  const features = new Set(content);
  for (let i = 1; i < content.length; i++) features.add(`${content[i - 1]} ${content[i]}`);
  const accents = text.normalize('NFD').match(MARKS)?.length ?? 0;
  return {
    key: toks.map((t) => t.folded).join(' '),
    features: [...features],
    signature: [...[...polarity].sort(), ...[...numbers].sort().map((n) => `#${n}`)].join(' '),
    accents: accents + (text.match(/[đĐ]/g)?.length ?? 0),
  };
}

/** Jaccard similarity of two profiles' feature sets (1 for two empty sets). */
export function jaccard(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0 && b.length === 0) return 1;
  const set = new Set(a);
  let shared = 0;
  for (const f of b) if (set.has(f)) shared++;
  return shared / (a.length + b.length - shared);
}

/**
 * True when two texts say the same thing by this module's rules: equal folded keys, or equal
 * signatures and a Jaccard similarity of at least `threshold` on non-empty content features.
 * Symmetric. Used by tests and for explaining a merge; clustering uses an indexed equivalent.
 */
export function nearDuplicate(a: string, b: string, threshold = NEAR_THRESHOLD): boolean {
  const pa = profileText(a);
  const pb = profileText(b);
  if (pa.key === pb.key) return true;
  if (pa.signature !== pb.signature || pa.features.length === 0 || pb.features.length === 0) return false;
  return jaccard(pa.features, pb.features) >= threshold;
}
