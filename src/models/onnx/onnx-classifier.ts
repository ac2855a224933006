import { existsSync, readFileSync } from 'node:fs';
import { defaultThreads } from '../../parallel/threads.js';
import { join } from 'node:path';
import type { LabelSchemeJSON, LabelTask } from '../../corpus/labels.js';
import { GROUPS, resolveCode } from '../../taxonomy/taxonomy.js';
import { plainScheme } from '../labels-info.js';
import type { OnnxBackendOptions } from './onnx-options.js';
import type { Classifier, ModelInfo, PaperText, Prediction, PredictOptions } from '../model.js';
import { PredictionBuilder } from '../prediction.js';
import { checkPapers, checkPredictOptions, refusePrior } from '../predict-options.js';
import { loadOrt, loadTokenizers, type HfTokenizer, type OrtModule, type OrtSession } from './runtime.js';

/** What we read from a Hugging Face config.json. */
export interface OnnxModelConfig {
  labels: string[];
  task: LabelTask;
  maxLength: number;
  /** `pair`: title and abstract as a sentence pair; `joined` (default): one text. */
  textInput: 'joined' | 'pair';
}

function readJson(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new RangeError(`${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : (e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new RangeError(`${path}: not valid JSON (${(e as Error).message})`);
  }
}

/**
 * Labels from `id2label` (ids 0..C-1, no gaps), canonicalised where they are arXiv codes so that
 * `math.IT` and `cs.IT` mean the same class; the task from `problem_type`, or `group` when every
 * label is a group id.
 */
export function parseConfig(json: unknown, path: string): OnnxModelConfig {
  if (typeof json !== 'object' || json === null) throw new RangeError(`${path}: not a JSON object`);
  const c = json as Record<string, unknown>;
  const id2label = c.id2label;
  if (typeof id2label !== 'object' || id2label === null) throw new RangeError(`${path}: field "id2label" is missing (export the model with its labels)`);
  const entries = Object.entries(id2label as Record<string, unknown>);
  const labels: string[] = new Array<string>(entries.length);
  for (const [k, v] of entries) {
    const i = Number(k);
    if (!Number.isInteger(i) || i < 0 || i >= entries.length) throw new RangeError(`${path}: id2label key "${k}" is not an id in 0..${entries.length - 1}`);
    if (typeof v !== 'string' || !v) throw new RangeError(`${path}: id2label["${k}"] is not a label string`);
    const r = resolveCode(v);
    labels[i] = r.kind === 'category' ? r.code : v;
  }
  if (new Set(labels).size !== labels.length) throw new RangeError(`${path}: id2label names a class twice (after mapping aliases to arXiv codes)`);
  if (labels.length < 2) throw new RangeError(`${path}: id2label needs at least two labels`);
  const task: LabelTask = c.problem_type === 'multi_label_classification' ? 'multilabel' : labels.every((l) => (GROUPS as readonly string[]).includes(l)) ? 'group' : 'primary';
  const maxPos = Number(c.max_position_embeddings);
  const axc = (c.arxiv_classifier ?? {}) as Record<string, unknown>;
  return {
    labels,
    task,
    maxLength: Number.isInteger(maxPos) && maxPos > 2 ? Math.min(maxPos, 4096) : 512,
    textInput: axc.text_input === 'pair' ? 'pair' : 'joined',
  };
}

/**
 * A sequence-classification model exported from Hugging Face, run by onnxruntime on the CPU.
 * Papers are tokenised, sorted by length and batched so that padding stays small; logits become
 * softmax (single-label) or sigmoid (multi-label) probabilities.
 */
export class OnnxClassifier implements Classifier {
  readonly info: ModelInfo;
  readonly scheme: LabelSchemeJSON;
  readonly thresholds = null;
  readonly labels: readonly string[];
  private readonly builder: PredictionBuilder;
  private readonly output: string;
  private readonly needsTypeIds: boolean;

  private constructor(
    private readonly ort: OrtModule,
    private readonly session: OrtSession,
    private readonly tokenizer: HfTokenizer,
    readonly config: OnnxModelConfig,
    private readonly dir: string,
    private readonly batchSize: number,
  ) {
    this.labels = config.labels;
    this.scheme = plainScheme(config.task, config.labels);
    this.builder = new PredictionBuilder(config.labels, config.task);
    for (const name of ['input_ids', 'attention_mask']) {
      if (!session.inputNames.includes(name)) throw new RangeError(`${dir}/model.onnx: the model has no "${name}" input (it has ${session.inputNames.join(', ')})`);
    }
    this.needsTypeIds = session.inputNames.includes('token_type_ids');
    this.output = session.outputNames.includes('logits') ? 'logits' : session.outputNames[0]!;
    this.info = {
      backend: 'onnx',
      task: config.task,
      labels: [...config.labels],
      createdAt: new Date().toISOString(),
      training: { papers: 0, dataHash: '', seconds: 0, options: { modelDir: dir, maxLength: config.maxLength } },
      validation: {},
      quantized: false,
    };
  }

  static async open(o: OnnxBackendOptions): Promise<OnnxClassifier> {
    const dir = o.modelDir;
    for (const f of ['model.onnx', 'tokenizer.json', 'config.json']) {
      if (!existsSync(join(dir, f))) throw new RangeError(`${dir}: ${f} is missing (an ONNX model folder has model.onnx, tokenizer.json and config.json)`);
    }
    const config = parseConfig(readJson(join(dir, 'config.json')), join(dir, 'config.json'));
    if (o.maxLength !== undefined) config.maxLength = o.maxLength;
    const [ort, tokenizers] = await Promise.all([loadOrt(), loadTokenizers()]);
    const tokenizerConfig = existsSync(join(dir, 'tokenizer_config.json')) ? readJson(join(dir, 'tokenizer_config.json')) : {};
    let tokenizer: HfTokenizer;
    try {
      tokenizer = new tokenizers.Tokenizer(readJson(join(dir, 'tokenizer.json')) as object, tokenizerConfig as object);
    } catch (e) {
      throw new RangeError(`${dir}/tokenizer.json: cannot build the tokenizer: ${(e as Error).message}`);
    }
    let session: OrtSession;
    try {
      session = await ort.InferenceSession.create(join(dir, 'model.onnx'), {
        intraOpNumThreads: o.threads ?? defaultThreads(),
        interOpNumThreads: 1,
        executionProviders: ['cpu'],
        graphOptimizationLevel: 'all',
      });
    } catch (e) {
      throw new RangeError(`${dir}/model.onnx: onnxruntime cannot load it: ${(e as Error).message}`);
    }
    return new OnnxClassifier(ort, session, tokenizer, config, dir, o.batchSize ?? 32);
  }

  /** Token ids for one paper, cut to maxLength keeping the final special token ([SEP] / </s>). */
  encode(paper: PaperText): number[] {
    const title = (paper.title ?? '').trim();
    const abstract = (paper.abstract ?? '').trim();
    const enc =
      this.config.textInput === 'pair' && abstract
        ? this.tokenizer.encode(title, { text_pair: abstract })
        : this.tokenizer.encode(abstract ? `${title} ${abstract}` : title);
    const ids = enc.ids;
    const max = this.config.maxLength;
    return ids.length <= max ? ids : [...ids.slice(0, max - 1), ids[ids.length - 1]!];
  }

  async predictProbaAsync(papers: readonly PaperText[], options?: Pick<PredictOptions, 'prior'>): Promise<Float32Array> {
    checkPapers(papers, 'shape');
    refusePrior(options, 'onnx');
    const C = this.labels.length;
    const out = new Float32Array(papers.length * C);
    const encoded = papers.map((p) => this.encode(p));
    const order = encoded.map((_, i) => i).sort((a, b) => encoded[a]!.length - encoded[b]!.length);
    for (let start = 0; start < order.length; start += this.batchSize) {
      const batch = order.slice(start, start + this.batchSize);
      const logits = await this.runBatch(batch.map((i) => encoded[i]!));
      batch.forEach((paper, r) => this.toProbabilities(logits.subarray(r * C, (r + 1) * C), out.subarray(paper * C, (paper + 1) * C)));
    }
    return out;
  }

  private async runBatch(seqs: number[][]): Promise<Float32Array> {
    const B = seqs.length;
    const S = Math.max(1, ...seqs.map((s) => s.length));
    const ids = new BigInt64Array(B * S);
    const mask = new BigInt64Array(B * S);
    seqs.forEach((s, b) => {
      for (let t = 0; t < s.length; t++) {
        ids[b * S + t] = BigInt(s[t]!);
        mask[b * S + t] = 1n;
      }
    });
    const feeds: Record<string, InstanceType<OrtModule['Tensor']>> = {
      input_ids: new this.ort.Tensor('int64', ids, [B, S]),
      attention_mask: new this.ort.Tensor('int64', mask, [B, S]),
    };
    if (this.needsTypeIds) feeds.token_type_ids = new this.ort.Tensor('int64', new BigInt64Array(B * S), [B, S]);
    const result = await this.session.run(feeds);
    const t = result[this.output]!;
    const C = this.labels.length;
    if (t.dims.length !== 2 || t.dims[0] !== B || t.dims[1] !== C) {
      throw new RangeError(`${this.dir}/model.onnx: output "${this.output}" has shape [${t.dims.join(', ')}], expected [${B}, ${C}] (config.json has ${C} labels)`);
    }
    if (!(t.data instanceof Float32Array)) throw new RangeError(`${this.dir}/model.onnx: output "${this.output}" is not float32`);
    return t.data;
  }

  private toProbabilities(logits: Float32Array, out: Float32Array): void {
    if (this.config.task === 'multilabel') {
      for (let c = 0; c < logits.length; c++) out[c] = 1 / (1 + Math.exp(-logits[c]!));
      return;
    }
    let max = -Infinity;
    for (const x of logits) max = Math.max(max, x);
    let sum = 0;
    for (let c = 0; c < logits.length; c++) sum += out[c] = Math.exp(logits[c]! - max);
    for (let c = 0; c < logits.length; c++) out[c]! /= sum;
  }

  async predictBatchAsync(papers: readonly PaperText[], options: PredictOptions = {}): Promise<Prediction[]> {
    // Refused before any inference.
    checkPapers(papers);
    checkPredictOptions(options);
    refusePrior(options, 'onnx');
    return this.builder.fromMatrix(await this.predictProbaAsync(papers), papers.length, options);
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}
