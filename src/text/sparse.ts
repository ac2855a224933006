import { grown } from '../base/typed-arrays.js';

/** Rows of sparse vectors in compressed sparse row form: row i is indices/values[indptr[i]..indptr[i+1]). */
export interface CsrMatrix {
  rows: number;
  cols: number;
  indptr: Int32Array;
  indices: Int32Array;
  values: Float32Array;
}

/** A CSR matrix built a row at a time. */
export class CsrBuilder {
  private indptr = new Int32Array(1024);
  private indices = new Int32Array(1 << 14);
  private values = new Float32Array(1 << 14);
  private rows = 0;

  add(idx: Int32Array, val: Float32Array, n: number): void {
    const a = this.indptr[this.rows]!;
    if (this.rows + 2 > this.indptr.length) this.indptr = grown(this.indptr, this.indptr.length * 2);
    if (a + n > this.indices.length) {
      const size = Math.max(a + n, this.indices.length * 2);
      this.indices = grown(this.indices, size);
      this.values = grown(this.values, size);
    }
    this.indices.set(idx.subarray(0, n), a);
    this.values.set(val.subarray(0, n), a);
    this.indptr[++this.rows] = a + n;
  }

  finish(cols: number): CsrMatrix {
    const nnz = this.indptr[this.rows]!;
    return { rows: this.rows, cols, indptr: this.indptr.slice(0, this.rows + 1), indices: this.indices.slice(0, nnz), values: this.values.slice(0, nnz) };
  }
}
