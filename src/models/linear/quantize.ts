/**
 * Compaction helpers for row-major weight matrices (rows × cols, row r at [r*cols, (r+1)*cols)):
 * symmetric per-row int8 quantisation, and pruning of rows with negligible L2 norm (for example
 * vocabulary features whose weights are all near zero).
 */

function checkMatrix(what: string, length: number, rows: number, cols: number): void {
  if (!Number.isInteger(rows) || rows < 0 || !Number.isInteger(cols) || cols < 0) {
    throw new RangeError(`${what}: rows and cols must be non-negative integers (got ${rows} × ${cols})`);
  }
  if (length !== rows * cols) {
    throw new RangeError(`${what}: ${length} values do not form a ${rows} × ${cols} matrix`);
  }
}

export interface QuantizedRows {
  /** Row-major int8 values in [-127, 127]; weight ≈ q[r*cols + c] * scales[r]. */
  q: Int8Array;
  /** One scale per row: max |weight| in the row / 127; 0 for an all-zero row. */
  scales: Float32Array;
}

/**
 * Symmetric per-row int8 quantisation: each row is scaled so its largest |weight| maps to 127,
 * and every weight is rounded to the nearest step, so |w - dequantised| <= scale / 2.
 * Throws RangeError on non-finite weights (NaN would otherwise poison the whole row silently).
 */
export function quantizeRows(weights: Float32Array, rows: number, cols: number): QuantizedRows {
  checkMatrix('quantizeRows', weights.length, rows, cols);
  const q = new Int8Array(weights.length);
  const scales = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    let maxAbs = 0;
    for (let c = 0; c < cols; c++) {
      const w = weights[base + c]!;
      if (!Number.isFinite(w)) throw new RangeError(`quantizeRows: weight at row ${r}, column ${c} is ${w}`);
      const a = Math.abs(w);
      if (a > maxAbs) maxAbs = a;
    }
    // The scale is stored as float32, so round it first and quantise against the stored value.
    const scale = Math.fround(maxAbs / 127);
    scales[r] = scale;
    if (scale === 0) continue; // all-zero row (or only values too small to scale): q stays 0
    for (let c = 0; c < cols; c++) {
      const v = Math.round(weights[base + c]! / scale);
      q[base + c] = v > 127 ? 127 : v < -127 ? -127 : v;
    }
  }
  return { q, scales };
}

/** Writes row `row` of a quantised matrix into `out[0 .. cols)` as floats and returns `out`. */
export function dequantizeRow(q: Int8Array, scales: Float32Array, row: number, cols: number, out: Float32Array): Float32Array {
  if (!Number.isInteger(row) || row < 0 || row >= scales.length) {
    throw new RangeError(`dequantizeRow: row ${row} is outside 0..${scales.length - 1}`);
  }
  if (out.length < cols) throw new RangeError(`dequantizeRow: output has ${out.length} slots, needs ${cols}`);
  if ((row + 1) * cols > q.length) throw new RangeError(`dequantizeRow: row ${row} runs past the end of q`);
  const scale = scales[row]!;
  const base = row * cols;
  for (let c = 0; c < cols; c++) out[c] = q[base + c]! * scale;
  return out;
}

/** The whole quantised matrix back as floats (rows × cols, row-major). */
export function dequantizeRows(q: Int8Array, scales: Float32Array, rows: number, cols: number): Float32Array {
  checkMatrix('dequantizeRows', q.length, rows, cols);
  if (scales.length !== rows) throw new RangeError(`dequantizeRows: ${scales.length} scales for ${rows} rows`);
  const out = new Float32Array(q.length);
  for (let r = 0; r < rows; r++) {
    const scale = scales[r]!;
    const base = r * cols;
    for (let c = 0; c < cols; c++) out[base + c] = q[base + c]! * scale;
  }
  return out;
}

/** The L2 norm of every row. */
export function rowNorms(weights: Float32Array, rows: number, cols: number): Float32Array {
  checkMatrix('rowNorms', weights.length, rows, cols);
  const norms = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    let s = 0;
    for (let c = 0; c < cols; c++) {
      const w = weights[base + c]!;
      s += w * w;
    }
    norms[r] = Math.sqrt(s);
  }
  return norms;
}

/**
 * Which rows to keep; every criterion given must hold. With none given, all rows are kept
 * (except rows whose norm is NaN, which no criterion keeps).
 */
export interface RowSelection {
  /** Keep only rows whose L2 norm is strictly greater than this (0 drops exactly-zero rows). */
  minNorm?: number;
  /**
   * Keep at most ceil(keepFraction × rows) rows, those with the largest norms (0..1); ties at the
   * cut go to the lower row index, so the result is deterministic.
   */
  keepFraction?: number;
  /** Keep at most this many rows, those with the largest norms (ties as for keepFraction). */
  maxRows?: number;
}

/** A rule deciding from a row's norm (and index) whether to keep it. */
export type RowPredicate = (rowNorm: number, row: number) => boolean;

/**
 * The rows to keep, as ascending original row indices. `norms` is typically from rowNorms.
 * A predicate is called once per row in order.
 */
export function selectRows(norms: Float32Array, keep: RowSelection | RowPredicate): Int32Array {
  const rows = norms.length;
  const mask = new Uint8Array(rows);
  if (typeof keep === 'function') {
    for (let r = 0; r < rows; r++) mask[r] = keep(norms[r]!, r) ? 1 : 0;
  } else {
    const { minNorm, keepFraction, maxRows } = keep;
    if (minNorm !== undefined && Number.isNaN(minNorm)) throw new RangeError('selectRows: minNorm is NaN');
    if (keepFraction !== undefined && !(keepFraction >= 0 && keepFraction <= 1)) {
      throw new RangeError(`selectRows: keepFraction must be in 0..1 (got ${keepFraction})`);
    }
    if (maxRows !== undefined && !(Number.isInteger(maxRows) && maxRows >= 0)) {
      throw new RangeError(`selectRows: maxRows must be a non-negative integer (got ${maxRows})`);
    }
    let limit = rows;
    if (keepFraction !== undefined) limit = Math.min(limit, Math.ceil(keepFraction * rows - 1e-9));
    if (maxRows !== undefined) limit = Math.min(limit, maxRows);
    for (let r = 0; r < rows; r++) {
      const v = norms[r]!;
      mask[r] = !Number.isNaN(v) && (minNorm === undefined || v > minNorm) ? 1 : 0;
    }
    let passing = 0;
    for (let r = 0; r < rows; r++) passing += mask[r]!;
    if (passing > limit) keepLargest(norms, mask, limit);
  }
  let kept = 0;
  for (let r = 0; r < rows; r++) kept += mask[r]!;
  const out = new Int32Array(kept);
  for (let r = 0, k = 0; r < rows; r++) if (mask[r]) out[k++] = r;
  return out;
}

/** Narrows `mask` to the `limit` masked rows with the largest norms, ties to lower indices. */
function keepLargest(norms: Float32Array, mask: Uint8Array, limit: number): void {
  if (limit === 0) {
    mask.fill(0);
    return;
  }
  // The limit-th largest norm among masked rows is the cut; sort a copy (native numeric sort).
  const candidates: number[] = [];
  for (let r = 0; r < norms.length; r++) if (mask[r]) candidates.push(norms[r]!);
  const sorted = Float32Array.from(candidates).sort();
  const cut = sorted[sorted.length - limit]!;
  let above = 0;
  for (let r = 0; r < norms.length; r++) if (mask[r] && norms[r]! > cut) above++;
  let tiesLeft = limit - above;
  for (let r = 0; r < norms.length; r++) {
    if (!mask[r]) continue;
    const v = norms[r]!;
    if (v > cut) continue;
    if (v === cut && tiesLeft > 0) tiesLeft--;
    else mask[r] = 0;
  }
}

/** Copies the given rows (in the given order) of a row-major matrix into a new compact matrix. */
export function compactRows(weights: Float32Array, rows: number, cols: number, keptRows: Int32Array): Float32Array {
  checkMatrix('compactRows', weights.length, rows, cols);
  const out = new Float32Array(keptRows.length * cols);
  for (let k = 0; k < keptRows.length; k++) {
    const r = keptRows[k]!;
    if (r < 0 || r >= rows) throw new RangeError(`compactRows: row ${r} is outside 0..${rows - 1}`);
    out.set(weights.subarray(r * cols, (r + 1) * cols), k * cols);
  }
  return out;
}

export interface PrunedRows {
  /** Original indices of the kept rows, ascending: compact row k was original row keptRows[k]. */
  keptRows: Int32Array;
  /** The kept rows, compacted: keptRows.length × cols, row-major. */
  weights: Float32Array;
}

/**
 * Drops rows of a rows × cols matrix by their L2 norm, keeping the original order. Use
 * `keptRows` to compact anything else indexed by row (vocabulary entries, other matrices).
 */
export function pruneRows(
  weights: Float32Array,
  rows: number,
  cols: number,
  keep: RowSelection | RowPredicate,
): PrunedRows {
  const keptRows = selectRows(rowNorms(weights, rows, cols), keep);
  return { keptRows, weights: compactRows(weights, rows, cols, keptRows) };
}
