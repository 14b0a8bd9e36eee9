/**
 * When do two short comments make the same point? (clustering.ts; issue 12)
 *
 * Near-duplicate detection as in eRulemaking (Yang & Callan's DURIAN: bag-of-words overlap with
 * "must-link" containment and "cannot-link" constraints) and text-reuse work, adapted to comments
 * of five to thirty words, where one word can be the whole meaning:
 * 1. Normalise (NFC, lower case, tone placement "hoá"→"hóa", numbers "8,0 %"→8, "52.4"/"52,4"→52.4,
 *    "01"→1), then read each word or phrase of comment-vocabulary.ts: filler and politeness drop
 *    out, stances and common acts become one token whatever their spelling ("bỏ"/"xóa"/"delete"),
 *    fixed phrases ("tăng cường") stay plain words. Content words are compared folded (accents
 *    stripped, "tỷ"/"tỉ" and "bổ xung"/"bổ sung" unified), because members type without accents.
 * 2. Cannot-link (never one point): each text has a number the other lacks (52,4 vs 54); stances
 *    that conflict (giữ/bỏ, tăng/giảm, đồng ý/không đồng ý — negation turns the next stance); or,
 *    aligned word by word, the texts differ by swapping one content word for another between
 *    shared words ("chi bộ"/"chi đoàn", "thôn Đông"/"thôn Tây", "trước"/"sau năm 2027"): a named
 *    thing changed, which no overlap score can see.
 * 3. Otherwise merge on overlap of the content-word sets: the shared words cover at least
 *    OVERLAP_MIN of the shorter text and SHARE_MIN of the longer one (a remark with one or two extra
 *    words still merges), or — for a suggestion, compared by the words it inserts — its change is
 *    contained in the other text ("nên sửa thành 52,4 triệu" contains the change "52,4").
 * Folding is for matching only: accents carry meaning ("bỏ"/"bổ"/"bộ"), so an unaccented "bo"
 * never reads as a stance; it may still match a "bỏ" of the other text.
 */
import { foldAccents } from './text-normal.js';
import {
  CONFLICTS,
  FOLDED_AMBIGUOUS,
  FOLDED_EXTRA,
  FOLDED_VARIANTS,
  NEGATED,
  PHRASES,
  STANCES,
  foldedStanceWords,
  type Role,
  type Stance,
} from './comment-vocabulary.js';

/** Share of the shorter text's content words the other must have. */
export const OVERLAP_MIN = 0.75;
/** Share of the longer text's content words the shorter must have. */
export const SHARE_MIN = 0.4;
/** Kept for callers that pass a threshold: the overlap share asked of the shorter text. */
export const NEAR_THRESHOLD = OVERLAP_MIN;

const TOKEN = /\d+(?:[.,]\d+)*|[\p{L}\p{M}\p{N}]+(?:['’][\p{L}\p{M}\p{N}]+)*/gu;
const NUMBER = /^\d+(?:[.,]\d+)*$/;
const MARKS = /\p{M}/gu;
const ASCII_ONLY = /^[\x00-\x7f]*$/;

const STANCE_BIT: Record<Stance, number> = { remove: 1, keep: 2, add: 4, up: 8, down: 16, agree: 32, oppose: 64, high: 128, low: 256 };
const CONFLICT_MASK: Record<Stance, number> = { remove: 0, keep: 0, add: 0, up: 0, down: 0, agree: 0, oppose: 0, high: 0, low: 0 };
for (const [a, b] of CONFLICTS) {
  CONFLICT_MASK[a] |= STANCE_BIT[b];
  CONFLICT_MASK[b] |= STANCE_BIT[a];
}

/** True when stance bits `a` and `b` (of two texts) conflict: each has a stance the other lacks and they clash. */
export function stancesConflict(a: number, b: number): boolean {
  const aOnly = a & ~b;
  const bOnly = b & ~a;
  if (aOnly === 0 || bOnly === 0) return false;
  for (const [stance, bit] of Object.entries(STANCE_BIT)) if (aOnly & bit && CONFLICT_MASK[stance as Stance] & bOnly) return true;
  return false;
}

/** The accent folding of text-normal.ts, re-exported for this module's callers. */
export { foldAccents };

/** Old-style tone placement ("hoá", "thuỷ") to the new style ("hóa", "thủy"), at a syllable's end. */
const TONE_PLACEMENT = /([oO])([àáảãạ])$|([oO])([èéẻẽẹ])$|([uU])([ỳýỷỹỵ])$/u;
function placeTone(word: string): string {
  return word.replace(TONE_PLACEMENT, (m: string) => {
    const nfd = m.normalize('NFD');
    const tone = nfd.match(/[\u0300\u0301\u0303\u0309\u0323]/u)?.[0] ?? '';
    const bare = nfd.replace(tone, '');
    return (bare[0]! + tone + bare.slice(1)).normalize('NFC');
  });
}

/** "ty" → "ti", "ly" → "li": the i/y spelling variants of a consonant + y syllable (tỷ / tỉ). */
const I_Y = /^([bcdghklmnpqrstvx]+)y$/;

/** A number's one spelling: "8,0" and "8.0" → "8", "52,4" → "52.4", "01" → "1", "1.000" → "1000". */
export function normalizeNumber(raw: string): string {
  const groups = raw.split(/[.,]/);
  const thousands = groups.length > 2 || (groups.length === 2 && groups[1]!.length === 3 && /^[1-9]\d{0,2}$/.test(groups[0]!));
  if (thousands) return groups.join('').replace(/^0+(?=\d)/, '');
  const [whole, fraction = ''] = groups;
  const int = whole!.replace(/^0+(?=\d)/, '');
  const frac = fraction.replace(/0+$/, '');
  return frac ? `${int}.${frac}` : int;
}

interface PhraseNode {
  role?: Role;
  next: Map<string, PhraseNode>;
}

function trieOf(entries: Iterable<readonly [string, Role]>): PhraseNode {
  const root: PhraseNode = { next: new Map() };
  for (const [phrase, role] of entries) {
    let node = root;
    for (const w of phrase.split(' ')) {
      let child = node.next.get(w);
      if (!child) node.next.set(w, (child = { next: new Map() }));
      node = child;
    }
    node.role = role;
  }
  return root;
}

const ACCENTED = trieOf(PHRASES);
const FOLDED = (() => {
  const roles = new Map<string, Role | null>();
  for (const [phrase, role] of PHRASES) {
    const f = foldAccents(phrase);
    if (FOLDED_AMBIGUOUS.has(f)) continue;
    roles.set(f, roles.has(f) && roles.get(f) !== role ? null : role);
  }
  for (const [f, role] of FOLDED_EXTRA) roles.set(f, role);
  return trieOf([...roles].filter((e): e is [string, Role] => e[1] !== null));
})();
const VAGUE_STANCES = foldedStanceWords(foldAccents);

/** A word as read once per distinct spelling. */
interface Word {
  /** Lower case, tone placement normalised. */
  readonly accented: string;
  /** Accents stripped, i/y unified; a number's normal spelling. */
  readonly folded: string;
  readonly ascii: boolean;
  readonly number: boolean;
}

/** What matching needs to know of one text; computed once per distinct original text. */
export interface TextProfile {
  /** Folded content words: equal keys mean "the same words after normalisation". */
  readonly key: string;
  /** Content word ids (of the TextProfiler that made it), distinct and sorted. */
  readonly featureIds: Int32Array;
  /** Content word ids in text order (for the word-by-word alignment). */
  readonly sequence: Int32Array;
  /** The content words, spelled (for tests and explanations). */
  readonly features: readonly string[];
  /** Normalised numbers, distinct and sorted. */
  readonly numbers: readonly string[];
  /** Stances read (bits of STANCE_BIT). */
  readonly stances: number;
  /** Unaccented words that may be a stance: word id → bits of the stances it may be. */
  readonly vague: ReadonlyMap<number, number>;
  /** Points at its anchor ("câu này", "this") or says next to nothing: its anchor is its subject. */
  readonly generic: boolean;
  /** Accented letters in the original: how it was typed. */
  readonly accents: number;
}

/**
 * Profiles texts with memos (a province round has 100,000 annotations but far fewer distinct
 * words and texts). Word ids are this profiler's: compare only profiles of one profiler. Memory
 * grows with the distinct texts seen: make one per batch of work.
 */
export class TextProfiler {
  private readonly words = new Map<string, Word>();
  private readonly byText = new Map<string, TextProfile>();
  private readonly ids = new Map<string, number>();
  private readonly names: string[] = [];
  /** Word id → is it a stance or act token (never part of a named-thing swap). */
  private readonly special: boolean[] = [];

  get featureCount(): number {
    return this.names.length;
  }

  /** The spelling of word id `id`. */
  nameOf(id: number): string {
    return this.names[id]!;
  }

  isSpecial(id: number): boolean {
    return this.special[id]!;
  }

  /** Ids of the stance words an unaccented word of `profile` may stand for ("bo" → bỏ), for candidate search. */
  vagueStanceIds(profile: TextProfile): number[] {
    const out: number[] = [];
    for (const bits of profile.vague.values()) {
      for (const [stance, bit] of Object.entries(STANCE_BIT)) {
        const id = this.ids.get(`@${stance}`);
        if (bits & bit && id !== undefined) out.push(id);
      }
    }
    return out;
  }

  /** The profile of `text`, memoised: the same object for equal texts. */
  profile(text: string): TextProfile {
    let profile = this.byText.get(text);
    if (!profile) this.byText.set(text, (profile = this.read(text)));
    return profile;
  }

  private id(name: string, special = false): number {
    let id = this.ids.get(name);
    if (id === undefined) {
      this.ids.set(name, (id = this.names.length));
      this.names.push(name);
      this.special.push(special || NUMBER.test(name));
    }
    return id;
  }

  private word(raw: string): Word {
    let w = this.words.get(raw);
    if (w) return w;
    const number = NUMBER.test(raw);
    const accented = number ? raw : placeTone(raw.replace(/['’]/g, ''));
    const ascii = ASCII_ONLY.test(accented);
    let folded = number ? normalizeNumber(raw) : foldAccents(accented).replace(I_Y, '$1i');
    // Light English plural stripping ("targets" → "target"); Vietnamese syllables never end in "s".
    if (!number && ascii && folded.length >= 4 && folded.endsWith('s') && !/(?:ss|us|is)$/.test(folded)) folded = folded.slice(0, -1);
    w = { accented, folded, ascii, number };
    this.words.set(raw, w);
    return w;
  }

  /**
   * The phrase starting at `i` (longest, up to three words): accented, else folded when the whole
   * text was typed without accents (in an accented text, "vi" is the "vi" of "vi phạm", not "vì").
   */
  private phraseAt(words: readonly Word[], i: number, unaccented: boolean): { role: Role; length: number } | undefined {
    let best: { role: Role; length: number } | undefined;
    let a: PhraseNode | undefined = ACCENTED;
    let f: PhraseNode | undefined = FOLDED;
    for (let k = 0; k < 3 && i + k < words.length; k++) {
      const w = words[i + k]!;
      a = a?.next.get(w.accented);
      f = unaccented ? f?.next.get(w.folded) : undefined;
      const role = a?.role ?? f?.role;
      if (role !== undefined) best = { role, length: k + 1 };
      if (!a && !f) break;
    }
    return best;
  }

  private read(text: string): TextProfile {
    const lowered = text.normalize('NFC').toLowerCase();
    const raw = lowered.match(TOKEN) ?? [];
    const unaccented = ASCII_ONLY.test(lowered);
    const words = raw.map((r) => this.word(r));
    // Spelling variants on folded word pairs ("bo xung" → "bo sung").
    const folded = words.map((w) => w.folded);
    for (let i = 0; i + 1 < folded.length; i++) {
      const fixed = FOLDED_VARIANTS.get(`${folded[i]} ${folded[i + 1]}`);
      if (fixed) {
        const [x, y] = fixed.split(' ');
        folded[i] = x!;
        folded[i + 1] = y!;
        if (words[i]!.accented === 'bổ') words[i + 1] = { ...words[i + 1]!, accented: 'sung' };
      }
    }
    const sequence: number[] = [];
    const keyWords: string[] = [];
    const numbers = new Set<string>();
    const vague = new Map<number, number>();
    let stances = 0;
    let negation = -1;
    let deictic = false;
    for (let i = 0; i < words.length; ) {
      const w = words[i]!;
      if (w.number) {
        numbers.add(folded[i]!);
        sequence.push(this.id(folded[i]!));
        keyWords.push(folded[i]!);
        i++;
        continue;
      }
      const phrase = this.phraseAt(words, i, unaccented);
      const span = phrase?.length ?? 1;
      const surface = folded.slice(i, i + span).join(' ');
      const role = phrase?.role;
      if (role === 'stop' || role === 'this') {
        if (role === 'this') deictic = true;
      } else if (role === 'not') {
        // In the sequence (for the alignment: "chưa đạt" / "chưa tốt" is a reworded predicate), not a content word.
        sequence.push(this.id('!', true));
        negation = sequence.length;
        keyWords.push('!');
      } else if (role !== undefined && STANCES.has(role)) {
        let stance = role as Stance;
        // Negation reaches the next stance within three content words.
        if (negation >= 0 && sequence.length - negation <= 3) stance = NEGATED[stance];
        negation = -1;
        stances |= STANCE_BIT[stance];
        sequence.push(this.id(`@${stance}`, true));
        // The stance read, not its spelling: "đồng ý" and "không đồng ý" must not share a key.
        keyWords.push(`@${stance}`);
      } else if (role !== undefined && role !== 'fixed') {
        sequence.push(this.id(`@${role}`, true));
        keyWords.push(surface);
      } else {
        const id = this.id(surface.replace(/ /g, '_'));
        sequence.push(id);
        keyWords.push(surface);
        if (span === 1 && unaccented) {
          const maybe = VAGUE_STANCES.get(w.folded);
          if (maybe) vague.set(id, [...maybe].reduce((bits, s) => bits | STANCE_BIT[s], 0));
        }
      }
      i += span;
    }
    const not = this.ids.get('!');
    const featureIds = Int32Array.from(new Set(sequence.filter((id) => id !== not))).sort();
    const generic = deictic || featureIds.length <= 1;
    return new Profile(text, keyWords.join(' '), featureIds, Int32Array.from(sequence), [...numbers].sort(), stances, vague, generic, this.names);
  }
}

class Profile implements TextProfile {
  private accentCount = -1;
  constructor(
    private readonly text: string,
    readonly key: string,
    readonly featureIds: Int32Array,
    readonly sequence: Int32Array,
    readonly numbers: readonly string[],
    readonly stances: number,
    readonly vague: ReadonlyMap<number, number>,
    readonly generic: boolean,
    private readonly names: readonly string[],
  ) {}

  get accents(): number {
    if (this.accentCount < 0) this.accentCount = countAccents(this.text);
    return this.accentCount;
  }

  get features(): readonly string[] {
    return Array.from(this.featureIds, (id) => this.names[id]!);
  }
}

/**
 * Accented letters of an original: combining marks of its NFD form, plus đ/Đ. NFD decomposes
 * character by character, so the count is a sum over code units, memoised per code unit; a text
 * with a surrogate pair takes the direct route.
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

/** Accents per BMP code unit, −1 until first asked (a fixed Unicode property: a safe memo of 64 KiB). */
const accentMemo = new Int8Array(0x10000).fill(-1);

/** The profile of one text. Pure; callers profiling many texts use a TextProfiler. */
export function profileText(text: string): TextProfile {
  return new TextProfiler().profile(text);
}

/** How many ids two ascending id lists share (a merge walk; each list without repeats). */
export function sharedCount(x: Int32Array, y: Int32Array): number {
  let i = 0;
  let j = 0;
  let shared = 0;
  while (i < x.length && j < y.length) {
    if (x[i] === y[j]) {
      shared++;
      i++;
      j++;
    } else if (x[i]! < y[j]!) i++;
    else j++;
  }
  return shared;
}
