import { emptyReport, type IngestReport } from '../corpus/canonical.js';
import type { PaperRecord } from '../corpus/record.js';
import type { CombineRule } from '../models/ensemble/ensemble-options.js';
import type { Ensemble, EnsembleRun, WeightSearch } from '../models/ensemble/ensemble.js';
import { evaluationAccumulator } from './accumulator.js';
import { evaluationInputs, type EvaluateOptions, type Evaluation, type EvaluationDetails } from './evaluate.js';
import { testBatches, type EvaluateFileOptions } from './evaluate-file.js';
import { summarizeLatency } from './latency.js';

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
  const scores = ensembleScores(ensemble, options);
  scores.add(papers, await ensemble.run(evaluationInputs(papers, options)));
  return scores.finish();
}

/**
 * evaluateEnsemble on the papers of a file of any size, streamed as evaluateFile streams them, with
 * what reading the file kept and skipped.
 */
export async function evaluateEnsembleFile(ensemble: Ensemble, path: string, options: EvaluateFileOptions = {}): Promise<EnsembleEvaluation & { ingest: IngestReport }> {
  const ingest = options.report ?? emptyReport();
  const scores = ensembleScores(ensemble, options);
  for await (const papers of testBatches(path, { ...options, report: ingest })) {
    scores.add(papers, await ensemble.run(evaluationInputs(papers, options)));
    options.onProgress?.(scores.n);
  }
  return { ...scores.finish(), ingest };
}

/** Every member's evaluation (with default options: only the ensemble's is reported in detail) and the ensemble's. */
function ensembleScores(ensemble: Ensemble, options: EvaluateOptions) {
  const members = ensemble.members.map((m) => ({ m, scores: evaluationAccumulator(m.model), seconds: 0 }));
  const combined = evaluationAccumulator(ensemble, options);
  let seconds = 0;
  return {
    get n() {
      return combined.n;
    },
    add(papers: readonly PaperRecord[], run: EnsembleRun): void {
      run.members.forEach((r, j) => {
        const member = members[j]!;
        member.seconds += r.seconds;
        for (let i = 0; i < papers.length; i++) member.scores.add(papers[i]!, r.proba, i);
      });
      seconds += run.seconds;
      for (let i = 0; i < papers.length; i++) combined.add(papers[i]!, run.proba, i);
    },
    finish(): EnsembleEvaluation {
      const none = summarizeLatency([]);
      const evaluations = members.map(({ m, scores, seconds }, j) => ({ name: m.name, backend: m.model.info.backend, weight: ensemble.weights[j]!, evaluation: scores.finish(seconds, none).summary }));
      const result = combined.finish(seconds, none);
      return { members: evaluations, ensemble: result.summary, details: result.details, weights: [...ensemble.weights], combine: ensemble.rule, temperature: ensemble.temperature, search: ensemble.search };
    },
  };
}
