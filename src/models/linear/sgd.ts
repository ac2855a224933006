import type { CsrMatrix } from '../../text/sparse.js';
import type { Kernels, SparseRowScratch } from './kernels.js';
import type { ArchiveShare, Loss } from './loss.js';

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
  loss: Loss;
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
  /** The loss's extras (loss.ts, StepInput). */
  archiveShare: ArchiveShare | null;
  crossListLoss: number;
  crossListBias: Float32Array | null;
}

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
  const { kernels, row: scratch } = p.slots;
  const mem = kernels.memory.buffer;
  const scoresView = new Float32Array(mem, p.slots.scores, C);
  const activeView = new Int32Array(mem, p.slots.active, C);
  const gradView = new Float32Array(mem, p.slots.grad, C);
  const denseView = new Float32Array(mem, p.slots.dense, C);
  const target = new Uint8Array(C);
  // One step object per pass, so the loss is chosen once here and not per row or class.
  const step = p.loss.sgdStep({
    classes: C,
    scores: scoresView,
    bias: p.bias,
    target,
    active: activeView,
    grad: gradView,
    classWeight: p.classWeight,
    archiveShare: p.archiveShare,
    crossListLoss: p.crossListLoss,
    crossListBias: p.crossListBias,
  });
  const n = p.order.length;
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
    const na = step.step(p.labelIdx[la]!, lr);
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
  return step.loss;
}
