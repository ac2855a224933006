import { labelsOf, schemeFromJSON } from '../corpus/labels.js';
import type { PaperRecord } from '../corpus/record.js';
import type { AsyncClassifier, Classifier, PaperText } from '../models/model.js';
import { describeLabel } from '../models/labels-info.js';
import {
  argmaxRows,
  expectedCalibrationError,
  groupedAccuracy,
  inCategoryP1,
  multilabelMetrics,
  ndcgAtK,
  precisionAtK,
  precisionRecallF1,
  topKAccuracy,
} from './metrics.js';
import type { LabelSchemeJSON, LabelTask } from '../corpus/labels.js';

export interface EvaluateOptions {
  /** Classify from titles alone (how a model copes before an abstract exists). */
  titleOnly?: boolean;
}

/** Headline numbers for a single-label model (primary or group task). */
export interface SingleLabelEvaluation {
  task: 'primary' | 'group';
  n: number;
  accuracy: number;
  top3: number;
  top5: number;
  top10: number;
  macroF1: number;
  microF1: number;
  weightedF1: number;
  macroPrecision: number;
  macroRecall: number;
  /** Share of papers whose top prediction is any of their categories (arXiv's own metric). */
  inCategoryP1: number;
  /** Accuracy one level up: probabilities summed per group. */
  groupAccuracy: number;
  /** Accuracy at the archive level (cond-mat, math, cs, hep-th, ...). */
  archiveAccuracy: number;
  ece: number;
  /** Test papers whose label the model has never seen (counted as errors). */
  unseenLabel: number;
  papersPerSecond: number;
}

export interface MultiLabelEvaluation {
  task: 'multilabel';
  n: number;
  microF1: number;
  macroF1: number;
  samplesF1: number;
  precision: number;
  recall: number;
  hammingLoss: number;
  subsetAccuracy: number;
  precisionAt1: number;
  precisionAt3: number;
  ndcgAt5: number;
  predictedCardinality: number;
  trueCardinality: number;
  /** Share of papers whose top-scored label is their primary category. */
  accuracy: number;
  top5: number;
  papersPerSecond: number;
}

export type Evaluation = SingleLabelEvaluation | MultiLabelEvaluation;

function archiveKey(label: string): string {
  const dot = label.indexOf('.');
  return dot < 0 ? label : label.slice(0, dot);
}

/** Evaluate a classifier on labelled papers, labels canonicalised through the model's own scheme. */
export function evaluateClassifier(model: Classifier & { spec?: { scheme: LabelSchemeJSON; thresholds?: Float32Array | null } }, papers: readonly PaperRecord[], options: EvaluateOptions = {}): Evaluation {
  const schemeJson = model.spec?.scheme;
  if (!schemeJson) throw new Error('model has no label scheme');
  const t0 = performance.now();
  const proba = model.predictProba(evaluationInputs(papers, options));
  const seconds = (performance.now() - t0) / 1000;
  return evaluateProbabilities({ labels: model.labels, task: model.info.task, scheme: schemeJson, thresholds: model.spec?.thresholds ?? null }, papers, proba, seconds);
}

/** The texts a model sees during evaluation. */
export function evaluationInputs(papers: readonly PaperRecord[], options: EvaluateOptions = {}): PaperText[] {
  return papers.map((p) => (options.titleOnly ? { title: p.title } : { title: p.title, abstract: p.abstract }));
}

/** What scoring needs to know of a model besides its probabilities. */
export interface EvaluatedModel {
  labels: readonly string[];
  task: LabelTask;
  scheme: LabelSchemeJSON;
  thresholds?: Float32Array | null;
}

/** Score n × C probabilities (from any backend, computed in `seconds`) against the papers' labels. */
export function evaluateProbabilities(model: EvaluatedModel, papers: readonly PaperRecord[], proba: Float32Array, seconds: number): Evaluation {
  const scheme = schemeFromJSON(model.scheme);
  const C = model.labels.length;
  const papersPerSecond = papers.length / Math.max(seconds, 1e-9);
  const n = papers.length;
  const labels = papers.map((p) => labelsOf(p, scheme));

  if (model.task === 'multilabel') {
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
      if (!any) pred[i * C + best] = 1;
      const primary = labels[i]![0];
      if (primary !== undefined) {
        if (best === primary) primaryHit++;
        let rank = 0;
        for (let c = 0; c < C; c++) if (proba[i * C + c]! > proba[i * C + primary]!) rank++;
        if (rank < 5) primaryTop5++;
      }
    }
    const m = multilabelMetrics(truth, pred, n, C);
    return {
      task: 'multilabel',
      n,
      microF1: m.micro.f1,
      macroF1: m.macro.f1,
      samplesF1: m.samples.f1,
      precision: m.micro.precision,
      recall: m.micro.recall,
      hammingLoss: m.hammingLoss,
      subsetAccuracy: m.subsetAccuracy,
      precisionAt1: precisionAtK(truth, proba, n, C, 1),
      precisionAt3: precisionAtK(truth, proba, n, C, 3),
      ndcgAt5: ndcgAtK(truth, proba, n, C, 5),
      predictedCardinality: m.predictedCardinality,
      trueCardinality: m.trueCardinality,
      accuracy: n ? primaryHit / n : 0,
      top5: n ? primaryTop5 / n : 0,
      papersPerSecond,
    };
  }

  // Papers whose label the model never saw get an extra class C with zero probability: always wrong, never dropped.
  const C1 = C + 1;
  const padded = new Float32Array(n * C1);
  for (let i = 0; i < n; i++) padded.set(proba.subarray(i * C, (i + 1) * C), i * C1);
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
      const key = c === C ? '\u0000unseen' : mapper(model.labels[c]!);
      if (!keys.has(key)) keys.set(key, keys.size);
      out[c] = keys.get(key)!;
    }
    return { map: out, count: keys.size };
  };
  const groups = groupOfClass((l) => describeLabel(l, model.task).group);
  const archives = groupOfClass(archiveKey);
  return {
    task: model.task === 'group' ? 'group' : 'primary',
    n,
    accuracy: topKAccuracy(yTrue, padded, C1, 1),
    top3: topKAccuracy(yTrue, padded, C1, Math.min(3, C1)),
    top5: topKAccuracy(yTrue, padded, C1, Math.min(5, C1)),
    top10: topKAccuracy(yTrue, padded, C1, Math.min(10, C1)),
    macroF1: prf.macro.f1,
    microF1: prf.micro.f1,
    weightedF1: prf.weighted.f1,
    macroPrecision: prf.macro.precision,
    macroRecall: prf.macro.recall,
    inCategoryP1: inCategoryP1(yPred, offsets, Int32Array.from(all)),
    groupAccuracy: groupedAccuracy(yTrue, padded, C1, groups.map, groups.count),
    archiveAccuracy: groupedAccuracy(yTrue, padded, C1, archives.map, archives.count),
    ece: expectedCalibrationError(yTrue, padded, C1, 15),
    unseenLabel: unseen,
    papersPerSecond,
  };
}

/** Evaluate any backend (LLM, ONNX, ensemble, linear) through its async interface. */
export async function evaluateBackend(model: AsyncClassifier, papers: readonly PaperRecord[], options: EvaluateOptions = {}): Promise<Evaluation> {
  const t0 = performance.now();
  const proba = await model.predictProbaAsync(evaluationInputs(papers, options));
  const seconds = (performance.now() - t0) / 1000;
  return evaluateProbabilities({ labels: model.labels, task: model.info.task, scheme: model.scheme, thresholds: model.thresholds ?? null }, papers, proba, seconds);
}
