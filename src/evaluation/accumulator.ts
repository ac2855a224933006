/**
 * Evaluation one paper at a time: every number, table and example a DetailedEvaluation holds,
 * accumulated from each paper's probability row as it is scored, so that a test set of millions of
 * papers is never held, neither as records nor as an n × classes matrix. What is kept grows with
 * the number of classes only: confusion counts (classes²), group confusions (groups²), reliability
 * bins, and for every pair of classes confused the few papers it was surest about (classes² ×
 * examplesPerConfusion, in practice far fewer: most pairs are never confused).
 *
 * Each sum is taken over the papers in the order they are added, exactly as the batch metrics in
 * metrics.ts take it, so the results are the same numbers to the last bit.
 */
import { labelsOf, schemeFromJSON, type LabelScheme, type PaperLabels } from '../corpus/labels.js';
import type { PaperRecord } from '../corpus/record.js';
import { describeLabel } from '../models/labels-info.js';
import type { LatencyStats } from './latency.js';
import {
  argmaxAt,
  clippedNll,
  MultilabelCounter,
  precisionRecallF1FromCounts,
  RankingCounter,
  ReliabilityCounter,
  topConfusions,
  topGroupAt,
  trueClassRank,
  type PerClassScores,
} from './metrics.js';
import type {
  ClassReportRow,
  ConfusionExample,
  ConfusionView,
  DetailedEvaluation,
  ClassifierLabels,
  EvaluateOptions,
  GroupConfusion,
  MultiLabelEvaluation,
  ReliabilityBin,
  SingleLabelEvaluation,
  WorstConfusion,
} from './evaluation.js';

/** What scoring needs of a paper: its labels, and its id and title should it become an example. */
export type ScoredPaper = PaperLabels & Pick<PaperRecord, 'id' | 'title'>;

/** The class test papers fall in when the model never saw their label. */
export const UNSEEN_LABEL = '(unseen)';
/** The predicted class of a paper the backend gave no answer for (an all-zero row). */
export const NO_ANSWER_LABEL = '(no answer)';
/** Pooled row/column of the confusion view. */
export const OTHER_ROW = '(rest)';
/** The group (and archive) key of the unseen-label class: no real group can be spelled so. */
const UNSEEN_GROUP_KEY = '\u0000unseen';
const NO_ANSWER_GROUP_KEY = '\u0000no-answer';

/** Accumulates a model's evaluation over papers added one at a time; `finish` gives the result. */
export interface EvaluationAccumulator {
  /** Papers added so far. */
  readonly n: number;
  /** Score `paper` by its probability row, proba[row·C .. row·C + C) for the model's C classes. */
  add(paper: ScoredPaper, proba: Float32Array, row: number): void;
  /** The evaluation of every paper added, `seconds` being the time spent predicting them. */
  finish(seconds: number, latency: LatencyStats): DetailedEvaluation;
}

export function evaluationAccumulator(model: ClassifierLabels, options: EvaluateOptions = {}): EvaluationAccumulator {
  return model.scheme.task === 'multilabel' ? new MultiLabelAccumulator(model) : new SingleLabelAccumulator(model, options);
}

function latencyFields(latency: LatencyStats): { latencyP50Ms?: number; latencyP99Ms?: number } {
  return latency.calls > 0 ? { latencyP50Ms: latency.p50Ms, latencyP99Ms: latency.p99Ms } : {};
}

function archiveKey(label: string): string {
  const dot = label.indexOf('.');
  return dot < 0 ? label : label.slice(0, dot);
}

/** Ranks of the multi-label top-k metrics. */
const RANKS = [1, 3, 5] as const;

class MultiLabelAccumulator implements EvaluationAccumulator {
  n = 0;
  private readonly scheme: LabelScheme;
  private readonly C: number;
  private readonly thresholds: Float32Array | null;
  private readonly counter: MultilabelCounter;
  private readonly ranking: RankingCounter[];
  private readonly truth: Uint8Array;
  private readonly pred: Uint8Array;
  private primaryHit = 0;
  private primaryTop5 = 0;

  constructor(private readonly model: ClassifierLabels) {
    this.scheme = schemeFromJSON(model.scheme);
    this.C = model.labels.length;
    this.thresholds = model.thresholds ?? null;
    this.counter = new MultilabelCounter(this.C);
    this.ranking = RANKS.map((k) => new RankingCounter(this.C, k));
    this.truth = new Uint8Array(this.C);
    this.pred = new Uint8Array(this.C);
  }

  add(paper: ScoredPaper, proba: Float32Array, row: number): void {
    const { C, truth, pred, thresholds, scheme } = this;
    const off = row * C;
    truth.fill(0);
    pred.fill(0);
    for (const l of labelsOf(paper, scheme)) truth[l] = 1;
    let best = 0;
    let any = false;
    for (let c = 0; c < C; c++) {
      const p = proba[off + c]!;
      if (p > proba[off + best]!) best = c;
      if (p >= (thresholds ? thresholds[c]! : 0.5)) {
        pred[c] = 1;
        any = true;
      }
    }
    // The model never answers with an empty set (see Prediction.labels); score what it returns.
    // An all-zero row is a backend with no answer: nothing predicted, nothing right.
    const answered = proba[off + best]! > 0;
    if (!any && answered) pred[best] = 1;
    const mapped = scheme.map(paper.primary);
    const primary = mapped === undefined ? -1 : scheme.indexOf(mapped);
    if (primary >= 0 && answered) {
      if (best === primary) this.primaryHit++;
      // Ties rank the higher index first, as scikit-learn's top_k_accuracy_score does.
      if (trueClassRank(proba, off, C, primary, 5) < 5) this.primaryTop5++;
    }
    this.counter.add(truth, pred);
    for (const r of this.ranking) r.add(truth, 0, proba, off);
    this.n++;
  }

  finish(seconds: number, latency: LatencyStats): DetailedEvaluation {
    const { n, model } = this;
    const m = this.counter.scores();
    const [at1, at3, at5] = this.ranking as [RankingCounter, RankingCounter, RankingCounter];
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
      precisionAt1: at1.precision,
      precisionAt3: at3.precision,
      precisionAt5: at5.precision,
      recallAt1: at1.recall,
      recallAt3: at3.recall,
      recallAt5: at5.recall,
      ndcgAt1: at1.ndcg,
      ndcgAt3: at3.ndcg,
      ndcgAt5: at5.ndcg,
      predictedCardinality: m.predictedCardinality,
      trueCardinality: m.trueCardinality,
      accuracy: n ? this.primaryHit / n : 0,
      top5: n ? this.primaryTop5 / n : 0,
      papersPerSecond: n / Math.max(seconds, 1e-9),
      ...latencyFields(latency),
    };
    const describe = (label: string) => describeLabel(label, model.scheme.task);
    const classes = classRows(model.labels, describe, m.perLabel, this.counter.predSum, this.counter.tp);
    return { summary, details: { classes, confusion: null, groupConfusions: null, reliability: null, worstConfusions: [], latency } };
  }
}

/** Classes folded into coarser keys (groups, archives), with the key of each of the C + 2 columns. */
interface Folding {
  /** Key index of each column. */
  map: Int32Array;
  keys: Map<string, number>;
  /** Scratch for topGroupAt. */
  sums: Float64Array;
}

/** One confused paper kept as an example: `at` is its position among the papers added. */
interface Example extends ConfusionExample {
  at: number;
}

class SingleLabelAccumulator implements EvaluationAccumulator {
  n = 0;
  private readonly scheme: LabelScheme;
  private readonly C: number;
  /**
   * Two extra columns, never right: C, the truth of papers whose label the model never saw (so they
   * are scored, not dropped), and C + 1, the prediction of a row that is all zeros, which is how a
   * backend says it has no answer (an LLM reply that could not be read, a request that failed).
   */
  private readonly C1: number;
  private readonly padded: Float32Array;
  /** confusion[true · C1 + predicted]. */
  private readonly confusion: Int32Array;
  private readonly groups: Folding;
  private readonly archives: Folding;
  /** Group index of each category code met (-1: a code in no group the model knows). */
  private readonly groupOfCode = new Map<string, number>();
  private readonly groupConfusion: Int32Array;
  /** Of groupConfusion's papers, those with a cross-list in the predicted group. */
  private readonly groupListed: Int32Array;
  private groupErrors = 0;
  private readonly reliability: ReliabilityCounter;
  private readonly examples = new Map<number, Example[]>();
  private readonly perPair: number;
  private hits = 0;
  private unseen = 0;
  /** Papers whose label the model saw and which it answered: the ones top-k is computed over. */
  private scored = 0;
  private readonly topKHits = new Int32Array(3);
  private inCategoryHits = 0;
  private groupHits = 0;
  private anyGroupHits = 0;
  private archiveHits = 0;
  private nllSum = 0;

  constructor(
    private readonly model: ClassifierLabels,
    private readonly options: EvaluateOptions,
  ) {
    this.scheme = schemeFromJSON(model.scheme);
    this.C = model.labels.length;
    this.C1 = this.C + 2;
    this.padded = new Float32Array(this.C1);
    this.confusion = new Int32Array(this.C1 * this.C1);
    this.groups = this.fold((l) => describeLabel(l, model.scheme.task).group);
    this.archives = this.fold(archiveKey);
    const G = this.groups.keys.size;
    this.groupConfusion = new Int32Array(G * G);
    this.groupListed = new Int32Array(G * G);
    this.reliability = new ReliabilityCounter(options.reliabilityBins ?? 15);
    this.perPair = options.examplesPerConfusion ?? 3;
  }

  private fold(keyOf: (label: string) => string): Folding {
    const keys = new Map<string, number>();
    const map = new Int32Array(this.C1);
    for (let c = 0; c < this.C1; c++) {
      const key = c === this.C ? UNSEEN_GROUP_KEY : c === this.C + 1 ? NO_ANSWER_GROUP_KEY : keyOf(this.model.labels[c]!);
      if (!keys.has(key)) keys.set(key, keys.size);
      map[c] = keys.get(key)!;
    }
    return { map, keys, sums: new Float64Array(keys.size) };
  }

  add(paper: ScoredPaper, proba: Float32Array, row: number): void {
    const { C, C1, padded, scheme } = this;
    const off = row * C;
    let answered = false;
    for (let c = 0; c < C; c++) {
      const p = proba[off + c]!;
      padded[c] = p;
      if (p > 0) answered = true;
    }
    padded[C] = 0;
    padded[C + 1] = answered ? 0 : 1;
    const label = labelsOf(paper, scheme)[0];
    const yTrue = label === undefined ? C : label;
    if (label === undefined) this.unseen++;
    const yPred = argmaxAt(padded, 0, C1);
    this.confusion[yTrue * C1 + yPred]!++;
    if (yPred === yTrue) this.hits++;

    // Top-k over the model's C classes as scikit-learn's top_k_accuracy_score counts it, with
    // papers whose label the model never saw as misses. Not over the padded row: there the unseen
    // class's 0 outranks every other 0 by index, so a one-hot row (an LLM's answer) would make an
    // unseen paper a top-3 hit. A paper with no answer misses too, whatever ties its zeros make.
    if (yTrue < C && yPred < C) {
      this.scored++;
      for (let q = 0; q < TOP_K.length; q++) {
        const k = Math.min(TOP_K[q]!, C);
        if (trueClassRank(proba, off, C, yTrue, k) < k) this.topKHits[q]!++;
      }
    }

    // arXiv's own metric: the top prediction is any of the paper's categories (mapped to this scheme).
    let inCategory = yPred === label;
    for (let q = 0; q < paper.categories.length && !inCategory; q++) {
      const mapped = scheme.map(paper.categories[q]!);
      if (mapped !== undefined && scheme.indexOf(mapped) === yPred) inCategory = true;
    }
    if (inCategory) this.inCategoryHits++;

    const g = this.groups;
    const trueGroup = g.map[yTrue]!;
    const predictedGroup = topGroupAt(padded, 0, C1, g.map, g.sums);
    if (predictedGroup === trueGroup) this.groupHits++;
    // The paper's groups come from all its categories (one the model never predicts still names a
    // group), and its true class's own group: a paper folded into "other" is right when "other" is.
    let listed = false;
    for (let q = 0; q < paper.categories.length && !listed; q++) if (this.groupOf(paper.categories[q]!) === predictedGroup) listed = true;
    if (predictedGroup === trueGroup || listed) this.anyGroupHits++;
    if (predictedGroup !== trueGroup) {
      const G = g.keys.size;
      this.groupErrors++;
      this.groupConfusion[trueGroup * G + predictedGroup]!++;
      if (listed) this.groupListed[trueGroup * G + predictedGroup]!++;
    }
    const a = this.archives;
    if (topGroupAt(padded, 0, C1, a.map, a.sums) === a.map[yTrue]) this.archiveHits++;

    const confidence = padded[yPred]!;
    this.reliability.add(confidence, yPred === yTrue);
    this.nllSum += clippedNll(padded[yTrue]!);
    if (yPred !== yTrue) this.keepExample(yTrue * C1 + yPred, { id: paper.id, title: paper.title, probability: confidence, at: this.n });
    this.n++;
  }

  private groupOf(code: string): number {
    let g = this.groupOfCode.get(code);
    if (g === undefined) {
      g = this.groups.keys.get(describeLabel(code, this.model.scheme.task).group) ?? -1;
      this.groupOfCode.set(code, g);
    }
    return g;
  }

  /**
   * Keep the perPair papers of a confusion the model was surest about, earlier papers first among
   * equals. Papers arrive in order, so a newcomer displaces a kept one only when strictly surer.
   */
  private keepExample(pair: number, example: Example): void {
    if (this.perPair <= 0) return;
    let list = this.examples.get(pair);
    if (!list) this.examples.set(pair, (list = []));
    if (list.length === this.perPair) {
      if (!(example.probability > list[list.length - 1]!.probability)) return;
      list.pop();
    }
    let at = list.length;
    while (at > 0 && example.probability > list[at - 1]!.probability) at--;
    list.splice(at, 0, example);
  }

  finish(seconds: number, latency: LatencyStats): DetailedEvaluation {
    const { n, C1, model, confusion } = this;
    const tp = new Int32Array(C1);
    const predSum = new Int32Array(C1);
    const trueSum = new Int32Array(C1);
    for (let t = 0; t < C1; t++) {
      for (let p = 0; p < C1; p++) {
        const v = confusion[t * C1 + p]!;
        trueSum[t]! += v;
        predSum[p]! += v;
      }
      tp[t] = confusion[t * C1 + t]!;
    }
    const prf = precisionRecallF1FromCounts(tp, predSum, trueSum);
    const rate = (hits: number) => (n ? hits / n : 0);
    const topK = (q: number) => {
      const hits = this.topKHits[q]!;
      const seen = this.scored;
      // As the batch computation took it: the rate over the scored papers, scaled to all of them.
      return seen === 0 ? 0 : seen === n ? hits / n : ((hits / seen) * seen) / n;
    };
    const summary: SingleLabelEvaluation = {
      task: model.scheme.task === 'group' ? 'group' : 'primary',
      n,
      // The same predictions as the confusion matrix and F1 (ties to the lower index).
      accuracy: rate(this.hits),
      top1: rate(this.hits),
      top3: topK(0),
      top5: topK(1),
      top10: topK(2),
      macroF1: prf.macro.f1,
      microF1: prf.micro.f1,
      weightedF1: prf.weighted.f1,
      macroPrecision: prf.macro.precision,
      macroRecall: prf.macro.recall,
      weightedPrecision: prf.weighted.precision,
      weightedRecall: prf.weighted.recall,
      inCategoryP1: rate(this.inCategoryHits),
      groupAccuracy: rate(this.groupHits),
      anyGroupAccuracy: rate(this.anyGroupHits),
      archiveAccuracy: rate(this.archiveHits),
      ece: this.reliability.ece(),
      logLoss: n ? this.nllSum / n : 0,
      unseenLabel: this.unseen,
      papersPerSecond: n / Math.max(seconds, 1e-9),
      ...latencyFields(latency),
    };

    const names = [...model.labels, UNSEEN_LABEL, NO_ANSWER_LABEL];
    const describeOrUnseen = (label: string) =>
      label === UNSEEN_LABEL ? { name: 'Label the model never saw', group: '' } : label === NO_ANSWER_LABEL ? { name: 'No answer from the model', group: '' } : describeLabel(label, model.scheme.task);
    const classes = classRows(names, describeOrUnseen, prf.perClass, predSum, tp);
    const rel = this.reliability.bins();
    const reliability: ReliabilityBin[] = [...rel.count].map((count, b) => ({
      lower: rel.edges[b]!,
      upper: rel.edges[b + 1]!,
      count,
      confidence: rel.meanConfidence[b]!,
      accuracy: rel.accuracy[b]!,
    }));
    const worstConfusions: WorstConfusion[] = topConfusions(confusion, C1, this.options.worstConfusions ?? 15).map((w) => ({
      trueLabel: names[w.trueClass]!,
      predictedLabel: names[w.predictedClass]!,
      count: w.count,
      shareOfTrue: w.count / prf.perClass.support[w.trueClass]!,
      examples: (this.examples.get(w.trueClass * C1 + w.predictedClass) ?? []).map(({ id, title, probability }) => ({ id, title, probability })),
    }));
    return {
      summary,
      details: {
        classes,
        confusion: confusionView(confusion, prf.perClass.support, names, this.options.confusionTop ?? 20),
        groupConfusions: this.groupConfusions(),
        reliability,
        worstConfusions,
        latency,
      },
    };
  }

  /** Off-diagonal cells of the group confusion matrix, with how many of each a cross-list explains. */
  private groupConfusions(): GroupConfusion[] {
    const names = [...this.groups.keys.keys()].map((k) => (k === UNSEEN_GROUP_KEY ? UNSEEN_LABEL : k === NO_ANSWER_GROUP_KEY ? NO_ANSWER_LABEL : k));
    const G = names.length;
    const out: GroupConfusion[] = [];
    for (let t = 0; t < G; t++) {
      for (let p = 0; p < G; p++) {
        const c = this.groupConfusion[t * G + p]!;
        if (c > 0) out.push({ trueGroup: names[t]!, predictedGroup: names[p]!, count: c, shareOfErrors: c / this.groupErrors, crossListed: this.groupListed[t * G + p]! });
      }
    }
    // out is already in (true, predicted) index order, and the sort is stable: ties keep it.
    return out.sort((a, b) => b.count - a.count);
  }
}

/** The k of top3, top5 and top10, in the order of topKHits. */
const TOP_K = [3, 5, 10] as const;

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
