/**
 * The reason of a decision, wherever one is taken (a comment, a point of the round summary, a point
 * received from below): required when the decision needs one (`needsReason`, domain/vocabulary.ts,
 * the server's rule), and only spaces do not count, as the server trims them. The browser's own
 * check stops the form, with the message in the interface's language.
 */
import { useEffect, useRef } from 'preact/hooks';
import { needsReason, type Decision } from '@domain/vocabulary';
import { lang, t } from './i18n';

export function ReasonField(props: {
  decision: Decision | '';
  value: string;
  onInput: (value: string) => void;
  name?: string;
  /** A textarea of `rows` lines instead of one line. */
  rows?: number;
  maxLength?: number;
}) {
  const ref = useRef<HTMLInputElement & HTMLTextAreaElement>(null);
  const required = props.decision !== '' && needsReason(props.decision);
  const language = lang.get();
  useEffect(() => {
    ref.current?.setCustomValidity(required && !props.value.trim() ? t('reasonNeeded') : '');
  }, [required, props.value, language]);
  const field = {
    ref,
    name: props.name,
    value: props.value,
    required,
    maxLength: props.maxLength,
    onInput: (e: { currentTarget: HTMLInputElement | HTMLTextAreaElement }) => props.onInput(e.currentTarget.value),
  };
  return props.rows ? <textarea rows={props.rows} {...field} /> : <input {...field} />;
}
