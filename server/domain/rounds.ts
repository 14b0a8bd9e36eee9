/**
 * The round state machine: a document has rounds 1..maxRounds, at most one open at a time; a round
 * is open from its opening until it is closed by hand or its deadline passes. The deadline is
 * enforced by the server's clock at every write, so a late scheduler can never let a late comment in.
 */
import { AppError, conflict, invalid } from '../errors.js';
import { isAncestorOrSelf, type UnitPath } from './unit-path.js';

export interface RoundState {
  readonly number: number;
  readonly status: 'open' | 'closed';
  readonly closesAt: Date;
}

/** Longest a round may run; a typo of a year should not keep a round open for a decade. */
export const maxRoundDurationMs = 366 * 24 * 3600 * 1000;

/** Checks that round `existing.length + 1` may open now; returns its number. */
export function nextRoundNumber(input: {
  now: Date;
  closesAt: Date;
  maxRounds: number;
  existing: readonly RoundState[];
  documentUnitPath: UnitPath;
  scopeUnitPath: UnitPath;
}): number {
  if (Number.isNaN(input.closesAt.getTime())) throw invalid('closesAt is not a valid time');
  if (input.closesAt.getTime() <= input.now.getTime()) throw invalid('closesAt must be in the future');
  if (input.closesAt.getTime() - input.now.getTime() > maxRoundDurationMs) throw invalid('closesAt is more than a year away');
  if (!isAncestorOrSelf(input.documentUnitPath, input.scopeUnitPath)) {
    throw invalid('scopeUnitId must be the document’s unit or a unit below it');
  }
  if (input.existing.some((r) => isOpen(r, input.now))) throw conflict('another round of this document is still open');
  const number = input.existing.reduce((max, r) => Math.max(max, r.number), 0) + 1;
  if (number > input.maxRounds) throw conflict(`this document allows at most ${input.maxRounds} rounds`);
  return number;
}

/** Open by status and not yet past its deadline. */
export function isOpen(round: RoundState, now: Date): boolean {
  return round.status === 'open' && round.closesAt.getTime() > now.getTime();
}

/** Throws `round_closed` unless the round accepts annotations at `now`. */
export function assertAcceptingAnnotations(round: RoundState, now: Date): void {
  if (!isOpen(round, now)) throw new AppError('round_closed', `round ${round.number} is closed; comments are no longer accepted`);
}
