import type { PaperText, PredictOptions } from '../models/model.js';
import { WorkerClient } from '../parallel/rpc.js';
import { startWorker } from '../parallel/worker-url.js';
import type { ServedModel } from './model-slot.js';
import { predictionOutput } from './output.js';
import { defaultThreads } from '../parallel/threads.js';

/** Batches smaller than this run on the request's own thread: splitting them costs more than it saves. */
export const MIN_PARALLEL_BATCH = 64;

/**
 * Threads that share large batches with the server's own thread, so one batch of 1,000 papers
 * uses every core. Each thread holds a copy of the model (memory: one more model per thread).
 * After a reload, a thread that has not loaded the new model yet declines its slice and the
 * server's thread does it, so a batch is always answered by the model the server serves.
 */
export class PredictPool {
  private readonly clients: WorkerClient[];
  /** Slices the threads answered (not declined): for tests and curiosity. */
  threadSlices = 0;

  private constructor(readonly threads: number) {
    this.clients = Array.from({ length: threads }, () => {
      const w = startWorker(import.meta.url, './predict-worker.js');
      // The pool must not keep a server that is shutting down alive.
      w.unref();
      return new WorkerClient(w);
    });
  }

  static async start(threads: number, model: ServedModel): Promise<PredictPool> {
    const pool = new PredictPool(threads);
    await pool.load(model);
    return pool;
  }

  /** Default: one thread fewer than commands take (defaultThreads), since the server's own thread takes a core too. */
  static defaultThreads(): number {
    return defaultThreads() - 1;
  }

  /** Load `model`'s file in every thread (after a reload). */
  async load(model: ServedModel): Promise<void> {
    await Promise.all(this.clients.map((c) => c.call<string>({ op: 'load', path: model.path })));
  }

  /** JSON text of each paper's prediction, in input order. */
  async predict(served: ServedModel, papers: readonly (PaperText & { id?: string })[], options: PredictOptions): Promise<string[]> {
    const here = (slice: readonly (PaperText & { id?: string })[]): string[] =>
      slice.map((p) => JSON.stringify(predictionOutput(served.linear!.predict({ title: p.title, abstract: p.abstract ?? '' }, options), p.id)));
    if (papers.length < MIN_PARALLEL_BATCH || this.clients.length === 0) return here(papers);
    const parts = this.clients.length + 1;
    const size = Math.ceil(papers.length / parts);
    const slices = Array.from({ length: parts }, (_, i) => papers.slice(i * size, (i + 1) * size));
    const remote = slices.slice(1).map((slice, i) => this.clients[i]!.call<string[] | null>({ op: 'predict', etag: served.etag, papers: slice, options }));
    // The server's thread does the first slice while the others work.
    const first = here(slices[0]!);
    const rest = await Promise.all(
      remote.map((r, i) =>
        r.then((out) => {
          if (out === null) return here(slices[i + 1]!);
          this.threadSlices++;
          return out;
        }),
      ),
    );
    return first.concat(...rest);
  }

  async close(): Promise<void> {
    await Promise.all(this.clients.map((c) => c.close()));
  }
}
