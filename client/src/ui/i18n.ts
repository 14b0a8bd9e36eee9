/**
 * Two languages, Vietnamese by default; the choice is kept in localStorage. `t(key, params)` fills
 * `{name}` placeholders; dates go through Intl.DateTimeFormat in the chosen locale.
 *
 * Counts: a message may hold `{name, plural, one {# comment} other {# comments}}` (the ICU
 * MessageFormat subset: categories of Intl.PluralRules, `=N` for an exact number, `#` for the
 * number), so English says "1 comment" and "2 comments". Vietnamese has no plural forms: its
 * messages keep the plain `{count} ý kiến`.
 */
import { signal } from './signal.js';
import { vi, type MessageKey, type Messages } from './vi.js';
import { en } from './en.js';

export type Lang = 'vi' | 'en';
const dictionaries: Record<Lang, Messages> = { vi, en };

const stored = typeof localStorage !== 'undefined' ? localStorage.getItem('draftroom.lang') : null;
export const lang = signal<Lang>(stored === 'en' ? 'en' : 'vi');

export function setLang(next: Lang): void {
  lang.set(next);
  localStorage.setItem('draftroom.lang', next);
  document.documentElement.lang = next;
}

export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  const template = pluralize(dictionaries[lang.get()][key] ?? key, params);
  return template.replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? `{${name}}`));
}

const PLURAL = /\{(\w+), plural,((?:\s*(?:=\d+|zero|one|two|few|many|other)\s*\{[^{}]*\})+)\s*\}/g;
const PLURAL_FORM = /(=\d+|zero|one|two|few|many|other)\s*\{([^{}]*)\}/g;

/**
 * Resolves the `{name, plural, …}` blocks of a message for the numbers in `params`, by the
 * current language's Intl.PluralRules (an exact `=N` form first, then the category, then `other`).
 */
export function pluralize(template: string, params: Record<string, string | number>): string {
  if (!template.includes(', plural,')) return template;
  const rules = new Intl.PluralRules(lang.get() === 'vi' ? 'vi-VN' : 'en-GB');
  return template.replace(PLURAL, (block, name: string, body: string) => {
    const value = Number(params[name]);
    if (!Number.isFinite(value)) return block;
    const forms = new Map(Array.from(body.matchAll(PLURAL_FORM), (m) => [m[1]!, m[2]!] as const));
    const form = forms.get(`=${value}`) ?? forms.get(rules.select(value)) ?? forms.get('other') ?? '';
    return form.replace(/#/g, String(value));
  });
}

/** Whether a key built at run time (`close_${name}`, `error_${code}`) has a message. */
export function isMessageKey(key: string): key is MessageKey {
  return key in vi;
}

/** A count as the interface's language writes it: "10.000" in Vietnamese, "10,000" in English. */
export function formatNumber(n: number): string {
  return new Intl.NumberFormat(lang.get() === 'vi' ? 'vi-VN' : 'en-GB').format(n);
}

export function formatDate(iso: string | Date, withTime = true): string {
  const date = typeof iso === 'string' ? new Date(iso) : iso;
  return new Intl.DateTimeFormat(lang.get() === 'vi' ? 'vi-VN' : 'en-GB', {
    dateStyle: 'medium',
    ...(withTime ? { timeStyle: 'short' } : {}),
  }).format(date);
}

/**
 * An error as the interface shows it (the one place that decides): the message for its code in the
 * current language and, in the English interface only, the server's own `detail` (always English)
 * after it; the Vietnamese interface never shows English. `fields` names the request body's fields
 * by their form labels ({ note: 'Lý do' }): a 400 saying one of them is too long names it and its limit.
 */
export function errorText(error: unknown, fields: Readonly<Record<string, string>> = {}): { message: string; detail?: string } {
  const tooLong = tooLongField(error);
  const label = tooLong ? fields[tooLong.field] : undefined;
  const message = tooLong && label ? t('fieldTooLong', { field: label, max: formatNumber(tooLong.max), n: tooLong.max }) : errorMessage(error);
  const problem = typeof error === 'object' && error !== null && 'problem' in error ? (error as { problem?: { detail?: unknown } }).problem : undefined;
  const detail = lang.get() === 'en' && typeof problem?.detail === 'string' && problem.detail !== '' ? problem.detail : undefined;
  return detail ? { message, detail } : { message };
}

/** The human message for an API error `code` (problem+json) in the current language. */
export function errorMessage(error: unknown): string {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : 'internal';
  const key = `error_${code}`;
  return isMessageKey(key) ? t(key) : t('error_unknown', { code });
}

/**
 * The body field a 400 `validation_failed` says is over its `maxLength`, and that limit in
 * characters, from the server's detail (`body/note must NOT have more than 20000 characters`,
 * server/http/problem.ts); null for any other error.
 */
export function tooLongField(error: unknown): { field: string; max: number } | null {
  if (typeof error !== 'object' || error === null || !('problem' in error)) return null;
  const problem = (error as { problem?: { code?: unknown; detail?: unknown } }).problem;
  if (problem?.code !== 'validation_failed' || typeof problem.detail !== 'string') return null;
  const match = /^body\/(\w+) must NOT have more than (\d+) characters$/.exec(problem.detail);
  return match ? { field: match[1]!, max: Number(match[2]) } : null;
}
