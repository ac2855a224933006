/**
 * arxiv-classifier as a library:
 *
 *   import { train, loadModel } from 'arxiv-classifier';
 *   const model = await loadModel('model.axcm');
 *   model.predict({ title, abstract }, { k: 5, explain: true });
 */
import { emptyReport } from './corpus/canonical.js';
import type { IngestReport } from './corpus/canonical.js';
import { checkPaperRecords, type PaperRecord } from './corpus/record.js';
import type { LinearModel } from './models/linear/linear.js';
import { trainLinear, type PaperSource, type TrainReport, type TrainRun } from './models/linear/train.js';
import type { TrainOptions } from './models/linear/train-settings.js';

export * from './taxonomy/taxonomy.js';
export type { PaperRecord } from './corpus/record.js';
export { loadPapers, readPapers } from './corpus/load.js';
export type { IngestReport } from './corpus/canonical.js';
export { buildLabelScheme, labelsOf, type LabelScheme, type LabelSchemeOptions, type LabelTask } from './corpus/labels.js';
export { splitRandom, splitTime } from './corpus/split.js';
export { loadModel, defaultModelPath, SHIPPED_MODELS } from './models/load-model.js';
export { modelFromBytes } from './models/open-model.js';
export { ModelFileError } from './models/file/model-codec.js';
export { LinearModel } from './models/linear/linear.js';
export { hasSyncPath, type Classifier, type SyncPath, type ModelInfo, type PaperText, type Prediction, type PredictOptions, type LabelPrediction, type Reason, type Uncertainty } from './models/model.js';
export { predictionRecord, predictionLine, type PredictionRecord } from './models/prediction-json.js';
export { heldOutTerms, type HeldOutTerms } from './models/linear/held-out.js';
export { NoPapersError, TrainingCacheError, TrainingMemoryError, type TrainReport, type TrainMemory } from './models/linear/train.js';
export { DEFAULT_TRAIN_OPTIONS, TRAIN_SETTINGS, THREADS_SETTING, epochsFor, type TrainOptions, type Setting, type SettingRule } from './models/linear/train-settings.js';
export { evaluate, scoreProbabilities, type Evaluation, type DetailedEvaluation, type EvaluationDetails, type EvaluateOptions } from './evaluation/evaluate.js';
export { evaluateFile, type EvaluateFileOptions, type FileEvaluation } from './evaluation/evaluate-file.js';
export * as metrics from './evaluation/metrics.js';
export { buildEvaluationReport, type EvaluationReport } from './report/evaluation-report.js';
export { renderEvaluationReport } from './report/render-evaluation.js';
export { openBackend, BACKEND_NAMES, COMBINE_RULES, type CombineRule, type BackendName, type BackendOptions, type LlmBackendOptions, type OnnxBackendOptions, type EnsembleBackendOptions } from './models/backends.js';
export { evaluateEnsemble, evaluateEnsembleFile, type EnsembleEvaluation } from './evaluation/ensemble-evaluation.js';
export { Ensemble } from './models/ensemble/ensemble.js';
export { runExperiment, type ExperimentResult } from './evaluation/experiments/runner.js';
export { PRESETS, findPreset } from './evaluation/experiments/presets.js';
export type { ExperimentPreset } from './evaluation/experiments/preset.js';
export { tune, type TuneOptions, type TuneResult, type TrialRecord } from './evaluation/tuning/tune.js';
export { tokenize } from './text/tokenize.js';

/**
 * Train a model on papers in memory, or on files in any ingestable format (read as a stream, so
 * a corpus of millions of papers trains in bounded memory). Validation papers (for early
 * stopping and calibration) are held out of `data` unless given. When papers come from files,
 * `report.ingest` says what reading them kept and skipped, and why. `threads` and `cacheDir` say
 * how the run uses the machine (TrainRun); the rest are the model's settings.
 */
export async function train(
  data: readonly PaperRecord[] | string | string[],
  options: Partial<TrainOptions> & Pick<TrainRun, 'threads' | 'cacheDir'> & { valid?: readonly PaperRecord[] | string } = {},
): Promise<LinearModel & { report: TrainReport & { ingest?: { data?: IngestReport; valid?: IngestReport } } }> {
  if (options === null || typeof options !== 'object') throw new RangeError(`options must be an object, got ${options === null ? 'null' : typeof options}`);
  const ingest: { data?: IngestReport; valid?: IngestReport } = {};
  let source: PaperSource;
  if (typeof data === 'string' || (Array.isArray(data) && typeof data[0] === 'string')) {
    ingest.data = emptyReport();
    source = { files: data as string | string[], report: ingest.data };
  } else {
    checkPaperRecords(data);
    source = data as readonly PaperRecord[];
  }
  const { valid, cacheDir, threads, ...rest } = options;
  let validSource: PaperSource | null = null;
  if (typeof valid === 'string') {
    ingest.valid = emptyReport();
    validSource = { files: valid, report: ingest.valid };
  } else {
    if (valid !== undefined) checkPaperRecords(valid, 'valid');
    validSource = valid ?? null;
  }
  const { model, report } = await trainLinear(source, validSource, rest, () => {}, { cacheDir, threads });
  return Object.assign(model, { report: Object.keys(ingest).length > 0 ? { ...report, ingest } : report });
}
