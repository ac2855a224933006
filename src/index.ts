/**
 * arxiv-classifier as a library:
 *
 *   import { train, loadModel } from 'arxiv-classifier';
 *   const model = await loadModel('model.axcm');
 *   model.predict({ title, abstract }, { k: 5, explain: true });
 */
import { loadPapers } from './corpus/load.js';
import type { PaperRecord } from './corpus/record.js';
import type { LinearModel } from './models/linear.js';
import { trainLinear, type TrainOptions, type TrainReport } from './models/train.js';

export * from './taxonomy/taxonomy.js';
export type { PaperRecord } from './corpus/record.js';
export { loadPapers, readPapers } from './corpus/load.js';
export { buildLabelScheme, labelsOf, type LabelScheme, type LabelSchemeOptions, type LabelTask } from './corpus/labels.js';
export { splitRandom, splitTime } from './corpus/split.js';
export { loadModel, defaultModelPath, SHIPPED_MODELS } from './models/load-model.js';
export { modelFromBytes } from './models/open-model.js';
export { ModelFileError } from './models/model-codec.js';
export { LinearModel } from './models/linear.js';
export type { Classifier, ModelInfo, PaperText, Prediction, PredictOptions, LabelPrediction, Reason } from './models/model.js';
export { DEFAULT_TRAIN_OPTIONS, type TrainOptions, type TrainReport } from './models/train.js';
export { evaluateClassifier, type Evaluation } from './evaluation/evaluate.js';
export { evaluateDetailed, type DetailedEvaluation, type EvaluationDetails, type EvaluateOptions } from './evaluation/evaluate.js';
export * as metrics from './evaluation/metrics.js';
export { buildEvaluationReport, type EvaluationReport } from './report/evaluation-report.js';
export { renderEvaluationReport } from './report/render-evaluation.js';
export { openBackend, BACKEND_NAMES, COMBINE_RULES, type CombineRule, type BackendName, type BackendOptions, type LlmBackendOptions, type OnnxBackendOptions, type EnsembleBackendOptions } from './models/backends.js';
export type { AsyncClassifier } from './models/model.js';
export { evaluateBackend } from './evaluation/evaluate.js';
export { evaluateEnsemble, type EnsembleEvaluation } from './evaluation/ensemble-evaluation.js';
export { Ensemble } from './models/ensemble.js';
export { runExperiment, type ExperimentResult } from './evaluation/experiments/runner.js';
export { PRESETS, findPreset } from './evaluation/experiments/presets.js';
export type { ExperimentPreset } from './evaluation/experiments/preset.js';
export { tune, type TuneOptions, type TuneResult, type TrialRecord } from './evaluation/tuning/tune.js';
export { tokenize } from './text/tokenize.js';

/**
 * Train a model on papers in memory, or on files in any ingestable format. Validation papers
 * (for early stopping and calibration) are held out of `data` unless given.
 */
export async function train(
  data: readonly PaperRecord[] | string | string[],
  options: Partial<TrainOptions> & { valid?: readonly PaperRecord[] | string } = {},
): Promise<LinearModel & { report: TrainReport }> {
  const papers = typeof data === 'string' || (Array.isArray(data) && typeof data[0] === 'string') ? (await loadPapers(data as string | string[])).papers : (data as readonly PaperRecord[]);
  const { valid, ...rest } = options;
  const validPapers = typeof valid === 'string' ? (await loadPapers(valid)).papers : (valid ?? null);
  const { model, report } = await trainLinear(papers, validPapers, rest);
  return Object.assign(model, { report });
}
