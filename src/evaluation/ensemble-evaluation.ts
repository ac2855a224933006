import type { PaperRecord } from '../corpus/record.js';
import type { CombineRule } from '../models/backends.js';
import type { Ensemble, WeightSearch } from '../models/ensemble.js';
import { evaluateProbabilities, evaluateProbabilitiesDetailed, evaluationInputs, type EvaluateOptions, type Evaluation, type EvaluationDetails } from './evaluate.js';

/** Each member and the ensemble, scored on the same papers from one pass of every member. */
export interface EnsembleEvaluation {
  members: { name: string; backend: string; weight: number; evaluation: Evaluation }[];
  ensemble: Evaluation;
  /** The ensemble's per-class table, confusions and calibration, for a report. */
  details: EvaluationDetails;
  weights: number[];
  combine: CombineRule;
  /** The pool's temperature (1 unless a single-label product pool was given or fitted one). */
  temperature: number;
  /** Present when the weights were tuned on a validation set. */
  search: WeightSearch | null;
}

export async function evaluateEnsemble(ensemble: Ensemble, papers: readonly PaperRecord[], options: EvaluateOptions = {}): Promise<EnsembleEvaluation> {
  const run = await ensemble.run(evaluationInputs(papers, options));
  const members = ensemble.members.map((m, j) => {
    const r = run.members[j]!;
    const evaluation = evaluateProbabilities({ labels: m.model.labels, task: m.model.info.task, scheme: m.model.scheme, thresholds: m.model.thresholds ?? null }, papers, r.proba, r.seconds);
    return { name: m.name, backend: m.model.info.backend, weight: ensemble.weights[j]!, evaluation };
  });
  const combined = evaluateProbabilitiesDetailed({ labels: ensemble.labels, task: ensemble.info.task, scheme: ensemble.scheme, thresholds: ensemble.thresholds }, papers, run.proba, run.seconds, options);
  return { members, ensemble: combined.summary, details: combined.details, weights: [...ensemble.weights], combine: ensemble.rule, temperature: ensemble.temperature, search: ensemble.search };
}
