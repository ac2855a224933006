import { open, rm, type FileHandle } from 'node:fs/promises';

/** Bytes gathered before one write to the file. */
const STAGING_BYTES = 1 << 20;

/**
 * Lines put aside in a temp file and read back by number: for the few records a streaming pass
 * must keep until a later pass reaches their place, without holding them in memory. Memory is
 * 12 bytes a line (where it lies in the file) plus one staging buffer.
 */
export class SpilledLines {
  private file: FileHandle | undefined;
  private offsets = new Float64Array(256);
  private lengths = new Uint32Array(256);
  private staging = new Uint8Array(STAGING_BYTES);
  private staged = 0;
  /** Bytes in the file; staged bytes come after them. */
  private flushed = 0;
  /** Lines put aside. */
  count = 0;

  constructor(readonly path: string) {}

  /** Put a line aside (its bytes are copied): its number for `read`. */
  async add(line: Uint8Array): Promise<number> {
    if (this.count === this.offsets.length) this.growIndex();
    if (this.staging.length - this.staged < line.length) await this.flush();
    const at = this.flushed + this.staged;
    if (line.length > this.staging.length) {
      await this.writeAt(line, line.length, at);
      this.flushed += line.length;
    } else {
      this.staging.set(line, this.staged);
      this.staged += line.length;
    }
    this.offsets[this.count] = at;
    this.lengths[this.count] = line.length;
    return this.count++;
  }

  /** The bytes of line `i` (a fresh copy). */
  async read(i: number): Promise<Uint8Array> {
    if (i < 0 || i >= this.count) throw new RangeError(`no spilled line ${i} (${this.count} put aside)`);
    const at = this.offsets[i]!;
    const length = this.lengths[i]!;
    if (at >= this.flushed) return this.staging.slice(at - this.flushed, at - this.flushed + length);
    const out = new Uint8Array(length);
    const f = await this.fileHandle();
    let done = 0;
    while (done < length) {
      const { bytesRead } = await f.read(out, done, length - done, at + done);
      if (bytesRead === 0) throw new Error(`${this.path}: spilled line ${i} is cut short`);
      done += bytesRead;
    }
    return out;
  }

  /** Close and delete the file. */
  async remove(): Promise<void> {
    const f = this.file;
    this.file = undefined;
    await f?.close();
    await rm(this.path, { force: true });
  }

  private async flush(): Promise<void> {
    if (this.staged === 0) return;
    await this.writeAt(this.staging, this.staged, this.flushed);
    this.flushed += this.staged;
    this.staged = 0;
  }

  private async writeAt(bytes: Uint8Array, length: number, at: number): Promise<void> {
    const f = await this.fileHandle();
    let done = 0;
    while (done < length) done += (await f.write(bytes, done, length - done, at + done)).bytesWritten;
  }

  private async fileHandle(): Promise<FileHandle> {
    this.file ??= await open(this.path, 'w+');
    return this.file;
  }

  private growIndex(): void {
    const offsets = new Float64Array(this.offsets.length * 2);
    offsets.set(this.offsets);
    const lengths = new Uint32Array(this.lengths.length * 2);
    lengths.set(this.lengths);
    this.offsets = offsets;
    this.lengths = lengths;
  }
}
