import { loadPapers } from '../../corpus/load.js';
import { CATEGORIES, getCategory } from '../../taxonomy/taxonomy.js';
import { plainScheme } from '../labels-info.js';
import type { LlmBackendOptions } from './llm-options.js';
import type { LabelSchemeJSON } from '../../corpus/labels.js';
import type { Classifier, ModelInfo, PaperText, Prediction, PredictOptions } from '../model.js';
import { PredictionBuilder } from '../prediction.js';
import { checkPapers, checkPredictOptions, refusePrior } from '../predict-options.js';
import { ChatClient, ChatError } from './chat-client.js';
import { parseAnswer } from './parse-answer.js';
import { pickExamples, PromptBuilder } from './prompt.js';
import { defaultCacheDir, ResponseCache } from './response-cache.js';

/** Where the API key is looked for, in order, unless `apiKeyEnv` names another variable. */
export const API_KEY_ENV = ['ARXIV_CLASSIFIER_LLM_KEY', 'OPENAI_API_KEY'] as const;

/** One paper's answer: its probability row and, when it could not be read, why; `failed`, the request's error. */
interface Answer {
  row: Float32Array;
  unparsed?: string;
  failed?: ChatError;
}

/**
 * A primary-category classifier that asks a chat model. The answer's label gets the model's
 * stated confidence (1 when it gives none; just above chance when it states less) and the rest is
 * spread evenly over the other labels, so that evaluation's probability metrics stay defined; an
 * unreadable answer or a request that failed for good gives an all-zero row (no answer: scored
 * as wrong, and as no labels by predictBatchAsync) and is counted. When every request of a call
 * fails (one paper, or the endpoint down), the call throws the typed error instead: a run is not
 * scored against an endpoint that never answered, and the server can say 502, 503 or 504.
 */
export class LlmClassifier implements Classifier {
  readonly info: ModelInfo;
  readonly scheme: LabelSchemeJSON;
  readonly thresholds = null;
  private readonly allowed: ReadonlySet<string>;
  private readonly builder: PredictionBuilder;
  private unparsedCount = 0;
  private answered = 0;

  private constructor(
    readonly labels: readonly string[],
    private readonly client: ChatClient,
    private readonly prompt: PromptBuilder,
    private readonly options: LlmBackendOptions,
  ) {
    this.allowed = new Set(labels);
    this.scheme = plainScheme('primary', [...labels]);
    this.builder = new PredictionBuilder(labels, 'primary');
    this.info = {
      backend: 'llm',
      task: 'primary',
      labels: [...labels],
      createdAt: new Date().toISOString(),
      training: { papers: 0, dataHash: '', seconds: 0, options: { baseUrl: options.baseUrl, model: options.model, fewShot: options.fewShotCount ?? 0 } },
      validation: {},
      quantized: false,
    };
  }

  static async open(o: LlmBackendOptions): Promise<LlmClassifier> {
    if (!o.baseUrl) throw new RangeError('the llm backend needs --base-url');
    if (!o.model) throw new RangeError('the llm backend needs --llm-model');
    const labels = o.labels ?? CATEGORIES.filter((c) => !c.archiveLevel).map((c) => c.code);
    for (const l of labels) if (!getCategory(l)) throw new RangeError(`unknown arXiv category "${l}" in the llm label set`);
    if (labels.length < 2) throw new RangeError('the llm label set needs at least two categories');
    const envNames = o.apiKeyEnv ? [o.apiKeyEnv] : API_KEY_ENV;
    const apiKey = envNames.map((n) => process.env[n]).find((v) => v !== undefined && v !== '');
    let examples: { paper: PaperText; code: string }[] = [];
    if (o.fewShot) {
      const { papers } = await loadPapers(o.fewShot);
      examples = pickExamples(papers, labels, o.fewShotCount ?? 8);
      if (examples.length === 0) throw new RangeError(`no paper in ${o.fewShot} has a primary category among the llm labels`);
    }
    const client = new ChatClient({
      baseUrl: o.baseUrl,
      model: o.model,
      apiKey,
      concurrency: o.concurrency,
      timeoutMs: o.timeoutMs,
      retries: o.retries,
      maxTokens: o.maxTokens,
      cache: o.cacheDir === null ? null : new ResponseCache(o.cacheDir ?? defaultCacheDir()),
    });
    return new LlmClassifier(labels, client, new PromptBuilder(labels, examples), { ...o, fewShotCount: examples.length });
  }

  private async answer(paper: PaperText): Promise<Answer> {
    const C = this.labels.length;
    // All zeros: no answer. Evaluation scores it as wrong; a uniform row would be read as the
    // first label (ties go to the lowest index) and score whenever that label was right.
    const none = () => new Float32Array(C);
    let text: string;
    try {
      text = await this.client.complete(this.prompt.messages(paper));
    } catch (e) {
      // Configuration problems (bad key, URL, model) stop the run; a paper whose request kept failing does not.
      if (e instanceof ChatError && !e.retryable) throw e;
      this.unparsedCount++;
      if (!(e instanceof ChatError)) return { row: none(), unparsed: `request failed: ${(e as Error).message}` };
      // The short reason: the message names the endpoint's URL, which answers must not show.
      return { row: none(), unparsed: `request failed: ${e.reason}`, failed: e };
    }
    this.answered++;
    const parsed = parseAnswer(text, this.allowed);
    if ('unparsed' in parsed) {
      this.unparsedCount++;
      return { row: none(), unparsed: parsed.unparsed };
    }
    // The named label stays on top even when the stated confidence is at or below chance.
    const p = C === 1 ? 1 : Math.max((1 / C) * 1.01, parsed.confidence ?? 1);
    const row = new Float32Array(C).fill((1 - p) / (C - 1));
    row[this.labels.indexOf(parsed.code)] = p;
    return { row };
  }

  private async answers(papers: readonly PaperText[]): Promise<Answer[]> {
    // The client bounds concurrency; asking for every paper at once keeps its pool full.
    const answers = await Promise.all(papers.map((p) => this.answer(p)));
    const failed = answers[0]?.failed;
    if (failed && answers.every((a) => a.failed)) throw failed;
    return answers;
  }

  async predictProbaAsync(papers: readonly PaperText[], options?: Pick<PredictOptions, 'prior'>): Promise<Float32Array> {
    checkPapers(papers, 'shape');
    refusePrior(options, 'llm');
    const C = this.labels.length;
    const out = new Float32Array(papers.length * C);
    (await this.answers(papers)).forEach((a, i) => out.set(a.row, i * C));
    return out;
  }

  async predictBatchAsync(papers: readonly PaperText[], options: PredictOptions = {}): Promise<Prediction[]> {
    // Before any work: a remote model's answers are paid for.
    checkPapers(papers);
    checkPredictOptions(options);
    refusePrior(options, 'llm');
    const answers = await this.answers(papers);
    return answers.map((a) => {
      const prediction = this.builder.fromRow(a.row, 0, options);
      if (a.unparsed === undefined) return prediction;
      return { labels: [], groups: prediction.groups, unparsed: a.unparsed };
    });
  }

  usage(): Record<string, number> {
    const u = this.client.usage;
    const out: Record<string, number> = { ...u, answers: this.answered, unparsed: this.unparsedCount };
    const price = this.options.pricePerMillion;
    if (price) out.costUsd = (u.promptTokens * price.prompt + u.completionTokens * price.completion) / 1e6;
    return out;
  }

  usageLine(): string {
    const u = this.usage();
    const cost = u.costUsd !== undefined ? `, $${u.costUsd.toFixed(4)}` : '';
    return `llm ${this.options.model}: ${u.answers} answers (${u.cached} from cache, ${u.requests} requests, ${u.retries} retries, ${u.failed} failed), ${u.promptTokens} prompt + ${u.completionTokens} completion tokens${cost}, ${u.unparsed} unparsed`;
  }
}
