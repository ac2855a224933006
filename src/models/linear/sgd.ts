import type { CsrMatrix } from '../../text/sparse.js';
import type { Kernels, SparseRowScratch } from './kernels.js';
import { sigmoid, softmaxInPlace } from './loss.js';

/** Which output layer a linear model trains: one label (softmax) or independent labels (one-vs-rest). */
export type LossKind = 'softmax' | 'ova';

/**
 * Where one training thread's numbers live inside the shared kernel memory (byte offsets): its
 * weight copy (F × C, row-major), and scratch for one sparse row, the scores and the gradient.
 */
export interface KernelSlots {
  kernels: Kernels;
  row: SparseRowScratch;
  scores: number;
  grad: number;
  active: number;
  /** C floats for the gradient laid out densely, when most classes are active (epoch 1). */
  dense: number;
}

/**
 * Everything one pass of SGD over a shard needs. The sparse rows stay in ordinary typed arrays
 * and are copied into kernel scratch one at a time; the weights live in the kernel memory so the
 * SIMD kernels read and write them in place. Labels are CSR too: for softmax the first entry of a
 * row is its one class, and any further entries are its cross-lists, which only the cross-list
 * loss reads.
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
  slots: KernelSlots;
  /** Byte offset of this thread's weight matrix in the kernel memory. */
  weights: number;
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
  /** Ties sibling categories together (see ArchiveShare); null = off. */
  archiveShare: ArchiveShare | null;
  /**
   * Softmax only: the weight of a second, one-vs-rest loss on the same scores over all of a row's
   * labels (primary and cross-lists), each class with its own bias `crossListBias`; 0 = off.
   */
  crossListLoss: number;
  crossListBias: Float32Array | null;
}

/**
 * Each class's gradient also takes `share` times the summed gradient of its archive (its siblings
 * and itself). That is plain SGD on weights written as w_c + u_archive(c), folded into one matrix
 * as it trains: a paper of one math category pulls every math category a little toward its words,
 * so a category with few papers of its own starts from what its archive knows.
 */
export interface ArchiveShare {
  /** Each class's archive, or -1 where the class is the only one of its archive. */
  of: Int32Array;
  archives: number;
  share: number;
}

/**
 * Gradients smaller than this are skipped in the weight update. After the first epoch most of
 * the softmax mass sits on a few classes, so this turns the update from O(nnz·C) into about
 * O(nnz·k) with a change in the weights far below float32 noise of the learning rate schedule.
 * The cross-list loss undoes that: its sigmoids stay above the floor for nearly every class, so
 * with it on nearly every row takes the dense update (on all 315k papers training took 42.4 s
 * against 41.4 s without it: docs/benchmarks.md).
 */
const GRADIENT_FLOOR = 1e-4;

/** Raw scores of one CSR row into `out` (length C, float64): bias + x·W, via the kernels. */
export function scoreRow(slots: KernelSlots, x: CsrMatrix, row: number, weights: number, bias: Float32Array, classes: number, out: Float64Array): void {
  const C = classes;
  const mem = slots.kernels.memory.buffer;
  const scores = new Float32Array(mem, slots.scores, C);
  scores.fill(0);
  const nnz = slots.row.load(x.indices, x.values, x.indptr[row]!, x.indptr[row + 1]!);
  slots.kernels.scoresAdd(slots.scores, weights, C, C, slots.row.idx, slots.row.val, nnz);
  for (let c = 0; c < C; c++) out[c] = scores[c]! + bias[c]!;
}

/** One pass; returns the summed training loss over the visited rows. */
export function sgdEpoch(p: EpochInput): number {
  const C = p.classes;
  const b = p.bias;
  const { kernels, row: scratch } = p.slots;
  const mem = kernels.memory.buffer;
  const scoresView = new Float32Array(mem, p.slots.scores, C);
  const gradView = new Float32Array(mem, p.slots.grad, C);
  const activeView = new Int32Array(mem, p.slots.active, C);
  const denseView = new Float32Array(mem, p.slots.dense, C);
  const scores = new Float64Array(C);
  const target = new Uint8Array(C);
  const grad = new Float64Array(C);
  const share = p.archiveShare;
  const archiveSums = new Float64Array(share ? share.archives : 0);
  const crossBias = p.crossListBias;
  const crossWeight = crossBias ? p.crossListLoss : 0;
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
    const nnz = scratch.load(x.indices, x.values, a, z);
    scoresView.fill(0);
    kernels.scoresAdd(p.slots.scores, p.weights, C, C, scratch.idx, scratch.val, nnz);
    const la = p.labelPtr[row]!;
    const lz = p.labelPtr[row + 1]!;
    for (let q = la; q < lz; q++) target[p.labelIdx[q]!] = 1;
    let na = 0;
    if (p.loss === 'softmax') {
      // After the softmax, one pass over the classes does all the rest (cross-list, archive sums;
      // then active classes and bias), in the arithmetic of the separate loops it replaced: the
      // weights come out bit for bit the same, and this per-class work was a third of SGD's time.
      for (let c = 0; c < C; c++) scores[c] = scoresView[c]! + b[c]!;
      softmaxInPlace(scores, C);
      const y = p.labelIdx[la]!;
      loss -= Math.log(Math.max(scores[y]!, 1e-30));
      const cw = p.classWeight ? p.classWeight[y]! : 1;
      if (share) archiveSums.fill(0);
      for (let c = 0; c < C; c++) {
        let g = (scores[c]! - (c === y ? 1 : 0)) * cw;
        if (crossWeight > 0) {
          // Its own offset on each class's bias: a class is a cross-list far more often than a primary.
          const gl = crossWeight * (sigmoid(scoresView[c]! + b[c]! + crossBias![c]!) - target[c]!);
          g += gl;
          crossBias![c]! -= lr * gl;
        }
        grad[c] = g;
        if (share && share.of[c]! >= 0) archiveSums[share.of[c]!]! += g;
      }
      for (let c = 0; c < C; c++) {
        let g = grad[c]!;
        if (share && share.of[c]! >= 0) g += share.share * archiveSums[share.of[c]!]!;
        if (g > GRADIENT_FLOOR || g < -GRADIENT_FLOOR) {
          activeView[na] = c;
          gradView[na] = -lr * g;
          b[c]! += gradView[na]!;
          na++;
        }
      }
    } else {
      for (let c = 0; c < C; c++) {
        const pr = sigmoid(scoresView[c]! + b[c]!);
        const y = target[c]!;
        loss -= Math.log(Math.max(y ? pr : 1 - pr, 1e-30));
        grad[c] = p.classWeight && y ? (pr - y) * p.classWeight[c]! : pr - y;
      }
      for (let c = 0; c < C; c++) {
        const g = grad[c]!;
        if (g > GRADIENT_FLOOR || g < -GRADIENT_FLOOR) {
          activeView[na] = c;
          gradView[na] = -lr * g;
          na++;
        }
      }
      for (let q = 0; q < na; q++) b[activeView[q]!]! += gradView[q]!;
    }
    for (let q = la; q < lz; q++) target[p.labelIdx[q]!] = 0;
    const shrink = p.l2 > 0 ? 1 - lr * p.l2 : 1;
    if (na * 2 > C) {
      // Most classes move (early in training): the dense SIMD update beats the gather/scatter one.
      denseView.fill(0);
      for (let q = 0; q < na; q++) denseView[activeView[q]!] = gradView[q]!;
      kernels.rowsAxpyDense(p.weights, C, C, scratch.idx, scratch.val, nnz, p.slots.dense, shrink);
    } else if (na > 0 || shrink !== 1) {
      kernels.rowsAxpyActive(p.weights, C, C, scratch.idx, scratch.val, nnz, p.slots.active, p.slots.grad, na, shrink);
    }
  }
  return loss;
}
