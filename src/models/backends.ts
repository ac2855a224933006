import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadModel, modelPathFor } from './load-model.js';
import type { EnsembleBackendOptions } from './ensemble/ensemble-options.js';
import type { LlmBackendOptions } from './llm/llm-options.js';
import type { Classifier } from './model.js';
import type { OnnxBackendOptions } from './onnx/onnx-options.js';

export { COMBINE_RULES, type CombineRule, type EnsembleBackendOptions } from './ensemble/ensemble-options.js';
export type { LlmBackendOptions } from './llm/llm-options.js';
export type { OnnxBackendOptions } from './onnx/onnx-options.js';

/** The backends `--backend` can name. */
export const BACKEND_NAMES = ['linear', 'llm', 'onnx', 'ensemble'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

/** Everything needed to open any backend; only the part for the chosen backend is read. */
export interface BackendOptions {
  backend?: BackendName;
  /** linear: model file (the packaged model when absent). */
  model?: string;
  llm?: LlmBackendOptions;
  onnx?: OnnxBackendOptions;
  ensemble?: EnsembleBackendOptions;
}

/**
 * Each backend loads lazily, so that the linear path never parses the LLM client or pulls in
 * onnxruntime (an optional dependency of ~300 MB that a user may have left out).
 */
const REGISTRY: Record<BackendName, { open(o: BackendOptions): Promise<Classifier>; describe(o: BackendOptions): string }> = {
  /** our TF-IDF n-gram linear models (a .axcm file) */
  linear: {
    async open(o) {
      if (o.model === undefined) throw new RangeError('the linear backend needs a model file');
      return loadModel(o.model);
    },
    describe: (o) => `linear:${resolve(o.model ?? '')}`,
  },
  /** any OpenAI-compatible chat-completions endpoint, prompted with the label set */
  llm: {
    async open(o) {
      if (!o.llm) throw new RangeError('the llm backend needs llm options (base URL, model)');
      const { LlmClassifier } = await import('./llm/llm-classifier.js');
      return LlmClassifier.open(o.llm);
    },
    describe: (o) => `llm:${o.llm?.model}@${o.llm?.baseUrl}`,
  },
  /** a Hugging Face sequence-classification model exported to ONNX (model.onnx, tokenizer.json, config.json) */
  onnx: {
    async open(o) {
      if (!o.onnx) throw new RangeError('the onnx backend needs a model folder');
      const { OnnxClassifier } = await import('./onnx/onnx-classifier.js');
      return OnnxClassifier.open(o.onnx);
    },
    describe: (o) => `onnx:${resolve(o.onnx?.modelDir ?? '')}`,
  },
  /** weighted mean or product of several backends' probabilities */
  ensemble: {
    async open(o) {
      if (!o.ensemble) throw new RangeError('the ensemble backend needs members');
      const { openEnsemble } = await import('./ensemble/ensemble.js');
      return openEnsemble(o.ensemble, (member) => openBackend(memberOptions(member, o)));
    },
    describe: (o) => `ensemble:${o.ensemble?.members.join(',')}`,
  },
};

/** How a backend is named in logs, /v1/models and /metrics: what it is and where, never a key. */
export function describeBackend(o: BackendOptions): string {
  return REGISTRY[o.backend ?? 'linear'].describe(o);
}

/** Open the backend `o.backend` names (linear when absent). */
export async function openBackend(o: BackendOptions): Promise<Classifier> {
  const name = o.backend ?? 'linear';
  if (!Object.hasOwn(REGISTRY, name)) throw new RangeError(`backend must be one of ${Object.keys(REGISTRY).join(', ')}, got ${JSON.stringify(name)}`);
  return REGISTRY[name].open(o);
}

/** How an ensemble member string is read: `llm`, a folder (an ONNX model), a model file, or a shipped model's name (`primary`, `multilabel`), as `--model` reads it. */
export function memberOptions(member: string, parent: BackendOptions): BackendOptions {
  if (member === 'llm') {
    if (!parent.llm) throw new RangeError('ensemble member "llm" needs the llm options (base URL, model)');
    return { backend: 'llm', llm: parent.llm };
  }
  if (existsSync(member) && statSync(member).isDirectory()) return { backend: 'onnx', onnx: { ...parent.onnx, modelDir: member } };
  return { backend: 'linear', model: modelPathFor(member) ?? member };
}
