import { UsageError, UserError } from '../base/errors.js';
import { intOption, numberOption } from './args.js';
import { BACKEND_NAMES, COMBINE_RULES, openBackend, type BackendName, type BackendOptions, type CombineRule } from '../models/backends.js';
import { modelPathFor } from '../models/load-model.js';
import type { Classifier } from '../models/model.js';
import { ModelFileError } from '../models/file/model-file.js';

/** The options that choose and configure a backend, shared by every command that classifies. */
export const BACKEND_OPTIONS = {
  model: { type: 'string' },
  backend: { type: 'string' },
  'base-url': { type: 'string' },
  'llm-model': { type: 'string' },
  'api-key-env': { type: 'string' },
  labels: { type: 'string' },
  'few-shot': { type: 'string' },
  'few-shot-count': { type: 'string' },
  'llm-cache': { type: 'string' },
  'llm-concurrency': { type: 'string' },
  'llm-timeout': { type: 'string' },
  'llm-retries': { type: 'string' },
  'llm-price': { type: 'string' },
  'model-dir': { type: 'string' },
  threads: { type: 'string' },
  'max-length': { type: 'string' },
  members: { type: 'string' },
  weights: { type: 'string' },
  valid: { type: 'string' },
  combine: { type: 'string' },
  temperature: { type: 'string' },
} as const;

export type BackendValues = { [K in keyof typeof BACKEND_OPTIONS]?: string };

/** Help text for BACKEND_OPTIONS, for a command's usage. */
export const BACKEND_USAGE = `Backends (default linear; see README "Backends"):
  --backend B        ${BACKEND_NAMES.join(' | ')}
  --model MODEL      linear: model file, or a shipped model: primary (the default) or multilabel
  --base-url URL     llm: OpenAI-compatible API base, e.g. https://api.openai.com/v1
  --llm-model NAME   llm: model name sent to the endpoint
  --api-key-env VAR  llm: environment variable with the API key
                     (default ARXIV_CLASSIFIER_LLM_KEY, then OPENAI_API_KEY; never a flag)
  --labels CODES     llm: comma-separated categories to choose from (default: all current ones)
  --few-shot FILE    llm: labelled papers to show as examples (--few-shot-count N, default 8)
  --llm-cache DIR    llm: response cache folder, or "off" (default ~/.cache/arxiv-classifier/llm)
  --llm-concurrency N, --llm-timeout SECONDS, --llm-retries N   (defaults 4, 60, 4)
  --llm-price IN,OUT llm: USD per million prompt,completion tokens for the cost counter
  --model-dir DIR    onnx: folder with model.onnx, tokenizer.json, config.json
  --threads N        linear batch (--input) and onnx: threads (default: all cores)
  --max-length N     onnx: longest input in tokens
  --members A,B,..   ensemble: model files or shipped models (primary, multilabel), ONNX
                     model folders, or "llm"
  --weights W,..     ensemble: member weights (default equal)
  --valid FILE       ensemble: labelled papers to tune the weights on (and a product pool's
                     temperature; beside --weights, the temperature alone)
  --combine RULE     ensemble: mean (default) or product (weighted geometric mean; a primary
                     ensemble may then add a multilabel model as a second opinion)
  --temperature T    ensemble, product: the temperature a --valid run fitted, to reuse it`;

function list(value: string | undefined): string[] | undefined {
  return value === undefined ? undefined : value.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
}

function positiveInt(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = intOption(value, name, 0);
  if (n < 1) throw new UsageError(`--${name} must be >= 1, got "${value}"`);
  return n;
}

/** Command-line values → BackendOptions, checking what can be checked before opening anything. */
export function backendOptions(v: BackendValues): BackendOptions {
  const backend = (v.backend ?? (v['model-dir'] !== undefined ? 'onnx' : v.members !== undefined ? 'ensemble' : v['base-url'] !== undefined ? 'llm' : 'linear')) as BackendName;
  if (!BACKEND_NAMES.includes(backend)) throw new UsageError(`--backend must be one of ${BACKEND_NAMES.join(', ')}, got "${v.backend}"`);
  const o: BackendOptions = { backend };
  const memberList = list(v.members);
  const usesLlm = backend === 'llm' || (backend === 'ensemble' && (memberList ?? []).includes('llm'));
  if (usesLlm) {
    if (!v['base-url']) throw new UsageError('--base-url is required for the llm backend');
    if (!v['llm-model']) throw new UsageError('--llm-model is required for the llm backend');
    let price: { prompt: number; completion: number } | undefined;
    if (v['llm-price'] !== undefined) {
      const parts = v['llm-price'].split(',').map(Number);
      if (parts.length !== 2 || parts.some((x) => !Number.isFinite(x) || x < 0)) throw new UsageError(`--llm-price must be IN,OUT in USD per million tokens, got "${v['llm-price']}"`);
      price = { prompt: parts[0]!, completion: parts[1]! };
    }
    const timeout = v['llm-timeout'] === undefined ? undefined : numberOption(v['llm-timeout'], 'llm-timeout', 60);
    if (timeout !== undefined && timeout <= 0) throw new UsageError('--llm-timeout must be > 0 seconds');
    const retries = v['llm-retries'] === undefined ? undefined : intOption(v['llm-retries'], 'llm-retries', 4);
    if (retries !== undefined && retries < 0) throw new UsageError('--llm-retries must be >= 0');
    o.llm = {
      baseUrl: v['base-url'],
      model: v['llm-model'],
      apiKeyEnv: v['api-key-env'],
      labels: list(v.labels),
      fewShot: v['few-shot'],
      fewShotCount: positiveInt(v['few-shot-count'], 'few-shot-count'),
      cacheDir: v['llm-cache'] === 'off' ? null : v['llm-cache'],
      concurrency: positiveInt(v['llm-concurrency'], 'llm-concurrency'),
      timeoutMs: timeout === undefined ? undefined : timeout * 1000,
      retries,
      pricePerMillion: price,
    };
  }
  if (backend === 'onnx' && v['model-dir'] === undefined) throw new UsageError('--model-dir is required for the onnx backend');
  if (backend === 'onnx' || backend === 'ensemble') {
    o.onnx = { modelDir: v['model-dir'] ?? '', threads: positiveInt(v.threads, 'threads'), maxLength: positiveInt(v['max-length'], 'max-length') };
  }
  if (backend === 'ensemble') {
    if (!memberList || memberList.length === 0) throw new UsageError('--members is required for the ensemble backend (comma-separated model files, ONNX folders or "llm")');
    let weights: number[] | undefined;
    if (v.weights !== undefined) {
      weights = v.weights.split(',').map(Number);
      if (weights.length !== memberList.length || weights.some((w) => !Number.isFinite(w) || w < 0)) throw new UsageError(`--weights needs ${memberList.length} numbers >= 0, got "${v.weights}"`);
    }
    if (weights && v.valid && v.combine !== 'product') throw new UsageError('give --weights or --valid (to tune them), not both; with --combine product, --valid beside --weights fits the pool\'s temperature alone');
    if (v.combine !== undefined && !(COMBINE_RULES as readonly string[]).includes(v.combine)) throw new UsageError(`--combine must be one of ${COMBINE_RULES.join(', ')}, got "${v.combine}"`);
    let temperature: number | undefined;
    if (v.temperature !== undefined) {
      temperature = Number(v.temperature);
      if (v.combine !== 'product') throw new UsageError('--temperature is for --combine product (a mean pool has none)');
      if (!(temperature > 0) || !Number.isFinite(temperature)) throw new UsageError(`--temperature must be a number > 0, got "${v.temperature}"`);
      if (v.valid) throw new UsageError('give --temperature or --valid (which fits it), not both');
    }
    o.ensemble = { members: memberList, weights, valid: v.valid, combine: v.combine as CombineRule | undefined, temperature };
  } else if (v.members !== undefined || v.weights !== undefined || v.valid !== undefined || v.combine !== undefined || v.temperature !== undefined) {
    throw new UsageError('--members, --weights, --valid, --combine and --temperature are for --backend ensemble');
  }
  if (backend === 'linear' || backend === 'ensemble') {
    const p = backend === 'linear' ? modelPathFor(v.model) : v.model;
    if (backend === 'linear' && !p) throw new UsageError('--model is required (no default model is installed)');
    o.model = p;
  }
  return o;
}

/** Errors a user can act on (bad file, setting, key, endpoint) as UserErrors; others unchanged. */
function userFacing(e: unknown): unknown {
  if (e instanceof UsageError || e instanceof UserError) return e;
  const err = e as Error;
  if (e instanceof RangeError || e instanceof ModelFileError || err?.name === 'MissingPackageError' || err?.name === 'ChatError') return new UserError(err.message);
  return e;
}

/** Await a backend call, turning errors the user can act on into UserErrors. */
export async function backendCall<T>(p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (e) {
    throw userFacing(e);
  }
}

/** Open the backend the command line asks for. */
export async function resolveBackend(values: BackendValues): Promise<Classifier> {
  return backendCall(openBackend(backendOptions(values)));
}

/** Print a backend's usage line (tokens, cost, cache) on stderr when it has one. */
export function reportUsage(model: Classifier): void {
  const line = model.usageLine?.();
  if (line) process.stderr.write(line + '\n');
}
