import { openBytes } from './open.js';

/** A run of whole lines: it ends just after a '\n' (or at the end of the file). */
export interface LineChunk {
  chunk: string;
  /** 1-based number of the chunk's first line in the file. */
  firstLine: number;
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

function hasBom(buf: Buffer): boolean {
  return buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf;
}

/** Like LineChunk, as UTF-8 bytes: a worker can decode it itself (and a Buffer can be transferred). */
export interface LineByteChunk {
  bytes: Buffer;
  firstLine: number;
}

/**
 * The file (gunzipped when needed, BOM dropped) as runs of at least `minChunkBytes` bytes that
 * always end just after a '\n' (the last one may end at end of file instead). Cutting bytes at
 * '\n' never splits a UTF-8 character. Memory is bounded by the chunk size plus the longest line.
 * When the stream breaks (a truncated gzip), the complete lines read so far come out before the error.
 */
export async function* readLineByteChunks(path: string, minChunkBytes = MIN_CHUNK_BYTES): AsyncGenerator<LineByteChunk> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let line = 1;
  let first = true;
  let failure: unknown;
  try {
    for await (let buf of openBytes(path)) {
      if (first) {
        first = false;
        if (hasBom(buf)) buf = buf.subarray(3);
      }
      if (buf.length === 0) continue;
      if (pendingBytes + buf.length < minChunkBytes) {
        pending.push(buf);
        pendingBytes += buf.length;
        continue;
      }
      const nl = buf.lastIndexOf(LF);
      if (nl < 0) {
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
  if (pendingBytes > 0) {
    let rest = Buffer.concat(pending);
    if (failure !== undefined) rest = rest.subarray(0, rest.lastIndexOf(LF) + 1);
    if (rest.length > 0) yield { bytes: rest, firstLine: line };
  }
  if (failure !== undefined) throw failure;
}

/**
 * The file (gunzipped when needed) as large text chunks that always end at a line boundary, so
 * each can be parsed on its own (by a worker thread). See readLineByteChunks.
 */
export async function* readLineChunks(path: string, minChunkBytes = MIN_CHUNK_BYTES): AsyncGenerator<LineChunk> {
  for await (const { bytes, firstLine } of readLineByteChunks(path, minChunkBytes)) {
    yield { chunk: bytes.toString('utf8'), firstLine };
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

/** The file's lines (split on '\n', trailing '\r' removed), numbered from 1; memory independent of file size. */
export async function* readLines(path: string): AsyncGenerator<Line> {
  for await (const { chunk, firstLine } of readLineChunks(path)) {
    const lines: Line[] = [];
    forEachLine(chunk, firstLine, (text, line) => lines.push({ text, line }));
    yield* lines;
  }
}
