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
  /** The same features as integers, in the same order: ids of the TextProfiler that made the
   * profile (`profiler.featureCount` of them), so only compare profiles of one profiler. */
  readonly featureIds: Int32Array;
  /** Sorted polarity classes and numbers; near-duplicates must have equal signatures. */
  readonly signature: string;
  /** Count of accented letters in the original: prefers properly accented texts as representatives. */
  readonly accents: number;
}

/** Strips accents: NFD, drop combining marks, đ→d. Input must be lower case. */
export function foldAccents(s: string): string {
  return s.normalize('NFD').replace(MARKS, '').replace(/đ/g, 'd').normalize('NFC');
}

/**
 * The phrases of one table (POLARITY, STOPWORDS and their folded twins) that a token can start:
 * `one` is the token alone, `next` maps the following token's form to the two-token phrase. Every
 * phrase has one or two words and tokens hold no spaces, so this is exactly a lookup of "a" and
 * "a b" in the table, without building the string "a b".
 */
interface Phrases<T> {
  readonly one: T | undefined;
  readonly next: ReadonlyMap<string, T> | undefined;
}

interface PhraseTable<T> {
  readonly one: ReadonlyMap<string, T>;
  readonly two: ReadonlyMap<string, ReadonlyMap<string, T>>;
}

function phraseTable<T>(entries: Iterable<readonly [string, T]>): PhraseTable<T> {
  const one = new Map<string, T>();
  const two = new Map<string, Map<string, T>>();
  for (const [phrase, value] of entries) {
    const space = phrase.indexOf(' ');
    if (space < 0) one.set(phrase, value);
    else {
      const first = phrase.slice(0, space);
      let next = two.get(first);
      if (!next) two.set(first, (next = new Map()));
      next.set(phrase.slice(space + 1), value);
    }
  }
  return { one, two };
}

const NO_PHRASES: Phrases<never> = { one: undefined, next: undefined };
const phrasesOf = <T>(table: PhraseTable<T>, form: string): Phrases<T> => {
  const one = table.one.get(form);
  const next = table.two.get(form);
  return one === undefined && next === undefined ? NO_PHRASES : { one, next };
};

const POLARITY_TABLE = phraseTable(POLARITY);
const FOLDED_POLARITY_TABLE = phraseTable(FOLDED_POLARITY);
const STOPWORD_TABLE = phraseTable([...STOPWORDS].map((w) => [w, true] as const));
const FOLDED_STOPWORD_TABLE = phraseTable([...FOLDED_STOPWORDS].map((w) => [w, true] as const));

/** One distinct token (as matched in the NFC lower-case text) with everything matching reads of it. */
interface Token {
  /** NFC lower case, apostrophes removed. */
  readonly lower: string;
  /** Accents stripped, đ→d; numbers with `.` as the only separator. */
  readonly folded: string;
  readonly ascii: boolean;
  readonly number: boolean;
  /** The content feature it gives when it is not filler (`folded`, English plural stripped). */
  readonly stem: string;
  /** Phrases it starts, read from its accented form, and from its folded form (only for an ASCII token). */
  readonly polarity: Phrases<Polarity>;
  readonly foldedPolarity: Phrases<Polarity>;
  readonly stopword: Phrases<true>;
  readonly foldedStopword: Phrases<true>;
  /** Feature id of `stem` in the TextProfiler that read the token. */
  readonly unigram: number;
}

/**
 * The phrase of `a` (or of `a b`) in an accented table and its folded twin, as the module comment
 * says: "a b" accented, else "a b" folded when both are typed without accents; then "a" likewise.
 * Returns the value and sets `phrase.length`; undefined when no phrase starts at `a`.
 */
function phraseAt<T>(a: Token, b: Token | undefined, accented: Phrases<T>, folded: Phrases<T>, phrase: { length: number }): T | undefined {
  if (b) {
    const two = accented.next?.get(b.lower) ?? (b.ascii ? folded.next?.get(b.folded) : undefined);
    if (two !== undefined) {
      phrase.length = 2;
      return two;
    }
  }
  phrase.length = 1;
  return accented.one ?? folded.one;
}

/** Light English plural stripping; Vietnamese syllables never end in "s", so it cannot hurt them. */
function stem(folded: string, ascii: boolean): string {
  if (!ascii || folded.length < 4 || !folded.endsWith('s') || /(?:ss|us|is)$/.test(folded)) return folded;
  return folded.slice(0, -1);
}

function readToken(raw: string, unigram: (stem: string) => number): Token {
  const isNumber = NUMBER.test(raw);
  const lower = isNumber ? raw.replace(/,/g, '.') : raw.replace(/['’]/g, '');
  const folded = isNumber ? lower : foldAccents(lower);
  const ascii = ASCII_ONLY.test(lower);
  const stemmed = stem(folded, ascii);
  return {
    lower,
    folded,
    ascii,
    number: isNumber,
    stem: stemmed,
    polarity: phrasesOf(POLARITY_TABLE, lower),
    foldedPolarity: ascii ? phrasesOf(FOLDED_POLARITY_TABLE, folded) : NO_PHRASES,
    stopword: phrasesOf(STOPWORD_TABLE, lower),
    foldedStopword: ascii ? phrasesOf(FOLDED_STOPWORD_TABLE, folded) : NO_PHRASES,
    unigram: unigram(stemmed),
  };
}

/**
 * Accented letters of an original: combining marks in its NFD form, plus đ/Đ (which do not
 * decompose). NFD decomposes character by character (then only reorders marks), so the count is
 * the sum over characters, memoised per UTF-16 code unit; no NFD string is built. A text with a
 * surrogate pair takes the direct route.
 */
function countAccents(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0xc0) continue;
    if (c >= 0xd800 && c <= 0xdfff) return (text.normalize('NFD').match(MARKS)?.length ?? 0) + (text.match(/[đĐ]/g)?.length ?? 0);
    let n = accentMemo[c]!;
    if (n < 0) {
      const ch = String.fromCharCode(c);
      accentMemo[c] = n = (ch.normalize('NFD').match(MARKS)?.length ?? 0) + (ch === 'đ' || ch === 'Đ' ? 1 : 0);
    }
    count += n;
  }
  return count;
}

/** Accents per BMP character, −1 until first asked (a fixed Unicode property: a safe memo of 64 KiB). */
const accentMemo = new Int8Array(0x10000).fill(-1);

/**
 * Profiles texts with memos, for callers that profile many (clustering): a province round has
 * 100,000 annotations but a few thousand distinct tokens and far fewer distinct texts than
 * annotations. Both memos are exact:
 * - a token's reads (folding, phrase tables, stem) are computed once per distinct token, so the
 *   regex-heavy folding never runs per text;
 * - a profile is made once per exact original (its own object, as chooseRepresentative needs).
 * Features are interned as integers (a unigram per distinct stem, a bigram per pair of unigram
 * ids), so matching works on small int arrays and no "a b" strings are built; the strings
 * of `features` are made only when read. Memory grows with the distinct texts seen: make one per
 * batch of work, not one per process.
 */
export class TextProfiler {
  private readonly tokens = new Map<string, Token>();
  private readonly byText = new Map<string, TextProfile>();
  private readonly scratch = { toks: [] as Token[], folded: [] as string[], content: [] as number[], features: [] as number[], phrase: { length: 0 } };
  /** Feature id of each stem (unigram), and of each (unigram id, unigram id) pair (bigram). */
  private readonly unigramIds = new Map<string, number>();
  private readonly bigramIds: (Map<number, number> | undefined)[] = [];
  /** The feature of each id, as `features` spells it. */
  private readonly names: string[] = [];
  /** Per feature id, the number of the last text that had it: distinct features without a Set per text. */
  private lastText = new Int32Array(0);
  private texts = 0;

  /** Feature ids handed out so far (ids are 0 … featureCount − 1). */
  get featureCount(): number {
    return this.names.length;
  }

  /** `profileText(text)`, memoised: the same object for equal texts. */
  profile(text: string): TextProfile {
    let profile = this.byText.get(text);
    if (!profile) {
      profile = this.profileUncached(text);
      this.byText.set(text, profile);
    }
    return profile;
  }

  private token(raw: string): Token {
    let token = this.tokens.get(raw);
    if (!token) this.tokens.set(raw, (token = readToken(raw, (stem) => this.unigram(stem))));
    return token;
  }

  private unigram(stem: string): number {
    let id = this.unigramIds.get(stem);
    if (id === undefined) {
      this.unigramIds.set(stem, (id = this.names.length));
      this.names.push(stem);
    }
    return id;
  }

  private bigram(first: number, second: number): number {
    let next = this.bigramIds[first];
    if (!next) this.bigramIds[first] = next = new Map();
    let id = next.get(second);
    if (id === undefined) {
      next.set(second, (id = this.names.length));
      this.names.push(`${this.names[first]} ${this.names[second]}`);
    }
    return id;
  }

  private profileUncached(text: string): TextProfile {
    const lowered = text.normalize('NFC').toLowerCase();
    // Scratch arrays reused from text to text: a profile allocates only what it keeps.
    const { toks, content, features, phrase } = this.scratch;
    toks.length = 0;
    content.length = 0;
    features.length = 0;
    for (const raw of lowered.match(TOKEN) ?? []) toks.push(this.token(raw));
    let polarity: string[] | undefined;
    let numbers: string[] | undefined;
    for (let i = 0; i < toks.length; ) {
      const t = toks[i]!;
      const hit = phraseAt(t, toks[i + 1], t.polarity, t.foldedPolarity, phrase);
      if (hit !== undefined && hit !== 'none' && !polarity?.includes(hit)) (polarity ??= []).push(hit);
      if (t.number && !numbers?.includes(t.folded)) (numbers ??= []).push(t.folded);
      i += hit === undefined ? 1 : phrase.length;
    }
    for (let i = 0; i < toks.length; ) {
      const t = toks[i]!;
      if (phraseAt(t, toks[i + 1], t.stopword, t.foldedStopword, phrase) !== undefined) {
        i += phrase.length;
        continue;
      }
      content.push(t.unigram);
      i += 1;
    }
    // Content unigrams, then bigrams of consecutive content words; distinct, in first-seen order.
    const stamp = ++this.texts;
    for (let i = 0; i < content.length; i++) this.addFeature(features, content[i]!, stamp);
    for (let i = 1; i < content.length; i++) this.addFeature(features, this.bigram(content[i - 1]!, content[i]!), stamp);
    // Joined, not concatenated: a flat string (it is hashed and kept), not a tree of pieces.
    const folded = this.scratch.folded;
    folded.length = toks.length;
    for (let i = 0; i < toks.length; i++) folded[i] = toks[i]!.folded;
    const key = folded.join(' ');
    const signature = polarity || numbers ? [...(polarity?.sort() ?? []), ...(numbers?.sort().map((n) => `#${n}`) ?? [])].join(' ') : '';
    const featureIds = new Int32Array(features.length);
    for (let i = 0; i < features.length; i++) featureIds[i] = features[i]!;
    return new Profile(text, key, featureIds, signature, this.names);
  }

  /** Appends feature `f` unless this text (number `text`) already has it. */
  private addFeature(features: number[], f: number, text: number): void {
    if (f >= this.lastText.length) {
      const grown = new Int32Array(Math.max(2 * this.lastText.length, f + 1, 1024));
      grown.set(this.lastText);
      this.lastText = grown;
    }
    if (this.lastText[f] === text) return;
    this.lastText[f] = text;
    features.push(f);
  }
}

/** A TextProfile whose `features` strings are spelled out from the ids, and `accents` counted, on
 * first read: most texts of a province round are one-offs that never compete to represent a group. */
class Profile implements TextProfile {
  private spelled: readonly string[] | undefined;
  private accentCount = -1;
  constructor(
    private readonly text: string,
    readonly key: string,
    readonly featureIds: Int32Array,
    readonly signature: string,
    private readonly names: readonly string[],
  ) {}

  get accents(): number {
    if (this.accentCount < 0) this.accentCount = countAccents(this.text);
    return this.accentCount;
  }

  get features(): readonly string[] {
    return (this.spelled ??= Array.from(this.featureIds, (id) => this.names[id]!));
  }
}

/** The matching profile of a text (see the module comment). Pure; callers profiling many texts use a TextProfiler. */
export function profileText(text: string): TextProfile {
  return new TextProfiler().profile(text);
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
