/**
 * Consolidated feedback on one document. For each unit where the caller is staff: what that unit
 * received from the units below, merged (when the draft went below it or anything was sent to it). For each unit where the caller is secretary: "Gửi
 * ý kiến lên cấp trên" (it hides itself where the unit sends nothing on this document).
 */
import { useState } from 'preact/hooks';
import type { DocumentInfo } from '@schemas/documents';
import type { Round } from '@schemas/rounds';
import type { OnDocumentEvent } from '../api/events';
import { me } from '../ui/session';
import { MergedFeedback } from './merged-feedback';
import { SendPackage } from './send-package';

export function FeedbackView(props: { document: DocumentInfo; rounds: Round[]; eventTick: number; onEvent: OnDocumentEvent }) {
  const { document: doc } = props;
  const memberships = me.get()?.memberships ?? [];
  const staff = memberships.filter((m) => m.role !== 'member').map((m) => m.unitId);
  const secretaryOf = memberships.filter((m) => m.role === 'secretary').map((m) => m.unitId);
  // A decision on a received point changes what this unit would send up: the preview reloads.
  const [decided, setDecided] = useState(0);
  return (
    <section class="stack">
      {staff.map((unitId) => (
        <MergedFeedback key={`r-${unitId}`} document={doc} unitId={unitId} rounds={props.rounds} onEvent={props.onEvent} canDecide hideWhenEmpty onDecided={() => setDecided((n) => n + 1)} />
      ))}
      {secretaryOf.map((unitId) => (
        <SendPackage key={`s-${unitId}`} document={doc} fromUnitId={unitId} eventTick={props.eventTick + decided} />
      ))}
    </section>
  );
}
