import type { BackendOptions } from '../models/backends.js';
import type { FeedbackStore } from './feedback-store.js';
import type { Metrics, MetricsSnapshot, Gauges } from './metrics.js';
import type { ModelSlot, ReloadResult } from './model-slot.js';
import type { PredictPool } from '../models/predict-pool.js';
import type { UpstreamHealth } from './upstream-health.js';

/** How `serve` was configured. */
export interface ServeConfig {
  modelPath: string;
  /** Another backend than a model file of ours (LLM, ONNX, ensemble); modelPath is then unused. */
  backend?: { backend: BackendOptions; description: string };
  /** SQLite file for feedback; null turns the feedback route off (503). */
  feedbackPath: string | null;
  /** Bearer token required by feedback and admin routes; undefined leaves them open. */
  token?: string;
  /** Origins allowed by CORS (`*` for any); empty sends no CORS headers. */
  corsOrigins: string[];
  /** Directory of the web page's files; null serves no page. */
  webDir: string | null;
  /** An evaluation report (HTML) linked from the model page. */
  reportPath?: string;
  /** Largest JSON body for single-paper routes, and for batch routes. */
  maxBodyBytes: number;
  maxBatchBodyBytes: number;
  /** Most papers in one JSON batch. */
  maxBatch: number;
  /** Threads that share large JSON batches with the server's thread (default 0: none). */
  batchThreads?: number;
}

export const DEFAULT_LIMITS = { maxBodyBytes: 1 << 20, maxBatchBodyBytes: 64 << 20, maxBatch: 10_000 } as const;

/**
 * Hooks a cluster supplies so that any process can answer for all of them: metrics summed over
 * the processes, and a reload that reaches every process.
 */
export interface ClusterHooks {
  processes: number;
  metrics(): Promise<{ snapshot: MetricsSnapshot; residentBytes: number; heapBytes: number; cpuSeconds: number }>;
  reload(): Promise<ReloadResult>;
}

/** Everything a route handler may touch. */
export interface AppState {
  config: ServeConfig;
  slot: ModelSlot;
  feedback: FeedbackStore | null;
  metrics: Metrics;
  pool: PredictPool | null;
  startedAt: number;
  /** Set when shutdown starts: /readyz turns 503 so load balancers stop sending. */
  draining: boolean;
  /** Whether the model backend answers, as requests found it. */
  upstream: UpstreamHealth;
  cluster?: ClusterHooks;
}

export type { Gauges };
