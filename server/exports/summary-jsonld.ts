/**
 * A round's annotations in the W3C Web Annotation Data Model (https://www.w3.org/TR/annotation-model/),
 * as JSON-LD with the standard context. Motivations come from the model's own vocabulary:
 * comment → `commenting`; question → `questioning`; suggestion → `editing` (its replacement is a
 * second body with purpose `editing`); objection and support → `assessing` (both judge the
 * passage rather than remark on it), told apart by a `tagging` body "objection"/"support".
 * The collection embeds its single page as `first` (an AnnotationPage with `items`), which is how
 * the model nests annotations in a collection. A general comment (a whole section or the whole
 * draft) targets the version itself, with no selector, and a section comment carries
 * its section path in a `tagging` body ("section: II").
 */
import type { AnnotationKind } from '../domain/clustering.js';

export const ANNO_CONTEXT = 'http://www.w3.org/ns/anno.jsonld';

export interface JsonLdAnnotationInput {
  readonly id: string;
  readonly kind: AnnotationKind;
  readonly body: string;
  readonly replacement: string | null;
  /** Offsets in the version's text (UTF-16 code units, as the projection counts them); absent for a general comment. */
  readonly start?: number;
  readonly end?: number;
  readonly quote?: { readonly exact: string; readonly prefix: string; readonly suffix: string };
  /** A general comment on a section names its path; on the whole draft, null. */
  readonly section?: string | null;
  readonly created?: string;
}

export interface JsonLdExportInput {
  /** IRI of the collection (e.g. the summary's URL with ?format=jsonld). */
  readonly collectionId: string;
  readonly label: string;
  /** IRI of the document version the offsets refer to: every target's `source`. */
  readonly versionUrl: string;
  /** Prefix of annotation IRIs: an annotation's id is `annotationBaseUrl + id`. */
  readonly annotationBaseUrl: string;
  readonly annotations: readonly JsonLdAnnotationInput[];
  /** The version's text: when given, positions are converted to code points as the model asks. */
  readonly text?: string;
  /** BCP 47 language of the bodies, e.g. "vi". */
  readonly language?: string;
}

const MOTIVATION: Record<AnnotationKind, string> = {
  comment: 'commenting',
  question: 'questioning',
  objection: 'assessing',
  support: 'assessing',
  suggestion: 'editing',
};

/** The JSON-LD object (serialise with JSON.stringify). Annotations keep the input order. */
export function annotationsToJsonLd(input: JsonLdExportInput): Record<string, unknown> {
  const toCodePoints = codePointMapper(input.text);
  const textual = (value: string, purpose: string) => ({
    type: 'TextualBody',
    value,
    format: 'text/plain',
    ...(input.language ? { language: input.language } : {}),
    purpose,
  });
  const items = input.annotations.map((a) => {
    const motivation = MOTIVATION[a.kind];
    const bodies: Record<string, unknown>[] = [];
    if (a.body !== '') bodies.push(textual(a.body, motivation));
    if (a.kind === 'suggestion' && a.replacement !== null) bodies.push(textual(a.replacement, 'editing'));
    if (a.kind === 'objection' || a.kind === 'support') bodies.push({ type: 'TextualBody', value: a.kind, purpose: 'tagging' });
    if (typeof a.section === 'string') bodies.push({ type: 'TextualBody', value: `section: ${a.section}`, purpose: 'tagging' });
    return {
      id: input.annotationBaseUrl + encodeURIComponent(a.id),
      type: 'Annotation',
      motivation,
      ...(a.created ? { created: a.created } : {}),
      body: bodies,
      target:
        a.quote && a.start !== undefined && a.end !== undefined
          ? {
              source: input.versionUrl,
              selector: [
                { type: 'TextQuoteSelector', exact: a.quote.exact, prefix: a.quote.prefix, suffix: a.quote.suffix },
                { type: 'TextPositionSelector', start: toCodePoints(a.start), end: toCodePoints(a.end) },
              ],
            }
          : input.versionUrl,
    };
  });
  return {
    '@context': ANNO_CONTEXT,
    id: input.collectionId,
    type: 'AnnotationCollection',
    label: input.label,
    total: items.length,
    first: { type: 'AnnotationPage', startIndex: 0, items },
  };
}

/** UTF-16 offset → code point offset in `text` (identity without a text or without astral characters). */
function codePointMapper(text: string | undefined): (offset: number) => number {
  if (!text) return (o) => o;
  const pairs: number[] = []; // UTF-16 offsets of the low halves of surrogate pairs
  for (let i = 0; i < text.length - 1; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) pairs.push(++i);
    }
  }
  if (pairs.length === 0) return (o) => o;
  return (offset) => {
    let lo = 0;
    let hi = pairs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (pairs[mid]! < offset) lo = mid + 1;
      else hi = mid;
    }
    return offset - lo;
  };
}
