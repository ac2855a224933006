/**
 * Output layers: how a linear model turns raw scores into probabilities, learns from them and is
 * calibrated. Softmax for one label per paper, independent sigmoids (one-vs-rest) for several;
 * each is one `Loss` (softmax-loss.ts, ova-loss.ts), picked by name in losses.ts.
 */
import type { TrainOptions } from './train-settings.js';

/** A loss as settings, reports and model files spell it. */
export type LossName = 'softmax' | 'ova';

export interface Loss {
  readonly name: LossName;
  /**
   * One label per paper: the probabilities over the classes sum to 1, so a shift shared by all of
   * a paper's scores changes nothing (weight rows may be centred) and a class prior applies.
   */
  readonly singleLabel: boolean;
  /** The settings as this loss trains with them: what a model file records. */
  trained(o: TrainOptions): TrainOptions;
  /** The gradient step of one pass of SGD (sgd.ts) over the buffers given. */
  sgdStep(input: StepInput): SgdStep;
  /** Early stopping keeps the epoch where this is highest. */
  stoppingScore(valid: { accuracy: number; loss: number }): number;
  /**
   * `total` plus the negative log-likelihood of the scores `scores[o .. o + C)` times `inv`, given
   * the labels `labelIdx[a .. z)`: what temperature scaling minimises (calibration.ts).
   */
  addTemperatureNll(total: number, scores: Float32Array, o: number, C: number, inv: number, labelIdx: Int32Array, a: number, z: number): number;
  /** In place: scores times `invT`, plus the class prior's shift where it applies, → probabilities. */
  probabilities(s: Float64Array, C: number, invT: number, priorShift: Float32Array | null): void;
  /** `total` plus the negative log-likelihood of probabilities `p` given the labels `labelIdx[a .. z)`. */
  addNll(total: number, p: Float64Array, C: number, labelIdx: Int32Array, a: number, z: number): number;
  /** Per-class decision thresholds fitted on validation scores (rows of C), or null where the loss answers by rank. */
  thresholds(scores: Float32Array, temperature: number, labelPtr: Int32Array, labelIdx: Int32Array, C: number): Float32Array | null;
  /** The classes a prediction answers with, most probable first. */
  chosen(p: Float64Array, k: number, threshold: number | undefined, thresholds: Float32Array | null): number[];
  /** Each group's probability from its classes' (`ofClass[c]` is class c's group) into `mass`, zeroed. */
  groupMass(p: Float64Array, ofClass: Int32Array, mass: Float64Array): void;
}

/**
 * What a loss's SGD step reads and writes, set up once per call of sgdEpoch. The views lie in the
 * thread's kernel memory, where the weight update reads the active classes and their steps.
 */
export interface StepInput {
  classes: number;
  /** The row's raw scores x·W, bias not added. */
  scores: Float32Array;
  bias: Float32Array;
  /** 1 at each of the row's labels (its primary and, with the cross-list loss, its cross-lists), 0 elsewhere. */
  target: Uint8Array;
  /** Out: the classes whose gradient clears GRADIENT_FLOOR, and −lr times that gradient. */
  active: Int32Array;
  grad: Float32Array;
  /** Per-class multiplier on the gradient (class weighting); null for uniform. */
  classWeight: Float32Array | null;
  /** Ties sibling categories together; null = off. */
  archiveShare: ArchiveShare | null;
  /**
   * Softmax only: the weight of a second, one-vs-rest loss on the same scores over all of a row's
   * labels (primary and cross-lists), each class with its own bias `crossListBias`; 0 = off.
   */
  crossListLoss: number;
  crossListBias: Float32Array | null;
}

/** One pass's gradient steps, a row at a time; the pass's loss adds up inside. */
export interface SgdStep {
  /** The summed training loss of the rows stepped so far. */
  readonly loss: number;
  /**
   * The gradient of the row whose labels `target` holds (`first` is its first label, the primary)
   * at learning rate `lr`: the bias moves, and the active classes and their steps are written for
   * the weight update. Returns how many classes are active.
   */
  step(first: number, lr: number): number;
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
export const GRADIENT_FLOOR = 1e-4;

/** In place: scores → softmax probabilities. Returns the log-sum-exp for the loss. */
export function softmaxInPlace(s: Float64Array | Float32Array, n: number): number {
  let max = -Infinity;
  for (let c = 0; c < n; c++) if (s[c]! > max) max = s[c]!;
  let sum = 0;
  for (let c = 0; c < n; c++) {
    const e = Math.exp(s[c]! - max);
    s[c] = e;
    sum += e;
  }
  const inv = 1 / sum;
  for (let c = 0; c < n; c++) s[c]! *= inv;
  return max + Math.log(sum);
}

export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}
