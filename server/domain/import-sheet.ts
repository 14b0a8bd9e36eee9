/**
 * A spreadsheet (CSV or XLSX, one sheet, a header row) as a bulk import, with a problem per bad
 * row so a person can fix the file. One flat layout serves both units and members: a row with a
 * `unit_name` defines the unit `unit_key` (with `level` and `parent_key`); a row with a `login`
 * puts that member in `unit_key` with `role`. Headers are matched without case, accents or spaces,
 * in English or Vietnamese ("Tên đăng nhập" = `login`). Pure.
 */
import { isValidLogin, normaliseDisplayName, type ImportMember, type ImportUnit } from './import-plan.js';
import { roleLabels, roles, type Role } from './vocabulary.js';

export const sheetColumns = ['unit_key', 'unit_name', 'level', 'parent_key', 'login', 'display_name', 'role'] as const;
export type SheetColumn = (typeof sheetColumns)[number];

/** Accepted header spellings, after folding (lower case, no accents, no spaces or underscores). */
const headerAliases: Record<string, SheetColumn> = {
  unitkey: 'unit_key', madonvi: 'unit_key',
  unitname: 'unit_name', tendonvi: 'unit_name',
  level: 'level', cap: 'level',
  parentkey: 'parent_key', madonvicaptren: 'parent_key', donvicaptren: 'parent_key',
  login: 'login', tendangnhap: 'login',
  displayname: 'display_name', hoten: 'display_name', hovaten: 'display_name',
  role: 'role', vaitro: 'role',
};

const fold = (text: string): string =>
  text.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').toLowerCase().replace(/[\s_\-./]+/g, '');

/** Role words accepted in a cell: the English word or its Vietnamese label, folded. */
const roleWords = new Map<string, Role>(roles.flatMap((r) => [[fold(r), r] as [string, Role], [fold(roleLabels.vi[r]), r] as [string, Role]]));


type Values = Readonly<Record<string, string | number>>;
/** What can be wrong with a row, and how it reads in each language (one place, like the vocabulary). */
export const sheetProblemTexts = {
  missing_column: { en: (v: Values) => `the header row has no "${v.column}" column`, vi: (v: Values) => `dòng tiêu đề thiếu cột "${v.column}"` },
  no_kind_columns: { en: () => 'the header row needs "unit_name" (units) or "login" (members) columns', vi: () => 'dòng tiêu đề cần cột "unit_name" (đơn vị) hoặc "login" (đảng viên)' },
  empty: { en: (v: Values) => `${v.column} is empty`, vi: (v: Values) => `${v.column} để trống` },
  too_long: { en: (v: Values) => `${v.column} is longer than ${v.max} characters`, vi: (v: Values) => `${v.column} dài quá ${v.max} ký tự` },
  no_kind: { en: () => 'the row defines neither a unit (unit_name) nor a member (login)', vi: () => 'dòng không có đơn vị (unit_name) cũng không có đảng viên (login)' },
  duplicate_unit: { en: (v: Values) => `unit "${v.key}" is already defined on row ${v.first}`, vi: (v: Values) => `đơn vị "${v.key}" đã có ở dòng ${v.first}` },
  bad_level: { en: (v: Values) => `level "${v.level}" must be a word such as province, district or commune`, vi: (v: Values) => `cấp "${v.level}" phải là một từ như province, district, commune` },
  own_parent: { en: () => 'a unit cannot be its own parent', vi: () => 'đơn vị không thể là cấp trên của chính nó' },
  bad_login: { en: (v: Values) => `login "${v.login}" must be 2–64 letters, digits, '.', '_', '@' or '-'`, vi: (v: Values) => `tên đăng nhập "${v.login}" phải gồm 2–64 chữ, số, '.', '_', '@' hoặc '-' (không dấu cách)` },
  bad_role: { en: (v: Values) => `role "${v.role}" must be member, drafter or secretary (đảng viên, tổ soạn thảo, thư ký)`, vi: (v: Values) => `vai trò "${v.role}" phải là đảng viên, tổ soạn thảo hoặc thư ký` },
  duplicate_member: { en: (v: Values) => `"${v.login}" is already in unit "${v.key}" on row ${v.first}`, vi: (v: Values) => `"${v.login}" đã có trong đơn vị "${v.key}" ở dòng ${v.first}` },
  unknown_parent: { en: (v: Values) => `parent "${v.key}" is neither in the file nor already imported`, vi: (v: Values) => `đơn vị cấp trên "${v.key}" không có trong tệp và chưa được nhập trước đây` },
  unknown_unit: { en: (v: Values) => `unit "${v.key}" is neither in the file nor already imported`, vi: (v: Values) => `đơn vị "${v.key}" không có trong tệp và chưa được nhập trước đây` },
} as const;
export type SheetProblemCode = keyof typeof sheetProblemTexts;

/** A problem's sentence in a language. */
export function sheetProblemText(problem: { code: SheetProblemCode; values: Values }, locale: 'vi' | 'en'): string {
  return sheetProblemTexts[problem.code][locale](problem.values);
}

export interface SheetProblem {
  /** 1-based row of the spreadsheet (the header is row 1). */
  row: number;
  column: SheetColumn | null;
  code: SheetProblemCode;
  values: Record<string, string | number>;
  /** The problem in English (`sheetProblemText` gives it in Vietnamese). */
  message: string;
}

export interface SheetPreview {
  units: Array<ImportUnit & { row: number }>;
  members: Array<ImportMember & { row: number }>;
  problems: SheetProblem[];
}

const levelPattern = /^[a-z][a-z0-9_-]*$/;

/**
 * Reads the rows (the first is the header) into units and members, with every problem found.
 * `knownKeys`: unit keys already imported, which rows may refer to without defining them.
 * `normaliseLogin`: the login normalisation of the accounts (NFC, trimmed, lower case).
 */
export function readImportSheet(rows: ReadonlyArray<ReadonlyArray<string>>, knownKeys: ReadonlySet<string>, normaliseLogin: (login: string) => string): SheetPreview {
  const problems: SheetProblem[] = [];
  const add = (row: number, column: SheetColumn | null, code: SheetProblemCode, values: Record<string, string | number> = {}) =>
    problems.push({ row, column, code, values, message: sheetProblemTexts[code].en(values) });
  const header = rows[0] ?? [];
  const columns = new Map<SheetColumn, number>();
  header.forEach((cell, i) => {
    const column = headerAliases[fold(cell)];
    if (column && !columns.has(column)) columns.set(column, i);
  });
  for (const required of ['unit_key'] as const) {
    if (!columns.has(required)) add(1, required, 'missing_column', { column: required });
  }
  if (!columns.has('unit_name') && !columns.has('login')) add(1, null, 'no_kind_columns');
  if (problems.length > 0) return { units: [], members: [], problems };

  const cell = (row: ReadonlyArray<string>, column: SheetColumn): string => {
    const i = columns.get(column);
    return i === undefined ? '' : (row[i] ?? '').normalize('NFC').trim();
  };
  const units: SheetPreview['units'] = [];
  const members: SheetPreview['members'] = [];
  const unitRows = new Map<string, number>();
  const loginRows = new Map<string, number>();

  rows.slice(1).forEach((row, index) => {
    const at = index + 2;
    if (row.every((c) => c.trim() === '')) return;
    const key = cell(row, 'unit_key');
    const name = cell(row, 'unit_name');
    const login = cell(row, 'login');
    if (!key) add(at, 'unit_key', 'empty', { column: 'unit_key' });
    if (!name && !login) add(at, null, 'no_kind');
    if (key && key.length > 100) add(at, 'unit_key', 'too_long', { column: 'unit_key', max: 100 });
    if (name && key) {
      const level = cell(row, 'level').toLowerCase();
      const parent = cell(row, 'parent_key');
      const first = unitRows.get(key);
      if (first !== undefined) add(at, 'unit_key', 'duplicate_unit', { key, first });
      else unitRows.set(key, at);
      if (name.length > 200) add(at, 'unit_name', 'too_long', { column: 'unit_name', max: 200 });
      if (!levelPattern.test(level) || level.length > 40) add(at, 'level', 'bad_level', { level });
      if (parent === key) add(at, 'parent_key', 'own_parent');
      units.push({ row: at, key, name, level, parentKey: parent || null });
    }
    if (login) {
      const normal = normaliseLogin(login);
      const displayName = normaliseDisplayName(cell(row, 'display_name'));
      const roleCell = cell(row, 'role');
      const role = roleCell ? roleWords.get(fold(roleCell)) : 'member';
      if (!isValidLogin(normal)) add(at, 'login', 'bad_login', { login });
      if (!displayName) add(at, 'display_name', 'empty', { column: 'display_name' });
      else if (displayName.length > 200) add(at, 'display_name', 'too_long', { column: 'display_name', max: 200 });
      if (!role) add(at, 'role', 'bad_role', { role: roleCell });
      const first = loginRows.get(`${key}\u0000${normal}`);
      if (first !== undefined) add(at, 'login', 'duplicate_member', { login, key, first });
      else loginRows.set(`${key}\u0000${normal}`, at);
      if (key && role) members.push({ row: at, login, displayName, unitKey: key, role });
    }
  });

  // References: a parent or a member's unit must be in the file or already imported.
  const defined = (key: string) => unitRows.has(key) || knownKeys.has(key);
  for (const unit of units) {
    if (unit.parentKey !== null && !defined(unit.parentKey)) add(unit.row, 'parent_key', 'unknown_parent', { key: unit.parentKey });
  }
  for (const member of members) {
    if (!defined(member.unitKey)) add(member.row, 'unit_key', 'unknown_unit', { key: member.unitKey });
  }
  problems.sort((a, b) => a.row - b.row);
  return { units, members, problems };
}
