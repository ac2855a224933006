import { availableParallelism } from 'node:os';
import { buildLabelScheme, labelledPapers, labelsOf, schemeToJSON, withCarriedLabels, type LabelTask } from '../corpus/labels.js';
import { archiveOf } from '../taxonomy/taxonomy.js';
import type { PaperRecord } from '../corpus/record.js';
import { splitRandom, yymmOf } from '../corpus/split.js';
import { startWorker } from '../parallel/worker-url.js';
import { WorkerClient } from '../parallel/rpc.js';
import { HashIndex } from '../text/hash-index.js';
import { DEFAULT_TERM_OPTIONS, MAX_CHAR_NGRAMS, MAX_TITLE_WEIGHT, MIN_TITLE_WEIGHT, type TermOptions } from '../text/terms.js';
import { DEFAULT_VOCABULARY_OPTIONS, Vocabulary, type VocabularyOptions } from '../text/vocabulary.js';
import { fitTemperature, tuneThresholds, validationMetrics } from './calibration.js';
import { dataHash } from './data-hash.js';
import { LINEAR_BACKEND, LinearModel, ROW_CAPACITY } from './linear.js';
import { sigmoid } from './loss.js';
import { createMemory, WasmArena } from '../wasm/memory.js';
import { recentPriorShift } from './prior-shift.js';
import type { ArchiveShare, LossKind } from './sgd.js';

/** Papers per message when their text goes to a training thread. */
const TEXT_CHUNK = 4096;

/** Hyperparameters as plain data: what `train --config` reads and a model file records. */
export interface TrainOptions {
  task: LabelTask;
  top?: number;
  minCount?: number;
  balance?: number;
  includeCrossLists?: boolean;
  seed: number;
  threads: number;
  ngrams: number;
  titleWeight: number;
  /** Character n-grams of each word as features too (see TermOptions.charNgrams); 0 = off. */
  charNgrams: number;
  minDf: number;
  maxFeatures: number;
  epochs: number;
  /** Initial learning rate, decayed linearly to 0 over all epochs. */
  lr: number;
  l2: number;
  /** Probability of training on the title alone (seed notebook 001 uses 0.2). */
  dropAbstract: number;
  classWeight: 'none' | 'balanced' | 'sqrt';
  /** Share of the training papers held out for early stopping and calibration when no valid set is given. */
  validFraction: number;
  /** Weight averages per epoch across threads: more is closer to sequential SGD, each costs one pass over the weights. */
  mixesPerEpoch: number;
  /**
   * Stop when the validation score has not improved for this many epochs. Single-label models are
   * scored by log-loss, their objective: on a few thousand papers accuracy moves by a handful of
   * papers from epoch to epoch, so it sometimes kept an earlier epoch whose loss, top-5 and
   * macro-F1 were worse. One-vs-rest models keep P@1: their summed binary loss is mostly the
   * many labels a paper does not have, and it says little about which labels cross the thresholds.
   */
  patience: number;
  /** Single-label tasks: assume the class mix of the newest this-many training months (0: off; see prior-shift.ts). */
  recentPriorMonths: number;
  /** How much of the move to the recent class mix to apply (0 to 1). */
  recentPriorStrength: number;
  /**
   * Single-label tasks: weight of a second, one-vs-rest loss on the same weights over all of a
   * paper's categories, cross-lists included (0 = off). The softmax learns from primaries alone;
   * this lets a category that is more often a cross-list than a primary learn from every paper
   * that carries it, which lifts it into the top few for papers like those.
   */
  crossListLoss: number;
  /** Single-label tasks: each category's gradient also takes this share of its archive's summed gradient (0 = off; sgd.ts, ArchiveShare). */
  archiveShare: number;
}

/** Beyond these the extra losses swamp the softmax they are there to help (models/README.md). */
export const MAX_CROSS_LIST_LOSS = 10;
export const MAX_ARCHIVE_SHARE = 2;

export const DEFAULT_TRAIN_OPTIONS: TrainOptions = {
  task: 'primary',
  seed: 1,
  threads: Math.max(1, Math.min(availableParallelism(), 8)),
  ngrams: DEFAULT_TERM_OPTIONS.ngrams,
  titleWeight: DEFAULT_TERM_OPTIONS.titleWeight,
  // Off: on the S2 split (models/README.md) 4-grams raised macro-F1 by 3 points and top-1 by 0.24,
  // but training took twice as long and scoring ran at half the speed.
  charNgrams: 0,
  minDf: DEFAULT_VOCABULARY_OPTIONS.minDf,
  maxFeatures: DEFAULT_VOCABULARY_OPTIONS.maxFeatures,
  // Measured on the shared corpus's time split (docs/benchmarks.md): lr 2 over 5 passes beats 0.5
  // over 6 on top-1, top-5, macro-F1 and multi-label F1, and trains faster (sharper softmax, fewer
  // classes to update per paper).
  epochs: 5,
  lr: 2,
  l2: 0,
  dropAbstract: 0.2,
  classWeight: 'none',
  validFraction: 0.05,
  mixesPerEpoch: 2,
  patience: 2,
  // Chosen on an earlier time split of the shared corpus (train ≤ 2601, test 2602–2603), never on
  // the benchmark's test months: 3 months at half strength raised top-1 there from 0.719 to 0.728.
  recentPriorMonths: 3,
  recentPriorStrength: 0.5,
  // Both chosen on the S2 split (models/README.md, "Cross-lists and archives in training"): together
  // they raised top-1 there by 0.35 points, top-5 by 0.4 and macro-F1 by 3.9 (mean of two seeds).
  // A cross-list weight of 0.5 gave 0.05 more top-5 and 0.2 less top-1.
  crossListLoss: 0.25,
  archiveShare: 0.25,
};

export interface EpochReport {
  epoch: number;
  loss: number;
  validAccuracy: number;
  validLoss: number;
  seconds: number;
}

export interface TrainReport {
  papers: number;
  validPapers: number;
  classes: number;
  features: number;
  distinctTerms: number;
  epochs: EpochReport[];
  bestEpoch: number;
  temperature: number;
  seconds: number;
  phases: Record<string, number>;
  /** Classes with fewer than 2 training papers: kept, but expect little of them. */
  thinClasses: string[];
  /** The recent-months prior the model assumes (months as YYYYMM), or why it assumes none. */
  priorShift: { papers: number; from: number; to: number } | { skipped: string };
}

/** The validation papers given to trainLinear have no label in the scheme built from the training papers. */
export class UnlabelledValidationError extends RangeError {
  override name = 'UnlabelledValidationError';
}

/** A trained model, its report, and the held-out papers it was calibrated on (to recalibrate after pruning). */
export interface TrainResult {
  model: LinearModel;
  report: TrainReport;
  validation: { papers: PaperRecord[]; labels: number[][] };
}

export interface TrainProgress {
  phase: 'features' | 'epoch' | 'calibrate';
  epoch?: number;
  of?: number;
  loss?: number;
  validAccuracy?: number;
  validLoss?: number;
}

/**
 * Train a linear model. Papers are split across `threads` workers that count terms, vectorise
 * and run SGD on their shard; weights are averaged between passes. Deterministic for a given
 * seed and thread count.
 */
export async function trainLinear(
  trainPapers: readonly PaperRecord[],
  validPapers: readonly PaperRecord[] | null,
  partial: Partial<TrainOptions> = {},
  onProgress: (p: TrainProgress) => void = () => {},
): Promise<TrainResult> {
  const o: TrainOptions = { ...DEFAULT_TRAIN_OPTIONS, ...partial };
  const t0 = performance.now();
  const phases: Record<string, number> = {};
  let mark = t0;
  const phase = (name: string) => {
    const now = performance.now();
    phases[name] = Number(((now - mark) / 1000).toFixed(2));
    mark = now;
  };

  const scheme = buildLabelScheme(trainPapers, { task: o.task, top: o.top, minCount: o.minCount, balance: o.balance, includeCrossLists: o.includeCrossLists, seed: o.seed });
  let train = labelledPapers(trainPapers, scheme);
  let valid: PaperRecord[];
  if (validPapers && validPapers.length > 0) {
    valid = validPapers.filter((p) => labelsOf(p, scheme).length > 0);
    // Given validation papers that the scheme cannot label would leave training with no early
    // stopping and no calibration at all, silently.
    if (valid.length === 0) throw new UnlabelledValidationError(`none of the ${validPapers.length} validation papers has a label among the ${scheme.labels.length} classes trained on (${scheme.labels.slice(0, 5).join(', ')}${scheme.labels.length > 5 ? ', …' : ''})`);
  } else {
    const s = splitRandom(train, { test: 0, valid: o.validFraction, seed: o.seed });
    train = s.train;
    valid = s.valid;
  }
  if (train.length === 0) throw new RangeError('no training papers have a label in this scheme');
  const C = scheme.labels.length;
  if (C < 2) throw new RangeError(`training needs at least 2 classes, found ${C} (${scheme.labels.join(', ')})`);
  const loss: LossKind = o.task === 'multilabel' ? 'ova' : 'softmax';
  const trainLabels = train.map((p) => labelsOf(p, scheme));
  const validLabels = valid.map((p) => labelsOf(p, scheme));
  const crossListLoss = loss === 'softmax' ? o.crossListLoss : 0;
  // What the workers train on: for the cross-list loss, each primary followed by its cross-lists.
  const sgdLabels = crossListLoss > 0 ? train.map((p, i) => withCarriedLabels(p, scheme, trainLabels[i]!)) : trainLabels;
  const counts = new Float64Array(C);
  for (const ls of trainLabels) for (const l of ls) counts[l]!++;
  const thinClasses = scheme.labels.filter((_, c) => counts[c]! < 2);
  const classWeight = makeClassWeights(counts, o.classWeight);

  const T = Math.max(1, Math.min(o.threads, train.length));
  if (!(Number.isInteger(o.charNgrams) && (o.charNgrams === 0 || (o.charNgrams >= 2 && o.charNgrams <= MAX_CHAR_NGRAMS)))) throw new RangeError(`charNgrams must be 0 (off) or an integer from 2 to ${MAX_CHAR_NGRAMS}, got ${o.charNgrams}`);
  if (!(o.titleWeight === 0 || (o.titleWeight >= MIN_TITLE_WEIGHT && o.titleWeight <= MAX_TITLE_WEIGHT))) throw new RangeError(`titleWeight must be 0 (titles ignored) or in [${MIN_TITLE_WEIGHT}, ${MAX_TITLE_WEIGHT}], got ${o.titleWeight}`);
  for (const [name, v, max] of [['crossListLoss', o.crossListLoss, MAX_CROSS_LIST_LOSS], ['archiveShare', o.archiveShare, MAX_ARCHIVE_SHARE]] as const) {
    if (!(v >= 0 && v <= max)) throw new RangeError(`${name} must be in [0, ${max}] (0 = off), got ${v}`);
  }
  const termOptions: TermOptions = { ngrams: o.ngrams, titleWeight: o.titleWeight, ...(o.charNgrams > 0 ? { charNgrams: o.charNgrams } : {}) };
  const workers = Array.from({ length: T }, () => new WorkerClient(startWorker(import.meta.url, './train-worker.js')));
  try {
    // Shards: paper i goes to worker i mod T, valid papers likewise.
    const shard = <X>(xs: readonly X[], k: number) => xs.filter((_, i) => i % T === k);
    onProgress({ phase: 'features' });
    await Promise.all(
      workers.map(async (w, k) => {
        const mineLabels = shard(sgdLabels, k);
        const ptr = new Int32Array(mineLabels.length + 1);
        mineLabels.forEach((ls, i) => (ptr[i + 1] = ptr[i]! + ls.length));
        await w.call({ type: 'begin', worker: k, termOptions, dropAbstract: o.dropAbstract, labelPtr: ptr, labelIdx: Int32Array.from(mineLabels.flat()) });
        // Two chunks in flight per worker: it counts one while the next is copied to it, and
        // the papers' text is never copied whole into the worker.
        let pending: Promise<unknown> = Promise.resolve();
        for (const [papers, isValid] of [[shard(train, k), false], [shard(valid, k), true]] as const) {
          for (let i = 0; i < papers.length; i += TEXT_CHUNK) {
            const chunk = papers.slice(i, i + TEXT_CHUNK);
            const sent = w.call({ type: 'count', valid: isValid, titles: chunk.map((p) => p.title), abstracts: chunk.map((p) => p.abstract) });
            // A crashed worker rejects every call at once; the one awaited first reports it.
            sent.catch(() => {});
            await pending;
            pending = sent;
          }
        }
        await pending;
      }),
    );
    const dfParts = await Promise.all(workers.map((w) => w.call<{ keys: Uint32Array; counts: Int32Array }>({ type: 'df' })));
    phase('terms');
    const df = new HashIndex(dfParts.reduce((s, p) => Math.max(s, p.keys.length), 1024));
    for (const part of dfParts) for (let i = 0; i < part.keys.length; i++) df.increment(part.keys[i]!, part.counts[i]!);
    const vocabOptions: VocabularyOptions = { minDf: o.minDf, maxFeatures: o.maxFeatures };
    const vocab = Vocabulary.fromDocumentFrequencies(df, train.length, vocabOptions);
    const distinctTerms = df.size;
    phase('vocabulary');
    await Promise.all(workers.map((w) => w.call({ type: 'vectorize', terms: vocab.terms, idf: vocab.idf, rowCapacity: ROW_CAPACITY })));
    phase('vectorize');

    const F = vocab.size;
    const sab = (n: number) => new SharedArrayBuffer(n * 4);
    // All weight matrices live in one shared kernel memory: a copy per thread, their average and
    // the best average so far; then each thread's scratch. Nothing grows it after this.
    const matrixBytes = F * C * 4;
    const scratchBytes = (ROW_CAPACITY * 2 + C * 4) * 4 + 256;
    const memory = createMemory({ initialBytes: matrixBytes * (T + 2) + scratchBytes * T + 1024, shared: true });
    const arena = new WasmArena(memory);
    const copies = workers.map(() => arena.alloc(matrixBytes));
    const avg = arena.alloc(matrixBytes);
    const best = arena.alloc(matrixBytes);
    const scratch = workers.map(() => arena.alloc(scratchBytes));
    const biasCopies = workers.map(() => sab(C));
    const avgBias = sab(C);
    const crossBiasCopies = crossListLoss > 0 ? workers.map(() => sab(C)) : null;
    if (crossBiasCopies) {
      // Start each class at the log-odds of carrying it, so the first papers do not spend their steps on the biases.
      const carried = new Float64Array(C);
      for (const ls of sgdLabels) for (const l of ls) carried[l]!++;
      for (const b of crossBiasCopies) {
        const v = new Float32Array(b);
        for (let c = 0; c < C; c++) {
          const q = (carried[c]! + 0.5) / (sgdLabels.length + 1);
          v[c] = Math.log(q / (1 - q));
        }
      }
    }
    // One-vs-rest labels are not rivals, and sharing lowered the multi-label model's micro-F1 on S2 (models/README.md).
    const archiveShare = loss === 'softmax' && o.archiveShare > 0 ? archiveShareOf(scheme.labels, o.archiveShare) : null;
    const bestBias = sab(C);
    const validScores = sab(Math.max(1, valid.length) * C);
    await Promise.all(workers.map((w, k) => w.call({ type: 'weights', classes: C, memory, copies, avg, best, scratch: scratch[k], rowCapacity: ROW_CAPACITY, biasCopies, avgBias, crossBiasCopies, avgCrossBias: crossBiasCopies ? sab(C) : null })));
    // Validation rows are sharded like training rows; scores come back in shard order.
    const validOrder = Array.from({ length: T }, (_, k) => valid.map((_, i) => i).filter((i) => i % T === k)).flat();
    const validOffsets = Array.from({ length: T }, (_, k) => validOrder.findIndex((i) => i % T === k));
    const vPtr = new Int32Array(valid.length + 1);
    validOrder.forEach((i, r) => (vPtr[r + 1] = vPtr[r]! + validLabels[i]!.length));
    const vIdx = Int32Array.from(validOrder.flatMap((i) => validLabels[i]!));

    const mixes = Math.max(1, o.mixesPerEpoch);
    const totalSteps = o.epochs * mixes;
    const epochs: EpochReport[] = [];
    let bestScore = -Infinity;
    let bestLoss = Infinity;
    let bestEpoch = 0;
    const average = async () => {
      await Promise.all(workers.map((w, k) => w.call({ type: 'average', from: Math.floor((F * k) / T), to: Math.floor((F * (k + 1)) / T), bias: k === 0 })));
    };
    const scoreValid = async (useBest: boolean) => {
      if (valid.length === 0) return;
      await Promise.all(
        workers.map((w, k) => (validOffsets[k]! < 0 ? Promise.resolve() : w.call({ type: 'score', out: validScores, offset: validOffsets[k], useBest, bestBias }))),
      );
    };
    for (let e = 0; e < o.epochs; e++) {
      const te = performance.now();
      let lossSum = 0;
      let rows = 0;
      for (let part = 0; part < mixes; part++) {
        const step = e * mixes + part;
        const lrStart = o.lr * (1 - step / totalSteps);
        const lrEnd = o.lr * (1 - (step + 1) / totalSteps);
        const res = await Promise.all(
          workers.map((w) => w.call<{ loss: number; rows: number }>({ type: 'epoch', epoch: e, part, parts: mixes, seed: o.seed, lrStart, lrEnd, l2: o.l2, dropAbstract: o.dropAbstract, loss, classWeight, archiveShare, crossListLoss })),
        );
        for (const r of res) {
          lossSum += r.loss;
          rows += r.rows;
        }
        // Once a weight is NaN or infinite every later score is too: stop here rather than save a
        // model whose every number is NaN.
        if (!Number.isFinite(lossSum)) throw new RangeError(`training diverged (the loss became ${lossSum} in epoch ${e + 1}): try a lower learning rate (lr ${o.lr})${o.l2 > 0 ? ` or L2 penalty (l2 ${o.l2})` : ''}`);
        if (T > 1) await average();
      }
      if (T === 1) await average();
      await scoreValid(false);
      const v = validationMetrics(new Float32Array(validScores, 0, valid.length * C), vPtr, vIdx, C, loss);
      epochs.push({ epoch: e + 1, loss: lossSum / Math.max(1, rows), validAccuracy: v.accuracy, validLoss: v.loss, seconds: (performance.now() - te) / 1000 });
      onProgress({ phase: 'epoch', epoch: e + 1, of: o.epochs, loss: lossSum / Math.max(1, rows), validAccuracy: v.accuracy, validLoss: v.loss });
      const score = loss === 'softmax' ? -v.loss : v.accuracy;
      // Multi-label scores P@1, which small validation sets tie often (1.0 from the first epoch):
      // a tie goes to the lower loss, or training would stop on an undertrained first epoch.
      if (score > bestScore || (score === bestScore && v.loss < bestLoss) || bestEpoch === 0 || valid.length === 0) {
        bestScore = score;
        bestLoss = v.loss;
        bestEpoch = e + 1;
        new Float32Array(memory.buffer, best, F * C).set(new Float32Array(memory.buffer, avg, F * C));
        new Float32Array(bestBias).set(new Float32Array(avgBias));
      } else if (e + 1 - bestEpoch >= o.patience) {
        break;
      }
    }
    phase('sgd');
    onProgress({ phase: 'calibrate' });
    await scoreValid(true);
    const scores = new Float32Array(validScores, 0, valid.length * C);
    const temperature = valid.length > 0 ? fitTemperature(scores, vPtr, vIdx, C, loss) : 1;
    let thresholds: Float32Array | null = null;
    if (loss === 'ova' && valid.length > 0) {
      const probs = new Float32Array(scores.length);
      for (let i = 0; i < scores.length; i++) probs[i] = sigmoid(scores[i]! / temperature);
      thresholds = tuneThresholds(probs, vPtr, vIdx, C);
    }
    const vm = validationMetrics(scores, vPtr, vIdx, C, loss, temperature);
    const prior =
      loss === 'softmax'
        ? recentPriorShift(train.map(yymmOf), trainLabels, C, { months: o.recentPriorMonths, strength: o.recentPriorStrength })
        : { skipped: 'multi-label models keep their per-label thresholds instead' };
    const priorShift = 'shift' in prior ? { papers: prior.papers, from: prior.from, to: prior.to } : prior;
    phase('calibrate');

    const weights = new Float32Array(F * C);
    weights.set(new Float32Array(memory.buffer, best, F * C));
    const bias = Float32Array.from(new Float32Array(bestBias));
    const seconds = (performance.now() - t0) / 1000;
    // What training did, not what was asked: one-vs-rest models take neither extra loss.
    const { threads: _threads, ...recorded } = loss === 'softmax' ? o : { ...o, crossListLoss: 0, archiveShare: 0 };
    void _threads;
    const model = new LinearModel(
      {
        info: {
          backend: LINEAR_BACKEND,
          task: o.task,
          labels: scheme.labels,
          createdAt: new Date().toISOString(),
          training: { papers: train.length, dataHash: dataHash(train.map((p, i) => `${p.id}\t${sgdLabels[i]!.join(',')}`)), seconds: Number(seconds.toFixed(1)), options: { ...recorded }, priorShift },
          validation: { papers: valid.length, accuracy: vm.accuracy, logLoss: vm.loss, bestEpoch, temperature: Number(temperature.toFixed(4)) },
          quantized: false,
        },
        scheme: schemeToJSON(scheme),
        loss,
        termOptions,
        temperature,
        thresholds,
        priorShift: 'shift' in prior ? prior.shift : null,
      },
      vocab,
      { kind: 'f32', w: weights },
      bias,
    );
    return {
      model,
      validation: { papers: valid, labels: validLabels },
      report: { papers: train.length, validPapers: valid.length, classes: C, features: F, distinctTerms, epochs, bestEpoch, temperature, seconds, phases, thinClasses, priorShift },
    };
  } finally {
    await Promise.all(workers.map((w) => w.close()));
  }
}

/** Each label's archive (taxonomy.ts), numbered; -1 for a label alone in its archive, which has no siblings to share with. */
function archiveShareOf(labels: readonly string[], share: number): ArchiveShare {
  const archives = labels.map(archiveOf);
  const size = new Map<string, number>();
  for (const a of archives) size.set(a, (size.get(a) ?? 0) + 1);
  const ids = new Map<string, number>();
  const of = Int32Array.from(archives, (a) => {
    if (size.get(a)! < 2) return -1;
    if (!ids.has(a)) ids.set(a, ids.size);
    return ids.get(a)!;
  });
  return { of, archives: ids.size, share };
}

function makeClassWeights(counts: Float64Array, mode: TrainOptions['classWeight']): Float32Array | null {
  if (mode === 'none') return null;
  const C = counts.length;
  let total = 0;
  for (const c of counts) total += c;
  const w = new Float32Array(C);
  for (let c = 0; c < C; c++) {
    const balanced = total / (C * Math.max(1, counts[c]!));
    w[c] = mode === 'balanced' ? balanced : Math.sqrt(balanced);
  }
  return w;
}

