import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline, Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import { UserError } from '../base/errors.js';
import type { DecompressionLimit } from './decompression-limit.js';

/** Read size for source files: large reads keep per-chunk overhead negligible next to parsing. */
export const READ_CHUNK_BYTES = 1 << 20;

const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;

/** File-system errors a user can act on become UserErrors naming the file; others pass through. */
function userFileError(path: string, err: unknown): unknown {
  switch ((err as NodeJS.ErrnoException).code) {
    case 'ENOENT':
      return new UserError(`${path}: no such file`);
    case 'EISDIR':
      return new UserError(`${path}: is a directory, expected a metadata file`);
    case 'EACCES':
    case 'EPERM':
      return new UserError(`${path}: permission denied`);
    default:
      return err;
  }
}

/**
 * A pipe (`<(…)`, /dev/stdin) or a device: it can be read once only, and the readers look at a
 * file's start before they read it through.
 */
export function notAFileError(path: string): UserError {
  return new UserError(`${path}: is a pipe or a device, not a file; save the papers to a file first (classify --input - reads JSON lines from stdin)`);
}

/** Read up to n bytes from the start of the raw file. */
async function readHead(path: string, n: number): Promise<Buffer> {
  try {
    const fh = await open(path, 'r');
    try {
      const kind = await fh.stat();
      if (kind.isDirectory()) throw new UserError(`${path}: is a directory, expected a metadata file`);
      if (!kind.isFile()) throw notAFileError(path);
      const buf = Buffer.alloc(n);
      const { bytesRead } = await fh.read(buf, 0, n, 0);
      return buf.subarray(0, bytesRead);
    } finally {
      await fh.close();
    }
  } catch (err) {
    throw userFileError(path, err);
  }
}

/** True when the file starts with the gzip magic bytes (1f 8b), whatever its name. */
export async function isGzipFile(path: string): Promise<boolean> {
  const head = await readHead(path, 2);
  return head.length === 2 && head[0] === GZIP_MAGIC_0 && head[1] === GZIP_MAGIC_1;
}

async function* streamBytes(path: string, gzipped: boolean, readBytes: number, limit?: DecompressionLimit): AsyncGenerator<Buffer> {
  const file = createReadStream(path, { highWaterMark: readBytes });
  if (!gzipped) {
    for await (const chunk of file) yield chunk as Buffer;
    return;
  }
  yield* gunzipped(file, path, Math.min(readBytes, 256 * 1024), limit);
}

/** `source` gunzipped, its output counted against `limit`; a broken stream is a UserError naming `name`. */
async function* gunzipped(source: NodeJS.ReadableStream, name: string, chunkSize?: number, limit?: DecompressionLimit): AsyncGenerator<Buffer> {
  const gunzip = createGunzip(chunkSize ? { chunkSize } : {});
  // pipeline forwards a read error to gunzip (so the loop below throws) and destroys the source
  // when the consumer stops early.
  pipeline(source, gunzip, () => {});
  try {
    for await (const chunk of gunzip) {
      limit?.count((chunk as Buffer).length);
      yield chunk as Buffer;
    }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && code.startsWith('Z_')) throw new UserError(`${name}: gzip data is corrupt or truncated (${(err as Error).message})`);
    throw err;
  }
}

/**
 * A stream's content (stdin's), gunzipped when it starts with gzip magic, as openBytes gives a
 * file's. The first buffer holds at least 3 bytes when the stream does, so that a reader can see
 * a byte-order mark even when a pipe delivers a byte at a time. `name` names it in errors.
 */
export async function* openStreamBytes(input: AsyncIterable<Buffer>, name: string): AsyncGenerator<Buffer> {
  const it = input[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let headBytes = 0;
  let ended = false;
  while (headBytes < 3) {
    const r = await it.next();
    if (r.done) {
      ended = true;
      break;
    }
    head.push(r.value);
    headBytes += r.value.length;
  }
  const first = Buffer.concat(head);
  async function* raw(): AsyncGenerator<Buffer> {
    try {
      if (first.length > 0) yield first;
      if (ended) return;
      for (;;) {
        const r = await it.next();
        if (r.done) return;
        yield r.value;
      }
    } finally {
      // A reader that stops early (its output pipe closed) must close the input too, or an open
      // stdin keeps the process alive.
      if (!ended) await it.return?.();
    }
  }
  if (first[0] !== GZIP_MAGIC_0 || first[1] !== GZIP_MAGIC_1) {
    yield* raw();
    return;
  }
  yield* gunzipped(Readable.from(raw()), name);
}

/** The file's content as Buffers of about 1 MiB, gunzipped (within `limit`) when it starts with gzip magic. */
export async function* openBytes(path: string, limit?: DecompressionLimit): AsyncGenerator<Buffer> {
  yield* streamBytes(path, await isGzipFile(path), READ_CHUNK_BYTES, limit);
}

/**
 * The file's content as UTF-8 text chunks, gunzipped when it starts with gzip magic. Multi-byte
 * characters split between reads are reassembled; a leading byte-order mark is dropped.
 */
export async function* openText(path: string, limit?: DecompressionLimit): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  let first = true;
  for await (const bytes of openBytes(path, limit)) {
    let text = decoder.write(bytes);
    if (first && text.length > 0) {
      first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (text.length > 0) yield text;
  }
  const rest = decoder.end();
  if (rest.length > 0) yield rest;
}

export interface Sniffed {
  /** Up to n bytes from the start of the decompressed content (fewer when the file is shorter). */
  bytes: Buffer;
  /** Whether the file itself is gzip-compressed. */
  gzipped: boolean;
}

/**
 * The first n bytes of the file's content, decompressed when the file is gzipped, for format
 * detection. A gzip stream that breaks after yielding some bytes still returns those bytes.
 */
export async function sniff(path: string, n = 4096): Promise<Sniffed> {
  const gzipped = await isGzipFile(path);
  if (!gzipped) return { bytes: await readHead(path, n), gzipped };
  const parts: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of streamBytes(path, true, 64 * 1024)) {
      parts.push(chunk);
      total += chunk.length;
      if (total >= n) break;
    }
  } catch (err) {
    if (total === 0) throw err;
  }
  const all = Buffer.concat(parts);
  return { bytes: all.subarray(0, Math.min(n, all.length)), gzipped };
}
