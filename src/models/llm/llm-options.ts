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
