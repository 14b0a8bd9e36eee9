/** Pieces shared by the package a unit sends and the merged feedback it receives. */
import type { DecisionCounts } from '@schemas/aggregation';
import { decisionTallies } from '@domain/vocabulary';
import { t } from '../ui/i18n';

/** Consecutive runs of items with the same section (items arrive in document order). */
export function bySection<T extends { section: string; sectionTitle: string }>(items: readonly T[]): Array<{ section: string; title: string; items: T[] }> {
  const groups: Array<{ section: string; title: string; items: T[] }> = [];
  for (const item of items) {
    const last = groups[groups.length - 1];
    if (last && last.section === item.section) last.items.push(item);
    else groups.push({ section: item.section, title: item.sectionTitle || item.section || t('sectionUntitled'), items: [item] });
  }
  return groups;
}

/** The passage a point is about, or a note that it is a general comment. */
export function Quote(props: { quote: string; scope?: 'section' | 'document' | undefined }) {
  if (props.scope) return <p class="muted small">{t(`scope_${props.scope}`)}</p>;
  if (!props.quote) return <p class="muted small">{t('atPoint')}</p>;
  return <blockquote class="quote">“{props.quote}”</blockquote>;
}

/** The wording most members used, and the rewording they propose. */
export function Representative(props: { representative: { body: string; replacement: string | null } }) {
  return (
    <>
      {props.representative.body && <p class="point-body">{props.representative.body}</p>}
      {props.representative.replacement && <p class="replacement">→ {props.representative.replacement}</p>}
    </>
  );
}

/** "Tiếp thu: 1 · Chưa xử lý: 2": only the tallies that are not zero. */
export function decisionsText(decisions: DecisionCounts): string {
  return decisionTallies
    .filter((d) => decisions[d] > 0)
    .map((d) => `${t(`decision_${d}`)}: ${decisions[d]}`)
    .join(' · ');
}
