import { resizableBuffer, type ResizableBuffer } from './resizable-buffer.js';
import type { CsrMatrix } from './sparse.js';
import { vectorizeTerms, type Vocabulary } from './vocabulary.js';

/** What `TermRows.add` reads: one paper's distinct term hashes and their counts (a `TermCounter`). */
export interface TermCounts {
  readonly hashes: Uint32Array;
  readonly tf: Float32Array;
  readonly size: number;
}

/**
 * Address space each buffer reserves at first: 1 GiB, 256 Mi terms, more than a training thread's
 * share of 315k papers with character 4-grams (about 125 Mi terms). Reserving commits nothing;
 * growing past it copies once.
 */
export const DEFAULT_RESERVE_BYTES = 1 << 30;

/**
 * Every training paper's terms (hash and count of each distinct term), held until the vocabulary
 * is known and then turned into TF-IDF rows in the same memory.
 *
 * With character n-grams a paper has about a thousand distinct terms, so these rows are the
 * largest thing training holds. Two things keep them from doubling it. The buffers are resizable
 * (resizable-buffer.ts), so growing never copies and never leaves a half-empty copy behind. And `toCsr` writes each TF-IDF row over
 * the terms it came from (a row never has more features than terms, so writes never pass reads),
 * then shrinks the buffers to the features kept, which returns the rest to the system at once
 * instead of when a garbage collection happens to run.
 */
export class TermRows {
  private hashBuffer: ResizableBuffer;
  private tfBuffer: ResizableBuffer;
  private hash: Uint32Array;
  private tf: Float32Array;
  private ptr: number[] = [0];
  private n = 0;
  private consumed = false;

  constructor(private readonly reserveBytes = DEFAULT_RESERVE_BYTES) {
    this.hashBuffer = resizableBuffer(0, reserveBytes);
    this.tfBuffer = resizableBuffer(0, reserveBytes);
    this.hash = new Uint32Array(this.hashBuffer);
    this.tf = new Float32Array(this.tfBuffer);
  }

  get rows(): number {
    return this.ptr.length - 1;
  }

  /** Terms held, over all rows. */
  get size(): number {
    return this.n;
  }

  add(c: TermCounts): void {
    this.live();
    const need = this.n + c.size;
    if (need > this.hash.length) this.grow(need);
    this.hash.set(c.hashes.subarray(0, c.size), this.n);
    this.tf.set(c.tf.subarray(0, c.size), this.n);
    this.n = need;
    this.ptr.push(need);
  }

  /** The hashes of every row's terms, in row order (a view; valid until the next `add` or `toCsr`). */
  hashes(): Uint32Array {
    this.live();
    return this.hash.subarray(0, this.n);
  }

  /**
   * The rows as L2-normalised sublinear TF-IDF rows over `vocab`, written over these terms; the
   * terms are gone afterwards and any further use throws. A row keeps its first `maxRowFeatures`
   * features, as prediction does (FeatureCounter), so that one huge paper cannot overflow the
   * kernels' row scratch.
   */
  toCsr(vocab: Vocabulary, maxRowFeatures = Infinity): CsrMatrix {
    this.live();
    const rows = this.rows;
    const indptr = new Int32Array(rows + 1);
    const indices = new Int32Array(this.hashBuffer, 0, this.n);
    const values = this.tf;
    let longest = 0;
    for (let i = 0; i < rows; i++) longest = Math.max(longest, this.ptr[i + 1]! - this.ptr[i]!);
    const idx = new Int32Array(Math.min(longest, maxRowFeatures));
    const val = new Float32Array(idx.length);
    let out = 0;
    for (let i = 0; i < rows; i++) {
      const a = this.ptr[i]!;
      const k = vectorizeTerms(vocab, this.hash.subarray(a), this.tf.subarray(a), this.ptr[i + 1]! - a, idx, val);
      indices.set(idx.subarray(0, k), out);
      values.set(val.subarray(0, k), out);
      out += k;
      indptr[i + 1] = out;
    }
    this.consumed = true;
    this.ptr = [];
    this.hashBuffer.resize(out * 4);
    this.tfBuffer.resize(out * 4);
    return { rows, cols: vocab.size, indptr, indices: new Int32Array(this.hashBuffer, 0, out), values: new Float32Array(this.tfBuffer, 0, out) };
  }

  private live(): void {
    if (this.consumed) throw new Error('these term rows were already turned into a matrix');
  }

  private grow(need: number): void {
    // Resizing is a system call; grow by at least an eighth so a paper at a time stays cheap.
    const entries = Math.max(need, this.hash.length + (this.hash.length >>> 3), 1 << 16);
    const bytes = entries * 4;
    if (bytes > this.hashBuffer.maxByteLength) {
      // Past the reservation: move to a larger one (the only copy a TermRows ever makes).
      const max = Math.max(bytes * 2, this.reserveBytes);
      const h = resizableBuffer(bytes, max);
      const t = resizableBuffer(bytes, max);
      new Uint32Array(h).set(this.hash.subarray(0, this.n));
      new Float32Array(t).set(this.tf.subarray(0, this.n));
      this.hashBuffer.resize(0);
      this.tfBuffer.resize(0);
      this.hashBuffer = h;
      this.tfBuffer = t;
    } else {
      this.hashBuffer.resize(bytes);
      this.tfBuffer.resize(bytes);
    }
    this.hash = new Uint32Array(this.hashBuffer, 0, entries);
    this.tf = new Float32Array(this.tfBuffer, 0, entries);
  }
}
