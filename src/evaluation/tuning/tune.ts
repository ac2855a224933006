import { buildLabelScheme, labelsOf, schemeFromJSON, type LabelSchemeOptions } from '../../corpus/labels.js';
import { seededRng } from '../../corpus/random.js';
import type { PaperRecord } from '../../corpus/record.js';
import type { LinearModel } from '../../models/linear/linear.js';
import { trainLinear } from '../../models/linear/train.js';
import { UnlabelledValidationError } from '../../models/linear/train-plan.js';
import { DEFAULT_TRAIN_OPTIONS, epochsFor, type TrainOptions } from '../../models/linear/train-settings.js';
import { evaluate, type Evaluation } from '../evaluate.js';
import { METRIC_VIEWS, metricValue } from '../metric-catalog.js';
import { foldSplit, stratifiedFolds } from './folds.js';
import { DEFAULT_SEARCH_SPACE, defaultSettings, sampleSettings, type ParameterSpec, type TunedSettings } from './search-space.js';

/** What a search maximises, measured on the validation papers (or held-out folds). */
export const TUNE_METRICS = METRIC_VIEWS.tune;
export type TuneMetric = (typeof TUNE_METRICS)[number];

export interface TuneOptions {
  /** Label scheme, fixed for every trial and written to the best config. */
  scheme: Omit<LabelSchemeOptions, 'seed'>;
  seed: number;
  /** Wall-clock budget for the whole search. */
  budgetSeconds: number;
  maxTrials?: number;
  /** k ≥ 2: stratified k-fold cross-validation on the training papers instead of a valid set. */
  folds?: number;
  metric?: TuneMetric;
  threads?: number;
  /** Training options every trial uses as they are (what the user chose); the space searches the rest. */
  fixed?: Partial<TrainOptions>;
  space?: readonly ParameterSpec[];
  /** Called as each trial finishes (the CLI appends it to the JSONL log there). */
  onTrial?: (trial: TrialRecord) => void | Promise<void>;
  /** Milliseconds clock; tests pass a fake one. */
  now?: () => number;
}

export interface TrialRecord {
  trial: number;
  status: 'ok' | 'failed';
  settings: TunedSettings;
  metric: TuneMetric;
  /** Mean over folds (or the valid set's score); null when the trial failed. */
  score: number | null;
  foldScores: number[];
  seconds: number;
  /** Seconds since the search began, when the trial finished. */
  finishedAt: number;
  error?: string;
}

export interface TuneResult {
  trials: TrialRecord[];
  best: TrialRecord | null;
  /** The best settings as a `train --config` file: scheme, seed and tuned settings. */
  config: Partial<TrainOptions>;
  metric: TuneMetric;
  budgetSeconds: number;
  elapsedSeconds: number;
  /** Why the search ended: the next trial would not have finished in time, or maxTrials ran. */
  stoppedBecause: 'budget' | 'max-trials';
  /** Random draws passed over because their estimated time exceeded what was left. */
  skippedOverBudget: number;
}

/** Settings-independent work (reading terms, vectorising, calibrating) in units of one epoch; see docs/benchmarks.md phases. */
const OVERHEAD_EPOCHS = 3;
/** Cheaper draws tried before giving up when the next draw would overrun the budget. */
const REDRAWS = 20;

function scoreOf(ev: Evaluation, metric: TuneMetric): number {
  const v = metricValue(ev, metric);
  if (v === undefined) throw new RangeError(`metric ${metric} does not apply to ${ev.task === 'multilabel' ? 'multi-label' : 'single-label'} models`);
  return v;
}

function epochsOf(s: TunedSettings, base: Partial<TrainOptions>, papers: number): number {
  return epochsFor(s.epochs ?? base.epochs ?? DEFAULT_TRAIN_OPTIONS.epochs, papers);
}

/**
 * Random search over learner settings within a wall-clock budget. The first trial is the
 * learner's defaults, so the result is never worse than not tuning (on this validation data).
 * A trial starts only if its estimated time fits in what is left: seconds per epoch-unit are the
 * largest seen so far, times the draw's epochs plus a fixed overhead. The first trial has no
 * estimate and always runs. Each trial trains on `train` (the learner holds out its own 5 % for
 * early stopping) and is scored on `valid`, or on each held-out fold with `folds`.
 */
export async function tune(train: readonly PaperRecord[], valid: readonly PaperRecord[] | null, options: TuneOptions): Promise<TuneResult> {
  const now = options.now ?? (() => performance.now());
  const t0 = now();
  const elapsed = () => (now() - t0) / 1000;
  const metric = options.metric ?? (options.scheme.task === 'multilabel' ? 'microF1' : 'accuracy');
  const space = options.space ?? DEFAULT_SEARCH_SPACE;
  const folds = options.folds ?? 0;
  if (folds === 1 || folds < 0) throw new RangeError(`folds must be 0 (use the valid set) or >= 2, got ${folds}`);
  if (folds === 0 && (!valid || valid.length === 0)) throw new RangeError('tuning needs validation papers or folds >= 2');
  if (!(options.budgetSeconds > 0)) throw new RangeError(`time budget must be positive, got ${options.budgetSeconds}`);
  // Checked before the search, which would otherwise spend the whole budget scoring 0 on every trial.
  if (folds === 0 && valid) {
    const scheme = buildLabelScheme(train, options.scheme);
    if (!valid.some((p) => labelsOf(p, scheme).length > 0)) {
      const C = scheme.labels.length;
      throw new UnlabelledValidationError(`none of the ${valid.length} validation papers has a label among the ${C} classes of the training papers (${scheme.labels.slice(0, 5).join(', ')}${C > 5 ? ', …' : ''})`);
    }
  }
  const foldOf = folds >= 2 ? stratifiedFolds(train, folds, options.seed) : null;
  const base: Partial<TrainOptions> = { ...options.fixed, ...options.scheme, seed: options.seed };
  const run = { threads: options.threads };
  const rng = seededRng(options.seed ^ 0x7a11);

  const trials: TrialRecord[] = [];
  let secondsPerUnit = 0;
  let skipped = 0;
  let stoppedBecause: TuneResult['stoppedBecause'] = 'budget';

  // With --top, papers outside the kept classes are not part of the task: score without them.
  // Otherwise a held-out label the model never saw stays in, and counts as an error.
  const scored = (model: LinearModel, papers: readonly PaperRecord[]) => {
    if (options.scheme.top === undefined || options.scheme.task === 'multilabel') return papers;
    const scheme = schemeFromJSON(model.spec.scheme);
    return papers.filter((p) => labelsOf(p, scheme).length > 0);
  };
  const trial = async (settings: TunedSettings): Promise<number[]> => {
    const config = { ...base, ...settings };
    if (!foldOf) {
      const { model } = await trainLinear(train, null, config, () => {}, run);
      return [scoreOf((await evaluate(model, scored(model, valid!))).summary, metric)];
    }
    const scores: number[] = [];
    for (let f = 0; f < folds; f++) {
      const { train: tr, heldOut } = foldSplit(train, foldOf, f);
      const { model } = await trainLinear(tr, null, config, () => {}, run);
      scores.push(scoreOf((await evaluate(model, scored(model, heldOut))).summary, metric));
    }
    return scores;
  };

  for (let n = 0; ; n++) {
    if (options.maxTrials !== undefined && n >= options.maxTrials) {
      stoppedBecause = 'max-trials';
      break;
    }
    let settings: TunedSettings | null = n === 0 ? defaultSettings(space) : null;
    if (n > 0) {
      const left = options.budgetSeconds - elapsed();
      for (let r = 0; r < REDRAWS && settings === null; r++) {
        const candidate = sampleSettings(space, rng);
        if (secondsPerUnit * (epochsOf(candidate, base, train.length) + OVERHEAD_EPOCHS) <= left) settings = candidate;
        else skipped++;
      }
      if (settings === null) break;
    }
    const ts = now();
    let record: TrialRecord;
    try {
      const foldScores = await trial(settings!);
      const seconds = (now() - ts) / 1000;
      record = { trial: n + 1, status: 'ok', settings: settings!, metric, score: foldScores.reduce((a, b) => a + b, 0) / foldScores.length, foldScores, seconds, finishedAt: elapsed() };
    } catch (e) {
      // The defaults failing means the data cannot be trained on at all: no point searching.
      if (n === 0) throw e;
      record = { trial: n + 1, status: 'failed', settings: settings!, metric, score: null, foldScores: [], seconds: (now() - ts) / 1000, finishedAt: elapsed(), error: (e as Error).message };
    }
    secondsPerUnit = Math.max(secondsPerUnit, record.seconds / (epochsOf(record.settings, base, train.length) + OVERHEAD_EPOCHS));
    trials.push(record);
    await options.onTrial?.(record);
  }

  let best: TrialRecord | null = null;
  for (const t of trials) if (t.score !== null && (best === null || t.score > best.score!)) best = t;
  return {
    trials,
    best,
    config: { ...base, ...(best?.settings ?? {}) },
    metric,
    budgetSeconds: options.budgetSeconds,
    elapsedSeconds: Number(elapsed().toFixed(1)),
    stoppedBecause,
    skippedOverBudget: skipped,
  };
}
