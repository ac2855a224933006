import { UpstreamError, type UpstreamFailure } from '../../base/errors.js';
import { Redactor } from './redact.js';
import { ResponseCache, type CachedResponse } from './response-cache.js';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatClientOptions {
  /** Base URL of an OpenAI-compatible API, e.g. `https://api.openai.com/v1` or `http://localhost:11434/v1`. */
  baseUrl: string;
  model: string;
  /** Sent as a bearer token; never logged, cached or put in an error message. */
  apiKey?: string;
  /** Requests in flight at once. */
  concurrency?: number;
  /** Per request, in milliseconds. */
  timeoutMs?: number;
  /** Retries after a 429, a 5xx, a timeout, a network error or an unreadable body. */
  retries?: number;
  /** First backoff in milliseconds; doubled on each retry, with jitter. */
  backoffMs?: number;
  /** Longest wait a Retry-After header may ask for, in milliseconds. */
  maxBackoffMs?: number;
  maxTokens?: number;
  cache?: ResponseCache | null;
}

/** Counters for the run summary. */
export interface ChatUsage {
  requests: number;
  cached: number;
  promptTokens: number;
  completionTokens: number;
  retries: number;
  failed: number;
}

/** A request that failed for good; `retryable` false means a configuration problem (bad key, URL, model). */
export class ChatError extends UpstreamError {
  override name = 'ChatError';
  /** From a Retry-After header: how long the server asked us to wait. */
  retryAfterMs?: number;
  constructor(
    message: string,
    failure: UpstreamFailure,
    reason: string,
    readonly retryable: boolean,
    readonly status?: number,
  ) {
    super(message, failure, reason);
  }
}

/** Limits how many async tasks run at once. */
class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly limit: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await task();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * A chat-completions client for classification at volume: bounded concurrency, a timeout per
 * request, retries with exponential backoff (honouring Retry-After) on 429 and 5xx, a response
 * cache keyed by request hash, and token counters.
 */
export class ChatClient {
  readonly usage: ChatUsage = { requests: 0, cached: 0, promptTokens: 0, completionTokens: 0, retries: 0, failed: 0 };
  private readonly url: string;
  private readonly semaphore: Semaphore;
  // Private fields: they stay out of JSON.stringify, util.inspect and error objects.
  readonly #apiKey: string | undefined;
  readonly #redactor: Redactor;

  private readonly options: Omit<ChatClientOptions, 'apiKey'>;

  constructor(options: ChatClientOptions) {
    // The key is kept only in the private field below, never in `options`, which may be logged.
    const { apiKey, ...rest } = options;
    this.options = rest;
    let base: URL;
    try {
      base = new URL(options.baseUrl);
    } catch {
      throw new RangeError(`--base-url is not a URL: "${options.baseUrl}"`);
    }
    if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new RangeError(`--base-url must be http or https, got "${base.protocol}"`);
    if (base.username || base.password) throw new RangeError('--base-url must not carry credentials; put the API key in the environment');
    this.url = options.baseUrl.replace(/\/+$/, '') + '/chat/completions';
    this.#apiKey = apiKey || undefined;
    this.#redactor = new Redactor(this.#apiKey);
    this.semaphore = new Semaphore(Math.max(1, options.concurrency ?? 4));
  }

  /**
   * Remove the API key from any text that might reach a log, a file or an error, in any form an
   * echo can take, before cutting it to `maxLength`. Everything the client says goes through here.
   */
  redact(text: string, maxLength?: number): string {
    return this.#redactor.redact(text, maxLength);
  }

  /** The answer text for these messages, from the cache or the endpoint. */
  async complete(messages: ChatMessage[]): Promise<string> {
    const body = { model: this.options.model, messages, temperature: 0, max_tokens: this.options.maxTokens ?? 60 };
    const cache = this.options.cache ?? null;
    const key = cache ? ResponseCache.key(this.url, body) : '';
    if (cache) {
      const hit = await cache.get(key);
      if (hit) {
        this.usage.cached++;
        return hit.content;
      }
    }
    const response = await this.semaphore.run(() => this.withRetries(body));
    if (cache) await cache.set(key, response);
    return response.content;
  }

  private async withRetries(body: unknown): Promise<CachedResponse> {
    const retries = Math.max(0, this.options.retries ?? 4);
    const base = this.options.backoffMs ?? 500;
    const cap = this.options.maxBackoffMs ?? 30_000;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.once(body);
      } catch (e) {
        const err = e instanceof ChatError ? e : new ChatError(this.redact(`request failed: ${(e as Error).message}`), 'unavailable', 'the model endpoint could not be asked', true);
        if (!err.retryable || attempt >= retries) {
          this.usage.failed++;
          throw err;
        }
        this.usage.retries++;
        const backoff = base * 2 ** attempt * (0.5 + Math.random());
        await sleep(Math.min(cap, err.retryAfterMs ?? backoff));
      }
    }
  }

  private async once(body: unknown): Promise<CachedResponse> {
    this.usage.requests++;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.#apiKey) headers.authorization = `Bearer ${this.#apiKey}`;
    const timeoutMs = this.options.timeoutMs ?? 60_000;
    let res: Response;
    let text: string;
    try {
      res = await fetch(this.url, { method: 'POST', headers, body: JSON.stringify(body), signal: AbortSignal.timeout(timeoutMs) });
      text = await readCapped(res, MAX_ANSWER_BYTES, this.redact(this.url));
    } catch (e) {
      if (e instanceof ChatError) throw e;
      const name = (e as Error).name;
      const timedOut = name === 'TimeoutError' || name === 'AbortError';
      const why = timedOut ? `no answer within ${timeoutMs} ms` : ((e as Error & { cause?: Error }).cause?.message ?? (e as Error).message);
      const reason = timedOut ? `the model endpoint gave no answer within ${timeoutMs} ms` : 'the model endpoint cannot be reached';
      throw new ChatError(this.redact(`${this.url}: ${why}`), timedOut ? 'timeout' : 'unavailable', reason, true);
    }
    if (!res.ok) {
      const retryable = res.status === 429 || res.status >= 500;
      const hint = res.status === 401 || res.status === 403 ? ' (check the API key in the environment variable)' : res.status === 404 ? ' (check --base-url and --llm-model)' : '';
      const reason = `the model endpoint answered HTTP ${res.status}${hint}`;
      const err = new ChatError(`${this.redact(`${this.url}: HTTP ${res.status}${hint}`)}: ${this.redact(text.replace(/\s+/g, ' '), 200)}`, retryable ? 'unavailable' : 'refused', reason, retryable, res.status);
      const after = Number(res.headers.get('retry-after'));
      if (retryable && res.headers.has('retry-after') && Number.isFinite(after) && after >= 0) err.retryAfterMs = after * 1000;
      throw err;
    }
    let parsed: { choices?: { message?: { content?: unknown } }[]; usage?: { prompt_tokens?: unknown; completion_tokens?: unknown } };
    try {
      parsed = JSON.parse(text) as typeof parsed;
    } catch {
      throw new ChatError(`${this.redact(this.url)}: the answer is not JSON: ${this.redact(text.replace(/\s+/g, ' '), 100)}`, 'bad_answer', 'the model endpoint answered with something other than JSON', true);
    }
    const content = parsed?.choices?.[0]?.message?.content;
    if (typeof content !== 'string') throw new ChatError(`${this.url}: the answer has no choices[0].message.content`, 'bad_answer', 'the model endpoint answered without a message', true);
    const promptTokens = Number(parsed.usage?.prompt_tokens) || 0;
    const completionTokens = Number(parsed.usage?.completion_tokens) || 0;
    this.usage.promptTokens += promptTokens;
    this.usage.completionTokens += completionTokens;
    return { content: this.redact(content), promptTokens, completionTokens };
  }
}

/**
 * The most of an answer read: a chat completion of a few labels is a few KB, and an endpoint (or
 * something in front of it) that sends more must not grow the process without bound.
 */
const MAX_ANSWER_BYTES = 4 << 20;

/** The body as text (as `res.text()` decodes it), or a ChatError naming `source` once it passes `max` bytes; the rest is not read. */
async function readCapped(res: Response, max: number, source: string): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const parts: Uint8Array[] = [];
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.length;
    if (bytes > max) {
      await reader.cancel();
      throw new ChatError(`${source}: the answer is longer than ${max} bytes`, 'bad_answer', `the model endpoint answered with more than ${max >> 20} MiB`, true);
    }
    parts.push(value);
  }
  return new TextDecoder().decode(Buffer.concat(parts));
}
