/** Rows of sparse vectors in compressed sparse row form: row i is indices/values[indptr[i]..indptr[i+1]). */
export interface CsrMatrix {
  rows: number;
  cols: number;
  indptr: Int32Array;
  indices: Int32Array;
  values: Float32Array;
}
