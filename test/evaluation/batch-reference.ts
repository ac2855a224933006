/**
 * The all-in-memory evaluation that evaluate.ts computed before it streamed (kept verbatim, but for
 * its imports and the latency argument): it holds every paper's labels and an n × (C + 2) matrix.
 * The streaming accumulator must give the same numbers to the last bit; the tests compare the two.
 */
import { labelsOf, schemeFromJSON } from '../../src/corpus/labels.js';
import type { PaperRecord } from '../../src/corpus/record.js';
import { describeLabel } from '../../src/models/labels-info.js';
import {
  accuracy,
  argmaxRows,
  confusionMatrix,
  expectedCalibrationError,
  groupedAccuracy,
  inCategoryP1,
  topGroups,
  logLoss,
  multilabelMetrics,
  ndcgAtK,
  precisionAtK,
  precisionRecallF1,
  recallAtK,
  reliabilityBins,
  topConfusions,
  topKAccuracy,
  type PerClassScores,
} from '../../src/evaluation/metrics.js';
import {
  NO_ANSWER_LABEL,
  OTHER_ROW,
  UNSEEN_LABEL,
  type ClassReportRow,
  type ConfusionExample,
  type ConfusionView,
  type DetailedEvaluation,
  type ClassifierLabels,
  type EvaluateOptions,
  type GroupConfusion,
  type MultiLabelEvaluation,
  type ReliabilityBin,
  type SingleLabelEvaluation,
  type WorstConfusion,
} from '../../src/evaluation/evaluate.js';
import type { LatencyStats } from '../../src/evaluation/latency.js';

const UNSEEN_GROUP_KEY = '\u0000unseen';
const NO_ANSWER_GROUP_KEY = '\u0000no-answer';

function latencyFields(latency: LatencyStats): { latencyP50Ms?: number; latencyP99Ms?: number } {
  return latency.calls > 0 ? { latencyP50Ms: latency.p50Ms, latencyP99Ms: latency.p99Ms } : {};
}

/** Top-k over the C real classes, papers with an unseen label or no answer counted as misses. */
function seenTopK(yTrue: Int32Array, yPred: Int32Array, proba: Float32Array, C: number, k: number): number {
  const n = yTrue.length;
  // A paper with no answer (yPred beyond the classes) misses too, whatever ties its zeros make.
  const scored = (i: number) => yTrue[i]! < C && yPred[i]! < C;
  let seen = 0;
  for (let i = 0; i < n; i++) if (scored(i)) seen++;
  if (seen === 0) return 0;
  if (seen === n) return topKAccuracy(yTrue, proba, C, Math.min(k, C));
  const t = new Int32Array(seen);
  const p = new Float32Array(seen * C);
  for (let i = 0, j = 0; i < n; i++) {
    if (!scored(i)) continue;
    t[j] = yTrue[i]!;
    p.set(proba.subarray(i * C, (i + 1) * C), j * C);
    j++;
  }
  return (topKAccuracy(t, p, C, Math.min(k, C)) * seen) / n;
}

function archiveKey(label: string): string {
  const dot = label.indexOf('.');
  return dot < 0 ? label : label.slice(0, dot);
}

export function batchScores(model: ClassifierLabels, papers: readonly PaperRecord[], proba: Float32Array, seconds: number, latency: LatencyStats, options: EvaluateOptions): DetailedEvaluation {
  const scheme = schemeFromJSON(model.scheme);
  const C = model.labels.length;
  const papersPerSecond = papers.length / Math.max(seconds, 1e-9);
  const n = papers.length;
  const labels = papers.map((p) => labelsOf(p, scheme));
  const describe = (label: string) => describeLabel(label, model.scheme.task);

  if (model.scheme.task === 'multilabel') {
    const truth = new Uint8Array(n * C);
    const pred = new Uint8Array(n * C);
    const thresholds = model.thresholds ?? null;
    let primaryHit = 0;
    let primaryTop5 = 0;
    for (let i = 0; i < n; i++) {
      for (const l of labels[i]!) truth[i * C + l] = 1;
      let best = 0;
      let any = false;
      for (let c = 0; c < C; c++) {
        const p = proba[i * C + c]!;
        if (p > proba[i * C + best]!) best = c;
        if (p >= (thresholds ? thresholds[c]! : 0.5)) {
          pred[i * C + c] = 1;
          any = true;
        }
      }
      // The model never answers with an empty set (see Prediction.labels); score what it returns.
      // An all-zero row is a backend with no answer: nothing predicted, nothing right.
      const answered = proba[i * C + best]! > 0;
      if (!any && answered) pred[i * C + best] = 1;
      const mapped = scheme.map(papers[i]!.primary);
      const primary = mapped === undefined ? -1 : scheme.indexOf(mapped);
      if (primary >= 0 && answered) {
        if (best === primary) primaryHit++;
        // Ties rank the higher index first, as scikit-learn's top_k_accuracy_score does.
        const py = proba[i * C + primary]!;
        let rank = 0;
        for (let c = 0; c < C; c++) if (proba[i * C + c]! > py || (proba[i * C + c]! === py && c > primary)) rank++;
        if (rank < 5) primaryTop5++;
      }
    }
    const m = multilabelMetrics(truth, pred, n, C);
    const predSum = new Int32Array(C);
    const tp = new Int32Array(C);
    for (let i = 0; i < n * C; i++) {
      if (pred[i]) {
        predSum[i % C]!++;
        if (truth[i]) tp[i % C]!++;
      }
    }
    const summary: MultiLabelEvaluation = {
      task: 'multilabel',
      n,
      microF1: m.micro.f1,
      macroF1: m.macro.f1,
      samplesF1: m.samples.f1,
      precision: m.micro.precision,
      recall: m.micro.recall,
      macroPrecision: m.macro.precision,
      macroRecall: m.macro.recall,
      samplesPrecision: m.samples.precision,
      samplesRecall: m.samples.recall,
      hammingLoss: m.hammingLoss,
      subsetAccuracy: m.subsetAccuracy,
      precisionAt1: precisionAtK(truth, proba, n, C, 1),
      precisionAt3: precisionAtK(truth, proba, n, C, 3),
      precisionAt5: precisionAtK(truth, proba, n, C, 5),
      recallAt1: recallAtK(truth, proba, n, C, 1),
      recallAt3: recallAtK(truth, proba, n, C, 3),
      recallAt5: recallAtK(truth, proba, n, C, 5),
      ndcgAt1: ndcgAtK(truth, proba, n, C, 1),
      ndcgAt3: ndcgAtK(truth, proba, n, C, 3),
      ndcgAt5: ndcgAtK(truth, proba, n, C, 5),
      predictedCardinality: m.predictedCardinality,
      trueCardinality: m.trueCardinality,
      accuracy: n ? primaryHit / n : 0,
      top5: n ? primaryTop5 / n : 0,
      papersPerSecond,
      ...latencyFields(latency),
    };
    const classes = classRows(model.labels, describe, m.perLabel, predSum, tp);
    return { summary, details: { classes, confusion: null, groupConfusions: null, reliability: null, worstConfusions: [], latency } };
  }

  // Two extra classes, never right: C, the truth of papers whose label the model never saw (so they
  // are scored, not dropped), and C + 1, the prediction of a row that is all zeros, which is how a
  // backend says it has no answer (an LLM reply that could not be read, a request that failed).
  const C1 = C + 2;
  const NO_ANSWER = C + 1;
  const padded = new Float32Array(n * C1);
  for (let i = 0; i < n; i++) {
    const row = proba.subarray(i * C, (i + 1) * C);
    padded.set(row, i * C1);
    if (!row.some((p) => p > 0)) padded[i * C1 + NO_ANSWER] = 1;
  }
  const yTrue = new Int32Array(n);
  let unseen = 0;
  for (let i = 0; i < n; i++) {
    const l = labels[i]![0];
    if (l === undefined) {
      yTrue[i] = C;
      unseen++;
    } else yTrue[i] = l;
  }
  const yPred = argmaxRows(padded, C1);
  const prf = precisionRecallF1(yTrue, yPred, C1);
  // arXiv's own metric: the top prediction is any of the paper's categories (mapped to this scheme).
  const offsets = new Int32Array(n + 1);
  const all: number[] = [];
  for (let i = 0; i < n; i++) {
    const set = new Set<number>();
    for (const code of papers[i]!.categories) {
      const mapped = scheme.map(code);
      if (mapped !== undefined) set.add(scheme.indexOf(mapped));
    }
    if (labels[i]![0] !== undefined) set.add(labels[i]![0]!);
    all.push(...set);
    offsets[i + 1] = all.length;
  }
  const groupOfClass = (mapper: (label: string) => string) => {
    const keys = new Map<string, number>();
    const out = new Int32Array(C1);
    for (let c = 0; c < C1; c++) {
      const key = c === C ? UNSEEN_GROUP_KEY : c === NO_ANSWER ? NO_ANSWER_GROUP_KEY : mapper(model.labels[c]!);
      if (!keys.has(key)) keys.set(key, keys.size);
      out[c] = keys.get(key)!;
    }
    return { map: out, count: keys.size, keys };
  };
  const groups = groupOfClass((l) => describe(l).group);
  // Each paper's groups, from all its categories (a category the model never predicts still names a group).
  const groupOffsets = new Int32Array(n + 1);
  const groupIndices: number[] = [];
  for (let i = 0; i < n; i++) {
    // The true class's own group too: a paper folded into "other" is right when "other" is predicted.
    const set = new Set<number>([groups.map[yTrue[i]!]!]);
    for (const code of papers[i]!.categories) {
      const g = groups.keys.get(describe(code).group);
      if (g !== undefined) set.add(g);
    }
    groupIndices.push(...set);
    groupOffsets[i + 1] = groupIndices.length;
  }
  const archives = groupOfClass(archiveKey);
  const predictedGroups = topGroups(padded, C1, groups.map, groups.count);
  const summary: SingleLabelEvaluation = {
    task: model.scheme.task === 'group' ? 'group' : 'primary',
    n,
    // The same predictions as the confusion matrix and F1 (ties to the lower index).
    accuracy: accuracy(yTrue, yPred),
    top1: accuracy(yTrue, yPred),
    top3: seenTopK(yTrue, yPred, proba, C, 3),
    top5: seenTopK(yTrue, yPred, proba, C, 5),
    top10: seenTopK(yTrue, yPred, proba, C, 10),
    macroF1: prf.macro.f1,
    microF1: prf.micro.f1,
    weightedF1: prf.weighted.f1,
    macroPrecision: prf.macro.precision,
    macroRecall: prf.macro.recall,
    weightedPrecision: prf.weighted.precision,
    weightedRecall: prf.weighted.recall,
    inCategoryP1: inCategoryP1(yPred, offsets, Int32Array.from(all)),
    groupAccuracy: groupedAccuracy(yTrue, padded, C1, groups.map, groups.count),
    anyGroupAccuracy: inCategoryP1(predictedGroups, groupOffsets, Int32Array.from(groupIndices)),
    archiveAccuracy: groupedAccuracy(yTrue, padded, C1, archives.map, archives.count),
    ece: expectedCalibrationError(yTrue, padded, C1, options.reliabilityBins ?? 15),
    logLoss: logLoss(yTrue, padded, C1),
    unseenLabel: unseen,
    papersPerSecond,
    ...latencyFields(latency),
  };

  const names = [...model.labels, UNSEEN_LABEL, NO_ANSWER_LABEL];
  const describeOrUnseen = (label: string) =>
    label === UNSEEN_LABEL ? { name: 'Label the model never saw', group: '' } : label === NO_ANSWER_LABEL ? { name: 'No answer from the model', group: '' } : describe(label);
  const cm = confusionMatrix(yTrue, yPred, C1);
  const predSum = new Int32Array(C1);
  const tp = new Int32Array(C1);
  for (let i = 0; i < n; i++) {
    predSum[yPred[i]!]!++;
    if (yPred[i] === yTrue[i]) tp[yTrue[i]!]!++;
  }
  const classes = classRows(names, describeOrUnseen, prf.perClass, predSum, tp);
  const rel = reliabilityBins(yTrue, padded, C1, options.reliabilityBins ?? 15);
  const reliability: ReliabilityBin[] = [...rel.count].map((count, b) => ({
    lower: rel.edges[b]!,
    upper: rel.edges[b + 1]!,
    count,
    confidence: rel.meanConfidence[b]!,
    accuracy: rel.accuracy[b]!,
  }));
  const worst = topConfusions(cm, C1, options.worstConfusions ?? 15);
  const examples = confusionExamples(worst, papers, yTrue, yPred, padded, C1, options.examplesPerConfusion ?? 3);
  const worstConfusions: WorstConfusion[] = worst.map((w, q) => ({
    trueLabel: names[w.trueClass]!,
    predictedLabel: names[w.predictedClass]!,
    count: w.count,
    shareOfTrue: w.count / prf.perClass.support[w.trueClass]!,
    examples: examples[q]!,
  }));
  const groupNames = [...groups.keys.keys()].map((k) => (k === UNSEEN_GROUP_KEY ? UNSEEN_LABEL : k === NO_ANSWER_GROUP_KEY ? NO_ANSWER_LABEL : k));
  const groupConfusions = confusedGroups(yTrue, predictedGroups, groups.map, groupNames, groupOffsets, groupIndices);
  return {
    summary,
    details: { classes, confusion: confusionView(cm, prf.perClass.support, names, options.confusionTop ?? 20), groupConfusions, reliability, worstConfusions, latency },
  };
}

/** Off-diagonal cells of the group confusion matrix, with how many of each a cross-list explains. */
function confusedGroups(yTrue: Int32Array, predicted: Int32Array, groupOfClass: Int32Array, names: readonly string[], offsets: Int32Array, paperGroups: readonly number[]): GroupConfusion[] {
  const G = names.length;
  const count = new Int32Array(G * G);
  const listed = new Int32Array(G * G);
  let errors = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const t = groupOfClass[yTrue[i]!]!;
    const p = predicted[i]!;
    if (t === p) continue;
    errors++;
    count[t * G + p]!++;
    for (let q = offsets[i]!; q < offsets[i + 1]!; q++) {
      if (paperGroups[q] === p) {
        listed[t * G + p]!++;
        break;
      }
    }
  }
  const out: GroupConfusion[] = [];
  for (let t = 0; t < G; t++) {
    for (let p = 0; p < G; p++) {
      const c = count[t * G + p]!;
      if (c > 0) out.push({ trueGroup: names[t]!, predictedGroup: names[p]!, count: c, shareOfErrors: c / errors, crossListed: listed[t * G + p]! });
    }
  }
  // out is already in (true, predicted) index order, and the sort is stable: ties keep it.
  return out.sort((a, b) => b.count - a.count);
}

/** Rows for every class that occurs in the test set or is predicted, best supported first. */
function classRows(
  names: readonly string[],
  describe: (label: string) => { name: string; group: string },
  scores: PerClassScores,
  predSum: Int32Array,
  tp: Int32Array,
): ClassReportRow[] {
  const rows: ClassReportRow[] = [];
  for (let c = 0; c < names.length; c++) {
    if (scores.support[c] === 0 && predSum[c] === 0) continue;
    const info = describe(names[c]!);
    rows.push({
      code: names[c]!,
      name: info.name,
      group: info.group,
      support: scores.support[c]!,
      predicted: predSum[c]!,
      correct: tp[c]!,
      precision: scores.precision[c]!,
      recall: scores.recall[c]!,
      f1: scores.f1[c]!,
    });
  }
  rows.sort((a, b) => b.support - a.support || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  return rows;
}

/** The `top` classes by support (ties by index) as rows and columns, everything else pooled. */
function confusionView(cm: Int32Array, support: Int32Array, names: readonly string[], top: number): ConfusionView {
  const C = names.length;
  const order = [...names.keys()].filter((c) => support[c]! > 0);
  order.sort((a, b) => support[b]! - support[a]! || a - b);
  const kept = order.slice(0, Math.max(0, top));
  const slot = new Int32Array(C).fill(kept.length);
  kept.forEach((c, q) => (slot[c] = q));
  const pooled = kept.length < C;
  const size = kept.length + (pooled ? 1 : 0);
  const counts = Array.from({ length: size }, () => new Array<number>(size).fill(0));
  for (let t = 0; t < C; t++) {
    for (let p = 0; p < C; p++) {
      const v = cm[t * C + p]!;
      if (v) counts[slot[t]!]![slot[p]!]! += v;
    }
  }
  const labels = kept.map((c) => names[c]!);
  if (pooled) labels.push(OTHER_ROW);
  return { labels, counts };
}

/** For each confusion, the papers it contains that the model was surest about. */
function confusionExamples(
  pairs: readonly { trueClass: number; predictedClass: number }[],
  papers: readonly PaperRecord[],
  yTrue: Int32Array,
  yPred: Int32Array,
  proba: Float32Array,
  C: number,
  perPair: number,
): ConfusionExample[][] {
  const index = new Map<number, number>();
  pairs.forEach((p, q) => index.set(p.trueClass * C + p.predictedClass, q));
  const found: { i: number; probability: number }[][] = pairs.map(() => []);
  for (let i = 0; i < yTrue.length; i++) {
    const q = index.get(yTrue[i]! * C + yPred[i]!);
    if (q !== undefined) found[q]!.push({ i, probability: proba[i * C + yPred[i]!]! });
  }
  return found.map((list) =>
    list
      .sort((a, b) => b.probability - a.probability || a.i - b.i)
      .slice(0, perPair)
      .map(({ i, probability }) => ({ id: papers[i]!.id, title: papers[i]!.title, probability })),
  );
}
