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
/** Enough for a few lines of the longest common records (an OAI snapshot line is 1 to 3 kB). */
const SNIFF_BYTES = 65536;
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
 * Whether text whose first line is not a JSON object is still JSON lines: most of its next
 * complete lines are objects. A file cut out of a bigger one (`split -b`) starts mid-record, and
 * a stray first line is that record's problem, not the file's.
 */
function looksLikeJsonLines(text: string): boolean {
  const lines = text.split('\n').slice(1, -1).filter((l) => l.trim() !== '');
  return lines.length > 0 && lines.filter((l) => l.trimStart().startsWith('{')).length * 2 > lines.length;
}

/**
 * The format of a metadata file, from its content (gzip-transparent): parquet and xlsx by magic
 * bytes; JSON array, JSON lines, TSV or CSV by the first characters of the text, JSON lines also
 * when only the first line is not an object (a cut file) or, where the text says nothing
 * clearer, when the name ends in .jsonl or .ndjson. Throws a UserError naming the file when it is
 * empty or not a format we read.
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
  const body = text.subarray(i).toString('utf8');
  if (looksLikeJsonLines(body) || /\.(jsonl|ndjson)(\.gz)?$/i.test(path)) return 'jsonl';
  // The header line's delimiter, outside quotes: tab, or comma or semicolon (read as CSV).
  return sniffDelimiter(body).delimiter === '\t' ? 'tsv' : 'csv';
}
