import type { PriorChoice } from '../models/model.js';
import type { Classifier } from '../models/model.js';
import type { LatencyStats } from './latency.js';

/** What an evaluation reports: the headline numbers, per-class rows, confusions and calibration. */
export interface EvaluateOptions {
  /** Classify from titles alone (how a model copes before an abstract exists). */
  titleOnly?: boolean;
  /** The class mix a single-label linear model assumes (PredictOptions.prior); its default when absent. */
  prior?: PriorChoice;
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

/** What scoring reads of a classifier besides its probabilities (its task is its scheme's). */
export type ClassifierLabels = Pick<Classifier, 'labels' | 'scheme' | 'thresholds'>;
