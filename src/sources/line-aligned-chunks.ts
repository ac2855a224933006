/**
 * A file's lines in large chunks read straight into transferable ArrayBuffers, for ingest's
 * workers. lines.ts cuts streams (stdin, gunzip) into Buffers with line numbers; this reader
 * exists beside it because at 4.5 GB a per-read allocation shows: a plain file is read in place,
 * into buffers the caller may pool.
 */
import { open } from 'node:fs/promises';
import { isGzipFile, openBytes } from './open.js';
import { MAX_RECORD_SIZE } from './record-limit.js';

/** Chunk buffers hold `minBytes` plus this much, room for the line a chunk ends on (longer lines get a one-off buffer). */
export const CHUNK_SLACK_BYTES = 256 << 10;
const NEWLINE = 0x0a;
const BOM = [0xef, 0xbb, 0xbf];

/** A chunk of whole lines in the first `length` bytes of `buffer`. */
export interface LineChunkBytes {
  buffer: ArrayBuffer;
  length: number;
}

/** One line longer than the limit, dropped as it was read: its length in bytes. */
export interface TooLongLine {
  tooLong: number;
}

/**
 * The file's content (gunzipped when needed, byte-order mark removed) as chunks of whole lines: each
 * ends at the first line end once it holds `minBytes` (the last may be shorter). Bytes are read
 * straight into ArrayBuffers from `alloc` (default: fresh ones; never Node's pooled buffers, so a
 * chunk can be transferred to a worker), and a plain file is read with no other allocation at all:
 * per-read garbage buffers would otherwise pile up as external memory between main-thread GCs.
 * Cuts are made at '\n' bytes, which never split a UTF-8 character.
 *
 * A line is never held much past `maxLineBytes`: once the line being read is longer, the lines
 * before it come out as a chunk, the rest of it is read and dropped, and a TooLongLine stands for
 * it. (A line a little over the limit may end before it is noticed here and come out in a chunk;
 * processJsonlChunk measures every line exactly and skips it just the same.)
 */
export async function* lineAlignedChunks(
  path: string,
  minBytes: number,
  alloc: (size: number) => ArrayBuffer = (size) => new ArrayBuffer(size),
  maxLineBytes = MAX_RECORD_SIZE,
): AsyncGenerator<LineChunkBytes | TooLongLine> {
  const source = await openByteSource(path);
  try {
    const standard = minBytes + CHUNK_SLACK_BYTES;
    let buf = new Uint8Array(alloc(standard));
    let len = 0;
    let scanned = 0; // bytes of buf already searched for a cut, from minBytes - 1 on
    let lineStart = 0; // where the last, unfinished line in buf starts
    let first = true;
    for (;;) {
      // Cut as long as the bytes in hand allow, then read more.
      if (len >= minBytes) {
        const nl = buf.subarray(0, len).indexOf(NEWLINE, Math.max(scanned, minBytes - 1));
        if (nl >= 0) {
          const tail = len - (nl + 1);
          const next = new Uint8Array(alloc(Math.max(standard, tail)));
          next.set(buf.subarray(nl + 1, len));
          yield { buffer: buf.buffer as ArrayBuffer, length: nl + 1 };
          buf = next;
          len = tail;
          lineStart -= nl + 1;
          scanned = 0;
          continue;
        }
        scanned = len;
      }
      if (len === buf.length) {
        const bigger = new Uint8Array(alloc(buf.length * 2));
        bigger.set(buf);
        buf = bigger;
      }
      const want = Math.min(buf.length - len, len < minBytes ? minBytes - len + TOP_UP_BYTES : TOP_UP_BYTES);
      let readFrom = len;
      const n = await source.read(buf, len, want);
      if (n === 0) break;
      len += n;
      if (first && len >= 3) {
        first = false;
        if (buf[0] === BOM[0] && buf[1] === BOM[1] && buf[2] === BOM[2]) {
          buf.copyWithin(0, 3, len);
          len -= 3;
          readFrom = Math.max(0, readFrom - 3);
          lineStart = Math.max(0, lineStart - 3);
        }
      }
      const nl = buf.subarray(readFrom, len).lastIndexOf(NEWLINE);
      if (nl >= 0) lineStart = readFrom + nl + 1;
      if (len - lineStart <= maxLineBytes) continue;

      // The unfinished line is too long: hand on the lines before it, then drop it to its end.
      if (lineStart > 0) yield { buffer: buf.buffer as ArrayBuffer, length: lineStart };
      let dropped = len - lineStart;
      buf = new Uint8Array(alloc(standard));
      len = 0;
      lineStart = 0;
      scanned = 0;
      first = false;
      for (;;) {
        const got = await source.read(buf, 0, buf.length);
        if (got === 0) break;
        const end = buf.subarray(0, got).indexOf(NEWLINE);
        if (end < 0) {
          dropped += got;
          continue;
        }
        dropped += end;
        buf.copyWithin(0, end + 1, got);
        len = got - (end + 1);
        lineStart = buf.subarray(0, len).lastIndexOf(NEWLINE) + 1;
        break;
      }
      yield { tooLong: dropped };
    }
    if (len > 0) yield { buffer: buf.buffer as ArrayBuffer, length: len };
  } finally {
    await source.close();
  }
}

/** After the first minBytes of a chunk, read this much at a time until a line ends. */
const TOP_UP_BYTES = 32 << 10;

interface ByteSource {
  /** Place up to `max` bytes at `target[offset]`; 0 means end of input. */
  read(target: Uint8Array, offset: number, max: number): Promise<number>;
  close(): Promise<void>;
}

/** A plain file is read in place with a file handle; a gzip file through the sources' gunzip. */
async function openByteSource(path: string): Promise<ByteSource> {
  if (await isGzipFile(path)) {
    const it = openBytes(path)[Symbol.asyncIterator]();
    let rest: Uint8Array = new Uint8Array(0);
    return {
      async read(target, offset, max) {
        while (rest.length === 0) {
          const next = await it.next();
          if (next.done) return 0;
          rest = next.value;
        }
        const n = Math.min(max, rest.length);
        target.set(rest.subarray(0, n), offset);
        rest = rest.subarray(n);
        return n;
      },
      async close() {
        await it.return?.(undefined);
      },
    };
  }
  const fh = await open(path, 'r');
  return {
    async read(target, offset, max) {
      return (await fh.read(target, offset, max, null)).bytesRead;
    },
    close: () => fh.close(),
  };
}

