import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { openBackend, type BackendOptions } from '../models/backends.js';
import { loadModel, type LoadedModel } from '../models/load-model.js';
import type { ModelInfo, PaperText, Prediction, PredictOptions } from '../models/model.js';

/**
 * What `serve` serves: one of our model files (path), or any other backend (LLM, ONNX folder,
 * ensemble) opened through the backend registry.
 */
export type ServeSource = { path: string } | { backend: BackendOptions; description: string };

/** The model being served with the bytes of its file (for in-browser use) and their ETag. */
export interface ServedModel {
  /** What every route shows about it. */
  model: { info: ModelInfo; labels: readonly string[] };
  /** A model file of ours: predicted in-process and synchronously, shared with batch threads. */
  linear: LoadedModel | null;
  /** Any other backend, through its async interface. */
  backend: AsyncBackend | null;
  /** The model file, or a description of the backend (`onnx:DIR`, `llm:MODEL`, ...). */
  path: string;
  /** The model file's bytes; null for backends that are not one file of ours. */
  bytes: Buffer | null;
  etag: string;
  loadedAt: string;
  source: ServeSource;
}

type AsyncBackend = Awaited<ReturnType<typeof openBackend>>;

/** Predictions for papers from whichever kind of model is served. */
export async function predictPapers(served: ServedModel, papers: readonly PaperText[], options: PredictOptions): Promise<Prediction[]> {
  if (served.linear) return papers.map((p) => served.linear!.predict({ title: p.title, abstract: p.abstract ?? '' }, options));
  return served.backend!.predictBatchAsync(papers.map((p) => ({ title: p.title, abstract: p.abstract ?? '' })), options);
}

export type ReloadResult = { ok: true; model: ServedModel } | { ok: false; error: string; kept: ServedModel };

/** The ETag of a model file's bytes (a strong validator: equal bytes, equal tag). */
export function modelEtag(bytes: Uint8Array): string {
  return `"${createHash('sha256').update(bytes).digest('base64url').slice(0, 27)}"`;
}

async function open(source: ServeSource): Promise<ServedModel> {
  const loadedAt = new Date().toISOString();
  if ('backend' in source) {
    const backend = await openBackend(source.backend);
    // No file to hash: the tag names the configuration and when it was opened.
    const etag = modelEtag(new TextEncoder().encode(`${source.description}\n${loadedAt}`));
    return { model: backend, linear: null, backend, path: source.description, bytes: null, etag, loadedAt, source };
  }
  const abs = resolve(source.path);
  // Loaded first: loadModel says what is wrong with a path in words.
  const model = await loadModel(abs);
  const bytes = await readFile(abs);
  // Score once so the lazy int8 → f32 expansion happens now, not inside the first request.
  model.predict({ title: 'warm up' });
  const etag = modelEtag(bytes);
  return { model, linear: model, backend: null, path: abs, bytes, etag, loadedAt, source: { path: abs } };
}

/**
 * Holds the current model. A reload loads the new file completely before swapping one reference,
 * so requests see the old model or the new one, never a half-loaded one, and a file that fails
 * to load leaves the old model in place. Reloads run one at a time.
 */
export class ModelSlot {
  private reloading: Promise<ReloadResult> | null = null;
  private readonly swapListeners: ((served: ServedModel) => Promise<void>)[] = [];

  private constructor(private served: ServedModel) {}

  static async open(source: ServeSource | string): Promise<ModelSlot> {
    return new ModelSlot(await open(typeof source === 'string' ? { path: source } : source));
  }

  get current(): ServedModel {
    return this.served;
  }

  /** Run `listener` after each successful swap (before the reload reports success). */
  onSwap(listener: (served: ServedModel) => Promise<void>): void {
    this.swapListeners.push(listener);
  }

  /** Load `path` (default: the current file or backend again, e.g. after it was replaced) and swap it in. */
  reload(path?: string): Promise<ReloadResult> {
    const run = async (): Promise<ReloadResult> => {
      try {
        this.served = await open(path !== undefined ? { path } : this.served.source);
        // A listener that fails (a batch thread that cannot load the file) must not undo the
        // swap: batch threads decline work for a model they do not hold.
        for (const l of this.swapListeners) await l(this.served).catch(() => {});
        return { ok: true, model: this.served };
      } catch (e) {
        return { ok: false, error: (e as Error).message, kept: this.served };
      }
    };
    // Queue behind a running reload so two reloads never interleave.
    const next = (this.reloading ?? Promise.resolve()).then(run);
    this.reloading = next;
    void next.finally(() => {
      if (this.reloading === next) this.reloading = null;
    });
    return next;
  }
}
