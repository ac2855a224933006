/**
 * Dates as metadata files write them, read to YYYY-MM-DD or rejected. A date that cannot be read
 * leaves its record undated (fields.ts falls back to year/month/day columns, then to nothing), so
 * an invented date is worse than none: every reading here is held to what the value actually says,
 * and none depends on the machine's time zone.
 */

const MS_PER_DAY = 86_400_000;
/** Excel's day 0 (serial dates count days from 1899-12-30, absorbing the 1900 leap-year bug). */
const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);
const EXCEL_MAX_SERIAL = 2_958_465; // 9999-12-31
/**
 * Digit-only text of five digits is read as an Excel serial day (a date cell exported as text):
 * 10000 is 1927-05-18 and this is 2100-12-31, so the whole range is a plausible paper date. Four
 * digits would be a bare year, which names no day; six or seven digits mean nothing we know.
 */
const TEXT_SERIAL_MAX = 73_415;

const MONTH_NAMES = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** YYYY-MM-DD when the parts are a year 1000–9999, a month 1–12 and a day 1–31. */
export function isoDate(y: number, m: number, d: number): string | undefined {
  if (!Number.isInteger(y) || !Number.isInteger(m) || !Number.isInteger(d)) return undefined;
  if (y < 1000 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31) return undefined;
  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** The UTC calendar date of a time value, when its year is in 1000–9999. */
function utcDate(ms: number): string | undefined {
  if (!Number.isFinite(ms)) return undefined;
  const d = new Date(ms);
  return isoDate(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}

function excelSerialDate(serial: number): string | undefined {
  if (!Number.isFinite(serial) || serial < 1 || serial > EXCEL_MAX_SERIAL) return undefined;
  return utcDate(EXCEL_EPOCH_MS + Math.floor(serial) * MS_PER_DAY);
}

/**
 * Other textual dates ('Mon, 2 Apr 2007 19:18:42 GMT', 'Feb 1, 2018', '02/01/2018' read US-style)
 * through V8's lenient parser, held to the text. Appending ' UTC' makes the parser take the time as
 * UTC (a later zone overrides one already written), so what comes back is the calendar date as
 * written, whatever the machine's time zone, as with the ISO form. The parser also invents what is
 * missing ('2018' → 1 January, '1 2 3' → 2003-01-02) and rolls impossible days over ('2/30/2018' →
 * 2 March), so its answer stands only when the text holds its year as four digits, its day as a
 * number and its month as a number or a name.
 */
function parseWrittenDate(s: string): string | undefined {
  const t = Date.parse(`${s} UTC`);
  if (Number.isNaN(t)) return undefined;
  const d = new Date(t);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + 1;
  const day = d.getUTCDate();
  // Times of day ('19:18:42') are not dates' numbers: without them, '1 Feb 2018 01:00' keeps its day but 'Feb 2018 01:00' has none.
  const numbers = s.replace(/\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?/g, ' ').match(/\d+/g) ?? [];
  if (!numbers.some((n) => n.length === 4 && Number(n) === y)) return undefined;
  if (!numbers.some((n) => n.length <= 2 && Number(n) === day)) return undefined;
  const monthWritten = numbers.some((n) => n.length <= 2 && Number(n) === m) || s.toLowerCase().includes(MONTH_NAMES[m - 1]!);
  return monthWritten ? isoDate(y, m, day) : undefined;
}

/**
 * YYYY-MM-DD from an ISO string (its date part as written), YYYYMMDD, an Excel serial day (a
 * number, or five digits of text), a Date (its UTC date), or another textual date such as RFC 2822
 * (see parseWrittenDate); undefined when the value names no day in the years 1000–9999.
 */
export function toIsoDate(v: unknown): string | undefined {
  if (v instanceof Date) return utcDate(v.getTime());
  if (typeof v === 'number') return excelSerialDate(v);
  if (typeof v !== 'string') return undefined;
  const s = v.trim();
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})/.exec(s);
  if (iso) return isoDate(Number(iso[1]), Number(iso[2]), Number(iso[3]));
  if (/^\d+$/.test(s)) {
    if (s.length === 8) return isoDate(Number(s.slice(0, 4)), Number(s.slice(4, 6)), Number(s.slice(6, 8)));
    if (s.length === 5 && Number(s) <= TEXT_SERIAL_MAX) return excelSerialDate(Number(s));
    return undefined;
  }
  return parseWrittenDate(s);
}
