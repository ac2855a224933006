import { forEachLine, readLineChunks } from './lines.js';
import { MAX_RECORD_SIZE, recordTooLarge } from './record-limit.js';
import type { Row, RowItem } from './source.js';

const MAX_MESSAGE = 120;
const OPEN_BRACE = 123;

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
 * Parse a chunk of JSON lines (whole lines, as from readLineChunks) and emit one item per
 * non-blank line. Synchronous and allocation-light: it is the inner loop of ingestion workers.
 */
export function parseJsonlChunk(chunk: string, firstLine: number, emit: (item: RowItem) => void): void {
  forEachLine(chunk, firstLine, (text, line) => {
    if (text.charCodeAt(0) === OPEN_BRACE || text.trim().length > 0) emit(parseJsonObject(text, line));
  });
}

/** The error item of a line longer than the record limit, which the line readers never hold. */
export function tooLongLineItem(line: number, limit = MAX_RECORD_SIZE): { error: string; line: number } {
  return { error: `bad JSON: ${recordTooLarge(limit, 'an unclosed string?')}`, line };
}

/**
 * Rows of a JSON-lines file (gzip-transparent); a bad line yields an error item, never a throw,
 * and so does a line longer than `maxLineBytes`.
 */
export async function* readJsonlRows(path: string, maxLineBytes = MAX_RECORD_SIZE): AsyncGenerator<RowItem> {
  for await (const { chunk, firstLine, tooLong } of readLineChunks(path, undefined, maxLineBytes)) {
    if (tooLong !== undefined) {
      yield tooLongLineItem(firstLine, maxLineBytes);
      continue;
    }
    const items: RowItem[] = [];
    parseJsonlChunk(chunk, firstLine, (item) => items.push(item));
    yield* items;
  }
}
