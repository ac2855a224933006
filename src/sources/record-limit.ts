/**
 * The largest record a reader builds: a JSON line, a JSON array element, a CSV or TSV record.
 * Real records are kilobytes (arXiver's full text stays well under a megabyte); one this big is
 * almost always an unclosed quote or string swallowing the rest of the file. Building it would
 * fail (V8 strings stop at 2^29 characters) or exhaust an ingest worker's heap (96 MB), taking the
 * whole run down for one bad record, so readers count it as bad, skip it and go on.
 *
 * Measured in bytes where a reader holds bytes (JSON lines) and in UTF-16 code units where it holds
 * text (CSV, JSON arrays): the limit is about memory, and either measure bounds it.
 */
export const MAX_RECORD_SIZE = 16 << 20;

/** The limit as messages say it: '16 MiB' (tests pass small limits, said in bytes). */
export function describeRecordLimit(limit: number): string {
  return limit % (1 << 20) === 0 ? `${limit / (1 << 20)} MiB` : `${limit} bytes`;
}

/** The error text of a record skipped for its size, `hint` saying what usually causes it. */
export function recordTooLarge(limit: number, hint: string): string {
  return `record too large: more than ${describeRecordLimit(limit)} (${hint}); skipped`;
}
