/** Rows of sparse vectors in compressed sparse row form: row i is indices/values[indptr[i]..indptr[i+1]). */
export interface CsrMatrix {
  rows: number;
  cols: number;
  indptr: Int32Array;
  indices: Int32Array;
  values: Float32Array;
}

/** Append-only builder that grows its typed arrays by doubling. */
export class CsrBuilder {
  private indptr: number[] = [0];
  private indices = new Int32Array(1 << 16);
  private values = new Float32Array(1 << 16);
  private nnz = 0;

  constructor(private readonly cols: number) {}

  addRow(indices: ArrayLike<number>, values: ArrayLike<number>, length: number): void {
    if (this.nnz + length > this.indices.length) {
      let cap = this.indices.length;
      while (cap < this.nnz + length) cap *= 2;
      const ni = new Int32Array(cap);
      ni.set(this.indices.subarray(0, this.nnz));
      const nv = new Float32Array(cap);
      nv.set(this.values.subarray(0, this.nnz));
      this.indices = ni;
      this.values = nv;
    }
    for (let k = 0; k < length; k++) {
      this.indices[this.nnz + k] = indices[k]!;
      this.values[this.nnz + k] = values[k]!;
    }
    this.nnz += length;
    this.indptr.push(this.nnz);
  }

  build(): CsrMatrix {
    return {
      rows: this.indptr.length - 1,
      cols: this.cols,
      indptr: Int32Array.from(this.indptr),
      indices: this.indices.slice(0, this.nnz),
      values: this.values.slice(0, this.nnz),
    };
  }
}
