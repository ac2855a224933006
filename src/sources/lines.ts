import type { DecompressionLimit } from './decompression-limit.js';
import { openBytes } from './open.js';
import { MAX_RECORD_SIZE } from './record-limit.js';

/** A run of whole lines: it ends just after a '\n' (or at the end of the file). */
export interface LineChunk {
  chunk: string;
  /** 1-based number of the chunk's first line in the file. */
  firstLine: number;
  /** See LineByteChunk.tooLong. */
  tooLong?: number;
}

export interface Line {
  /** The line without its '\n' or '\r\n'. */
  text: string;
  /** 1-based line number. */
  line: number;
}

/** Chunks smaller than this are merged with the next read, so workers get work worth a message. */
const MIN_CHUNK_BYTES = 1 << 20;
const LF = 0x0a;

function countNewlines(bytes: Buffer): number {
  let count = 0;
  let i = bytes.indexOf(LF);
  while (i >= 0) {
    count++;
    i = bytes.indexOf(LF, i + 1);
  }
  return count;
}

/** Lines in a chunk of whole lines: its '\n's, plus one for a last line without one. */
export function countLines(bytes: Buffer): number {
  const n = countNewlines(bytes);
  return bytes.length > 0 && bytes[bytes.length - 1] !== LF ? n + 1 : n;
}

function hasBom(buf: Buffer): boolean {
  return buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf;
}

/** Like LineChunk, as UTF-8 bytes: a worker can decode it itself (and a Buffer can be transferred). */
export interface LineByteChunk {
  bytes: Buffer;
  firstLine: number;
  /**
   * Set on a chunk that stands for one line longer than the limit: its length in bytes. Such a
   * line is never held; its chunk is one empty line, so that line numbers stay right and readers
   * that do not look here skip it as blank.
   */
  tooLong?: number;
}


/**
 * The file (gunzipped when needed, BOM dropped) as runs of at least `minChunkBytes` bytes that
 * always end just after a '\n' (the last one may end at end of file instead). See lineByteChunks.
 */
export function readLineByteChunks(path: string, minChunkBytes = MIN_CHUNK_BYTES, maxLineBytes = MAX_RECORD_SIZE, limit?: DecompressionLimit): AsyncGenerator<LineByteChunk> {
  return lineByteChunks(openBytes(path, limit), minChunkBytes, maxLineBytes);
}

/**
 * A byte stream (BOM dropped) as runs of at least `minChunkBytes` bytes that always end just after
 * a '\n' (the last one may end at the end instead): a file's through readLineByteChunks, stdin's
 * through openStreamBytes, so both reach the same parser. Cutting bytes at '\n' never splits a
 * UTF-8 character. Memory is bounded by the chunk size plus `maxLineBytes`: a longer line is
 * dropped as it is read and comes out as its own chunk (see LineByteChunk.tooLong). When the
 * stream breaks (a truncated gzip), the complete lines read so far come out before the error.
 */
export async function* lineByteChunks(bytes: AsyncIterable<Buffer>, minChunkBytes = MIN_CHUNK_BYTES, maxLineBytes = MAX_RECORD_SIZE): AsyncGenerator<LineByteChunk> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  /** Bytes at the end of `pending` after its last '\n': the start of the line being read. */
  let lineBytes = 0;
  /** While dropping a too-long line: its bytes so far; else -1. */
  let skipped = -1;
  let line = 1;
  let first = true;
  let failure: unknown;
  try {
    for await (let buf of bytes) {
      if (first) {
        first = false;
        if (hasBom(buf)) buf = buf.subarray(3);
      }
      if (skipped >= 0) {
        const end = buf.indexOf(LF);
        if (end < 0) {
          skipped += buf.length;
          continue;
        }
        yield tooLongLine(line++, skipped + end);
        skipped = -1;
        buf = buf.subarray(end + 1);
      }
      // Only when the bytes in hand could hold a too-long line are its lines measured one by one.
      while (lineBytes + buf.length > maxLineBytes) {
        const long = findLongLine(buf, lineBytes, maxLineBytes);
        if (long === undefined) break;
        // The whole lines before it go on as a chunk of their own.
        const before = long.start === 0 ? Buffer.concat(pending).subarray(0, pendingBytes - lineBytes) : Buffer.concat([...pending, buf.subarray(0, long.start)]);
        if (before.length > 0) {
          yield { bytes: before, firstLine: line };
          line += countNewlines(before);
        }
        pending = [];
        pendingBytes = 0;
        lineBytes = 0;
        if (long.end < 0) {
          skipped = long.length;
          buf = buf.subarray(buf.length);
          break;
        }
        yield tooLongLine(line++, long.length);
        buf = buf.subarray(long.end + 1);
      }
      if (buf.length === 0) continue;
      const nl = buf.lastIndexOf(LF);
      lineBytes = nl < 0 ? lineBytes + buf.length : buf.length - (nl + 1);
      if (pendingBytes + buf.length < minChunkBytes || nl < 0) {
        pending.push(buf);
        pendingBytes += buf.length;
        continue;
      }
      const head = buf.subarray(0, nl + 1);
      const bytes = pending.length === 0 ? head : Buffer.concat([...pending, head]);
      const tail = buf.subarray(nl + 1);
      pending = tail.length > 0 ? [tail] : [];
      pendingBytes = tail.length;
      yield { bytes, firstLine: line };
      line += countNewlines(bytes);
    }
  } catch (err) {
    failure = err;
  }
  if (skipped >= 0 && failure === undefined) yield tooLongLine(line, skipped);
  if (pendingBytes > 0) {
    let rest = Buffer.concat(pending);
    if (failure !== undefined) rest = rest.subarray(0, rest.lastIndexOf(LF) + 1);
    if (rest.length > 0) yield { bytes: rest, firstLine: line };
  }
  if (failure !== undefined) throw failure;
}

/** The chunk standing for a too-long line: one empty line (a fresh buffer: consumers may keep it). */
function tooLongLine(line: number, length: number): LineByteChunk {
  return { bytes: Buffer.from('\n'), firstLine: line, tooLong: length };
}

/**
 * The first line of `buf` longer than `max` bytes, `carried` bytes of its first line having come
 * before `buf`: where it starts in buf (0 when it began before), the index of its '\n' (-1 when it
 * goes on past buf) and its length so far.
 */
function findLongLine(buf: Buffer, carried: number, max: number): { start: number; end: number; length: number } | undefined {
  let start = 0;
  let before = carried;
  for (;;) {
    const end = buf.indexOf(LF, start);
    const length = before + (end < 0 ? buf.length : end) - start;
    if (length > max) return { start, end, length };
    if (end < 0) return undefined;
    start = end + 1;
    before = 0;
  }
}

/**
 * The file (gunzipped when needed) as large text chunks that always end at a line boundary, so
 * each can be parsed on its own (by a worker thread). See readLineByteChunks.
 */
export async function* readLineChunks(path: string, minChunkBytes = MIN_CHUNK_BYTES, maxLineBytes = MAX_RECORD_SIZE): AsyncGenerator<LineChunk> {
  for await (const { bytes, firstLine, tooLong } of readLineByteChunks(path, minChunkBytes, maxLineBytes)) {
    yield tooLong === undefined ? { chunk: bytes.toString('utf8'), firstLine } : { chunk: '\n', firstLine, tooLong };
  }
}

/**
 * Calls `fn` for each line of a chunk from readLineChunks, without its line ending. A chunk that
 * ends with '\n' has no empty line after it.
 */
export function forEachLine(chunk: string, firstLine: number, fn: (text: string, line: number) => void): void {
  const n = chunk.length;
  let pos = 0;
  let line = firstLine;
  while (pos < n) {
    let nl = chunk.indexOf('\n', pos);
    if (nl < 0) nl = n;
    let end = nl;
    if (end > pos && chunk.charCodeAt(end - 1) === 13) end--;
    fn(chunk.slice(pos, end), line);
    line++;
    pos = nl + 1;
  }
}

/**
 * The file's lines (split on '\n', trailing '\r' removed), numbered from 1; memory independent of
 * file size. A line over the record limit comes out empty (see LineByteChunk.tooLong).
 */
export async function* readLines(path: string): AsyncGenerator<Line> {
  for await (const { chunk, firstLine } of readLineChunks(path)) {
    const lines: Line[] = [];
    forEachLine(chunk, firstLine, (text, line) => lines.push({ text, line }));
    yield* lines;
  }
}
