/**
 * Every metric's name and how it is shown, in one place, so that reports, comparisons, side-by-side
 * tables, experiments and tuning agree. Keys are the JSON keys of `Evaluation` (and of an
 * experiment's results, for the few only experiments report).
 */
import type { Evaluation } from './evaluation.js';

export type MetricKind = 'rate' | 'score' | 'count' | 'ms' | 'seconds' | 'perSecond';

export interface MetricInfo {
  key: string;
  label: string;
  kind: MetricKind;
  /** Which direction is better, for highlighting the best model in a comparison. */
  better: 'higher' | 'lower' | null;
  /** The label in narrow tables (side-by-side, experiments); the full label where absent. */
  short?: string;
  help?: string;
}

const m = (key: string, label: string, kind: MetricKind, better: MetricInfo['better'], help?: string, short?: string): MetricInfo => ({ key, label, kind, better, ...(short ? { short } : {}), ...(help ? { help } : {}) });

export const METRICS: readonly MetricInfo[] = [
  m('n', 'papers', 'count', null),
  m('accuracy', 'accuracy (top-1)', 'rate', 'higher', undefined, 'accuracy'),
  m('top3', 'top-3 accuracy', 'rate', 'higher'),
  m('top5', 'top-5 accuracy', 'rate', 'higher', undefined, 'top-5'),
  m('top10', 'top-10 accuracy', 'rate', 'higher'),
  m('inCategoryP1', 'in-category P@1', 'rate', 'higher', "top prediction is any of the paper's categories (arXiv's own metric)"),
  m('archiveAccuracy', 'archive accuracy', 'rate', 'higher', 'probabilities summed per archive (cond-mat, math, cs, …)'),
  m('groupAccuracy', 'group accuracy', 'rate', 'higher', 'probabilities summed per top-level group'),
  m('anyGroupAccuracy', 'group accuracy, cross-lists count', 'rate', 'higher', "predicted group is the group of any of the paper's categories"),
  m('macroF1', 'macro-F1', 'score', 'higher'),
  m('weightedF1', 'weighted-F1', 'score', 'higher'),
  m('microF1', 'micro-F1', 'score', 'higher'),
  m('macroPrecision', 'macro precision', 'score', 'higher'),
  m('macroRecall', 'macro recall', 'score', 'higher'),
  m('weightedPrecision', 'weighted precision', 'score', 'higher'),
  m('weightedRecall', 'weighted recall', 'score', 'higher'),
  m('samplesF1', 'samples-F1', 'score', 'higher'),
  m('precision', 'micro precision', 'score', 'higher', undefined, 'precision'),
  m('recall', 'micro recall', 'score', 'higher', undefined, 'recall'),
  m('samplesPrecision', 'samples precision', 'score', 'higher'),
  m('samplesRecall', 'samples recall', 'score', 'higher'),
  m('hammingLoss', 'Hamming loss', 'score', 'lower'),
  m('subsetAccuracy', 'subset accuracy', 'rate', 'higher'),
  m('precisionAt1', 'P@1', 'score', 'higher'),
  m('precisionAt3', 'P@3', 'score', 'higher'),
  m('precisionAt5', 'P@5', 'score', 'higher'),
  m('recallAt1', 'R@1', 'score', 'higher'),
  m('recallAt3', 'R@3', 'score', 'higher'),
  m('recallAt5', 'R@5', 'score', 'higher'),
  m('ndcgAt1', 'NDCG@1', 'score', 'higher'),
  m('ndcgAt3', 'NDCG@3', 'score', 'higher'),
  m('ndcgAt5', 'NDCG@5', 'score', 'higher'),
  m('predictedCardinality', 'labels per paper (predicted)', 'score', null),
  m('trueCardinality', 'labels per paper (true)', 'score', null),
  m('ece', 'expected calibration error', 'score', 'lower', 'top-label ECE, 15 equal-width bins', 'ECE'),
  m('logLoss', 'log loss', 'score', 'lower'),
  m('unseenLabel', 'papers with an unseen label', 'count', null),
  m('papersPerSecond', 'throughput (papers/s, batch)', 'perSecond', 'higher', undefined, 'papers/s'),
  // Reported by experiments only.
  m('inferenceSeconds', 'inference seconds (whole test set)', 'seconds', 'lower', undefined, 'inference s'),
  m('elementAccuracy', 'element accuracy (label by label)', 'score', 'higher', undefined, 'element acc.'),
  m('microF1Tuned', 'micro-F1, thresholds tuned on validation', 'score', 'higher', undefined, 'micro-F1 (tuned thr.)'),
  m('latencyP50Ms', 'latency p50 (ms, one paper)', 'ms', 'lower'),
  m('latencyP99Ms', 'latency p99 (ms, one paper)', 'ms', 'lower'),
];

/** A metric in a view, with the view's own label where the catalogue's short one would mislead. */
export type ViewEntry = string | { key: string; label: string };

/**
 * The short views and the metrics each shows, in order. Reports and `compare` show every metric
 * an evaluation has; these list what the narrow views pick, so a new metric that belongs in one is
 * one more key here.
 */
export const METRIC_VIEWS = {
  /** `evaluate`'s text output, single-label models. */
  text: ['accuracy', 'top5', 'macroF1', 'weightedF1', 'inCategoryP1', 'groupAccuracy', 'ece', 'papersPerSecond'],
  /** `evaluate`'s text output, multi-label models. */
  textMultiLabel: ['microF1', 'samplesF1', 'macroF1', 'precision', 'recall', 'precisionAt1', { key: 'accuracy', label: 'primary top-1' }, 'papersPerSecond'],
  /** The side-by-side table of an ensemble and its members. */
  sideBySide: ['accuracy', 'top5', 'macroF1', 'weightedF1', 'microF1', 'samplesF1', 'groupAccuracy', 'ece', 'papersPerSecond'],
  /** The cards at the top of the HTML report. */
  headline: ['accuracy', 'top3', 'top5', 'top10', 'inCategoryP1', 'groupAccuracy', 'macroF1', 'weightedF1', 'microF1', 'samplesF1', 'precisionAt1', 'ece', 'papersPerSecond', 'latencyP50Ms'],
  /** What `tune` may maximise (higher is better for each). */
  tune: ['accuracy', 'top5', 'macroF1', 'weightedF1', 'microF1', 'samplesF1'],
} as const satisfies Record<string, readonly ViewEntry[]>;

/** A view's entries with their catalogue entries, labelled as the view labels them. */
export function viewMetrics(view: readonly ViewEntry[]): (MetricInfo & { viewLabel: string })[] {
  return view.map((e) => {
    const info = metricInfo(typeof e === 'string' ? e : e.key);
    return { ...info, viewLabel: typeof e === 'string' ? (info.short ?? info.label) : e.label };
  });
}

/** The catalogue's entry for a metric key. */
export function metricInfo(key: string): MetricInfo {
  const info = METRICS.find((x) => x.key === key);
  if (!info) throw new RangeError(`no metric named ${key} (known: ${METRICS.map((x) => x.key).join(', ')})`);
  return info;
}

/** A metric's label in narrow tables. */
export function shortLabel(key: string): string {
  const info = metricInfo(key);
  return info.short ?? info.label;
}

/** The metrics of METRICS that `summary` has, in catalogue order. */
export function metricsOf(summary: object): MetricInfo[] {
  return METRICS.filter((x) => typeof (summary as Record<string, unknown>)[x.key] === 'number');
}

export function formatMetric(kind: MetricKind, v: number): string {
  switch (kind) {
    case 'rate':
      return `${(v * 100).toFixed(2)}%`;
    case 'score':
      return v.toFixed(4);
    case 'count':
      return String(Math.round(v));
    case 'ms':
    case 'seconds':
      return v.toFixed(3);
    case 'perSecond':
      return v >= 100 ? v.toFixed(0) : v.toFixed(1);
  }
}

/** Metric `key` of an evaluation, or undefined where its task has no such number. */
export function metricValue(e: Evaluation, key: string): number | undefined {
  const v = (e as unknown as Record<string, unknown>)[key];
  return typeof v === 'number' ? v : undefined;
}
