import { Readable, pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { LineByteChunk } from '../sources/lines.js';
import { UserError } from './command.js';

const LF = 0x0a;
const GZIP_MAGIC = [0x1f, 0x8b] as const;
const BOM = [0xef, 0xbb, 0xbf] as const;

/**
 * A stream (`classify --input -` reads stdin) as readLineByteChunks reads a file: gunzipped when it
 * starts with gzip magic, a leading BOM dropped, cut into runs of whole lines numbered from 1. The
 * same bytes then reach the same JSON-lines parser whether they come from a file or a pipe.
 * readLineByteChunks itself takes a path, and a pipe can be neither reopened nor read at an offset.
 */
export async function* streamLineByteChunks(input: AsyncIterable<Buffer>, name: string, minChunkBytes: number): AsyncGenerator<LineByteChunk> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let line = 1;
  for await (const buf of content(input, name)) {
    if (buf.length === 0) continue;
    const nl = buf.lastIndexOf(LF);
    if (pendingBytes + buf.length < minChunkBytes || nl < 0) {
      pending.push(buf);
      pendingBytes += buf.length;
      continue;
    }
    const bytes = Buffer.concat([...pending, buf.subarray(0, nl + 1)]);
    const tail = buf.subarray(nl + 1);
    pending = tail.length > 0 ? [tail] : [];
    pendingBytes = tail.length;
    yield { bytes, firstLine: line };
    line += countNewlines(bytes);
  }
  if (pendingBytes > 0) yield { bytes: Buffer.concat(pending), firstLine: line };
}

/** The stream's bytes, gunzipped when it is gzip, without a leading BOM. */
async function* content(input: AsyncIterable<Buffer>, name: string): AsyncGenerator<Buffer> {
  const it = input[Symbol.asyncIterator]();
  // Enough bytes to recognise gzip or a BOM: a pipe may deliver them one at a time.
  const head: Buffer[] = [];
  let headBytes = 0;
  let ended = false;
  while (headBytes < BOM.length) {
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
      // A reader that stops early (the output pipe closed) must close the input too, or an open
      // stdin keeps the process alive.
      if (!ended) await it.return?.();
    }
  }
  if (first[0] !== GZIP_MAGIC[0] || first[1] !== GZIP_MAGIC[1]) {
    let skip = BOM.every((b, i) => first[i] === b) ? BOM.length : 0;
    for await (const buf of raw()) {
      yield skip > 0 ? buf.subarray(skip) : buf;
      skip = 0;
    }
    return;
  }
  const gunzip = createGunzip();
  pipeline(Readable.from(raw()), gunzip, () => {});
  let started = false;
  try {
    for await (const buf of gunzip as AsyncIterable<Buffer>) {
      yield !started && BOM.every((b, i) => buf[i] === b) ? buf.subarray(BOM.length) : buf;
      started = true;
    }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && code.startsWith('Z_')) throw new UserError(`${name}: gzip data is corrupt or truncated (${(err as Error).message})`);
    throw err;
  }
}

function countNewlines(bytes: Buffer): number {
  let count = 0;
  for (let i = bytes.indexOf(LF); i >= 0; i = bytes.indexOf(LF, i + 1)) count++;
  return count;
}
