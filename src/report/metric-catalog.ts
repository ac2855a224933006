/**
 * How each headline metric of an evaluation is named and shown, in one place so the text, HTML,
 * Markdown and comparison views agree. Keys are the JSON keys of `Evaluation`.
 */

export type MetricKind = 'rate' | 'score' | 'count' | 'ms' | 'perSecond';

export interface MetricInfo {
  key: string;
  label: string;
  kind: MetricKind;
  /** Which direction is better, for highlighting the best model in a comparison. */
  better: 'higher' | 'lower' | null;
  help?: string;
}

const m = (key: string, label: string, kind: MetricKind, better: MetricInfo['better'], help?: string): MetricInfo => ({ key, label, kind, better, ...(help ? { help } : {}) });

export const METRICS: readonly MetricInfo[] = [
  m('n', 'papers', 'count', null),
  m('accuracy', 'accuracy (top-1)', 'rate', 'higher'),
  m('top3', 'top-3 accuracy', 'rate', 'higher'),
  m('top5', 'top-5 accuracy', 'rate', 'higher'),
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
  m('precision', 'micro precision', 'score', 'higher'),
  m('recall', 'micro recall', 'score', 'higher'),
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
  m('ece', 'expected calibration error', 'score', 'lower', 'top-label ECE, 15 equal-width bins'),
  m('logLoss', 'log loss', 'score', 'lower'),
  m('unseenLabel', 'papers with an unseen label', 'count', null),
  m('papersPerSecond', 'throughput (papers/s, batch)', 'perSecond', 'higher'),
  m('latencyP50Ms', 'latency p50 (ms, one paper)', 'ms', 'lower'),
  m('latencyP99Ms', 'latency p99 (ms, one paper)', 'ms', 'lower'),
];

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
      return v.toFixed(3);
    case 'perSecond':
      return v >= 100 ? v.toFixed(0) : v.toFixed(1);
  }
}

/** What the reports' group-confusion table counts (HTML and Markdown). */
export const GROUP_CONFUSIONS_NOTE =
  'Papers whose predicted group (probabilities summed per group) was not the group of their primary category. "Cross-listed" counts those with a category in the predicted group: the errors that group accuracy with cross-lists forgives.';
