import { UserError } from '../base/errors.js';
import { sniffDelimiter } from './csv.js';
import { sniff } from './open.js';
import type { FormatName } from './source.js';

function startsWith(bytes: Buffer, magic: readonly number[]): boolean {
  return bytes.length >= magic.length && magic.every((b, i) => bytes[i] === b);
}

const PARQUET_MAGIC = [0x50, 0x41, 0x52, 0x31]; // PAR1
const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04]; // PK\3\4 (xlsx is a zip)
const UTF8_BOM = [0xef, 0xbb, 0xbf];
const SNIFF_BYTES = 4096;
/** Control bytes allowed however short the file: one stray NUL in a record is already over 1% of a small file. */
const STRAY_CONTROL_BYTES = 1;

/** Control bytes that do not occur in text files (everything below 0x20 except \t \n \v \f \r, NUL included, and DEL). */
function isControl(b: number): boolean {
  return (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0b && b !== 0x0c && b !== 0x0d) || b === 0x7f;
}

/**
 * Why the bytes do not look like text, or undefined when they do. A NUL counts as one more
 * control byte, not as proof: one stray NUL in a record is that record's problem (the readers
 * report it), while binary data and UTF-16 hold them by the hundred.
 */
function notTextReason(bytes: Buffer): string | undefined {
  if (startsWith(bytes, [0xff, 0xfe]) || startsWith(bytes, [0xfe, 0xff])) return 'it looks UTF-16 encoded; save it as UTF-8';
  let control = 0;
  for (const b of bytes) if (isControl(b)) control++;
  if (control > Math.max(STRAY_CONTROL_BYTES, bytes.length / 100)) return 'it holds binary data';
  return undefined;
}

/**
 * The format of a metadata file, from its content (gzip-transparent), not its name: parquet and
 * xlsx by magic bytes; JSON array, JSON lines, TSV or CSV by the first characters of the text.
 * Throws a UserError naming the file when it is empty or not a format we read.
 */
export async function detectFormat(path: string): Promise<FormatName> {
  const { bytes: head, gzipped } = await sniff(path, SNIFF_BYTES);
  const what = gzipped ? `${path} (gunzipped)` : path;
  if (startsWith(head, PARQUET_MAGIC)) return 'parquet';
  if (startsWith(head, ZIP_MAGIC)) return 'xlsx';
  const text = startsWith(head, UTF8_BOM) ? head.subarray(3) : head;
  const reason = notTextReason(text);
  if (reason) throw new UserError(`${what}: unrecognised format: ${reason} (expected JSON lines, a JSON array, CSV, TSV, parquet or xlsx)`);
  let i = 0;
  while (i < text.length && (text[i] === 0x20 || text[i] === 0x09 || text[i] === 0x0a || text[i] === 0x0d)) i++;
  if (i === text.length) {
    if (head.length < SNIFF_BYTES) throw new UserError(`${what}: file is empty`);
    throw new UserError(`${what}: starts with ${SNIFF_BYTES} bytes of blank space; expected JSON lines, a JSON array, CSV or TSV`);
  }
  const first = text[i];
  if (first === 0x5b) return 'json-array'; // [
  if (first === 0x7b) return 'jsonl'; // {
  // The header line's delimiter, outside quotes: tab, or comma or semicolon (read as CSV).
  return sniffDelimiter(text.subarray(i).toString('utf8')).delimiter === '\t' ? 'tsv' : 'csv';
}
