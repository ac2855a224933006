/** RFC 4180 CSV: quote a field when it holds a comma, quote, CR or LF; double inner quotes. */
export function csvField(v: string | number): string {
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * Text a spreadsheet would run as a formula: a cell starting with = + - @ tab or CR (a title or an
 * id can carry one). The web page's download (src/serving/web/app.js `csvCell`) uses the same
 * rule; test/base/csv-field.test.ts checks that the two agree.
 */
export const FORMULA_START = /^[=+\-@\t\r]/;

/** A CSV field a spreadsheet opens as text: a leading single quote before a formula (OWASP, "CSV Injection"). */
export function spreadsheetField(v: string | number): string {
  const s = String(v);
  return csvField(typeof v === 'string' && FORMULA_START.test(s) ? `'${s}` : s);
}
