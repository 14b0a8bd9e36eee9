/**
 * Two languages, Vietnamese by default; the choice is kept in localStorage. `t(key, params)` fills
 * `{name}` placeholders; dates go through Intl.DateTimeFormat in the chosen locale.
 */
import { signal } from './signal';
import { vi, type MessageKey, type Messages } from './vi';
import { en } from './en';

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
  const template = dictionaries[lang.get()][key] ?? key;
  return template.replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? `{${name}}`));
}

/** `t` for keys built at run time (`kind_${kind}`), falling back to the raw word. */
export function tk(key: string, params: Record<string, string | number> = {}): string {
  return key in vi ? t(key as MessageKey, params) : key;
}

export function formatDate(iso: string | Date, withTime = true): string {
  const date = typeof iso === 'string' ? new Date(iso) : iso;
  return new Intl.DateTimeFormat(lang.get() === 'vi' ? 'vi-VN' : 'en-GB', {
    dateStyle: 'medium',
    ...(withTime ? { timeStyle: 'short' } : {}),
  }).format(date);
}

/** The human message for an API error `code` (problem+json) in the current language. */
export function errorMessage(error: unknown): string {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : 'internal';
  const key = `error_${code}`;
  return key in vi ? t(key as MessageKey) : t('error_unknown', { code });
}
