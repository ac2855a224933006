import { mkdtemp, rm } from 'node:fs/promises';
import { trackTemp, untrackTemp } from '../../base/temp-files.js';
import { tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { getHeapStatistics } from 'node:v8';
import { emptyReport, recordSkip, type IngestReport } from '../../corpus/canonical.js';
import { schemeToJSON } from '../../corpus/labels.js';
import { forEachPaperChunk } from '../../corpus/load.js';
import { FROM_TRAIN, FROM_VALID, PaperTable } from '../../corpus/paper-table.js';
import type { PaperRecord } from '../../corpus/record.js';
import type { RecordColumns } from '../../sources/fields.js';
import type { FormatName } from '../../sources/source.js';
import { archiveOf } from '../../taxonomy/taxonomy.js';
import { startWorker } from '../../parallel/worker-url.js';
import { WorkerClient } from '../../parallel/rpc.js';
import { HashIndex } from '../../text/hash-index.js';
import type { TermOptions } from '../../text/terms.js';
import { Vocabulary } from '../../text/vocabulary.js';
import { fitTemperature, validationMetrics } from './calibration.js';
import { classMixes, priorShift as priorShiftOf } from '../prior.js';
import type { PriorChoice } from '../model.js';
import { LINEAR_BACKEND, LinearModel, ROW_CAPACITY } from './linear.js';
import type { HeldOutTerms } from './held-out.js';
import { planTraining, UnlabelledValidationError, type TrainingPlan } from './train-plan.js';
import type { ArchiveShare, Loss } from './loss.js';
import { lossForTask } from './losses.js';
import { createMemory, WasmArena, type LinearMemory } from '../../wasm/memory.js';
import { checkSetting, checkTrainOptions, classWeightFor, DEFAULT_TRAIN_OPTIONS, epochsFor, THREADS_SETTING, type TrainOptions } from './train-settings.js';

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
  /** Passes planned (epochsFor); `epochs` has fewer when early stopping cut them short. */
  passes: number;
  epochs: EpochReport[];
  bestEpoch: number;
  temperature: number;
  seconds: number;
  phases: Record<string, number>;
  /** Classes with fewer than 2 training papers: kept, but expect little of them. */
  thinClasses: string[];
  /** The recent-months prior the model assumes (months as YYYYMM), or why it assumes none. */
  priorShift: { papers: number; from: number; to: number } | { skipped: string };
  /** Where training's bytes went (see TrainMemory). */
  memory: TrainMemory;
}

/** What training held, in bytes: the figures that grow with the corpus, and the disk it used. */
export interface TrainMemory {
  /** Per-paper metadata (labels, months, ids): about 70 bytes a paper. */
  paperTable: number;
  /** Every thread's weight copy, their average and the best so far (features × classes × 4 × (threads + 2)). */
  weights: number;
  /** The rows SGD holds at a time, all threads together. */
  windows: number;
  /** Terms spilled while reading, and vectorised rows cached for SGD (disk, deleted at the end). */
  spillBytes: number;
  rowCacheBytes: number;
  /** Times a thread's document-frequency table was pruned (0: the vocabulary is exact). */
  dfPrunes: number;
}

export { UnlabelledValidationError };

/** A source read no usable paper: the training data, or validation files that were given. */
export class NoPapersError extends RangeError {
  override name = 'NoPapersError';
  constructor(readonly which: 'train' | 'valid') {
    super(which === 'train' ? 'no training papers were read' : 'no validation papers were read');
  }
}

/** Training would need more memory than it is allowed; the message says what to change. */
export class TrainingMemoryError extends RangeError {
  override name = 'TrainingMemoryError';
}

/** Writing training's disk cache failed (a full disk, a missing or read-only folder); nothing was left behind. */
export class TrainingCacheError extends Error {
  override name = 'TrainingCacheError';
}

/** A trained model, its report, and the held-out papers it was calibrated on (to recalibrate after pruning). */
export interface TrainResult {
  model: LinearModel;
  report: TrainReport;
  validation: HeldOutTerms;
}

export interface TrainProgress {
  phase: 'reading' | 'features' | 'epoch' | 'calibrate';
  /** reading: papers read so far; epoch: papers trained on so far, over all passes. */
  papers?: number;
  /** epoch: papers all the passes train on (passes × training papers). */
  total?: number;
  epoch?: number;
  of?: number;
  /** epoch, once the pass is over: its training loss and validation scores. */
  loss?: number;
  validAccuracy?: number;
  validLoss?: number;
}

/** Papers to train on: in memory, or files read as a stream (any format `ingest` reads). */
export type PaperSource = readonly PaperRecord[] | CorpusFiles;

export interface CorpusFiles {
  files: string | readonly string[];
  format?: FormatName;
  /** Fields of other spellings (ReadOptions.columns). */
  columns?: RecordColumns;
  /** Filled in as records are read: what was skipped and why. */
  report?: IngestReport;
}

/** How a training run uses the machine: none of it is a hyperparameter, and only the thread count changes the weights. */
export interface TrainRun {
  /** Worker threads (default THREADS_SETTING's: all cores, at most 8). */
  threads?: number;
  /** Folder for the disk cache (a fresh subfolder, removed at the end); default the system's temporary folder. */
  cacheDir?: string;
  /** Bytes of rows each thread holds at a time for SGD (default DEFAULT_WINDOW_BYTES). */
  windowBytes?: number;
  /** Most bytes training may hold (default: the V8 heap limit's headroom and 3/4 of the machine's memory); see checkMemory. */
  memoryLimitBytes?: number;
}

/**
 * Rows each thread holds for SGD: about 140k papers' word n-gram rows (1.8 KB a paper, titles
 * included). A shard that fits trains exactly as training in memory did (the learner split's 275k
 * papers on 2 threads do); a larger one is read from the disk cache a window at a time.
 */
export const DEFAULT_WINDOW_BYTES = 256 * 2 ** 20;

/**
 * Most validation papers held out of TRAIN: a 5% slice of 2.7M papers would be 135k, more than
 * early stopping and calibration need, and held in memory.
 */
export const MAX_HELD_OUT = 50_000;

/**
 * Train a linear model. The papers are read once, as a stream: their text goes to `threads`
 * workers that count terms and spill them to disk, while this thread keeps a few bytes of
 * metadata per paper. Then the workers choose the vocabulary, vectorise their shards into a row
 * cache on disk, and run SGD on their shard a window at a time; weights are averaged between
 * passes. Deterministic for a given seed and thread count, and the same whether the papers come
 * from files or from an array.
 */
export async function trainLinear(
  trainSource: PaperSource,
  validSource: PaperSource | null,
  partial: Partial<TrainOptions> = {},
  onProgress: (p: TrainProgress) => void = () => {},
  run: TrainRun = {},
): Promise<TrainResult> {
  const asked: TrainOptions = { ...DEFAULT_TRAIN_OPTIONS, ...partial };
  const t0 = performance.now();
  const phases: Record<string, number> = {};
  let mark = t0;
  const phase = (name: string) => {
    const now = performance.now();
    phases[name] = Number(((now - mark) / 1000).toFixed(2));
    mark = now;
  };
  checkTrainOptions(asked);
  const T = run.threads ?? THREADS_SETTING.default;
  checkSetting('threads', THREADS_SETTING.rule, T);
  const loss = lossForTask(asked.task);
  // What training does, not what was asked: the settings a loss does not take are off.
  const o = loss.trained(asked);
  const termOptions: TermOptions = { ngrams: o.ngrams, titleWeight: o.titleWeight, ...(o.charNgrams > 0 ? { charNgrams: o.charNgrams } : {}) };
  const limit = run.memoryLimitBytes ?? defaultMemoryLimit();
  const windowBytes = run.windowBytes ?? DEFAULT_WINDOW_BYTES;
  let dir: string;
  try {
    dir = trackTemp(await mkdtemp(join(run.cacheDir ?? tmpdir(), 'axc-train-')));
  } catch (e) {
    throw new TrainingCacheError(`cannot make training's cache folder in ${run.cacheDir ?? tmpdir()}: ${(e as Error).message} (choose another with --cache-dir)`);
  }
  const workers = Array.from({ length: T }, () => new WorkerClient(startWorker(import.meta.url, './train-worker.js')));
  try {
    await Promise.all(workers.map((w, k) => w.call({ type: 'begin', worker: k, threads: T, dir, termOptions })));
    const { table, spillBytes } = await readCorpus(workers, trainSource, validSource, limit, onProgress);
    phase('read');
    const plan = planTraining(table, { ...o, maxHeldOut: MAX_HELD_OUT }, T);
    const { scheme, C, trainCount, validCount, vPtr, vIdx } = plan;
    const thinClasses = scheme.labels.filter((_, c) => plan.counts[c]! < 2);
    phase('plan');

    onProgress({ phase: 'features' });
    const { vocab, distinctTerms, dfPrunes } = await chooseVocabulary(workers, plan, o);
    phase('terms');
    const F = vocab.size;
    const weightBytes = F * C * 4 * (T + 2);
    // Before anything big is made: the weights are fixed by now, and each thread adds a window.
    checkMemory(limit, table.bytes + weightBytes + T * windowBytes, { features: F, classes: C, threads: T });
    const vectorized = await vectorizeShards(workers, vocab, plan, o.dropAbstract > 0, windowBytes);
    // Every thread read every spill file; now none will again.
    await Promise.all(workers.map((_, k) => rm(join(dir, `terms-${k}.bin`), { force: true })));
    phase('vectorize');
    const shared = await shareWeights(workers, plan, F, o.crossListLoss, vectorized.map((v) => v.validRows));
    const { passes, epochs, bestEpoch } = await runPasses(workers, shared, plan, F, o, loss, onProgress);
    phase('sgd');
    onProgress({ phase: 'calibrate' });
    await scoreValidation(workers, shared, true);
    const validScores = new Float32Array(shared.validScores, 0, validCount * C);
    const bias = Float32Array.from(new Float32Array(shared.bestBias));
    if (loss.singleLabel) unweightPrior(bias, validScores, makeClassWeights(plan.counts, classWeightFor(o)));
    const { temperature, thresholds, validation, priors } = calibrate(validScores, plan, o, loss);
    const priorShift = priors ? priors.recentWindow : { skipped: 'multi-label models keep their per-label thresholds instead' };
    phase('calibrate');

    const weights = new Float32Array(F * C);
    weights.set(new Float32Array(shared.memory.buffer, shared.best, F * C));
    const seconds = (performance.now() - t0) / 1000;
    const model = new LinearModel(
      {
        info: {
          backend: LINEAR_BACKEND,
          task: o.task,
          labels: scheme.labels,
          createdAt: new Date().toISOString(),
          training: { papers: trainCount, dataHash: plan.dataHash, seconds: Number(seconds.toFixed(1)), options: { ...o }, priorShift },
          // No held-out papers (a corpus too small to spare any): nothing was measured, and 0 would read as a score.
          validation: { papers: validCount, accuracy: validCount > 0 ? validation.accuracy : null, logLoss: validCount > 0 ? validation.loss : null, bestEpoch, temperature: Number(temperature.toFixed(4)) },
          quantized: false,
        },
        scheme: schemeToJSON(scheme),
        loss: loss.name,
        termOptions,
        temperature,
        thresholds,
        priorShift: priors ? priorShiftOf(priors.defaultChoice, priors, scheme.labels) : null,
        priors,
      },
      vocab,
      { kind: 'f32', w: weights },
      bias,
    );
    const memoryReport: TrainMemory = {
      paperTable: table.bytes,
      weights: weightBytes,
      windows: vectorized.reduce((s, v) => s + Math.min(v.cacheBytes, windowBytes), 0),
      spillBytes,
      rowCacheBytes: vectorized.reduce((s, v) => s + v.cacheBytes, 0),
      dfPrunes,
    };
    return {
      model,
      validation: { ...concatTermRows(vectorized.map((v) => v.held)), labelPtr: vPtr, labelIdx: vIdx },
      report: { papers: trainCount, validPapers: validCount, classes: C, features: F, distinctTerms, passes, epochs, bestEpoch, temperature, seconds, phases, thinClasses, priorShift, memory: memoryReport },
    };
  } catch (e) {
    throw asCacheError(e, dir);
  } finally {
    await Promise.all(workers.map((w) => w.close()));
    await rm(dir, { recursive: true, force: true }).catch(() => {});
    untrackTemp(dir);
  }
}

/**
 * Read the papers once: their metadata into a table on this thread, their text to the training
 * threads, which count its terms and spill them to disk. Returns the table and the bytes spilled.
 */
async function readCorpus(
  workers: readonly WorkerClient[],
  trainSource: PaperSource,
  validSource: PaperSource | null,
  limit: number,
  onProgress: (p: TrainProgress) => void,
): Promise<{ table: PaperTable; spillBytes: number }> {
  const table = new PaperTable();
  const feed = new TextFeed(workers);
  const guard = () => checkMemory(limit, table.bytes);
  await readSource(trainSource, FROM_TRAIN, table, feed, (n) => {
    guard();
    onProgress({ phase: 'reading', papers: n });
  });
  const trainArrivals = table.size;
  if (trainArrivals === 0) throw new NoPapersError('train');
  if (validSource) await readSource(validSource, FROM_VALID, table, feed, guard);
  // Validation files that yield nothing are a mistake to report, not a cue to hold out part of
  // the training papers instead (an empty array in memory is the library's way to ask for that).
  if (validSource && isFiles(validSource) && table.size === trainArrivals) throw new NoPapersError('valid');
  await feed.drain();
  const spilled = await Promise.all(workers.map((w) => w.call<{ rows: number; bytes: number }>({ type: 'counted' })));
  return { table, spillBytes: spilled.reduce((s, x) => s + x.bytes, 0) };
}

/** The vocabulary, from the document frequencies each thread counted for its share of the hashes. */
async function chooseVocabulary(workers: readonly WorkerClient[], plan: TrainingPlan, o: TrainOptions): Promise<{ vocab: Vocabulary; distinctTerms: number; dfPrunes: number }> {
  const dfParts = await Promise.all(workers.map((w) => w.call<{ keys: Uint32Array; counts: Int32Array; distinct: number; prunes: number }>({ type: 'df', role: plan.role, minDf: o.minDf })));
  const df = new HashIndex(dfParts.reduce((s, p) => s + p.keys.length, 1024));
  for (const part of dfParts) for (let i = 0; i < part.keys.length; i++) df.set(part.keys[i]!, part.counts[i]!);
  const vocab = Vocabulary.fromDocumentFrequencies(df, plan.trainCount, { minDf: o.minDf, maxFeatures: o.maxFeatures });
  return { vocab, distinctTerms: dfParts.reduce((s, p) => s + p.distinct, 0), dfPrunes: dfParts.reduce((s, p) => s + p.prunes, 0) };
}

/** What a thread's vectorised shard came to: its row cache, its validation rows, and their terms for recalibrating. */
interface Shard {
  rows: number;
  cacheBytes: number;
  validRows: number;
  held: { ptr: Int32Array; hashes: Uint32Array; tf: Float32Array };
}

/** Each thread's shard as feature rows in its row cache on disk, titles alone too when SGD drops abstracts. */
async function vectorizeShards(workers: readonly WorkerClient[], vocab: Vocabulary, plan: TrainingPlan, titles: boolean, windowBytes: number): Promise<Shard[]> {
  return Promise.all(
    workers.map((w, k) => w.call<Shard>({ type: 'vectorize', terms: vocab.terms, idf: vocab.idf, rowCapacity: ROW_CAPACITY, titles, windowBytes, labelPtr: plan.shardLabels[k]!.ptr, labelIdx: plan.shardLabels[k]!.idx })),
  );
}

/** The numbers every training thread shares, and where the validation scores come back. */
interface SharedWeights {
  memory: LinearMemory;
  /** Byte offsets in `memory` of the average of the threads' weight copies and of the best average so far. */
  avg: number;
  best: number;
  avgBias: SharedArrayBuffer;
  bestBias: SharedArrayBuffer;
  /** Validation rows' raw scores, C a row, thread 0's rows first. */
  validScores: SharedArrayBuffer;
  /** Where each thread's validation rows start in `validScores`; -1 for a thread with none. */
  validOffsets: number[];
}

/**
 * All weight matrices live in one shared kernel memory: a copy per thread, their average and the
 * best average so far; then each thread's scratch. Nothing grows it after this. The biases (and
 * the cross-list loss's offsets) are shared buffers beside it.
 */
async function shareWeights(workers: readonly WorkerClient[], plan: TrainingPlan, F: number, crossListLoss: number, validRows: readonly number[]): Promise<SharedWeights> {
  const { C, trainCount } = plan;
  const T = workers.length;
  const matrixBytes = F * C * 4;
  const sab = (n: number) => new SharedArrayBuffer(n * 4);
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
    const carried = plan.carried;
    for (const b of crossBiasCopies) {
      const v = new Float32Array(b);
      for (let c = 0; c < C; c++) {
        const q = (carried[c]! + 0.5) / (trainCount + 1);
        v[c] = Math.log(q / (1 - q));
      }
    }
  }
  const bestBias = sab(C);
  const validScores = sab(Math.max(1, plan.validCount) * C);
  await Promise.all(workers.map((w, k) => w.call({ type: 'weights', classes: C, memory, copies, avg, best, scratch: scratch[k], rowCapacity: ROW_CAPACITY, biasCopies, avgBias, crossBiasCopies, avgCrossBias: crossBiasCopies ? sab(C) : null })));
  // Validation rows are sharded like training rows; scores come back in shard order.
  const validOffsets: number[] = [];
  let offset = 0;
  for (const n of validRows) {
    validOffsets.push(n > 0 ? offset : -1);
    offset += n;
  }
  return { memory, avg, best, avgBias, bestBias, validScores, validOffsets };
}

/**
 * SGD: the planned passes, each in `mixesPerEpoch` parts with the threads' weights averaged after
 * each, the learning rate falling linearly to 0 over all of them; after each pass the averaged
 * weights are scored on validation, the best kept, and training stops after `patience` passes
 * without a better one.
 */
async function runPasses(
  workers: readonly WorkerClient[],
  shared: SharedWeights,
  plan: TrainingPlan,
  F: number,
  o: TrainOptions,
  loss: Loss,
  onProgress: (p: TrainProgress) => void,
): Promise<{ passes: number; epochs: EpochReport[]; bestEpoch: number }> {
  const { C, trainCount, validCount, vPtr, vIdx } = plan;
  const T = workers.length;
  const { memory, avg, best, avgBias, bestBias, validScores } = shared;
  const classWeight = makeClassWeights(plan.counts, classWeightFor(o));
  const archiveShare = o.archiveShare > 0 ? archiveShareOf(plan.scheme.labels, o.archiveShare) : null;
  const mixes = Math.max(1, o.mixesPerEpoch);
  const passes = epochsFor(o.epochs, trainCount);
  const totalSteps = passes * mixes;
  const epochs: EpochReport[] = [];
  let bestScore = -Infinity;
  let bestLoss = Infinity;
  let bestEpoch = 0;
  const average = async () => {
    await Promise.all(workers.map((w, k) => w.call({ type: 'average', from: Math.floor((F * k) / T), to: Math.floor((F * (k + 1)) / T), bias: k === 0 })));
  };
  let stepsDone = 0;
  for (let e = 0; e < passes; e++) {
    const te = performance.now();
    let lossSum = 0;
    let rows = 0;
    for (let part = 0; part < mixes; part++) {
      const step = e * mixes + part;
      const lrStart = o.lr * (1 - step / totalSteps);
      const lrEnd = o.lr * (1 - (step + 1) / totalSteps);
      const res = await Promise.all(
        workers.map((w) => w.call<{ loss: number; rows: number }>({ type: 'epoch', epoch: e, part, parts: mixes, seed: o.seed, lrStart, lrEnd, l2: o.l2, dropAbstract: o.dropAbstract, loss: loss.name, classWeight, archiveShare, crossListLoss: o.crossListLoss })),
      );
      for (const r of res) {
        lossSum += r.loss;
        rows += r.rows;
      }
      stepsDone += res.reduce((n, r) => n + r.rows, 0);
      if (part < mixes - 1) onProgress({ phase: 'epoch', epoch: e + 1, of: passes, papers: stepsDone, total: passes * trainCount });
      // Once a weight is NaN or infinite every later score is too: stop here rather than save a
      // model whose every number is NaN.
      if (!Number.isFinite(lossSum)) throw new RangeError(`training diverged (the loss became ${lossSum} in epoch ${e + 1}): try a lower learning rate (lr ${o.lr})${o.l2 > 0 ? ` or L2 penalty (l2 ${o.l2})` : ''}`);
      if (T > 1) await average();
    }
    if (T === 1) await average();
    await scoreValidation(workers, shared, false);
    const v = validationMetrics(new Float32Array(validScores, 0, validCount * C), vPtr, vIdx, C, loss);
    epochs.push({ epoch: e + 1, loss: lossSum / Math.max(1, rows), validAccuracy: v.accuracy, validLoss: v.loss, seconds: (performance.now() - te) / 1000 });
    onProgress({ phase: 'epoch', epoch: e + 1, of: passes, papers: stepsDone, total: passes * trainCount, loss: lossSum / Math.max(1, rows), validAccuracy: v.accuracy, validLoss: v.loss });
    const score = loss.stoppingScore(v);
    // Multi-label scores P@1, which small validation sets tie often (1.0 from the first epoch):
    // a tie goes to the lower loss, or training would stop on an undertrained first epoch.
    if (score > bestScore || (score === bestScore && v.loss < bestLoss) || bestEpoch === 0 || validCount === 0) {
      bestScore = score;
      bestLoss = v.loss;
      bestEpoch = e + 1;
      new Float32Array(memory.buffer, best, F * C).set(new Float32Array(memory.buffer, avg, F * C));
      new Float32Array(bestBias).set(new Float32Array(avgBias));
    } else if (e + 1 - bestEpoch >= o.patience) {
      break;
    }
  }
  return { passes, epochs, bestEpoch };
}

/** The validation rows' raw scores into `shared.validScores`, with the averaged weights or the best ones. */
async function scoreValidation(workers: readonly WorkerClient[], shared: SharedWeights, useBest: boolean): Promise<void> {
  const { validOffsets, validScores, bestBias } = shared;
  await Promise.all(workers.map((w, k) => (validOffsets[k]! < 0 ? Promise.resolve() : w.call({ type: 'score', out: validScores, offset: validOffsets[k], useBest, bestBias }))));
}

/** Temperature (and the loss's thresholds) fitted on the best weights' validation scores, their metrics, and the class mixes a softmax model may assume. */
function calibrate(scores: Float32Array, plan: TrainingPlan, o: TrainOptions, loss: Loss) {
  const { C, validCount, vPtr, vIdx } = plan;
  const temperature = validCount > 0 ? fitTemperature(scores, vPtr, vIdx, C, loss) : 1;
  const mixes = loss.singleLabel ? classMixes(plan.months, plan.firstLabels, C, { months: o.recentPriorStrength > 0 ? o.recentPriorMonths : 0 }) : null;
  return {
    temperature,
    thresholds: validCount > 0 ? loss.thresholds(scores, temperature, vPtr, vIdx, C) : null,
    validation: validationMetrics(scores, vPtr, vIdx, C, loss, temperature),
    priors: mixes && { ...mixes, recentStrength: o.recentPriorStrength, balancedStrength: o.balancedPrior, defaultChoice: defaultChoiceOf(o) },
  };
}

/** What predictions assume unless the caller names a prior. */
function defaultChoiceOf(o: TrainOptions): PriorChoice {
  return o.defaultPrior === 'recent' && o.defaultBalance > 0 ? { balanced: o.defaultBalance, within: o.defaultBalance } : o.defaultPrior;
}

/**
 * Class weights train a softmax model as if each class's papers were that many times as common,
 * so its logits assume the training mix times the weights: subtracting ln w moves them back to
 * the training mix, from which every prior is a shift (prior.ts). The weights then only change
 * what the features learnt, which is what they are for: thin classes win when the text says so.
 */
function unweightPrior(bias: Float32Array, validScores: Float32Array, weights: Float32Array | null): void {
  if (!weights) return;
  const C = bias.length;
  const log = Float32Array.from(weights, (w) => Math.log(w));
  for (let c = 0; c < C; c++) bias[c]! -= log[c]!;
  for (let i = 0; i < validScores.length; i += C) for (let c = 0; c < C; c++) validScores[i + c]! -= log[c]!;
}

/** Papers per message when their text goes to a training thread. */
const TEXT_CHUNK = 4096;

/**
 * Hands each paper's text to a training thread (paper a to thread a mod T), a chunk at a time,
 * with at most two chunks in flight per thread: it counts one while the next is copied to it,
 * and reading waits for the slowest thread instead of piling papers up in memory.
 */
class TextFeed {
  private readonly titles: string[][];
  private readonly abstracts: string[][];
  private readonly pending: Promise<unknown>[];
  private arrivals = 0;

  constructor(private readonly workers: readonly WorkerClient[]) {
    this.titles = workers.map(() => []);
    this.abstracts = workers.map(() => []);
    this.pending = workers.map(() => Promise.resolve());
  }

  async add(title: string, abstract: string): Promise<void> {
    const k = this.arrivals++ % this.workers.length;
    this.titles[k]!.push(title);
    this.abstracts[k]!.push(abstract);
    if (this.titles[k]!.length >= TEXT_CHUNK) await this.send(k);
  }

  async drain(): Promise<void> {
    for (let k = 0; k < this.workers.length; k++) if (this.titles[k]!.length > 0) await this.send(k);
    await Promise.all(this.pending);
  }

  private async send(k: number): Promise<void> {
    const sent = this.workers[k]!.call({ type: 'count', titles: this.titles[k], abstracts: this.abstracts[k] });
    // A crashed worker rejects every call at once; the one awaited first reports it.
    sent.catch(() => {});
    this.titles[k] = [];
    this.abstracts[k] = [];
    await this.pending[k];
    this.pending[k] = sent;
  }
}

/** Read every paper of a source into the table and the training threads. */
async function readSource(source: PaperSource, from: typeof FROM_TRAIN | typeof FROM_VALID, table: PaperTable, feed: TextFeed, onPapers: (n: number) => void): Promise<void> {
  const take = async (papers: readonly PaperRecord[], versions: readonly number[] | null, file?: { path: string; report: IngestReport }) => {
    for (let i = 0; i < papers.length; i++) {
      const p = papers[i]!;
      // A later record of an id already read replaces it (the higher version wins): said, as ingest and evaluate say it.
      if (table.add(p, versions ? versions[i]! : 0, from) >= 0 && file) {
        recordSkip(file.report, 'duplicate', file.path, 0, `duplicate id ${p.id}`);
        file.report.kept--;
      }
      await feed.add(p.title, p.abstract);
    }
    onPapers(table.size);
  };
  if (isFiles(source)) {
    const report = source.report ?? emptyReport();
    await forEachPaperChunk(source.files, { ...(source.format ? { format: source.format } : {}), ...(source.columns ? { columns: source.columns } : {}), report }, (chunk) => take(chunk.papers, chunk.versions, { path: chunk.path, report }));
    return;
  }
  for (let i = 0; i < source.length; i += TEXT_CHUNK) await take(source.slice(i, i + TEXT_CHUNK), null);
}

function isFiles(source: PaperSource): source is CorpusFiles {
  return !Array.isArray(source) && typeof (source as CorpusFiles).files !== 'undefined';
}

/** The held-out papers' term rows, thread 0's first: the order their scores come back in. */
function concatTermRows(parts: readonly { ptr: Int32Array; hashes: Uint32Array; tf: Float32Array }[]): { ptr: Int32Array; hashes: Uint32Array; tf: Float32Array } {
  const rows = parts.reduce((s, p) => s + p.ptr.length - 1, 0);
  const size = parts.reduce((s, p) => s + p.hashes.length, 0);
  const ptr = new Int32Array(rows + 1);
  const hashes = new Uint32Array(size);
  const tf = new Float32Array(size);
  let r = 0;
  let at = 0;
  for (const p of parts) {
    for (let i = 1; i < p.ptr.length; i++) ptr[++r] = at + p.ptr[i]!;
    hashes.set(p.hashes, at);
    tf.set(p.tf, at);
    at += p.hashes.length;
  }
  return { ptr, hashes, tf };
}

/**
 * The most training may hold by default: what V8's heap limit leaves (the paper table and the
 * text in flight live on the heap) is checked separately; this bounds the typed arrays and
 * kernel memory, which live outside it, to 3/4 of the machine's memory.
 */
function defaultMemoryLimit(): number {
  return Math.floor(totalmem() * 0.75);
}

/**
 * Stop, with what to change, before training needs more than it may hold, rather than let V8 die
 * at its heap limit or the system kill the process: the JS heap is checked against V8's own limit
 * (with room to spare), and `bytes`, what training holds outside the heap, against `limit`.
 */
function checkMemory(limit: number, bytes: number, sizes?: { features: number; classes: number; threads: number }): void {
  const heap = getHeapStatistics();
  if (heap.used_heap_size > heap.heap_size_limit * 0.85) {
    throw new TrainingMemoryError(`training's metadata outgrew the JavaScript heap (${mb(heap.used_heap_size)} of ${mb(heap.heap_size_limit)}): this should not happen below tens of millions of papers; split the corpus, or raise the limit with NODE_OPTIONS=--max-old-space-size=MB`);
  }
  if (bytes <= limit) return;
  const what = sizes
    ? `the weights (${sizes.features.toLocaleString('en')} features × ${sizes.classes} classes × ${sizes.threads + 2} copies) and the SGD windows need ${mb(bytes)}`
    : `training's per-paper metadata needs ${mb(bytes)}`;
  throw new TrainingMemoryError(`${what}, more than the ${mb(limit)} training may use: lower --max-features or --threads, or fold classes with --min-count/--top`);
}

function mb(bytes: number): string {
  return `${Math.round(bytes / 2 ** 20).toLocaleString('en')} MB`;
}

/** A failed write of the disk cache, as an error that names the folder and what to do. */
function asCacheError(e: unknown, dir: string): unknown {
  const text = e instanceof Error ? e.message : String(e);
  const code = /\b(ENOSPC|EDQUOT|EROFS|EACCES|EIO)\b/.exec(text)?.[1];
  if (!code) return e;
  const why = code === 'ENOSPC' || code === 'EDQUOT' ? 'the disk is full' : code === 'EROFS' ? 'the folder is read-only' : code === 'EACCES' ? 'permission denied' : 'an input/output error';
  return new TrainingCacheError(`writing training's disk cache in ${dir} failed: ${why} (${code}); nothing was kept. Free space there or choose another folder with --cache-dir`);
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

function makeClassWeights(counts: Float64Array, mode: ReturnType<typeof classWeightFor>): Float32Array | null {
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

