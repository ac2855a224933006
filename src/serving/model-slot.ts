import { resolve } from 'node:path';
import { openBackend, type BackendOptions } from '../models/backends.js';
import { modelEtag, readModelBytes } from '../models/file/model-file.js';
import { hasSyncPath, type Classifier, type PaperText, type Prediction, type PredictOptions } from '../models/model.js';
import { modelFromBytes } from '../models/open-model.js';

/**
 * What `serve` serves: one of our model files (path), or any other backend (LLM, ONNX folder,
 * ensemble) opened through the backend registry.
 */
export type ServeSource = { path: string } | { backend: BackendOptions; description: string };

/** The classifier being served, with where it came from and the bytes of its file (for in-browser use). */
export interface Served {
  model: Classifier;
  /** The model file, or a description of the backend (`onnx:DIR`, `llm:MODEL`, ...). */
  path: string;
  /** The model file's bytes; null for backends that are not one file of ours. */
  bytes: Buffer | null;
  etag: string;
  loadedAt: string;
  source: ServeSource;
}

/** Predictions for papers, in-process and at once where the model has a synchronous path. */
export async function predictPapers(served: Served, papers: readonly PaperText[], options: PredictOptions): Promise<Prediction[]> {
  const { model } = served;
  if (hasSyncPath(model)) return papers.map((p) => model.predict(p, options));
  return model.predictBatchAsync(papers, options);
}

export type ReloadResult = { ok: true; model: Served } | { ok: false; error: string; kept: Served };

async function open(source: ServeSource): Promise<Served> {
  const loadedAt = new Date().toISOString();
  if ('backend' in source) {
    const model = await openBackend(source.backend);
    // No file to hash: the tag names the configuration and when it was opened.
    const etag = modelEtag(new TextEncoder().encode(`${source.description}\n${loadedAt}`));
    return { model, path: source.description, bytes: null, etag, loadedAt, source };
  }
  const abs = resolve(source.path);
  const bytes = await readModelBytes(abs);
  const model = modelFromBytes(bytes, abs);
  // Score once so the lazy int8 → f32 expansion happens now, not inside the first request.
  model.predict({ title: 'warm up' });
  return { model, path: abs, bytes, etag: modelEtag(bytes), loadedAt, source: { path: abs } };
}

/**
 * Holds the current model. A reload loads the new file completely before swapping one reference,
 * so requests see the old model or the new one, never a half-loaded one, and a file that fails
 * to load leaves the old model in place. Reloads run one at a time.
 */
export class ModelSlot {
  private reloading: Promise<ReloadResult> | null = null;
  private readonly swapListeners: ((served: Served) => Promise<void>)[] = [];

  private constructor(private served: Served) {}

  static async open(source: ServeSource | string): Promise<ModelSlot> {
    return new ModelSlot(await open(typeof source === 'string' ? { path: source } : source));
  }

  get current(): Served {
    return this.served;
  }

  /** Run `listener` after each successful swap (before the reload reports success). */
  onSwap(listener: (served: Served) => Promise<void>): void {
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
