import { closeSync, openSync, readSync, writeSync } from 'node:fs';

/**
 * Papers' counted terms on disk, so that training holds none of them in memory while it reads a
 * corpus: at 2.7M papers they are about 6 GB, written once as the papers arrive and read back in
 * order while choosing the vocabulary and vectorising.
 *
 * A row is [terms n, title terms t] then n hashes (u32), their n weights (f32), and the t weights
 * of the title alone (f32): a TermCounter adds the title's terms first, so the title row's hashes
 * are the row's first t.
 */
const BUFFER_WORDS = 1 << 20;

/** What `TermSpillWriter.add` reads: one paper's distinct term hashes and their weights (a TermCounter). */
export interface TermCounts {
  readonly hashes: Uint32Array;
  readonly tf: Float32Array;
  readonly size: number;
}

export class TermSpillWriter {
  private words = new Uint32Array(BUFFER_WORDS);
  private floats = new Float32Array(this.words.buffer);
  private at = 0;
  private fd: number;
  rows = 0;
  bytes = 0;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'w');
  }

  /** One paper: its terms, and how many of them (and with which weights) the title alone has. */
  add(c: TermCounts, titleTf: Float32Array, titleTerms: number): void {
    const n = c.size;
    const need = 2 + 2 * n + titleTerms;
    if (this.at + need > this.words.length) {
      this.flush();
      if (need > this.words.length) {
        this.words = new Uint32Array(need * 2);
        this.floats = new Float32Array(this.words.buffer);
      }
    }
    const w = this.words;
    let at = this.at;
    w[at++] = n;
    w[at++] = titleTerms;
    w.set(c.hashes.subarray(0, n), at);
    at += n;
    this.floats.set(c.tf.subarray(0, n), at);
    at += n;
    this.floats.set(titleTf.subarray(0, titleTerms), at);
    this.at = at + titleTerms;
    this.rows++;
  }

  flush(): void {
    const bytes = this.at * 4;
    let done = 0;
    while (done < bytes) done += writeSync(this.fd, new Uint8Array(this.words.buffer, done, bytes - done));
    this.bytes += bytes;
    this.at = 0;
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

/** A spill file read front to back, one row at a time; views are valid until the next `next`. */
export class TermSpillReader {
  private words = new Uint32Array(BUFFER_WORDS);
  private floats = new Float32Array(this.words.buffer);
  private at = 0;
  private end = 0;
  private fileAt = 0;
  private fd: number;
  /** Rows read so far: the index of the row `next` returns. */
  row = 0;
  n = 0;
  titleTerms = 0;
  hashes: Uint32Array = new Uint32Array(0);
  tf: Float32Array = new Float32Array(0);
  titleTf: Float32Array = new Float32Array(0);

  constructor(readonly path: string) {
    this.fd = openSync(path, 'r');
  }

  /** Read the next row into hashes / tf / titleTf. */
  next(): void {
    if (!this.has(2)) throw new Error(`${this.path}: ended after ${this.row} rows`);
    const n = this.words[this.at]!;
    const t = this.words[this.at + 1]!;
    if (!this.has(2 + 2 * n + t)) throw new Error(`${this.path}: row ${this.row} is cut short`);
    const a = this.at + 2;
    this.n = n;
    this.titleTerms = t;
    this.hashes = this.words.subarray(a, a + n);
    this.tf = this.floats.subarray(a + n, a + 2 * n);
    this.titleTf = this.floats.subarray(a + 2 * n, a + 2 * n + t);
    this.at = a + 2 * n + t;
    this.row++;
  }

  /** Read rows until `row` is the next one. */
  skipTo(row: number): void {
    while (this.row < row) this.next();
  }

  close(): void {
    closeSync(this.fd);
  }

  /** Whether `words` more words are buffered, reading (and growing the buffer) as needed. */
  private has(words: number): boolean {
    if (this.end - this.at >= words) return true;
    const rest = this.end - this.at;
    if (words > this.words.length) {
      const bigger = new Uint32Array(words * 2);
      bigger.set(this.words.subarray(this.at, this.end));
      this.words = bigger;
      this.floats = new Float32Array(bigger.buffer);
    } else {
      this.words.copyWithin(0, this.at, this.end);
    }
    this.at = 0;
    this.end = rest;
    const bytes = new Uint8Array(this.words.buffer);
    for (;;) {
      let got = readSync(this.fd, bytes, this.end * 4, (this.words.length - this.end) * 4, this.fileAt);
      if (got === 0) break;
      this.fileAt += got;
      // Whole words only: a short read that split one is completed before going on.
      while ((got & 3) !== 0) {
        const more = readSync(this.fd, bytes, this.end * 4 + got, 4 - (got & 3), this.fileAt);
        if (more === 0) throw new Error(`${this.path}: ends inside a word`);
        this.fileAt += more;
        got += more;
      }
      this.end += got >>> 2;
      if (this.end - this.at >= words) break;
    }
    return this.end - this.at >= words;
  }
}
