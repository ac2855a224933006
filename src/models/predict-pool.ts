import type { IngestReport } from '../corpus/canonical.js';
import type { PaperRecord } from '../corpus/record.js';
import { startWorker } from '../parallel/worker-url.js';
import { WorkerClient } from '../parallel/rpc.js';
import { ModelFileError, type ModelFileErrorKind } from './file/model-codec.js';
import type { PaperText, PredictOptions } from './model.js';
import { defaultThreads } from '../parallel/threads.js';

/** Predictions for a chunk of input: output lines (each ending in a newline), and what was skipped. */
export interface LinesChunk {
  lines: string | Uint8Array;
  papers: number;
  errors: { line: number; error: string }[];
}

/**
 * A run of JSON lines canonicalised as ingest does it, with the model's probabilities for each
 * record: what evaluation scores, without the abstracts.
 */
export interface ProbaChunk {
  papers: Pick<PaperRecord, 'id' | 'title' | 'primary' | 'categories'>[];
  /** Two 32-bit halves of each record's id hash (see id-table.ts). */
  hashes: Uint32Array;
  /** File line of each record. */
  lines: Int32Array;
  /** Read/kept/skipped counts of this run alone. */
  report: IngestReport;
  /** papers.length × classes, row-major. */
  proba: Float32Array;
  /** The texts the model was given for the first records, as many as asked for. */
  sample: PaperText[];
}

/** A thread's answer to loading the model: null, or the ModelFileError it met, as data. */
export type LoadAnswer = null | { source: string; kind: ModelFileErrorKind; detail: string };

/**
 * Batch prediction on worker threads, each with its own copy of a model file. One thread scores
 * 18–20k abstracts a second in process (parsing and writing the lines included), a third of it
 * tokenising and looking up features; on the 2-core benchmark machine two threads score about 1.5
 * times what one does, with a small model too, so it is not the copies crowding the cache.
 * Requests go to the least busy thread; answers come back in request order per call.
 */
export class PredictPool {
  private readonly busy: number[];

  private constructor(private readonly workers: WorkerClient[]) {
    this.busy = workers.map(() => 0);
  }

  get threads(): number {
    return this.workers.length;
  }

  /** Rejects with the ModelFileError a thread met when the file is missing, damaged or not a model. */
  static async open(modelPath: string, threads = defaultThreads()): Promise<PredictPool> {
    const workers = Array.from({ length: Math.max(1, threads) }, () => new WorkerClient(startWorker(import.meta.url, './predict-worker.js')));
    try {
      const answers = await Promise.all(workers.map((w) => w.call<LoadAnswer>({ type: 'load', path: modelPath })));
      const failed = answers.find((a) => a !== null);
      if (failed) throw new ModelFileError(failed.source, failed.kind, failed.detail);
    } catch (e) {
      await Promise.all(workers.map((w) => w.close()));
      throw e;
    }
    return new PredictPool(workers);
  }

  private async run<T>(message: Record<string, unknown>, transfer: ArrayBuffer[] = []): Promise<T> {
    let k = 0;
    for (let i = 1; i < this.busy.length; i++) if (this.busy[i]! < this.busy[k]!) k = i;
    this.busy[k]!++;
    try {
      return await this.workers[k]!.call<T>(message, transfer);
    } finally {
      this.busy[k]!--;
    }
  }

  /** Batch output lines (see predictionLine) for a chunk of papers. */
  predictLines(papers: readonly (PaperText & { id?: string })[], options: PredictOptions): Promise<LinesChunk> {
    return this.run<LinesChunk>({ type: 'lines', papers, options });
  }

  /**
   * Batch output lines for a run of whole JSON lines (UTF-8, as from readLineByteChunks) that the
   * thread parses itself; lines that hold no paper come back as errors with their line numbers.
   */
  predictJsonLines(bytes: Uint8Array, firstLine: number, options: PredictOptions): Promise<LinesChunk> {
    // A copy, because `bytes` may be a view into a buffer that other chunks share.
    const own = new Uint8Array(bytes);
    return this.run<LinesChunk>({ type: 'jsonl', bytes: own, firstLine, options }, [own.buffer]);
  }

  /**
   * Canonical records and their probabilities for whole JSON lines of `file` (the first `length`
   * bytes of `buffer`, which moves to the thread), lines numbered from `firstLine`.
   */
  probaJsonLines(chunk: { buffer: ArrayBuffer; length: number; firstLine: number }, file: string, options: { titleOnly: boolean; sample: number }): Promise<ProbaChunk> {
    return this.run<ProbaChunk>({ type: 'proba-jsonl', ...chunk, file, ...options }, [chunk.buffer]);
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
  }
}
