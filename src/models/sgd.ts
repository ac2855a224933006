import type { CsrMatrix } from '../text/sparse.js';
import { sigmoid, softmaxInPlace } from './loss.js';

/** Which output layer a linear model trains: one label (softmax) or independent labels (one-vs-rest). */
export type LossKind = 'softmax' | 'ova';

/**
 * Everything one pass of SGD over a shard needs, as typed arrays so it runs unchanged inside a
 * worker on shared memory. Labels are CSR too (one entry per row for softmax).
 */
export interface EpochInput {
  loss: LossKind;
  classes: number;
  x: CsrMatrix;
  /** Title-only rows (same row order), used with probability `dropAbstract`. */
  xTitle: CsrMatrix | null;
  labelPtr: Int32Array;
  labelIdx: Int32Array;
  /** Rows of this shard to visit, in order (already shuffled). */
  order: Int32Array;
  weights: Float32Array;
  bias: Float32Array;
  /** Per-class multiplier on the gradient (class weighting); null for uniform. */
  classWeight: Float32Array | null;
  /** Learning rate decays linearly from lrStart to lrEnd over this pass. */
  lrStart: number;
  lrEnd: number;
  /** L2 penalty, applied lazily to the rows a paper touches. */
  l2: number;
  dropAbstract: number;
  /** Uniform [0,1) numbers, one per visited row, for abstract dropout (seeded by the caller). */
  coins: Float32Array | null;
}

/**
 * Gradients smaller than this are skipped in the weight update. After the first epoch most of
 * the softmax mass sits on a few classes, so this turns the update from O(nnz·C) into about
 * O(nnz·k) with a change in the weights far below float32 noise of the learning rate schedule.
 */
const GRADIENT_FLOOR = 1e-4;

/** One pass; returns the summed training loss over the visited rows. */
export function sgdEpoch(p: EpochInput): number {
  const C = p.classes;
  const W = p.weights;
  const b = p.bias;
  const scores = new Float64Array(C);
  const active = new Int32Array(C);
  const grad = new Float64Array(C);
  const target = new Uint8Array(C);
  const n = p.order.length;
  let loss = 0;
  for (let t = 0; t < n; t++) {
    const row = p.order[t]!;
    const lr = p.lrStart + ((p.lrEnd - p.lrStart) * t) / n;
    const useTitle = p.xTitle !== null && p.coins !== null && p.coins[t]! < p.dropAbstract;
    const x = useTitle ? p.xTitle! : p.x;
    const a = x.indptr[row]!;
    const z = x.indptr[row + 1]!;
    if (a === z && !useTitle) continue;
    const idx = x.indices;
    const val = x.values;
    for (let c = 0; c < C; c++) scores[c] = b[c]!;
    for (let k = a; k < z; k++) {
      const off = idx[k]! * C;
      const v = val[k]!;
      for (let c = 0; c < C; c++) scores[c]! += v * W[off + c]!;
    }
    const la = p.labelPtr[row]!;
    const lz = p.labelPtr[row + 1]!;
    for (let q = la; q < lz; q++) target[p.labelIdx[q]!] = 1;
    let na = 0;
    if (p.loss === 'softmax') {
      softmaxInPlace(scores, C);
      const y = p.labelIdx[la]!;
      loss -= Math.log(Math.max(scores[y]!, 1e-30));
      for (let c = 0; c < C; c++) {
        let g = scores[c]! - target[c]!;
        if (g > GRADIENT_FLOOR || g < -GRADIENT_FLOOR) {
          if (p.classWeight) g *= p.classWeight[y]!;
          active[na] = c;
          grad[na] = -lr * g;
          na++;
        }
      }
    } else {
      for (let c = 0; c < C; c++) {
        const pr = sigmoid(scores[c]!);
        const y = target[c]!;
        loss -= Math.log(Math.max(y ? pr : 1 - pr, 1e-30));
        let g = pr - y;
        if (g > GRADIENT_FLOOR || g < -GRADIENT_FLOOR) {
          if (p.classWeight && y) g *= p.classWeight[c]!;
          active[na] = c;
          grad[na] = -lr * g;
          na++;
        }
      }
    }
    for (let q = la; q < lz; q++) target[p.labelIdx[q]!] = 0;
    for (let q = 0; q < na; q++) b[active[q]!]! += grad[q]!;
    const shrink = p.l2 > 0 ? 1 - lr * p.l2 : 1;
    for (let k = a; k < z; k++) {
      const off = idx[k]! * C;
      const v = val[k]!;
      if (shrink !== 1) for (let c = 0; c < C; c++) W[off + c]! *= shrink;
      for (let q = 0; q < na; q++) W[off + active[q]!]! += v * grad[q]!;
    }
  }
  return loss;
}

/** Raw scores (before softmax/sigmoid) for rows [from, to) into out ((to-from) × C). */
export function scoreRows(x: CsrMatrix, from: number, to: number, weights: Float32Array, bias: Float32Array, classes: number, out: Float32Array): void {
  const C = classes;
  const s = new Float64Array(C);
  for (let row = from; row < to; row++) {
    for (let c = 0; c < C; c++) s[c] = bias[c]!;
    for (let k = x.indptr[row]!; k < x.indptr[row + 1]!; k++) {
      const off = x.indices[k]! * C;
      const v = x.values[k]!;
      for (let c = 0; c < C; c++) s[c]! += v * weights[off + c]!;
    }
    const o = (row - from) * C;
    for (let c = 0; c < C; c++) out[o + c] = s[c]!;
  }
}
