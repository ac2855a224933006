import type { PaperRecord } from '../corpus/record.js';
import type { AsyncClassifier, PaperText } from '../models/model.js';
import { evaluationAccumulator } from './accumulator.js';
import { measureLatency, summarizeLatency, type LatencyStats } from './latency.js';

export { NO_ANSWER_LABEL, OTHER_ROW, UNSEEN_LABEL } from './accumulator.js';

export type { EvaluateOptions, SingleLabelEvaluation, MultiLabelEvaluation, Evaluation, ClassReportRow, ConfusionView, ConfusionExample, WorstConfusion, ReliabilityBin, GroupConfusion, EvaluationDetails, DetailedEvaluation, SyncModel, EvaluatedModel } from './evaluation.js';
import type { EvaluateOptions, Evaluation, DetailedEvaluation, SyncModel, EvaluatedModel } from './evaluation.js';

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
