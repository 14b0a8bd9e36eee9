/**
 * Checks a bulk import and puts it in an order the database can apply in one pass: parents
 * before children, one row per login, one role per (unit, member). Pure; the import service
 * applies the plan inside one transaction.
 */
import type { Role } from './vocabulary.js';
import { invalid } from '../errors.js';

export interface ImportUnit {
  key: string;
  name: string;
  level: string;
  parentKey: string | null;
}

export interface ImportMember {
  login: string;
  displayName: string;
  password?: string | undefined;
  unitKey: string;
  role: Role;
}

export interface ImportPlan {
  /** Units of the file, every parent before its children. */
  units: ImportUnit[];
  /** One entry per login (normalised); a later row's name and password win. */
  members: Map<string, { displayName: string; password: string | undefined }>;
  /** One role per (unitKey, login); a later row wins. */
  roles: Map<string, { unitKey: string; login: string; role: Role }>;
}

const maxProblemsShown = 10;

/** A login after normalisation (NFC, trimmed, lower case): what the `members.login` column accepts. */
export function isValidLogin(normalised: string): boolean {
  return /^[\p{Ll}\p{Nd}._@-]{2,64}$/u.test(normalised);
}

/** A display name as stored: NFC, trimmed, 1–200 characters. Empty when only blanks were given. */
export function normaliseDisplayName(name: string): string {
  return name.normalize('NFC').trim();
}

/**
 * @param knownKeys unit keys already in the database, which the file may use as parents or
 *   member units without repeating them.
 */
export function planImport(
  input: { units: ImportUnit[]; members: ImportMember[] },
  knownKeys: ReadonlySet<string>,
  normaliseLogin: (login: string) => string,
): ImportPlan {
  const problems: string[] = [];
  const byKey = new Map<string, ImportUnit>();
  input.units.forEach((unit, i) => {
    if (byKey.has(unit.key)) problems.push(`units[${i}]: key "${unit.key}" appears twice`);
    byKey.set(unit.key, unit);
  });
  const exists = (key: string) => byKey.has(key) || knownKeys.has(key);
  input.units.forEach((unit, i) => {
    if (unit.parentKey !== null && !exists(unit.parentKey)) {
      problems.push(`units[${i}]: parentKey "${unit.parentKey}" is neither in this import nor already imported`);
    }
  });

  // Depth-first ordering; a unit met again while still on the stack closes a cycle.
  const ordered: ImportUnit[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (unit: ImportUnit): void => {
    const seen = state.get(unit.key);
    if (seen === 'done') return;
    if (seen === 'visiting') {
      problems.push(`unit "${unit.key}" is its own ancestor`);
      return;
    }
    state.set(unit.key, 'visiting');
    const parent = unit.parentKey === null ? undefined : byKey.get(unit.parentKey);
    if (parent) visit(parent);
    state.set(unit.key, 'done');
    ordered.push(unit);
  };
  for (const unit of byKey.values()) visit(unit);

  const members: ImportPlan['members'] = new Map();
  const roles: ImportPlan['roles'] = new Map();
  input.members.forEach((row, i) => {
    const login = normaliseLogin(row.login);
    if (!isValidLogin(login)) {
      problems.push(`members[${i}]: login "${row.login}" must be 2–64 letters, digits, '.', '_', '@' or '-'`);
    }
    if (!exists(row.unitKey)) problems.push(`members[${i}]: unitKey "${row.unitKey}" is neither in this import nor already imported`);
    const displayName = normaliseDisplayName(row.displayName);
    if (displayName.length === 0) problems.push(`members[${i}]: displayName of "${row.login}" is blank`);
    const previous = members.get(login);
    members.set(login, {
      displayName,
      password: row.password ?? previous?.password,
    });
    roles.set(`${row.unitKey}\u0000${login}`, { unitKey: row.unitKey, login, role: row.role });
  });

  if (problems.length > 0) {
    const more = problems.length > maxProblemsShown ? ` (and ${problems.length - maxProblemsShown} more)` : '';
    throw invalid(`the import has ${problems.length} problem(s): ${problems.slice(0, maxProblemsShown).join('; ')}${more}`);
  }
  return { units: ordered, members, roles };
}
