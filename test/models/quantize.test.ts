import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  compactRows,
  dequantizeRow,
  dequantizeRows,
  pruneRows,
  quantizeRows,
  rowNorms,
  selectRows,
} from '../../src/models/linear/quantize.js';

/** Deterministic pseudo-random floats in [-1, 1). */
function randomMatrix(rows: number, cols: number, seed = 1): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < out.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

test('quantizeRows: per-row scale and error within scale/2', () => {
  const rows = 50;
  const cols = 37;
  const w = randomMatrix(rows, cols);
  // Rows of very different magnitude, to show the scale really is per row.
  for (let c = 0; c < cols; c++) {
    w[3 * cols + c]! *= 1e-6;
    w[4 * cols + c]! *= 1e4;
  }
  const { q, scales } = quantizeRows(w, rows, cols);
  assert.equal(q.length, rows * cols);
  assert.equal(scales.length, rows);
  const deq = dequantizeRows(q, scales, rows, cols);
  const row = new Float32Array(cols);
  for (let r = 0; r < rows; r++) {
    let maxAbs = 0;
    for (let c = 0; c < cols; c++) maxAbs = Math.max(maxAbs, Math.abs(w[r * cols + c]!));
    assert.ok(Math.abs(scales[r]! - maxAbs / 127) <= 1e-6 * scales[r]!, `scale of row ${r}`);
    dequantizeRow(q, scales, r, cols, row);
    for (let c = 0; c < cols; c++) {
      const i = r * cols + c;
      assert.ok(q[i]! >= -127 && q[i]! <= 127);
      assert.equal(row[c], deq[i]);
      const err = Math.abs(w[i]! - deq[i]!);
      assert.ok(err <= scales[r]! / 2 + 1e-6 * Math.abs(w[i]!), `row ${r} col ${c}: error ${err}, scale ${scales[r]}`);
    }
    // The largest weight maps to ±127.
    let maxQ = 0;
    for (let c = 0; c < cols; c++) maxQ = Math.max(maxQ, Math.abs(q[r * cols + c]!));
    assert.equal(maxQ, 127);
  }
});

test('quantizeRows: zero rows get scale 0 and dequantise to zeros', () => {
  const w = Float32Array.of(0, 0, 0, 1, -2, 0.5, 0, -0, 0);
  const { q, scales } = quantizeRows(w, 3, 3);
  assert.equal(scales[0], 0);
  assert.equal(scales[2], 0);
  assert.deepEqual(Array.from(q.subarray(0, 3)), [0, 0, 0]);
  assert.deepEqual(Array.from(q.subarray(3, 6)), [64, -127, 32]);
  const deq = dequantizeRows(q, scales, 3, 3);
  assert.deepEqual(Array.from(deq.subarray(6, 9)).map(Math.abs), [0, 0, 0]);
  const out = new Float32Array(5).fill(9);
  dequantizeRow(q, scales, 0, 3, out);
  assert.deepEqual(Array.from(out), [0, 0, 0, 9, 9]); // writes only cols slots
});

test('quantizeRows: empty matrices and bad input', () => {
  assert.equal(quantizeRows(new Float32Array(0), 0, 5).scales.length, 0);
  const r = quantizeRows(new Float32Array(0), 3, 0);
  assert.deepEqual(Array.from(r.scales), [0, 0, 0]);
  assert.throws(() => quantizeRows(new Float32Array(5), 2, 3), RangeError);
  assert.throws(() => quantizeRows(Float32Array.of(1, NaN), 1, 2), /row 0, column 1 is NaN/);
  assert.throws(() => dequantizeRow(new Int8Array(4), new Float32Array(2), 2, 2, new Float32Array(2)), RangeError);
  assert.throws(() => dequantizeRow(new Int8Array(4), new Float32Array(2), 0, 2, new Float32Array(1)), RangeError);
});

test('rowNorms computes L2 norms', () => {
  const n = rowNorms(Float32Array.of(3, 4, 0, 0, 1, 0), 3, 2);
  assert.deepEqual(Array.from(n), [5, 0, 1]);
});

test('pruneRows by minNorm keeps rows above the threshold, in order', () => {
  // Row norms: 5, 0, 1, 0.01, 2
  const w = Float32Array.of(3, 4, 0, 0, 1, 0, 0, 0.01, 0, -2);
  const p = pruneRows(w, 5, 2, { minNorm: 0.5 });
  assert.deepEqual(Array.from(p.keptRows), [0, 2, 4]);
  assert.deepEqual(Array.from(p.weights), [3, 4, 1, 0, 0, -2]);
  // minNorm 0 drops exactly the all-zero rows.
  assert.deepEqual(Array.from(pruneRows(w, 5, 2, { minNorm: 0 }).keptRows), [0, 2, 3, 4]);
  // No criteria: everything.
  assert.deepEqual(Array.from(pruneRows(w, 5, 2, {}).keptRows), [0, 1, 2, 3, 4]);
});

test('pruneRows by keepFraction / maxRows keeps the largest rows, ties to lower index', () => {
  // Row norms: 1, 3, 2, 3, 0, 1
  const w = Float32Array.of(1, 3, 2, 3, 0, 1);
  assert.deepEqual(Array.from(pruneRows(w, 6, 1, { maxRows: 2 }).keptRows), [1, 3]);
  assert.deepEqual(Array.from(pruneRows(w, 6, 1, { maxRows: 3 }).keptRows), [1, 2, 3]);
  assert.deepEqual(Array.from(pruneRows(w, 6, 1, { maxRows: 4 }).keptRows), [0, 1, 2, 3]); // tie 1,1 → row 0
  assert.deepEqual(Array.from(pruneRows(w, 6, 1, { keepFraction: 0.5 }).keptRows), [1, 2, 3]);
  assert.deepEqual(Array.from(pruneRows(w, 6, 1, { keepFraction: 0.4 }).keptRows), [1, 2, 3]); // ceil(2.4) = 3
  assert.deepEqual(Array.from(pruneRows(w, 6, 1, { keepFraction: 0 }).keptRows), []);
  assert.deepEqual(Array.from(pruneRows(w, 6, 1, { keepFraction: 1 }).keptRows), [0, 1, 2, 3, 4, 5]);
  // Criteria combine: above 1.5 and at most 2 rows.
  assert.deepEqual(Array.from(pruneRows(w, 6, 1, { minNorm: 1.5, maxRows: 2 }).keptRows), [1, 3]);
  // Fewer rows pass minNorm than the limit allows: all of them stay.
  assert.deepEqual(Array.from(pruneRows(w, 6, 1, { minNorm: 2.5, maxRows: 5 }).keptRows), [1, 3]);
  assert.throws(() => pruneRows(w, 6, 1, { keepFraction: 1.5 }), RangeError);
  assert.throws(() => pruneRows(w, 6, 1, { maxRows: -1 }), RangeError);
});

test('pruneRows with a predicate, and compactRows for companion data', () => {
  const rows = 200;
  const cols = 4;
  const w = randomMatrix(rows, cols, 7);
  const norms = rowNorms(w, rows, cols);
  const p = pruneRows(w, rows, cols, (norm, row) => norm > 1 || row === 0);
  const expected: number[] = [];
  for (let r = 0; r < rows; r++) if (norms[r]! > 1 || r === 0) expected.push(r);
  assert.deepEqual(Array.from(p.keptRows), expected);
  for (let k = 0; k < expected.length; k++) {
    const r = expected[k]!;
    assert.deepEqual(p.weights.subarray(k * cols, (k + 1) * cols), w.subarray(r * cols, (r + 1) * cols));
  }
  // Top-k by sort agrees with a brute-force ranking.
  const top = selectRows(norms, { maxRows: 25 });
  const ranked = Array.from(norms, (n, r) => ({ n, r })).sort((a, b) => b.n - a.n || a.r - b.r).slice(0, 25).map((x) => x.r);
  assert.deepEqual(Array.from(top), ranked.sort((a, b) => a - b));
  assert.deepEqual(Array.from(compactRows(w, rows, cols, Int32Array.of(5, 1))), [...w.subarray(20, 24), ...w.subarray(4, 8)]);
  assert.throws(() => compactRows(w, rows, cols, Int32Array.of(rows)), RangeError);
});
