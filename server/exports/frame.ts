/**
 * The words of the document frame, shared by the DOCX and PDF renderers: the issuing unit's lines
 * at top left, the date line, the footer. Dates are Vietnam time (UTC+7, no daylight saving), as
 * the committees read them.
 */
import { labelsFor } from './labels.js';
import type { Frame } from './page-model.js';

const TIME_ZONE = 'Asia/Ho_Chi_Minh';

/** Day, month, year, hour and minute of `date` in Vietnam. */
/** dd/mm/yyyy of an ISO instant, in Vietnam's time (the day a Vietnamese reader means). */
export function shortDate(iso: string): string {
  const d = vietnamDate(new Date(iso));
  return `${String(d.day).padStart(2, '0')}/${String(d.month).padStart(2, '0')}/${d.year}`;
}

export function vietnamDate(date: Date): { day: number; month: number; year: number; hour: number; minute: number } {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: TIME_ZONE, year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', hourCycle: 'h23' }).formatToParts(date);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return { day: get('day'), month: get('month'), year: get('year'), hour: get('hour'), minute: get('minute') };
}

const COMMITTEE = '(?:ủy|uỷ)';
// A committee's name → its Party organisation's name, as the upper line of a header shows it
// ("Huyện ủy Đông Sơn" issues; its commune's documents show "ĐẢNG BỘ HUYỆN ĐÔNG SƠN" above).
const ORGANISATION: readonly [RegExp, string][] = [
  [new RegExp(`^tỉnh ${COMMITTEE}\\s+`, 'iu'), 'Đảng bộ tỉnh '],
  [new RegExp(`^thành ${COMMITTEE}\\s+`, 'iu'), 'Đảng bộ thành phố '],
  [new RegExp(`^huyện ${COMMITTEE}\\s+`, 'iu'), 'Đảng bộ huyện '],
  [new RegExp(`^quận ${COMMITTEE}\\s+`, 'iu'), 'Đảng bộ quận '],
  [new RegExp(`^thị ${COMMITTEE}\\s+`, 'iu'), 'Đảng bộ thị xã '],
  [new RegExp(`^đảng ${COMMITTEE}\\s+`, 'iu'), 'Đảng bộ '],
  [new RegExp(`^chi ${COMMITTEE}\\s+`, 'iu'), 'Chi bộ '],
];

/** The Party organisation a committee leads ("Tỉnh ủy Minh Hà" → "Đảng bộ tỉnh Minh Hà"); other names unchanged. */
export function organisationName(unitName: string): string {
  for (const [pattern, replacement] of ORGANISATION) if (pattern.test(unitName)) return unitName.replace(pattern, replacement);
  return unitName;
}

const ORGAN_WORD = new RegExp(`^(?:(?:tỉnh|thành|huyện|quận|thị|đảng|chi) ${COMMITTEE}|đảng bộ|chi bộ|ủy ban nhân dân|ubnd)\\s+`, 'iu');
const LEVEL_WORD = /^(?:xã|phường|thị trấn|thị xã|thành phố|huyện|quận|tỉnh)\s+/iu;

/** The place of the date line: the locality in the unit's name ("Đảng ủy xã Minh Sơn" → "Minh Sơn"), or null. */
export function placeOf(unitName: string): string | null {
  if (!ORGAN_WORD.test(unitName)) return null;
  const place = unitName.replace(ORGAN_WORD, '').replace(LEVEL_WORD, '').trim();
  return place.length > 0 ? place : null;
}

/** The lines at top left: the upper organisation (plain) and the issuing unit (bold), upper-cased. */
export function issuerLines(frame: Frame): { upper: string | null; unit: string } {
  const upper = frame.issuer.upperName === null ? null : organisationName(frame.issuer.upperName).toLocaleUpperCase('vi');
  return { upper, unit: frame.issuer.name.toLocaleUpperCase('vi') };
}

export function dateLine(frame: Frame): string {
  return labelsFor(frame.locale).dateLine(placeOf(frame.issuer.name), vietnamDate(frame.date));
}

/** "Tải xuống bởi Nguyễn Văn A lúc 14:05 ngày 29/11/2026 (giờ Việt Nam)": a leaked copy names its source. */
export function downloadLine(frame: Frame): string {
  const l = labelsFor(frame.locale);
  const d = vietnamDate(frame.downloadedAt);
  const two = (n: number) => String(n).padStart(2, '0');
  const when = `${two(d.hour)}:${two(d.minute)} ${frame.locale === 'vi' ? 'ngày ' : ''}${two(d.day)}/${two(d.month)}/${d.year} (${l.vietnamTime})`;
  return l.downloadedBy(frame.downloadedBy, when);
}
