import type { LabelSchemeJSON, LabelTask } from '../corpus/labels.js';

/** What every backend classifies: a title, and an abstract when there is one. */
export interface PaperText {
  title: string;
  abstract?: string;
}

/** An n-gram of the input and how much it pushed a label (weight × feature value). */
export interface Reason {
  term: string;
  weight: number;
}

export interface LabelPrediction {
  /** Class label: an arXiv code, a folded archive (`cond-mat`), `other`, or a group id. */
  code: string;
  name: string;
  group: string;
  groupName: string;
  probability: number;
  reasons?: Reason[];
}

export interface Prediction {
  /** Best first; for multi-label models, the labels above their thresholds (never empty). */
  labels: LabelPrediction[];
  /** Probability mass per top-level group, best first. */
  groups: { code: string; name: string; probability: number }[];
  /** Set (to an excerpt of the answer) when a backend could not read its answer as a label (LLM); `labels` is then empty. */
  unparsed?: string;
  /**
   * Set when the model should not be trusted on this text (it knows too few of its words, the text
   * does not read as English scientific prose, or the answer is no better than the base rates):
   * callers say so instead of drawing confident bars. The labels are still given.
   */
  uncertain?: Uncertainty;
}

/** Why a prediction is flagged as unreliable, with the measurements behind it. */
export interface Uncertainty {
  /** One sentence for a person. */
  reason: string;
  /** Share of the text's word tokens that are in the model's vocabulary, 0–1. */
  knownWords: number;
}

/**
 * Which class mix a single-label model assumes (models/prior.ts): `corpus` the training data's,
 * `recent` its newest months' (the default where the model stores one), `balanced` toward equal
 * groups (`balanced`, 0 to 1: 1 is equal groups) and toward equal categories within each group
 * (`within`, default half of `balanced`); the string form uses the model's tuned strength. Or
 * category shares the caller knows (codes, archives or groups to shares; normalised).
 */
export type PriorChoice = 'corpus' | 'recent' | 'balanced' | { balanced: number; within?: number } | { shares: Record<string, number> };

export interface PredictOptions {
  /** How many labels to return (single-label), or the cap on returned labels (multi-label). */
  k?: number;
  /** Attach reasons to each returned label: `true` for 5 terms, or a number of terms. */
  explain?: boolean | number;
  /** Multi-label only: one threshold for every label instead of the tuned per-label ones. */
  threshold?: number;
  /** Single-label linear models: the class mix to assume (default: the model's own default). */
  prior?: PriorChoice;
}

/** Facts about a trained model, stored in its file and shown by `/v1/models`. */
export interface ModelInfo {
  backend: string;
  task: LabelTask;
  labels: string[];
  createdAt: string;
  training: {
    papers: number;
    dataHash: string;
    seconds: number;
    options: Record<string, unknown>;
    /** Linear single-label models: the newest months whose class mix they assume (YYYYMM), or why none. */
    priorShift?: { papers: number; from: number; to: number } | { skipped: string };
  };
  /** Metrics on the validation split used for early stopping and calibration. */
  validation: Record<string, number | null>;
  quantized: boolean;
  /** What a user should know before trusting the model on their papers (shipped models carry one). */
  card?: ModelCard;
}

/**
 * Test scores per field and the training mix, measured on a time-split twin of the model (trained
 * the same way on the months before the test months), so a model trained on every month can ship
 * with honest numbers. A primary model's card scores its one answer; a multi-label model's, every
 * category it answers against every category a paper carries.
 */
export type ModelCard = PrimaryModelCard | MultiLabelModelCard;

interface CardCommon {
  /** One sentence: how and on what the numbers below were measured. */
  evaluation: string;
  testPapers: number;
  /**
   * Per category (the test's and the model's): training and test papers (primaries for a primary
   * model; every paper carrying it for a multi-label one) and precision, recall and F1 on the test.
   */
  categories: { code: string; name: string; group: string; trainPapers: number; testPapers: number; precision: number; recall: number; f1: number }[];
  limitations: string[];
}

export interface PrimaryModelCard extends CardCommon {
  /** Absent in files written before multi-label models had cards. */
  task?: 'primary';
  overall: { top1: number; top5: number; macroF1: number; groupAccuracy: number };
  /** Per top-level group: papers in training and test, and how often the top answer is right. */
  groups: { code: string; name: string; trainShare: number; testPapers: number; top1: number; groupAccuracy: number }[];
  /** The trade-off of each `prior` choice on the same test. */
  priors: { prior: string; top1: number; macroF1: number; neverPredicted: number; groups: Record<string, number> }[];
}

export interface MultiLabelModelCard extends CardCommon {
  task: 'multilabel';
  /** Micro- and samples-F1 over all answers, the share of papers whose first answer they carry, macro-F1 over categories. */
  overall: { microF1: number; samplesF1: number; precisionAt1: number; macroF1: number };
  /**
   * Per top-level group, its categories' answers pooled: the share of them right (precision) and
   * of the group's categories carried by test papers found (recall); `testLabels` counts those
   * (a paper carrying two of the group's categories counts twice).
   */
  groups: { code: string; name: string; trainShare: number; testLabels: number; precision: number; recall: number; f1: number }[];
}

/**
 * The one protocol every backend implements (Annif-style): the same verbs behind the CLI, the
 * library, evaluation and the HTTP API. A remote LLM or an ONNX session can only answer
 * asynchronously, so the protocol is async; a model that answers in-process (our linear models)
 * adds the synchronous fast path (`SyncPath`), which callers take through `hasSyncPath`.
 */
export interface Classifier extends Partial<SyncPath> {
  readonly info: ModelInfo;
  readonly labels: readonly string[];
  /** How test labels map onto this backend's classes (see src/corpus/labels.ts). */
  readonly scheme: LabelSchemeJSON;
  /** Multi-label only: tuned per-label thresholds, when the backend has them. */
  readonly thresholds?: Float32Array | null;
  /** n × C probabilities, row-major: softmax for single-label tasks, sigmoids for multi-label; `prior` as in PredictOptions. */
  predictProbaAsync(papers: readonly PaperText[], options?: Pick<PredictOptions, 'prior'>): Promise<Float32Array>;
  predictBatchAsync(papers: readonly PaperText[], options?: PredictOptions): Promise<Prediction[]>;
  /** Counters worth showing after a run (tokens, cost, cache hits, unparsed answers). */
  usage?(): Record<string, number>;
  /** One line for the end of a run, or undefined when there is nothing to say. */
  usageLine?(): string | undefined;
  close?(): Promise<void>;
}

/** The same answers without waiting, for models that compute them in-process. */
export interface SyncPath {
  /** As `predictProbaAsync`. */
  predictProba(papers: readonly PaperText[], options?: Pick<PredictOptions, 'prior'>): Float32Array;
  predict(paper: PaperText, options?: PredictOptions): Prediction;
  predictBatch(papers: readonly PaperText[], options?: PredictOptions): Prediction[];
}

export function hasSyncPath(model: Classifier): model is Classifier & SyncPath {
  return typeof model.predictProba === 'function' && typeof model.predict === 'function' && typeof model.predictBatch === 'function';
}
