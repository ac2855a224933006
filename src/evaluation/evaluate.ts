import type { PaperRecord } from '../corpus/record.js';
import type { AsyncClassifier, Classifier, PaperText } from '../models/model.js';
import { evaluationAccumulator } from './accumulator.js';
import { measureLatency, summarizeLatency, type LatencyStats } from './latency.js';
import type { LabelSchemeJSON, LabelTask } from '../corpus/labels.js';

export { NO_ANSWER_LABEL, OTHER_ROW, UNSEEN_LABEL } from './accumulator.js';

export interface EvaluateOptions {
  /** Classify from titles alone (how a model copes before an abstract exists). */
  titleOnly?: boolean;
  /** Papers classified one at a time to measure latency (default 100; 0 skips it). */
  latencySamples?: number;
  /** Classes (by test support) in the confusion-matrix view (default 20). */
  confusionTop?: number;
  /** Most frequent confusions listed with examples (default 15). */
  worstConfusions?: number;
  /** Example papers per listed confusion, most confidently wrong first (default 3). */
  examplesPerConfusion?: number;
  /** Equal-width bins of the reliability diagram and ECE (default 15). */
  reliabilityBins?: number;
}

/** Headline numbers for a single-label model (primary or group task). */
export interface SingleLabelEvaluation {
  task: 'primary' | 'group';
  n: number;
  accuracy: number;
  /**
   * Same as accuracy: listed with the other top-k rates so tables line up. Top-3 and up count ties
   * as scikit-learn's top_k_accuracy_score does; papers whose label the model never saw always miss.
   */
  top1: number;
  top3: number;
  top5: number;
  top10: number;
  macroF1: number;
  microF1: number;
  weightedF1: number;
  macroPrecision: number;
  macroRecall: number;
  weightedPrecision: number;
  weightedRecall: number;
  /** Share of papers whose top prediction is any of their categories (arXiv's own metric). */
  inCategoryP1: number;
  /** Accuracy one level up: probabilities summed per group. */
  groupAccuracy: number;
  /** The predicted group (as for groupAccuracy) is the group of any of the paper's categories: cross-lists count. */
  anyGroupAccuracy: number;
  /** Accuracy at the archive level (cond-mat, math, cs, hep-th, ...): probabilities summed per archive. */
  archiveAccuracy: number;
  /** Top-label expected calibration error (equal-width bins, see reliabilityBins). */
  ece: number;
  /** Mean negative log-likelihood of the true class (unseen labels clipped at 1e-15). */
  logLoss: number;
  /** Test papers whose label the model has never seen (counted as errors). */
  unseenLabel: number;
  /**
   * Batch throughput: papers over the time predictProba took on them (evaluating a file on
   * threads, evaluateFile with a pool: over the whole pass, reading and parsing included).
   */
  papersPerSecond: number;
  /**
   * One paper per call (see EvaluateOptions.latencySamples); absent when not measured (an LLM or
   * ONNX backend unless asked), so that no comparison takes an unmeasured 0 for the fastest.
   */
  latencyP50Ms?: number;
  latencyP99Ms?: number;
}

export interface MultiLabelEvaluation {
  task: 'multilabel';
  n: number;
  microF1: number;
  macroF1: number;
  samplesF1: number;
  /** Micro-averaged precision and recall. */
  precision: number;
  recall: number;
  macroPrecision: number;
  macroRecall: number;
  samplesPrecision: number;
  samplesRecall: number;
  hammingLoss: number;
  subsetAccuracy: number;
  precisionAt1: number;
  precisionAt3: number;
  precisionAt5: number;
  recallAt1: number;
  recallAt3: number;
  recallAt5: number;
  ndcgAt1: number;
  ndcgAt3: number;
  ndcgAt5: number;
  /** Mean labels per paper: predicted (after thresholds) and true. */
  predictedCardinality: number;
  trueCardinality: number;
  /**
   * Share of papers whose top-scored label is their primary category (mapped through the model's
   * scheme; a primary the scheme drops is a miss, not replaced by a cross-list).
   */
  accuracy: number;
  top5: number;
  papersPerSecond: number;
  /** As in SingleLabelEvaluation: absent when not measured. */
  latencyP50Ms?: number;
  latencyP99Ms?: number;
}

export type Evaluation = SingleLabelEvaluation | MultiLabelEvaluation;

/** One row of the per-class report. */
export interface ClassReportRow {
  /** Class label ('cs.CL', a folded archive, 'other', a group id), UNSEEN_LABEL or NO_ANSWER_LABEL. */
  code: string;
  name: string;
  group: string;
  /** True occurrences in the test set. */
  support: number;
  /** Times the model predicted it. */
  predicted: number;
  /** True positives. */
  correct: number;
  precision: number;
  recall: number;
  f1: number;
}

/** Confusion counts over the most frequent classes; the rest are pooled into OTHER_ROW. */
export interface ConfusionView {
  /** Row and column labels: the top classes by support, then OTHER_ROW. */
  labels: string[];
  /** counts[true][predicted]; sums to n. */
  counts: number[][];
}

export interface ConfusionExample {
  id: string;
  title: string;
  /** Probability the model gave to the wrong class it picked. */
  probability: number;
}

export interface WorstConfusion {
  trueLabel: string;
  predictedLabel: string;
  count: number;
  /** count / support of the true class. */
  shareOfTrue: number;
  examples: ConfusionExample[];
}

export interface ReliabilityBin {
  lower: number;
  upper: number;
  count: number;
  /** Mean top-label confidence in the bin (0 when empty). */
  confidence: number;
  /** Share of the bin's papers whose top label is right (0 when empty). */
  accuracy: number;
}

/** Papers of one true group whose predicted group (as for groupAccuracy) was another. */
export interface GroupConfusion {
  /** Group ids ('cs', 'physics', …); the true group is UNSEEN_LABEL for labels the model never saw. */
  trueGroup: string;
  predictedGroup: string;
  count: number;
  /** count / every paper whose group was wrong. */
  shareOfErrors: number;
  /** Of these papers, those with a cross-list in the predicted group: the errors anyGroupAccuracy forgives. */
  crossListed: number;
}

/** What a report shows beyond the headline numbers. */
export interface EvaluationDetails {
  classes: ClassReportRow[];
  /** Single-label tasks only. */
  confusion: ConfusionView | null;
  /** Single-label tasks only: every pair of groups confused, most papers first. */
  groupConfusions: GroupConfusion[] | null;
  /** Single-label tasks only. */
  reliability: ReliabilityBin[] | null;
  worstConfusions: WorstConfusion[];
  latency: LatencyStats;
}

export interface DetailedEvaluation {
  summary: Evaluation;
  details: EvaluationDetails;
}

/** A model evaluated in-process and synchronously: a linear model file. */
export type SyncModel = Classifier & { spec?: { scheme: LabelSchemeJSON; thresholds?: Float32Array | null } };

/** What scoring needs to know of a model besides its probabilities. */
export interface EvaluatedModel {
  labels: readonly string[];
  task: LabelTask;
  scheme: LabelSchemeJSON;
  thresholds?: Float32Array | null;
}

/** Evaluate a classifier on labelled papers, labels canonicalised through the model's own scheme. */
export function evaluateClassifier(model: SyncModel, papers: readonly PaperRecord[], options: EvaluateOptions = {}): Evaluation {
  return evaluateDetailed(model, papers, options).summary;
}

/** The texts a model sees during evaluation. */
export function evaluationInputs(papers: readonly PaperRecord[], options: EvaluateOptions = {}): PaperText[] {
  return papers.map((p) => (options.titleOnly ? { title: p.title } : { title: p.title, abstract: p.abstract }));
}

/** The headline numbers plus the per-class report, confusions and calibration a report shows. */
export function evaluateDetailed(model: SyncModel, papers: readonly PaperRecord[], options: EvaluateOptions = {}): DetailedEvaluation {
  const target = syncTarget(model);
  const inputs = evaluationInputs(papers, options);
  const t0 = performance.now();
  const proba = model.predictProba(inputs);
  const seconds = (performance.now() - t0) / 1000;
  // After the batch, so one-time work (weight expansion, JIT) does not land on the first call.
  const latency = syncLatency(model, inputs, options);
  return scoreProbabilities(target, papers, proba, seconds, latency, options);
}

/**
 * Evaluate any backend (LLM, ONNX, ensemble, linear) through its async interface. Latency is
 * measured only when asked (`latencySamples`): for a remote model each sample is a paid request.
 */
export async function evaluateBackendDetailed(model: AsyncClassifier, papers: readonly PaperRecord[], options: EvaluateOptions = {}): Promise<DetailedEvaluation> {
  const inputs = evaluationInputs(papers, options);
  const t0 = performance.now();
  const proba = await model.predictProbaAsync(inputs);
  const seconds = (performance.now() - t0) / 1000;
  const latency = await backendLatency(model, inputs, options);
  return scoreProbabilities(backendTarget(model), papers, proba, seconds, latency, options);
}

/** What scoring needs of a synchronous model. */
export function syncTarget(model: SyncModel): EvaluatedModel {
  const scheme = model.spec?.scheme;
  if (!scheme) throw new Error('model has no label scheme');
  return { labels: model.labels, task: model.info.task, scheme, thresholds: model.spec?.thresholds ?? null };
}

export function backendTarget(model: AsyncClassifier): EvaluatedModel {
  return { labels: model.labels, task: model.info.task, scheme: model.scheme, thresholds: model.thresholds ?? null };
}

/** Single calls on the first of `inputs` (default 100), timed. */
export function syncLatency(model: SyncModel, inputs: readonly PaperText[], options: EvaluateOptions): LatencyStats {
  return measureLatency(Math.min(options.latencySamples ?? 100, inputs.length), (i) => model.predictProba([inputs[i]!]));
}

/** Single calls through the async interface, only when asked for (default 0). */
export async function backendLatency(model: AsyncClassifier, inputs: readonly PaperText[], options: EvaluateOptions): Promise<LatencyStats> {
  const times: number[] = [];
  for (let i = 0; i < Math.min(options.latencySamples ?? 0, inputs.length); i++) {
    const t = performance.now();
    await model.predictProbaAsync([inputs[i]!]);
    times.push(performance.now() - t);
  }
  return summarizeLatency(times);
}

export async function evaluateBackend(model: AsyncClassifier, papers: readonly PaperRecord[], options: EvaluateOptions = {}): Promise<Evaluation> {
  return (await evaluateBackendDetailed(model, papers, options)).summary;
}

/** Score n × C probabilities (from any backend, computed in `seconds`) against the papers' labels. */
export function evaluateProbabilities(model: EvaluatedModel, papers: readonly PaperRecord[], proba: Float32Array, seconds: number, options: EvaluateOptions = {}): Evaluation {
  return evaluateProbabilitiesDetailed(model, papers, proba, seconds, options).summary;
}

/** As evaluateProbabilities, with what a report shows (no latency: nothing was timed per call). */
export function evaluateProbabilitiesDetailed(model: EvaluatedModel, papers: readonly PaperRecord[], proba: Float32Array, seconds: number, options: EvaluateOptions = {}): DetailedEvaluation {
  return scoreProbabilities(model, papers, proba, seconds, summarizeLatency([]), options);
}

function scoreProbabilities(model: EvaluatedModel, papers: readonly PaperRecord[], proba: Float32Array, seconds: number, latency: LatencyStats, options: EvaluateOptions): DetailedEvaluation {
  const scores = evaluationAccumulator(model, options);
  for (let i = 0; i < papers.length; i++) scores.add(papers[i]!, proba, i);
  return scores.finish(seconds, latency);
}
