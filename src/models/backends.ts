import { existsSync, statSync } from 'node:fs';
import type { LabelSchemeJSON } from '../corpus/labels.js';
import type { LinearModel } from './linear/linear.js';
import { loadModel } from './load-model.js';
import type { AsyncClassifier, PaperText, Prediction, PredictOptions } from './model.js';

/** The backends `--backend` can name. */
export const BACKEND_NAMES = ['linear', 'llm', 'onnx', 'ensemble'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

/** LLM settings; the API key is never one of them (it is read from the environment only). */
export interface LlmBackendOptions {
  baseUrl: string;
  model: string;
  /** Environment variable holding the API key; ARXIV_CLASSIFIER_LLM_KEY then OPENAI_API_KEY when absent. */
  apiKeyEnv?: string;
  /** Class labels offered to the model (arXiv codes); every current category when absent. */
  labels?: string[];
  /** Labelled papers to show as worked examples. */
  fewShot?: string;
  fewShotCount?: number;
  /** Response cache folder; null turns the cache off. Default: the user cache folder. */
  cacheDir?: string | null;
  concurrency?: number;
  timeoutMs?: number;
  retries?: number;
  /** USD per million prompt and completion tokens, for the cost counter. */
  pricePerMillion?: { prompt: number; completion: number };
  maxTokens?: number;
}

export interface OnnxBackendOptions {
  modelDir: string;
  /** Threads for one inference (onnxruntime intra-op); all cores when absent. */
  threads?: number;
  /** Longest token sequence fed to the model; config.json's max_position_embeddings (or 512) when absent. */
  maxLength?: number;
  batchSize?: number;
}

/**
 * How member probabilities are pooled. `mean` averages them (the members vote). `product` takes
 * their weighted geometric mean, so a label must be likely under every member to score high: a
 * multi-label member's per-category probability then acts as a second opinion on whether a
 * category fits the paper at all, which re-ranks a primary model's runners-up.
 */
export const COMBINE_RULES = ['mean', 'product'] as const;
export type CombineRule = (typeof COMBINE_RULES)[number];

export interface EnsembleBackendOptions {
  /** Each member: a model file, a folder with model.onnx, or `llm` (then `llm` options apply). */
  members: string[];
  weights?: number[];
  /** Labelled papers on which to tune the weights. */
  valid?: string;
  /** How member probabilities are pooled (default `mean`). */
  combine?: CombineRule;
  /** Single-label product pools: a temperature fitted earlier (see `Ensemble.tune`), instead of refitting it on `valid`. */
  temperature?: number;
}

/** Everything needed to open any backend; only the part for the chosen backend is read. */
export interface BackendOptions {
  backend?: BackendName;
  /** linear: model file (the packaged model when absent). */
  model?: string;
  llm?: LlmBackendOptions;
  onnx?: OnnxBackendOptions;
  ensemble?: EnsembleBackendOptions;
}

/** The async face of a sync classifier that has a stored label scheme (our linear models). */
export function asyncClassifier(model: LinearModel): AsyncClassifier {
  return {
    info: model.info,
    labels: model.labels,
    scheme: model.spec.scheme,
    thresholds: model.spec.thresholds,
    predictProbaAsync: async (papers: readonly PaperText[]) => model.predictProba(papers),
    predictBatchAsync: async (papers: readonly PaperText[], options?: PredictOptions): Promise<Prediction[]> => model.predictBatch(papers, options),
  };
}

/**
 * Each backend loads lazily, so that the linear path never parses the LLM client or pulls in
 * onnxruntime (an optional dependency of ~300 MB that a user may have left out).
 */
const REGISTRY: Record<BackendName, { open(o: BackendOptions): Promise<AsyncClassifier> }> = {
  /** our TF-IDF n-gram linear models (a .axcm file) */
  linear: {
    async open(o) {
      if (o.model === undefined) throw new RangeError('the linear backend needs a model file');
      return asyncClassifier(await loadModel(o.model));
    },
  },
  /** any OpenAI-compatible chat-completions endpoint, prompted with the label set */
  llm: {
    async open(o) {
      if (!o.llm) throw new RangeError('the llm backend needs llm options (base URL, model)');
      const { LlmClassifier } = await import('./llm/llm-classifier.js');
      return LlmClassifier.open(o.llm);
    },
  },
  /** a Hugging Face sequence-classification model exported to ONNX (model.onnx, tokenizer.json, config.json) */
  onnx: {
    async open(o) {
      if (!o.onnx) throw new RangeError('the onnx backend needs a model folder');
      const { OnnxClassifier } = await import('./onnx/onnx-classifier.js');
      return OnnxClassifier.open(o.onnx);
    },
  },
  /** weighted mean or product of several backends' probabilities */
  ensemble: {
    async open(o) {
      if (!o.ensemble) throw new RangeError('the ensemble backend needs members');
      const { openEnsemble } = await import('./ensemble/ensemble.js');
      return openEnsemble(o.ensemble, (member) => openBackend(memberOptions(member, o)));
    },
  },
};

/** Open the backend `o.backend` names (linear when absent). */
export async function openBackend(o: BackendOptions): Promise<AsyncClassifier> {
  return REGISTRY[o.backend ?? 'linear'].open(o);
}

/** How an ensemble member string is read: `llm`, a folder (an ONNX model), or a model file. */
export function memberOptions(member: string, parent: BackendOptions): BackendOptions {
  if (member === 'llm') {
    if (!parent.llm) throw new RangeError('ensemble member "llm" needs the llm options (base URL, model)');
    return { backend: 'llm', llm: parent.llm };
  }
  if (existsSync(member) && statSync(member).isDirectory()) return { backend: 'onnx', onnx: { ...parent.onnx, modelDir: member } };
  return { backend: 'linear', model: member };
}

/** A label scheme for backends whose classes are plain arXiv codes or groups (LLM, ONNX). */
export function plainScheme(task: LabelSchemeJSON['task'], labels: string[]): LabelSchemeJSON {
  return { task, labels, options: { task } };
}
