/**
 * Zip access by central directory: list the entries, then stream any one of them from its offset
 * through fflate's streaming Inflate, its CRC-32 and size checked at the end.
 */
import type { FileHandle } from 'node:fs/promises';
import { Inflate } from 'fflate';
import { crc32 } from '../base/crc32.js';
import type { DecompressionLimit } from './decompression-limit.js';

/** Bytes read from the file at a time when streaming an entry. */
const CHUNK_BYTES = 64 * 1024;
/** Compressed bytes handed to the inflater at a time. */
const INFLATE_SLICE_BYTES = 4 * 1024;
export interface ZipEntry {
  name: string;
  method: number;
  flags: number;
  crc: number;
  compressedSize: number;
  size: number;
  headerOffset: number;
}

export const SIG_EOCD = 0x06054b50;
export const SIG_EOCD64 = 0x06064b50;
export const SIG_EOCD64_LOCATOR = 0x07064b50;
export const SIG_CENTRAL = 0x02014b50;
export const SIG_LOCAL = 0x04034b50;

export class ZipFile {
  private readonly byName = new Map<string, ZipEntry>();
  private readonly byLowerName = new Map<string, ZipEntry>();

  private constructor(
    private readonly handle: FileHandle,
    private readonly size: number,
    entries: readonly ZipEntry[],
    private readonly limit: DecompressionLimit | undefined,
  ) {
    for (const entry of entries) {
      this.byName.set(entry.name, entry);
      if (!this.byLowerName.has(entry.name.toLowerCase())) this.byLowerName.set(entry.name.toLowerCase(), entry);
    }
  }

  /** Every entry read from it counts against `limit`, when given. */
  static async read(handle: FileHandle, limit?: DecompressionLimit): Promise<ZipFile> {
    const { size } = await handle.stat();
    const tailLength = Math.min(size, 22 + 0xffff + 20);
    const tail = await readAt(handle, size - tailLength, tailLength);
    const view = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
    let eocd = -1;
    for (let i = tail.length - 22; i >= 0; i--) {
      if (view.getUint32(i, true) === SIG_EOCD && i + 22 + view.getUint16(i + 20, true) <= tail.length) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) throw new Error('not a zip archive (no end-of-central-directory record; truncated?)');
    let count = view.getUint16(eocd + 10, true);
    let dirSize = view.getUint32(eocd + 12, true);
    let dirOffset = view.getUint32(eocd + 16, true);
    if ((count === 0xffff || dirSize === 0xffffffff || dirOffset === 0xffffffff) && eocd >= 20 && view.getUint32(eocd - 20, true) === SIG_EOCD64_LOCATOR) {
      const at = Number(view.getBigUint64(eocd - 12, true));
      const record = await readAt(handle, at, 56);
      const r = new DataView(record.buffer, record.byteOffset, record.byteLength);
      if (r.getUint32(0, true) !== SIG_EOCD64) throw new Error('corrupt zip64 directory record');
      count = Number(r.getBigUint64(32, true));
      dirSize = Number(r.getBigUint64(40, true));
      dirOffset = Number(r.getBigUint64(48, true));
    }
    if (dirOffset + dirSize > size) throw new Error('zip central directory lies beyond the end of the file (truncated?)');
    const dir = await readAt(handle, dirOffset, dirSize);
    const d = new DataView(dir.buffer, dir.byteOffset, dir.byteLength);
    const names = new TextDecoder();
    const entries: ZipEntry[] = [];
    let p = 0;
    for (let i = 0; i < count; i++) {
      if (p + 46 > dir.length || d.getUint32(p, true) !== SIG_CENTRAL) throw new Error('corrupt zip central directory');
      const nameLength = d.getUint16(p + 28, true);
      const extraLength = d.getUint16(p + 30, true);
      const commentLength = d.getUint16(p + 32, true);
      const entry: ZipEntry = {
        name: names.decode(dir.subarray(p + 46, p + 46 + nameLength)).replace(/\\/g, '/'),
        flags: d.getUint16(p + 8, true),
        method: d.getUint16(p + 10, true),
        crc: d.getUint32(p + 16, true),
        compressedSize: d.getUint32(p + 20, true),
        size: d.getUint32(p + 24, true),
        headerOffset: d.getUint32(p + 42, true),
      };
      readZip64Extra(d, p + 46 + nameLength, extraLength, entry);
      entries.push(entry);
      p += 46 + nameLength + extraLength + commentLength;
    }
    return new ZipFile(handle, size, entries, limit);
  }

  find(name: string): ZipEntry | undefined {
    return this.byName.get(name) ?? this.byLowerName.get(name.toLowerCase());
  }

  /** The entry's uncompressed bytes, chunk by chunk, with CRC-32 and length checked at the end. */
  async *bytes(entry: ZipEntry): AsyncGenerator<Uint8Array> {
    if ((entry.flags & 1) !== 0) throw new Error(`${entry.name} is encrypted`);
    if (entry.method !== 0 && entry.method !== 8) throw new Error(`${entry.name} uses unsupported compression method ${entry.method}`);
    const header = await readAt(this.handle, entry.headerOffset, 30);
    const h = new DataView(header.buffer, header.byteOffset, header.byteLength);
    if (header.length < 30 || h.getUint32(0, true) !== SIG_LOCAL) throw new Error(`corrupt zip entry header for ${entry.name}`);
    if (entry.method === 8 && entry.compressedSize === 0) throw new Error(`${entry.name} has no compressed data`);
    const start = entry.headerOffset + 30 + h.getUint16(26, true) + h.getUint16(28, true);
    const end = start + entry.compressedSize;
    if (end > this.size) throw new Error(`${entry.name} runs past the end of the file (truncated?)`);

    const out: Uint8Array[] = [];
    // Counted as it comes out of the inflater, so a bomb stops at the limit, not at the end of a chunk.
    const inflate =
      entry.method === 8
        ? new Inflate((chunk) => {
            this.limit?.count(chunk.length);
            out.push(chunk);
          })
        : undefined;
    let crc = 0;
    let produced = 0;
    for (let at = start; at < end; ) {
      const length = Math.min(CHUNK_BYTES, end - at);
      const input = await readAt(this.handle, at, length);
      at += length;
      // Deflate can expand a thousandfold: fed a slice at a time, an entry's output reaches the
      // reader a few megabytes at a time, never 64 MB in one piece.
      for (let from = 0; from < input.length; from += INFLATE_SLICE_BYTES) {
        const slice = input.subarray(from, from + INFLATE_SLICE_BYTES);
        if (inflate === undefined) out.push(slice);
        else inflate.push(slice, at >= end && from + INFLATE_SLICE_BYTES >= input.length);
        for (const chunk of out) {
          crc = crc32(chunk, crc);
          produced += chunk.length;
          yield chunk;
        }
        out.length = 0;
      }
    }
    if (produced !== entry.size) throw new Error(`${entry.name}: expected ${entry.size} bytes, got ${produced}`);
    if (crc >>> 0 !== entry.crc) throw new Error(`${entry.name}: CRC-32 mismatch (corrupt data)`);
  }

  /**
   * The entry as UTF-8 text, chunk by chunk. Chunks are cut at character boundaries and decoded
   * whole: Node's streaming TextDecoder returns two-byte strings for large inputs, which would
   * double the memory of every string sliced from them (shared strings above all).
   */
  async *text(entry: ZipEntry): AsyncGenerator<string> {
    const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
    let carry: Uint8Array | undefined;
    let first = true;
    for await (const chunk of this.bytes(entry)) {
      let bytes = chunk;
      if (carry !== undefined) {
        bytes = new Uint8Array(carry.length + chunk.length);
        bytes.set(carry);
        bytes.set(chunk, carry.length);
        carry = undefined;
      }
      const cut = completeUtf8Length(bytes);
      if (cut < bytes.length) carry = bytes.slice(cut);
      let text = decoder.decode(bytes.subarray(0, cut));
      if (first && text !== '') {
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
        first = false;
      }
      if (text !== '') yield text;
    }
    if (carry !== undefined) yield decoder.decode(carry);
  }

  async wholeText(entry: ZipEntry): Promise<string> {
    let text = '';
    for await (const chunk of this.text(entry)) text += chunk;
    return text;
  }
}

/** Applies a zip64 extended-information extra field (id 1) to the fields saturated at 0xffffffff. */
export function readZip64Extra(d: DataView, from: number, length: number, entry: ZipEntry): void {
  const end = Math.min(from + length, d.byteLength);
  for (let p = from; p + 4 <= end; ) {
    const id = d.getUint16(p, true);
    const size = d.getUint16(p + 2, true);
    if (id === 1) {
      let q = p + 4;
      const take = (): number => {
        if (q + 8 > p + 4 + size || q + 8 > end) throw new Error('corrupt zip64 extra field');
        const value = Number(d.getBigUint64(q, true));
        q += 8;
        return value;
      };
      if (entry.size === 0xffffffff) entry.size = take();
      if (entry.compressedSize === 0xffffffff) entry.compressedSize = take();
      if (entry.headerOffset === 0xffffffff) entry.headerOffset = take();
      return;
    }
    p += 4 + size;
  }
}

/** Length of the longest prefix of `bytes` that doesn't end inside a UTF-8 multi-byte sequence. */
export function completeUtf8Length(bytes: Uint8Array): number {
  const n = bytes.length;
  let lead = n - 1;
  while (lead >= 0 && lead > n - 4 && (bytes[lead] & 0xc0) === 0x80) lead--;
  if (lead < 0) return n;
  const b = bytes[lead];
  const length = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
  return lead + length > n ? lead : n;
}

export async function readAt(handle: FileHandle, position: number, length: number): Promise<Uint8Array> {
  const bytes = new Uint8Array(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(bytes, done, length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done === length ? bytes : bytes.subarray(0, done);
}
