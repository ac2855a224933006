import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { loadModel, type LoadedModel } from '../models/load-model.js';

/** The model being served with the bytes of its file (for in-browser use) and their ETag. */
export interface ServedModel {
  model: LoadedModel;
  path: string;
  bytes: Buffer;
  etag: string;
  loadedAt: string;
}

export type ReloadResult = { ok: true; model: ServedModel } | { ok: false; error: string; kept: ServedModel };

/** The ETag of a model file's bytes (a strong validator: equal bytes, equal tag). */
export function modelEtag(bytes: Uint8Array): string {
  return `"${createHash('sha256').update(bytes).digest('base64url').slice(0, 27)}"`;
}

async function open(path: string): Promise<ServedModel> {
  const abs = resolve(path);
  const bytes = await readFile(abs);
  const model = await loadModel(abs);
  // Score once so the lazy int8 → f32 expansion happens now, not inside the first request.
  model.predict({ title: 'warm up' });
  const etag = modelEtag(bytes);
  return { model, path: abs, bytes, etag, loadedAt: new Date().toISOString() };
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

  static async open(path: string): Promise<ModelSlot> {
    return new ModelSlot(await open(path));
  }

  get current(): ServedModel {
    return this.served;
  }

  /** Run `listener` after each successful swap (before the reload reports success). */
  onSwap(listener: (served: ServedModel) => Promise<void>): void {
    this.swapListeners.push(listener);
  }

  /** Load `path` (default: the current file again, e.g. after it was replaced) and swap it in. */
  reload(path?: string): Promise<ReloadResult> {
    const run = async (): Promise<ReloadResult> => {
      try {
        this.served = await open(path ?? this.served.path);
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
