import type { PaperRecord } from '../corpus/record.js';
import { hasSyncPath, type Classifier, type PaperText } from '../models/model.js';
import { evaluationAccumulator } from './accumulator.js';
import { measureLatency, summarizeLatency, type LatencyStats } from './latency.js';

export { NO_ANSWER_LABEL, OTHER_ROW, UNSEEN_LABEL } from './accumulator.js';

export type { EvaluateOptions, SingleLabelEvaluation, MultiLabelEvaluation, Evaluation, ClassReportRow, ConfusionView, ConfusionExample, WorstConfusion, ReliabilityBin, GroupConfusion, EvaluationDetails, DetailedEvaluation, ClassifierLabels } from './evaluation.js';
import type { EvaluateOptions, DetailedEvaluation, ClassifierLabels } from './evaluation.js';

/**
 * Evaluate any classifier on labelled papers, their labels canonicalised through the model's own
 * scheme: the headline numbers (`summary`) and what a report shows (`details`).
 */
export async function evaluate(model: Classifier, papers: readonly PaperRecord[], options: EvaluateOptions = {}): Promise<DetailedEvaluation> {
  checkEvaluateOptions(options);
  if (!Array.isArray(papers)) throw new RangeError('papers must be an array of labelled papers');
  const inputs = evaluationInputs(papers, options);
  const t0 = performance.now();
  const prior = options.prior === undefined ? undefined : { prior: options.prior };
  const proba = hasSyncPath(model) ? model.predictProba(inputs, prior) : await model.predictProbaAsync(inputs, prior);
  const seconds = (performance.now() - t0) / 1000;
  // After the batch, so one-time work (weight expansion, JIT) does not land on the first call.
  const latency = await modelLatency(model, inputs, options);
  return scoreProbabilities(model, papers, proba, seconds, options, latency);
}

/** Options as a caller may get them wrong: checked before any paper is scored. */
function checkEvaluateOptions(o: EvaluateOptions): void {
  if (o === null || typeof o !== 'object') throw new RangeError('options must be an object');
  if (o.latencySamples !== undefined && !(Number.isInteger(o.latencySamples) && o.latencySamples >= 0)) throw new RangeError(`latencySamples must be an integer >= 0, got ${JSON.stringify(o.latencySamples)}`);
}

/** The texts a model sees during evaluation. */
export function evaluationInputs(papers: readonly PaperRecord[], options: EvaluateOptions = {}): PaperText[] {
  return papers.map((p) => (options.titleOnly ? { title: p.title } : { title: p.title, abstract: p.abstract }));
}

/**
 * Single calls on the first of `inputs`, timed: 100 by default where the model answers
 * in-process, none unless asked (`latencySamples`) otherwise, since for a remote model each
 * sample is a paid request.
 */
export async function modelLatency(model: Classifier, inputs: readonly PaperText[], options: EvaluateOptions): Promise<LatencyStats> {
  if (hasSyncPath(model)) return measureLatency(Math.min(options.latencySamples ?? 100, inputs.length), (i) => model.predictProba([inputs[i]!]));
  const times: number[] = [];
  for (let i = 0; i < Math.min(options.latencySamples ?? 0, inputs.length); i++) {
    const t = performance.now();
    await model.predictProbaAsync([inputs[i]!]);
    times.push(performance.now() - t);
  }
  return summarizeLatency(times);
}

/**
 * Score n × C probabilities (from any backend, computed in `seconds`) against the papers' labels;
 * `latency` when single calls were timed.
 */
export function scoreProbabilities(model: ClassifierLabels, papers: readonly PaperRecord[], proba: Float32Array, seconds: number, options: EvaluateOptions = {}, latency: LatencyStats = summarizeLatency([])): DetailedEvaluation {
  const expected = papers.length * model.labels.length;
  if (!(proba instanceof Float32Array) || proba.length !== expected) {
    throw new RangeError(`proba must be a Float32Array of papers × classes = ${papers.length} × ${model.labels.length} = ${expected} numbers, got ${proba instanceof Float32Array ? proba.length : typeof proba}`);
  }
  const scores = evaluationAccumulator(model, options);
  for (let i = 0; i < papers.length; i++) scores.add(papers[i]!, proba, i);
  return scores.finish(seconds, latency);
}
