import type { LabelSchemeOptions } from '../../corpus/labels.js';
import type { TrainOptions } from '../../models/linear/train-settings.js';
import type { TextVariant } from './text-variant.js';

/**
 * An experiment preset is plain data: which classes, which papers, how they are split, what the
 * learner reads, which numbers are reported and what the notebook reported. One runner
 * (`runExperiment`) executes every preset, so a new experiment is a new object, not new code.
 */

/** Numbers a preset can report. Names are also the keys of the result JSON. */
export type ExperimentMetric =
  /** Single-label: share of papers whose top class is right. */
  | 'accuracy'
  | 'top5'
  | 'weightedF1'
  | 'macroF1'
  /** Wall seconds to classify the test papers (one thread, model already loaded). */
  | 'inferenceSeconds'
  /** Multi-label at the preset's fixed threshold (no fallback label): micro-averaged F1. */
  | 'microF1'
  | 'samplesF1'
  /** Multi-label at the fixed threshold: share of paper × label cells predicted right. */
  | 'elementAccuracy'
  /** Multi-label at the fixed threshold: micro precision / recall. */
  | 'precision'
  | 'recall'
  /** Multi-label with the model's own tuned per-label thresholds (never an empty answer). */
  | 'microF1Tuned';

/** How the (possibly subsampled) corpus is divided. Random splits are stratified by primary category. */
export type SplitSpec =
  | {
      kind: 'random';
      /** Share of each class held out for test. */
      test: number;
      /** Share of each class for early stopping and calibration; absent → the learner's own 5 % of train. */
      valid?: number;
    }
  | {
      kind: 'time';
      /** First test month (YYMM, YYYYMM or YYYY-MM); absent → the month where the last `testShare` of papers begins. */
      before?: string;
      testShare: number;
      /** Share of the earlier papers held out as a same-period test set, to compare against. */
      inPeriodTest: number;
    };

export interface VariantSpec {
  /** Row name in the results table. */
  name: string;
  /** What the learner trains on. */
  train: TextVariant;
  /** What it is tested on; absent → the same as `train`. */
  test?: TextVariant;
  /** Numbers the notebook reported for this set-up, by metric. */
  reported?: Partial<Record<ExperimentMetric, number>>;
}

export type ExperimentExtra =
  /** sklearn-style classification report and confusion matrix of the first variant on the main test set. */
  | 'classificationReport'
  /** Per-label support, precision, recall, F1 with official names (multi-label, first variant). */
  | 'perLabel';

export interface ExperimentPreset {
  name: string;
  title: string;
  /** The seed notebook (file in shared/seeds) whose set-up this reproduces, if any. */
  notebook?: string;
  /** What the notebook used to get its numbers. */
  notebookModel?: string;
  /** Why our set-up differs from the notebook where it must, and anything the reader should know. */
  notes: string[];
  /** Label scheme; the seed comes from the run. */
  scheme: Omit<LabelSchemeOptions, 'seed'>;
  /** Before splitting, keep at most this many papers per class of the scheme (seeded). */
  perClass?: number;
  split: SplitSpec;
  /** Learner settings that differ from DEFAULT_TRAIN_OPTIONS. */
  train: Partial<Omit<TrainOptions, 'task' | 'top' | 'minCount' | 'balance' | 'seed'>>;
  /** Multi-label decision threshold for the fixed-threshold metrics. */
  threshold?: number;
  metrics: readonly ExperimentMetric[];
  variants: readonly VariantSpec[];
  /** The variant a one-line summary shows; the first with reported numbers when absent. */
  headline?: string;
  extras?: readonly ExperimentExtra[];
}
