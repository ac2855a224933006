/**
 * Classification metrics on typed arrays, matching scikit-learn's definitions.
 *
 * Conventions shared by every function here:
 * - Single-label inputs: `yTrue: Int32Array` (class index per sample, 0 ≤ y < C) and either
 *   `yPred: Int32Array` or `proba: Float32Array` (n × C, row-major).
 * - Multi-label inputs: `truth`/`pred: Uint8Array` (n × L, 0/1 indicators, row-major) and
 *   `scores: Float32Array` (n × L) for ranking metrics.
 * - All accumulation is in float64. Division by zero yields 0 (scikit-learn's `zero_division=0`).
 * - An empty input (n = 0) yields 0 for every rate rather than raising.
 * - Ties: `argmaxRows` and `topKIndices` break ties by the lower index (like `numpy.argmax`);
 *   `topKAccuracy` deliberately follows scikit-learn's `top_k_accuracy_score`, where among equal
 *   scores the HIGHER index ranks first. NaN scores are not supported.
 * Shape mismatches and out-of-range class indices throw `RangeError`.
 *
 * The counting behind the batch functions is also offered one sample at a time (the row-level
 * helpers and the *Counter classes), for evaluations streamed over more samples than memory holds;
 * they sum in sample order, so streaming and batch give the same numbers to the last bit.
 */

/** Precision, recall and F1 for one averaging scheme. */
export interface PrecisionRecallF1 {
  precision: number;
  recall: number;
  f1: number;
}

/** Per-class (or per-label) scores; `support` is the number of true occurrences. */
export interface PerClassScores {
  precision: Float64Array;
  recall: Float64Array;
  f1: Float64Array;
  support: Int32Array;
}

/** Result of {@link precisionRecallF1}. */
export interface ClassificationScores {
  /**
   * Indexed by class (length C). Classes absent from both yTrue and yPred have all-zero entries;
   * scikit-learn leaves them out entirely, and so do the macro and weighted averages here.
   */
  perClass: PerClassScores;
  /** Sorted class indices present in yTrue ∪ yPred: the label set sklearn uses when labels=None. */
  presentClasses: Int32Array;
  micro: PrecisionRecallF1;
  macro: PrecisionRecallF1;
  weighted: PrecisionRecallF1;
}

/** Result of {@link multilabelMetrics}. */
export interface MultilabelScores {
  /** Indexed by label (length L). */
  perLabel: PerClassScores;
  micro: PrecisionRecallF1;
  /** Unweighted mean over all L labels (sklearn's behaviour for multilabel-indicator input). */
  macro: PrecisionRecallF1;
  /** Per-sample precision/recall/F1, averaged over the n samples. */
  samples: PrecisionRecallF1;
  /** Share of the n × L indicator cells where pred differs from truth. */
  hammingLoss: number;
  /** Share of samples whose predicted label set equals the true set exactly. */
  subsetAccuracy: number;
  /** Mean number of predicted labels per sample. */
  predictedCardinality: number;
  /** Mean number of true labels per sample. */
  trueCardinality: number;
}

/** Result of {@link reliabilityBins}. Empty bins report 0 confidence and 0 accuracy with count 0. */
export interface ReliabilityBins {
  /** bins + 1 edges, edges[i] = i · (1 / bins) as `numpy.linspace(0, 1, bins + 1)`; last is 1. */
  edges: Float64Array;
  count: Int32Array;
  meanConfidence: Float64Array;
  accuracy: Float64Array;
}

// ---------------------------------------------------------------------------------------------
// Validation helpers

function checkPositiveInt(name: string, v: number): void {
  if (!Number.isInteger(v) || v < 1) throw new RangeError(`${name} must be a positive integer, got ${v}`);
}

function checkMatrix(name: string, arr: { length: number }, n: number, cols: number): void {
  if (arr.length !== n * cols) {
    throw new RangeError(`${name} has length ${arr.length}, expected ${n} × ${cols} = ${n * cols}`);
  }
}

function checkClasses(name: string, y: Int32Array, numClasses: number): void {
  for (let i = 0; i < y.length; i++) {
    const c = y[i]!;
    if (c < 0 || c >= numClasses) {
      throw new RangeError(`${name}[${i}] = ${c} is outside [0, ${numClasses})`);
    }
  }
}

function rowsOf(proba: Float32Array, numClasses: number): number {
  checkPositiveInt('numClasses', numClasses);
  if (proba.length % numClasses !== 0) {
    throw new RangeError(`proba length ${proba.length} is not a multiple of numClasses ${numClasses}`);
  }
  return proba.length / numClasses;
}

function checkSingleLabel(yTrue: Int32Array, proba: Float32Array, numClasses: number): number {
  const n = rowsOf(proba, numClasses);
  if (yTrue.length !== n) throw new RangeError(`yTrue has ${yTrue.length} samples but proba has ${n} rows`);
  checkClasses('yTrue', yTrue, numClasses);
  return n;
}

function div(num: number, den: number): number {
  return den === 0 ? 0 : num / den;
}

// ---------------------------------------------------------------------------------------------
// Single-label: predictions and accuracy

/** Index of the largest probability in each row; ties go to the lower index (`numpy.argmax`). */
export function argmaxRows(proba: Float32Array, numClasses: number): Int32Array {
  const n = rowsOf(proba, numClasses);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = argmaxAt(proba, i * numClasses, numClasses);
  return out;
}

/** Index (0 … cols − 1) of the largest value in `row[off .. off+cols)`, ties to the lower index. */
export function argmaxAt(row: Float32Array, off: number, cols: number): number {
  let best = 0;
  let bestV = row[off]!;
  for (let j = 1; j < cols; j++) {
    const v = row[off + j]!;
    if (v > bestV) {
      bestV = v;
      best = j;
    }
  }
  return best;
}

/**
 * The k highest-scoring class indices of each row, in descending score order, ties broken by
 * the lower index. Returns n × k, row-major. Requires 1 ≤ k ≤ numClasses.
 */
export function topKIndices(proba: Float32Array, numClasses: number, k: number): Int32Array {
  const n = rowsOf(proba, numClasses);
  checkPositiveInt('k', k);
  if (k > numClasses) throw new RangeError(`k = ${k} exceeds numClasses = ${numClasses}`);
  const out = new Int32Array(n * k);
  const vals = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    topKRow(proba, i * numClasses, numClasses, k, out, i * k, vals);
  }
  return out;
}

/**
 * Writes the top-k indices of row `src[off .. off+cols)` into `dst[dstOff .. dstOff+k)`
 * (descending, ties by lower index) by insertion into a sorted buffer: O(cols · k), which beats a
 * sort for the small k used in evaluation. `vals` is scratch of length ≥ k. Returns the count
 * written (min(k, cols)).
 */
function topKRow(
  src: Float32Array,
  off: number,
  cols: number,
  k: number,
  dst: Int32Array,
  dstOff: number,
  vals: Float64Array,
): number {
  let count = 0;
  for (let j = 0; j < cols; j++) {
    const v = src[off + j]!;
    if (count === k) {
      // Strictly greater only: an equal value with a higher index must not displace a lower one.
      if (!(v > vals[k - 1]!)) continue;
      count--;
    }
    let p = count;
    while (p > 0 && v > vals[p - 1]!) {
      vals[p] = vals[p - 1]!;
      dst[dstOff + p] = dst[dstOff + p - 1]!;
      p--;
    }
    vals[p] = v;
    dst[dstOff + p] = j;
    count++;
  }
  return count;
}

/**
 * Share of samples whose true class is among the k highest-scoring classes, as scikit-learn's
 * `top_k_accuracy_score` (multiclass case) computes it: among equal scores the higher class index
 * ranks first, so sample i is a hit when
 *   #{j : p_j > p_y} + #{j > y : p_j = p_y} < k.
 * k ≥ numClasses gives 1 (sklearn warns that this is meaningless).
 */
export function topKAccuracy(yTrue: Int32Array, proba: Float32Array, numClasses: number, k: number): number {
  const n = checkSingleLabel(yTrue, proba, numClasses);
  checkPositiveInt('k', k);
  if (n === 0) return 0;
  let hits = 0;
  for (let i = 0; i < n; i++) if (trueClassRank(proba, i * numClasses, numClasses, yTrue[i]!, k) < k) hits++;
  return hits / n;
}

/**
 * Rank (0 = first) of class y in the row `proba[off .. off+numClasses)` as topKAccuracy ranks it,
 * #{j : p_j > p_y} + #{j > y : p_j = p_y}, counted only up to `limit` (then `limit` is returned).
 */
export function trueClassRank(proba: Float32Array, off: number, numClasses: number, y: number, limit: number): number {
  const py = proba[off + y]!;
  let rank = 0;
  for (let j = 0; j < numClasses && rank < limit; j++) {
    const v = proba[off + j]!;
    if (v > py || (v === py && j > y)) rank++;
  }
  return rank;
}

function checkSameLength(yTrue: Int32Array, yPred: Int32Array): void {
  if (yTrue.length !== yPred.length) throw new RangeError(`yTrue has ${yTrue.length} samples but yPred has ${yPred.length}`);
}

/** True and predicted class indices: as many of each, every one a class below `numClasses`. */
function checkLabelPairs(yTrue: Int32Array, yPred: Int32Array, numClasses: number): void {
  checkPositiveInt('numClasses', numClasses);
  checkSameLength(yTrue, yPred);
  checkClasses('yTrue', yTrue, numClasses);
  checkClasses('yPred', yPred, numClasses);
}

/** Share of samples with yPred[i] === yTrue[i] (sklearn `accuracy_score`). */
export function accuracy(yTrue: Int32Array, yPred: Int32Array): number {
  checkSameLength(yTrue, yPred);
  const n = yTrue.length;
  if (n === 0) return 0;
  let hits = 0;
  for (let i = 0; i < n; i++) if (yTrue[i] === yPred[i]) hits++;
  return hits / n;
}

/** C × C confusion counts, row = true class, column = predicted class (sklearn `confusion_matrix`). */
export function confusionMatrix(yTrue: Int32Array, yPred: Int32Array, numClasses: number): Int32Array {
  checkLabelPairs(yTrue, yPred, numClasses);
  const m = new Int32Array(numClasses * numClasses);
  for (let i = 0; i < yTrue.length; i++) m[yTrue[i]! * numClasses + yPred[i]!]!++;
  return m;
}

/** One off-diagonal cell of a confusion matrix. */
export interface ConfusionPair {
  trueClass: number;
  predictedClass: number;
  count: number;
}

/**
 * The `limit` largest off-diagonal cells of a C × C confusion matrix (row = true class), largest
 * count first, ties by true class then predicted class so the order is deterministic. Zero cells
 * are never returned.
 */
export function topConfusions(confusion: Int32Array, numClasses: number, limit: number): ConfusionPair[] {
  checkPositiveInt('numClasses', numClasses);
  checkMatrix('confusion', confusion, numClasses, numClasses);
  if (!Number.isInteger(limit) || limit < 0) throw new RangeError(`limit must be a non-negative integer, got ${limit}`);
  const out: ConfusionPair[] = [];
  for (let t = 0; t < numClasses; t++) {
    for (let p = 0; p < numClasses; p++) {
      const count = confusion[t * numClasses + p]!;
      if (t !== p && count > 0) out.push({ trueClass: t, predictedClass: p, count });
    }
  }
  out.sort((a, b) => b.count - a.count || a.trueClass - b.trueClass || a.predictedClass - b.predictedClass);
  return out.slice(0, limit);
}

// ---------------------------------------------------------------------------------------------
// Precision / recall / F1

function perClassFromCounts(tp: Int32Array, predSum: Int32Array, trueSum: Int32Array): PerClassScores {
  const c = tp.length;
  const precision = new Float64Array(c);
  const recall = new Float64Array(c);
  const f1 = new Float64Array(c);
  for (let j = 0; j < c; j++) {
    precision[j] = div(tp[j]!, predSum[j]!);
    recall[j] = div(tp[j]!, trueSum[j]!);
    // sklearn ≥ 1.3 computes F directly as 2tp / (2tp + fp + fn) = 2tp / (pred + true), which
    // equals 2PR / (P + R) whenever tp > 0 and is 0 (zero_division=0) otherwise.
    f1[j] = div(2 * tp[j]!, predSum[j]! + trueSum[j]!);
  }
  return { precision, recall, f1, support: trueSum };
}

function microFromCounts(tp: Int32Array, predSum: Int32Array, trueSum: Int32Array): PrecisionRecallF1 {
  let t = 0;
  let p = 0;
  let s = 0;
  for (let j = 0; j < tp.length; j++) {
    t += tp[j]!;
    p += predSum[j]!;
    s += trueSum[j]!;
  }
  return { precision: div(t, p), recall: div(t, s), f1: div(2 * t, p + s) };
}

function meanOver(scores: PerClassScores, labels: Int32Array | null, count: number): PrecisionRecallF1 {
  let p = 0;
  let r = 0;
  let f = 0;
  for (let q = 0; q < count; q++) {
    const j = labels === null ? q : labels[q]!;
    p += scores.precision[j]!;
    r += scores.recall[j]!;
    f += scores.f1[j]!;
  }
  return { precision: div(p, count), recall: div(r, count), f1: div(f, count) };
}

/**
 * Per-class and averaged precision, recall and F1, as sklearn's `precision_recall_fscore_support`
 * with `labels=None, zero_division=0`:
 * - per class: P = tp/(tp+fp), R = tp/(tp+fn), F1 = 2tp/(2tp+fp+fn), each 0 when its denominator is 0;
 * - micro: the same formulas on counts summed over classes (equals accuracy for single-label data);
 * - macro: unweighted mean over the classes present in yTrue ∪ yPred (a class that is only ever
 *   predicted counts, with recall 0; a class absent from both does not count);
 * - weighted: mean weighted by support (true count), so prediction-only classes weigh 0.
 */
export function precisionRecallF1(yTrue: Int32Array, yPred: Int32Array, numClasses: number): ClassificationScores {
  checkLabelPairs(yTrue, yPred, numClasses);
  const tp = new Int32Array(numClasses);
  const predSum = new Int32Array(numClasses);
  const trueSum = new Int32Array(numClasses);
  for (let i = 0; i < yTrue.length; i++) {
    const t = yTrue[i]!;
    const p = yPred[i]!;
    trueSum[t]!++;
    predSum[p]!++;
    if (t === p) tp[t]!++;
  }
  return precisionRecallF1FromCounts(tp, predSum, trueSum);
}

/**
 * precisionRecallF1 from per-class counts (true positives, predictions, true occurrences), which a
 * confusion matrix or a stream of predictions gives without keeping every sample.
 */
export function precisionRecallF1FromCounts(tp: Int32Array, predSum: Int32Array, trueSum: Int32Array): ClassificationScores {
  const numClasses = tp.length;
  if (predSum.length !== numClasses || trueSum.length !== numClasses) {
    throw new RangeError(`count arrays differ in length: ${numClasses}, ${predSum.length}, ${trueSum.length}`);
  }
  const perClass = perClassFromCounts(tp, predSum, trueSum);

  let presentCount = 0;
  for (let j = 0; j < numClasses; j++) if (trueSum[j]! + predSum[j]! > 0) presentCount++;
  const presentClasses = new Int32Array(presentCount);
  for (let j = 0, q = 0; j < numClasses; j++) if (trueSum[j]! + predSum[j]! > 0) presentClasses[q++] = j;

  let wp = 0;
  let wr = 0;
  let wf = 0;
  let total = 0;
  for (let j = 0; j < numClasses; j++) {
    const w = trueSum[j]!;
    total += w;
    if (w === 0) continue;
    wp += w * perClass.precision[j]!;
    wr += w * perClass.recall[j]!;
    wf += w * perClass.f1[j]!;
  }

  return {
    perClass,
    presentClasses,
    micro: microFromCounts(tp, predSum, trueSum),
    macro: meanOver(perClass, presentClasses, presentCount),
    weighted: { precision: div(wp, total), recall: div(wr, total), f1: div(wf, total) },
  };
}

/**
 * A plain-text report in the layout of sklearn's `classification_report` (rows for the classes
 * present in yTrue ∪ yPred, then accuracy, macro avg and weighted avg). `labels` names the classes
 * (length numClasses); without it classes are shown by index. Numbers use `toFixed(digits)`.
 */
export function classificationReport(
  yTrue: Int32Array,
  yPred: Int32Array,
  numClasses: number,
  labels?: readonly string[],
  digits = 2,
): string {
  if (labels !== undefined && labels.length !== numClasses) {
    throw new RangeError(`labels has ${labels.length} names but numClasses is ${numClasses}`);
  }
  const s = precisionRecallF1(yTrue, yPred, numClasses);
  const name = (j: number): string => (labels === undefined ? String(j) : labels[j]!);
  const lastLine = 'weighted avg';
  let width = lastLine.length;
  for (const j of s.presentClasses) width = Math.max(width, name(j).length);
  width = Math.max(width, digits);
  const cell = (v: string): string => ' ' + v.padStart(9);
  const num = (v: number): string => cell(v.toFixed(digits));
  const n = yTrue.length;

  let out = ''.padStart(width) + ' ' + ['precision', 'recall', 'f1-score', 'support'].map(cell).join('') + '\n\n';
  for (const j of s.presentClasses) {
    const pc = s.perClass;
    out += name(j).padStart(width) + ' ' + num(pc.precision[j]!) + num(pc.recall[j]!) + num(pc.f1[j]!);
    out += cell(String(pc.support[j]!)) + '\n';
  }
  out += '\n';
  out += 'accuracy'.padStart(width) + ' ' + cell('') + cell('') + num(s.micro.f1) + cell(String(n)) + '\n';
  for (const [label, avg] of [['macro avg', s.macro], [lastLine, s.weighted]] as const) {
    out += label.padStart(width) + ' ' + num(avg.precision) + num(avg.recall) + num(avg.f1) + cell(String(n)) + '\n';
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Calibration and probabilistic scores

/**
 * Equal-width reliability bins over the top-label confidence (max probability of each row);
 * a sample is correct when the argmax (ties → lower index) equals its true class.
 * Bin b covers (edges[b], edges[b+1]], except bin 0 which also includes 0 — the assignment of
 * `numpy.searchsorted(edges[1:-1], conf)` used by sklearn's `calibration_curve`, and the
 * (lower, upper] convention of Guo et al. (2017).
 */
export function reliabilityBins(yTrue: Int32Array, proba: Float32Array, numClasses: number, bins = 15): ReliabilityBins {
  return reliabilityOf(yTrue, proba, numClasses, bins).bins();
}

function reliabilityOf(yTrue: Int32Array, proba: Float32Array, numClasses: number, bins: number): ReliabilityCounter {
  const n = checkSingleLabel(yTrue, proba, numClasses);
  const counter = new ReliabilityCounter(bins);
  for (let i = 0, off = 0; i < n; i++, off += numClasses) {
    const best = argmaxAt(proba, off, numClasses);
    counter.add(proba[off + best]!, best === yTrue[i]);
  }
  return counter;
}

/**
 * The counts behind reliabilityBins and expectedCalibrationError, one sample at a time: its
 * top-label confidence and whether the top label was right.
 */
export class ReliabilityCounter {
  private readonly edges: Float64Array;
  private readonly count: Int32Array;
  private readonly confSum: Float64Array;
  private readonly correct: Float64Array;
  private n = 0;

  constructor(private readonly numBins = 15) {
    checkPositiveInt('bins', numBins);
    this.edges = binEdges(numBins);
    this.count = new Int32Array(numBins);
    this.confSum = new Float64Array(numBins);
    this.correct = new Float64Array(numBins);
  }

  add(confidence: number, correct: boolean): void {
    const b = binOf(confidence, this.edges, this.numBins);
    this.count[b]!++;
    this.confSum[b]! += confidence;
    if (correct) this.correct[b]!++;
    this.n++;
  }

  bins(): ReliabilityBins {
    const bins = this.numBins;
    const meanConfidence = new Float64Array(bins);
    const acc = new Float64Array(bins);
    for (let b = 0; b < bins; b++) {
      meanConfidence[b] = div(this.confSum[b]!, this.count[b]!);
      acc[b] = div(this.correct[b]!, this.count[b]!);
    }
    return { edges: Float64Array.from(this.edges), count: Int32Array.from(this.count), meanConfidence, accuracy: acc };
  }

  /** Top-label expected calibration error over the samples added (see expectedCalibrationError). */
  ece(): number {
    const n = this.n;
    if (n === 0) return 0;
    const r = this.bins();
    let ece = 0;
    for (let b = 0; b < this.numBins; b++) {
      const c = r.count[b]!;
      if (c > 0) ece += (c / n) * Math.abs(r.accuracy[b]! - r.meanConfidence[b]!);
    }
    return ece;
  }
}

function binEdges(bins: number): Float64Array {
  const edges = new Float64Array(bins + 1);
  const step = 1 / bins;
  for (let i = 0; i < bins; i++) edges[i] = i * step;
  edges[bins] = 1;
  return edges;
}

/** Number of interior edges strictly below conf, i.e. searchsorted(edges[1:-1], conf, 'left'). */
function binOf(conf: number, edges: Float64Array, bins: number): number {
  let b = Math.ceil(conf * bins) - 1;
  if (!(b >= 0)) b = 0; // also catches NaN
  if (b > bins - 1) b = bins - 1;
  while (b > 0 && !(edges[b]! < conf)) b--;
  while (b < bins - 1 && edges[b + 1]! < conf) b++;
  return b;
}

/**
 * Top-label expected calibration error with equal-width confidence bins:
 *   ECE = Σ_b (n_b / n) · |acc_b − conf_b|
 * with the bins of {@link reliabilityBins}.
 */
export function expectedCalibrationError(yTrue: Int32Array, proba: Float32Array, numClasses: number, bins = 15): number {
  return reliabilityOf(yTrue, proba, numClasses, bins).ece();
}

/**
 * Mean negative log-likelihood of the true class (natural log), each probability clipped to
 * [eps, 1 − eps] first.
 *
 * The clip: sklearn ≥ 1.2 uses eps = `np.finfo(y_pred.dtype).eps`, which for a float32 `proba`
 * would be ≈ 1.19e-7 (≈ 2.2e-16 for float64); sklearn < 1.2 used a fixed 1e-15. We default to the
 * fixed 1e-15 so the result does not depend on the storage precision of `proba`; pass
 * `eps = 2 ** -23` to reproduce current sklearn on float32 input. Like sklearn ≥ 1.5 the rows are
 * not renormalised after clipping (sklearn < 1.5 did; that only matters for rows that do not sum
 * to 1 or that contain clipped entries).
 */
export function logLoss(yTrue: Int32Array, proba: Float32Array, numClasses: number, eps = 1e-15): number {
  const n = checkSingleLabel(yTrue, proba, numClasses);
  if (!(eps >= 0 && eps < 0.5)) throw new RangeError(`eps must be in [0, 0.5), got ${eps}`);
  if (n === 0) return 0;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += clippedNll(proba[i * numClasses + yTrue[i]!]!, eps);
  return sum / n;
}

/** −log p with p clipped to [eps, 1 − eps] first: one sample's term of {@link logLoss}. */
export function clippedNll(p: number, eps = 1e-15): number {
  return -Math.log(p < eps ? eps : p > 1 - eps ? 1 - eps : p);
}

// ---------------------------------------------------------------------------------------------
// Taxonomy-aware single-label scores

/**
 * Share of samples whose top prediction is any of the sample's true categories. The true sets are
 * CSR: sample i's categories are allTrueIndices[allTrueOffsets[i] .. allTrueOffsets[i+1]).
 */
export function inCategoryP1(topPred: Int32Array, allTrueOffsets: Int32Array, allTrueIndices: Int32Array): number {
  const n = topPred.length;
  if (allTrueOffsets.length !== n + 1) {
    throw new RangeError(`allTrueOffsets has length ${allTrueOffsets.length}, expected ${n + 1}`);
  }
  if (allTrueOffsets[0] !== 0 || allTrueOffsets[n] !== allTrueIndices.length) {
    throw new RangeError('allTrueOffsets must start at 0 and end at allTrueIndices.length');
  }
  if (n === 0) return 0;
  let hits = 0;
  for (let i = 0; i < n; i++) {
    const p = topPred[i]!;
    const end = allTrueOffsets[i + 1]!;
    for (let q = allTrueOffsets[i]!; q < end; q++) {
      if (allTrueIndices[q] === p) {
        hits++;
        break;
      }
    }
  }
  return hits / n;
}

/**
 * Accuracy one level up the taxonomy: class probabilities are summed per group
 * (classToGroup[c] ∈ [0, numGroups)), the group with the largest total is predicted (ties → lower
 * group index), and compared with the group of the true class. This can differ from mapping the
 * class argmax to its group.
 */
export function groupedAccuracy(
  yTrue: Int32Array,
  proba: Float32Array,
  numClasses: number,
  classToGroup: Int32Array,
  numGroups: number,
): number {
  const n = checkSingleLabel(yTrue, proba, numClasses);
  const top = topGroups(proba, numClasses, classToGroup, numGroups);
  if (n === 0) return 0;
  let hits = 0;
  for (let i = 0; i < n; i++) if (top[i] === classToGroup[yTrue[i]!]) hits++;
  return hits / n;
}

/**
 * Each sample's predicted group: class probabilities summed per group (classToGroup[c] ∈
 * [0, numGroups)), the largest total wins, ties to the lower group index.
 */
export function topGroups(proba: Float32Array, numClasses: number, classToGroup: Int32Array, numGroups: number): Int32Array {
  checkPositiveInt('numGroups', numGroups);
  if (classToGroup.length !== numClasses) {
    throw new RangeError(`classToGroup has length ${classToGroup.length}, expected numClasses = ${numClasses}`);
  }
  checkClasses('classToGroup', classToGroup, numGroups);
  const n = Math.floor(proba.length / numClasses);
  const out = new Int32Array(n);
  const sums = new Float64Array(numGroups);
  for (let i = 0; i < n; i++) out[i] = topGroupAt(proba, i * numClasses, numClasses, classToGroup, sums);
  return out;
}

/**
 * topGroups for the one row `proba[off .. off+numClasses)`; `sums` is scratch of length numGroups
 * (unchecked: the caller has validated classToGroup).
 */
export function topGroupAt(proba: Float32Array, off: number, numClasses: number, classToGroup: Int32Array, sums: Float64Array): number {
  sums.fill(0);
  for (let j = 0; j < numClasses; j++) sums[classToGroup[j]!]! += proba[off + j]!;
  let best = 0;
  for (let g = 1; g < sums.length; g++) if (sums[g]! > sums[best]!) best = g;
  return best;
}

// ---------------------------------------------------------------------------------------------
// Multi-label

function checkIndicator(name: string, m: Uint8Array, n: number, numLabels: number): void {
  checkMatrix(name, m, n, numLabels);
  for (let i = 0; i < m.length; i++) {
    if (m[i]! > 1) throw new RangeError(`${name}[${i}] = ${m[i]} is not a 0/1 indicator`);
  }
}

/**
 * Multi-label scores on n × L indicator matrices, as sklearn with `zero_division=0`:
 * - micro: P/R/F1 on tp, fp, fn summed over all cells;
 * - macro: unweighted mean of per-label P/R/F1 over all L labels (labels never true nor predicted
 *   count, with 0) — sklearn uses every column of multilabel-indicator input;
 * - samples: per-sample P = |T∩P|/|P|, R = |T∩P|/|T|, F1 = 2|T∩P|/(|T|+|P|), each 0 on a zero
 *   denominator, then averaged over all n samples. A sample with no true and no predicted labels
 *   therefore scores 0 on all three (sklearn's zero_division=0 behaviour, not 1);
 * - hamming loss, subset accuracy and mean label cardinalities.
 */
export function multilabelMetrics(truth: Uint8Array, pred: Uint8Array, n: number, numLabels: number): MultilabelScores {
  checkPositiveInt('numLabels', numLabels);
  checkIndicator('truth', truth, n, numLabels);
  checkIndicator('pred', pred, n, numLabels);
  const counter = new MultilabelCounter(numLabels);
  for (let off = 0; off < n * numLabels; off += numLabels) counter.add(truth, pred, off);
  return counter.scores();
}

/** The counts behind multilabelMetrics, one sample (row of 0/1 indicators) at a time. */
export class MultilabelCounter {
  /** Per label: true positives, predictions and true occurrences so far. */
  readonly tp: Int32Array;
  readonly predSum: Int32Array;
  readonly trueSum: Int32Array;
  private sp = 0;
  private sr = 0;
  private sf = 0;
  private mismatches = 0;
  private exact = 0;
  private predTotal = 0;
  private trueTotal = 0;
  private n = 0;

  constructor(private readonly numLabels: number) {
    checkPositiveInt('numLabels', numLabels);
    this.tp = new Int32Array(numLabels);
    this.predSum = new Int32Array(numLabels);
    this.trueSum = new Int32Array(numLabels);
  }

  /** One sample: the indicators truth[off .. off+L) and pred[off .. off+L). */
  add(truth: Uint8Array, pred: Uint8Array, off = 0): void {
    let t = 0;
    let p = 0;
    let both = 0;
    for (let j = 0; j < this.numLabels; j++) {
      const a = truth[off + j]!;
      const b = pred[off + j]!;
      if (a) {
        t++;
        this.trueSum[j]!++;
      }
      if (b) {
        p++;
        this.predSum[j]!++;
      }
      if (a && b) {
        both++;
        this.tp[j]!++;
      }
    }
    const diff = t + p - 2 * both;
    this.mismatches += diff;
    if (diff === 0) this.exact++;
    this.predTotal += p;
    this.trueTotal += t;
    this.sp += div(both, p);
    this.sr += div(both, t);
    this.sf += div(2 * both, t + p);
    this.n++;
  }

  scores(): MultilabelScores {
    const { n, tp, predSum, trueSum } = this;
    const perLabel = perClassFromCounts(Int32Array.from(tp), Int32Array.from(predSum), Int32Array.from(trueSum));
    return {
      perLabel,
      micro: microFromCounts(tp, predSum, trueSum),
      macro: meanOver(perLabel, null, this.numLabels),
      samples: { precision: div(this.sp, n), recall: div(this.sr, n), f1: div(this.sf, n) },
      hammingLoss: div(this.mismatches, n * this.numLabels),
      subsetAccuracy: div(this.exact, n),
      predictedCardinality: div(this.predTotal, n),
      trueCardinality: div(this.trueTotal, n),
    };
  }
}

function checkRanking(truth: Uint8Array, scores: Float32Array, n: number, numLabels: number, k: number): void {
  checkPositiveInt('numLabels', numLabels);
  checkPositiveInt('k', k);
  checkIndicator('truth', truth, n, numLabels);
  checkMatrix('scores', scores, n, numLabels);
}

/** precisionAtK, recallAtK and ndcgAtK (as named there) over every row of `truth` and `scores`. */
function rankingOf(truth: Uint8Array, scores: Float32Array, n: number, numLabels: number, k: number): RankingCounter {
  checkRanking(truth, scores, n, numLabels, k);
  const counter = new RankingCounter(numLabels, k);
  for (let off = 0; off < n * numLabels; off += numLabels) counter.add(truth, off, scores, off);
  return counter;
}

/**
 * Precision@k: mean over samples of |top-k(scores) ∩ T| / k. The top k is taken by score, ties
 * broken by the lower label index; when k > L the denominator stays k.
 */
export function precisionAtK(truth: Uint8Array, scores: Float32Array, n: number, numLabels: number, k: number): number {
  return rankingOf(truth, scores, n, numLabels, k).precision;
}

/**
 * Recall@k: mean over all samples of |top-k(scores) ∩ T| / |T| (ties as {@link precisionAtK}).
 * A sample with no true labels contributes 0 and still counts in the mean, the same convention
 * sklearn's `ndcg_score` uses for such samples.
 */
export function recallAtK(truth: Uint8Array, scores: Float32Array, n: number, numLabels: number, k: number): number {
  return rankingOf(truth, scores, n, numLabels, k).recall;
}

/**
 * NDCG@k with binary relevance, as sklearn's `ndcg_score(truth, scores, k=k)` (ignore_ties=False):
 * - discount at rank r (0-based) is 1 / log2(r + 2), zero from rank k on;
 * - tied scores share the mean gain of their tie group times the sum of the discounts of the
 *   ranks the group occupies (McSherry & Najork), so ties are not broken by index here;
 * - the ideal DCG ranks the truth itself: Σ_{r < min(k, |T|)} 1 / log2(r + 2);
 * - a sample with no true labels (ideal DCG 0) scores 0 and still counts in the mean.
 */
export function ndcgAtK(truth: Uint8Array, scores: Float32Array, n: number, numLabels: number, k: number): number {
  return rankingOf(truth, scores, n, numLabels, k).ndcg;
}

/**
 * Precision@k, recall@k and NDCG@k for one k, one sample at a time: the sums behind precisionAtK,
 * recallAtK and ndcgAtK, which report the same numbers for the same rows in the same order.
 */
export class RankingCounter {
  private readonly kk: number;
  private readonly idx: Int32Array;
  private readonly vals: Float64Array;
  private readonly discount: Float64Array;
  private readonly idealPrefix: Float64Array;
  private precisionSum = 0;
  private recallSum = 0;
  private ndcgSum = 0;
  private n = 0;

  constructor(
    private readonly numLabels: number,
    private readonly k: number,
  ) {
    checkPositiveInt('numLabels', numLabels);
    checkPositiveInt('k', k);
    const kk = Math.min(k, numLabels);
    this.kk = kk;
    this.idx = new Int32Array(kk);
    this.vals = new Float64Array(kk);
    this.discount = new Float64Array(kk);
    this.idealPrefix = new Float64Array(kk + 1);
    for (let r = 0; r < kk; r++) {
      this.discount[r] = 1 / (Math.log(r + 2) / Math.LN2);
      this.idealPrefix[r + 1] = this.idealPrefix[r]! + this.discount[r]!;
    }
  }

  /** One sample: 0/1 indicators truth[tOff .. tOff+L) and scores[sOff .. sOff+L). */
  add(truth: Uint8Array, tOff: number, scores: Float32Array, sOff: number): void {
    const { kk, idx, vals, numLabels } = this;
    topKRow(scores, sOff, numLabels, kk, idx, 0, vals);
    let hits = 0;
    for (let q = 0; q < kk; q++) hits += truth[tOff + idx[q]!]!;
    let t = 0;
    for (let j = 0; j < numLabels; j++) t += truth[tOff + j]!;
    this.precisionSum += hits / this.k;
    this.recallSum += div(hits, t);
    if (t > 0) this.ndcgSum += this.dcg(truth, tOff, scores, sOff) / this.idealPrefix[Math.min(kk, t)]!;
    this.n++;
  }

  get precision(): number {
    return div(this.precisionSum, this.n);
  }

  get recall(): number {
    return div(this.recallSum, this.n);
  }

  get ndcg(): number {
    return this.n === 0 ? 0 : this.ndcgSum / this.n;
  }

  /** DCG of the top-k that `add` just ranked into idx/vals. */
  private dcg(truth: Uint8Array, tOff: number, scores: Float32Array, sOff: number): number {
    const { kk, idx, vals, discount, numLabels } = this;
    // Walk the top-k in tie groups. Only the last group (value = score at rank kk-1) can have
    // members outside the top-k; its mean gain must be taken over the whole row.
    let dcg = 0;
    let start = 0;
    while (start < kk) {
      const v = vals[start]!;
      let end = start + 1;
      while (end < kk && vals[end] === v) end++;
      let discSum = 0;
      for (let r = start; r < end; r++) discSum += discount[r]!;
      let gain = 0;
      let members = 0;
      if (end < kk) {
        for (let r = start; r < end; r++) gain += truth[tOff + idx[r]!]!;
        members = end - start;
      } else {
        for (let j = 0; j < numLabels; j++) {
          if (scores[sOff + j] === v) {
            members++;
            gain += truth[tOff + j]!;
          }
        }
      }
      dcg += (gain / members) * discSum;
      start = end;
    }
    return dcg;
  }
}
