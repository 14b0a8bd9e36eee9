/**
 * Word tokens for word-level diffs (version-diff.ts): a text is cut into words, whitespace runs and
 * single punctuation marks or symbols, and each distinct token is encoded as one UTF-16 code unit so
 * that diff-match-patch, which diffs characters, diffs tokens instead (its line-mode trick, applied
 * to words).
 */

/**
 * One token, tried in this order:
 * - a word: letters, marks and digits (`\p{L}\p{M}\p{N}`, so Vietnamese letters with diacritics,
 *   precomposed or combining, are word characters), with inner apostrophes ("don't", "l’État");
 * - a run of `\n` (paragraph breaks stay apart from spaces, so a paragraph edit never swallows the
 *   indentation next to it), or a run of other whitespace;
 * - a flag (two regional indicators);
 * - any other code point (punctuation, a symbol, an emoji, a lone surrogate) with the marks,
 *   skin-tone modifiers and ZWJ-joined pictographs that follow it, so an emoji is not cut apart.
 * The last alternative matches any code point, so the tokens of a text always concatenate back to
 * it. Tokenising is greedy from the left: two adjacent tokens of the same kind never occur (a word
 * never follows a word, nor a space run a space run).
 */
const TOKEN =
  /[\p{L}\p{M}\p{N}]+(?:['’][\p{L}\p{M}\p{N}]+)*|\n+|[^\S\n]+|\p{RI}\p{RI}|[^][\p{M}\u{1F3FB}-\u{1F3FF}]*(?:\u200D\p{Extended_Pictographic}[\p{M}\u{1F3FB}-\u{1F3FF}]*)*/gu;

/** The tokens of `text`, in order; `tokenize(text).join('') === text`. */
export function tokenize(text: string): string[] {
  return text.match(TOKEN) ?? [];
}

/**
 * Distinct codes available: every BMP code unit except the 2,048 surrogates. Surrogates are left out
 * because diff-match-patch cuts strings by code unit and would happily split a pair.
 */
export const TOKEN_CODE_LIMIT = 0x10000 - 0x800;

function codeUnit(index: number): number {
  return index < 0xd800 ? index : index + 0x800;
}

export interface EncodedTokens {
  /** `tokens1[i]` is encoded as `chars1[i]` (one code unit per token). */
  readonly chars1: string;
  readonly chars2: string;
  readonly tokens1: readonly string[];
  readonly tokens2: readonly string[];
  /**
   * True when there were more distinct tokens than `TOKEN_CODE_LIMIT`, so that some unequal tokens
   * share a code: equal codes then do not prove equal tokens, and a decoder must compare the tokens.
   */
  readonly shared: boolean;
}

/**
 * Encodes both token lists with one shared dictionary: equal tokens always get equal codes. The
 * first `TOKEN_CODE_LIMIT` distinct tokens (in order of first appearance, old text first) get codes
 * of their own; any further token reuses code `n mod TOKEN_CODE_LIMIT`. That keeps the encoding one
 * code unit per token (positions still line up with the token lists) at the price of false matches,
 * which the decoder detects by comparing tokens and turns back into edits — a slightly less minimal
 * diff, never a wrong one. It needs a text of well over 63,488 distinct words and marks to happen.
 */
export function encodeTokens(tokens1: readonly string[], tokens2: readonly string[]): EncodedTokens {
  const dictionary = new Map<string, number>();
  let shared = false;
  const encode = (tokens: readonly string[]): string => {
    const codes = new Array<number>(tokens.length);
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i]!;
      let code = dictionary.get(token);
      if (code === undefined) {
        const n = dictionary.size;
        if (n >= TOKEN_CODE_LIMIT) shared = true;
        code = codeUnit(n % TOKEN_CODE_LIMIT);
        dictionary.set(token, code);
      }
      codes[i] = code;
    }
    return fromCodes(codes);
  };
  const chars1 = encode(tokens1);
  const chars2 = encode(tokens2);
  return { chars1, chars2, tokens1, tokens2, shared };
}

/** `String.fromCharCode` in slices: spreading 100,000+ arguments at once overflows the stack. */
function fromCodes(codes: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < codes.length; i += 8192) parts.push(String.fromCharCode(...codes.slice(i, i + 8192)));
  return parts.join('');
}

/**
 * Marks where tokens start: `marks[i] === 1` when offset `i` of the text is a token boundary
 * (0 and `text.length` always are). `tokens` must be `tokenize(text)`.
 */
export function tokenBoundaries(tokens: readonly string[], length: number): Uint8Array {
  const marks = new Uint8Array(length + 1);
  let offset = 0;
  marks[0] = 1;
  for (const token of tokens) {
    offset += token.length;
    marks[offset] = 1;
  }
  return marks;
}
