import type { DecompressionLimit } from './decompression-limit.js';
import { readLineByteChunks } from './lines.js';
import { MAX_RECORD_SIZE, recordTooLarge } from './record-limit.js';
import type { Row, RowItem } from './source.js';

const MAX_MESSAGE = 120;
const OPEN_BRACE = 123;
const LF = 0x0a;
const CR = 0x0d;

/** A JSON.parse error message cut to a readable length (V8 quotes the offending input). */
export function shortJsonError(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.length > MAX_MESSAGE ? message.slice(0, MAX_MESSAGE - 1) + '…' : message;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

/** Parse one JSON text that should hold an object into a RowItem. */
export function parseJsonObject(text: string, line: number): RowItem {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { error: `bad JSON: ${shortJsonError(err)}`, line };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { error: `bad JSON: expected an object, got ${describe(value)}`, line };
  }
  return { row: value as Row, line };
}

/**
 * Parse a chunk of JSON lines (whole lines of UTF-8, as from readLineByteChunks; a line's '\r\n'
 * counts as its end) and emit one item per non-blank line. Synchronous and allocation-light: it is
 * the inner loop of prediction threads. Lines are decoded one at a time: one non-ASCII character
 * makes a decoded string two-byte, and nearly every chunk of a real corpus has one while most
 * lines have none; their strings stay one-byte, which JSON.parse and tokenising handle faster.
 * ('\n' is never part of a multi-byte character, so the text is what decoding the chunk gives.)
 */
export function parseJsonlChunk(chunk: Uint8Array, firstLine: number, emit: (item: RowItem) => void): void {
  const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
  const n = bytes.length;
  let pos = 0;
  let line = firstLine;
  while (pos < n) {
    let nl = bytes.indexOf(LF, pos);
    if (nl < 0) nl = n;
    const end = nl > pos && bytes[nl - 1] === CR ? nl - 1 : nl;
    if (bytes[pos] === OPEN_BRACE) emit(parseJsonObject(bytes.toString('utf8', pos, end), line));
    else if (end > pos) {
      const text = bytes.toString('utf8', pos, end);
      if (text.trim().length > 0) emit(parseJsonObject(text, line));
    }
    line++;
    pos = nl + 1;
  }
}

/** The error item of a line longer than the record limit, which the line readers never hold. */
export function tooLongLineItem(line: number, limit = MAX_RECORD_SIZE): { error: string; line: number } {
  return { error: `bad JSON: ${recordTooLarge(limit, 'an unclosed string?')}`, line };
}

/**
 * Rows of a JSON-lines file (gzip-transparent); a bad line yields an error item, never a throw,
 * and so does a line longer than `maxLineBytes`.
 */
export async function* readJsonlRows(path: string, maxLineBytes = MAX_RECORD_SIZE, limit?: DecompressionLimit): AsyncGenerator<RowItem> {
  for await (const { bytes, firstLine, tooLong } of readLineByteChunks(path, undefined, maxLineBytes, limit)) {
    if (tooLong !== undefined) {
      yield tooLongLineItem(firstLine, maxLineBytes);
      continue;
    }
    const items: RowItem[] = [];
    parseJsonlChunk(bytes, firstLine, (item) => items.push(item));
    yield* items;
  }
}
