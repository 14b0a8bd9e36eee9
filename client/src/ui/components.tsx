/** Small shared pieces: banners, error text, a link that routes, a labelled field. */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { errorText, formatNumber, t } from './i18n';
import { navigate } from './router';

export function Banner(props: { tone: 'info' | 'warn' | 'error'; children: ComponentChildren; action?: ComponentChildren }) {
  return (
    <div class={`banner banner-${props.tone}`} role={props.tone === 'info' ? 'status' : 'alert'}>
      <span>{props.children}</span>
      {props.action}
    </div>
  );
}

/**
 * "9.600/10.000 ký tự" under a text box once its text passes 90 % of `max` (UTF-16 characters, as
 * `maxLength` counts): the box stops at the limit, so a person sees why it stopped.
 */
export function LengthCount(props: { value: string; max: number }) {
  if (props.value.length < props.max * 0.9) return null;
  const full = props.value.length >= props.max;
  // Over it only when the limit fell under a text already typed (a target with a smaller one chosen).
  const key = props.value.length > props.max ? 'lengthOver' : full ? 'lengthFull' : 'lengthCount';
  return (
    <small class={full ? 'length-count full' : 'length-count'} aria-live="polite">
      {t(key, { n: formatNumber(props.value.length), max: formatNumber(props.max), limit: props.max })}
    </small>
  );
}

/** An error in the interface language; `fields` names body fields by their labels (see `errorText`). */
export function ErrorText(props: { error: unknown; fields?: Readonly<Record<string, string>> }) {
  if (!props.error) return null;
  const { message, detail } = errorText(props.error, props.fields);
  return (
    <p class="error" role="alert">
      {message}
      {detail && <small class="detail"> ({detail})</small>}
    </p>
  );
}

export function Link(props: { href: string; children: ComponentChildren; class?: string }) {
  const onClick = (event: MouseEvent) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(props.href);
  };
  return (
    <a href={props.href} onClick={onClick} class={props.class}>
      {props.children}
    </a>
  );
}

export function Loading() {
  return <p class="muted" aria-live="polite">{t('loading')}</p>;
}

/** Saves a Blob under a file name (exports downloaded with the token in a header). */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = filename;
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * A button's action against the API: `busy` while it runs (to disable the button), the failure to
 * show if it failed, and `onDone` after it succeeded.
 */
export function useAction(onDone: () => void): { busy: boolean; error: unknown; run: (action: () => Promise<unknown>) => Promise<void> } {
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const run = async (action: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
      onDone();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, run };
}
