import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import type { CsrMatrix } from './sparse.js';
import { grown } from '../base/typed-arrays.js';

/**
 * A training thread's TF-IDF rows on disk, in blocks of BLOCK_ROWS rows, so that SGD holds a
 * window of blocks in memory rather than the whole shard: the memory of training stays flat as
 * the corpus grows, as fastText's does by reading its input file every epoch.
 *
 * A block is [rows, nnz, title nnz, 0] and then, as 32-bit words: row offsets (rows + 1), title
 * row offsets (rows + 1), indices (nnz), values (nnz), title indices, title values.
 */
export const BLOCK_ROWS = 4096;

export class RowCacheWriter {
  private fd: number;
  private idx: Int32Array = new Int32Array(1 << 16);
  private val: Float32Array = new Float32Array(1 << 16);
  private tIdx: Int32Array = new Int32Array(1 << 12);
  private tVal: Float32Array = new Float32Array(1 << 12);
  private ptr = new Int32Array(BLOCK_ROWS + 1);
  private tPtr = new Int32Array(BLOCK_ROWS + 1);
  private rowsInBlock = 0;
  private readonly offsets: number[] = [];
  private readonly blockRows: number[] = [];
  private readonly blockWords: number[] = [];
  private readonly blockNnz: number[] = [];
  private readonly blockTitleNnz: number[] = [];
  /** The block being written, reused from block to block. */
  private block = new Int32Array(0);
  private fileAt = 0;
  rows = 0;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'w');
  }

  /** One row and its title-only row (n = 0 when there is none). */
  add(idx: Int32Array, val: Float32Array, n: number, tIdx: Int32Array, tVal: Float32Array, tn: number): void {
    const r = this.rowsInBlock;
    const a = this.ptr[r]!;
    const ta = this.tPtr[r]!;
    if (a + n > this.idx.length) [this.idx, this.val] = [grown(this.idx, a + n), grown(this.val, a + n)];
    if (ta + tn > this.tIdx.length) [this.tIdx, this.tVal] = [grown(this.tIdx, ta + tn), grown(this.tVal, ta + tn)];
    this.idx.set(idx.subarray(0, n), a);
    this.val.set(val.subarray(0, n), a);
    this.tIdx.set(tIdx.subarray(0, tn), ta);
    this.tVal.set(tVal.subarray(0, tn), ta);
    this.ptr[r + 1] = a + n;
    this.tPtr[r + 1] = ta + tn;
    this.rowsInBlock++;
    this.rows++;
    if (this.rowsInBlock === BLOCK_ROWS) this.flushBlock();
  }

  /** Write the last block and close the file; the cache reads it from here on. */
  finish(): RowCache {
    if (this.rowsInBlock > 0) this.flushBlock();
    closeSync(this.fd);
    return new RowCache(this.path, this.offsets, this.blockRows, this.blockWords, this.blockNnz, this.blockTitleNnz);
  }

  private flushBlock(): void {
    const rows = this.rowsInBlock;
    const nnz = this.ptr[rows]!;
    const tnnz = this.tPtr[rows]!;
    const words = 4 + 2 * (rows + 1) + 2 * nnz + 2 * tnnz;
    if (this.block.length < words) this.block = new Int32Array(Math.max(words, this.block.length + (this.block.length >>> 1)));
    const block = this.block;
    const f = new Float32Array(block.buffer);
    block[0] = rows;
    block[1] = nnz;
    block[2] = tnnz;
    block[3] = 0;
    let at = 4;
    block.set(this.ptr.subarray(0, rows + 1), at);
    at += rows + 1;
    block.set(this.tPtr.subarray(0, rows + 1), at);
    at += rows + 1;
    block.set(this.idx.subarray(0, nnz), at);
    at += nnz;
    f.set(this.val.subarray(0, nnz), at);
    at += nnz;
    block.set(this.tIdx.subarray(0, tnnz), at);
    at += tnnz;
    f.set(this.tVal.subarray(0, tnnz), at);
    const bytes = new Uint8Array(block.buffer, 0, words * 4);
    let done = 0;
    while (done < bytes.length) done += writeSync(this.fd, bytes, done, bytes.length - done, this.fileAt + done);
    this.offsets.push(this.fileAt);
    this.blockRows.push(rows);
    this.blockWords.push(words);
    this.blockNnz.push(nnz);
    this.blockTitleNnz.push(tnnz);
    this.fileAt += bytes.length;
    this.rowsInBlock = 0;
  }
}

/** Rows of some blocks, one after another, as CSR matrices over this cache's features. */
export interface RowWindow {
  x: CsrMatrix;
  xTitle: CsrMatrix;
  /** Each block's first row in the whole shard (blocks hold BLOCK_ROWS rows, the last fewer). */
  blocks: readonly number[];
}

export class RowCache {
  private fd: number | null;
  private idx = new Int32Array(0);
  private val = new Float32Array(0);
  private tIdx = new Int32Array(0);
  private tVal = new Float32Array(0);

  constructor(
    readonly path: string,
    private readonly offsets: readonly number[],
    private readonly blockRows: readonly number[],
    private readonly blockWords: readonly number[],
    private readonly blockNnz: readonly number[],
    private readonly blockTitleNnz: readonly number[],
  ) {
    this.fd = openSync(path, 'r');
  }

  get blocks(): number {
    return this.offsets.length;
  }

  get rows(): number {
    return this.blockRows.reduce((s, r) => s + r, 0);
  }

  get bytes(): number {
    return this.blockWords.reduce((s, w) => s + w * 4, 0);
  }

  /** Bytes of the blocks `ids` once loaded. */
  bytesOf(ids: readonly number[]): number {
    return ids.reduce((s, b) => s + this.blockWords[b]! * 4, 0);
  }

  rowsOf(ids: readonly number[]): number {
    return ids.reduce((s, b) => s + this.blockRows[b]!, 0);
  }

  /**
   * Make room for the largest of these windows at once, with a tenth to spare for later passes:
   * a training thread seldom collects garbage (docs/DEVELOPING.md), so arrays outgrown window by
   * window would stay resident beside their successors.
   */
  reserve(windows: readonly (readonly number[])[]): void {
    let most = 0;
    let mostTitle = 0;
    for (const ids of windows) {
      let nnz = 0;
      let titleNnz = 0;
      for (const b of ids) {
        nnz += this.blockNnz[b]!;
        titleNnz += this.blockTitleNnz[b]!;
      }
      most = Math.max(most, nnz);
      mostTitle = Math.max(mostTitle, titleNnz);
    }
    this.room(Math.ceil(most * 1.1), Math.ceil(mostTitle * 1.1));
  }

  private room(nnz: number, titleNnz: number): void {
    if (nnz > this.idx.length) {
      this.idx = new Int32Array(nnz);
      this.val = new Float32Array(nnz);
    }
    if (titleNnz > this.tIdx.length) {
      this.tIdx = new Int32Array(titleNnz);
      this.tVal = new Float32Array(titleNnz);
    }
  }

  /** Load blocks `ids`, in that order, into one window (its arrays are reused by the next load). */
  load(ids: readonly number[], cols: number): RowWindow {
    if (this.fd === null) throw new Error(`${this.path}: the row cache is closed`);
    let rows = 0;
    let most = 0;
    let allNnz = 0;
    let allTitleNnz = 0;
    for (const b of ids) {
      rows += this.blockRows[b]!;
      most = Math.max(most, this.blockWords[b]!);
      allNnz += this.blockNnz[b]!;
      allTitleNnz += this.blockTitleNnz[b]!;
    }
    // Sized before the blocks arrive (see reserve): growing as they came copied every entry about twice more.
    this.room(allNnz, allTitleNnz);
    const stage = new Int32Array(most);
    const stageF = new Float32Array(stage.buffer);
    const indptr = new Int32Array(rows + 1);
    const tIndptr = new Int32Array(rows + 1);
    let r = 0;
    let nnz = 0;
    let tnnz = 0;
    for (const b of ids) {
      const words = this.blockWords[b]!;
      const bytes = new Uint8Array(stage.buffer, 0, words * 4);
      let done = 0;
      while (done < bytes.length) {
        const got = readSync(this.fd, bytes, done, bytes.length - done, this.offsets[b]! + done);
        if (got === 0) throw new Error(`${this.path}: block ${b} is cut short`);
        done += got;
      }
      const [n, bn, btn] = [stage[0]!, stage[1]!, stage[2]!];
      let at = 4;
      for (let i = 1; i <= n; i++) indptr[r + i] = nnz + stage[at + i]!;
      at += n + 1;
      for (let i = 1; i <= n; i++) tIndptr[r + i] = tnnz + stage[at + i]!;
      at += n + 1;
      this.idx.set(stage.subarray(at, at + bn), nnz);
      this.val.set(stageF.subarray(at + bn, at + 2 * bn), nnz);
      at += 2 * bn;
      this.tIdx.set(stage.subarray(at, at + btn), tnnz);
      this.tVal.set(stageF.subarray(at + btn, at + 2 * btn), tnnz);
      r += n;
      nnz += bn;
      tnnz += btn;
    }
    return {
      x: { rows, cols, indptr, indices: this.idx.subarray(0, nnz), values: this.val.subarray(0, nnz) },
      xTitle: { rows, cols, indptr: tIndptr, indices: this.tIdx.subarray(0, tnnz), values: this.tVal.subarray(0, tnnz) },
      blocks: ids.map((b) => b * BLOCK_ROWS),
    };
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
