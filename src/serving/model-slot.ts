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

async function open(path: string): Promise<ServedModel> {
  const abs = resolve(path);
  const bytes = await readFile(abs);
  const model = await loadModel(abs);
  // Score once so the lazy int8 → f32 expansion happens now, not inside the first request.
  model.predict({ title: 'warm up' });
  const etag = `"${createHash('sha256').update(bytes).digest('base64url').slice(0, 27)}"`;
  return { model, path: abs, bytes, etag, loadedAt: new Date().toISOString() };
}

/**
 * Holds the current model. A reload loads the new file completely before swapping one reference,
 * so requests see the old model or the new one, never a half-loaded one, and a file that fails
 * to load leaves the old model in place. Reloads run one at a time.
 */
export class ModelSlot {
  private reloading: Promise<ReloadResult> | null = null;

  private constructor(private served: ServedModel) {}

  static async open(path: string): Promise<ModelSlot> {
    return new ModelSlot(await open(path));
  }

  get current(): ServedModel {
    return this.served;
  }

  /** Load `path` (default: the current file again, e.g. after it was replaced) and swap it in. */
  reload(path?: string): Promise<ReloadResult> {
    const run = async (): Promise<ReloadResult> => {
      try {
        this.served = await open(path ?? this.served.path);
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
