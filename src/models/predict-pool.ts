import type { IngestReport } from '../corpus/canonical.js';
import type { PaperRecord } from '../corpus/record.js';
import { startWorker } from '../parallel/worker-url.js';
import { WorkerClient } from '../parallel/rpc.js';
import { ModelFileError, type ModelFileErrorKind } from './file/model-codec.js';
import { readModelBytesShared } from './file/model-file.js';
import type { PaperText, PredictOptions, PriorChoice, SyncPath } from './model.js';
import { defaultThreads } from '../parallel/threads.js';
import { predictionLine } from './prediction-json.js';
import type { Cell, PredictionFormat } from './prediction-table.js';
import type { RecordColumns } from '../sources/fields.js';

/** Batches smaller than this stay on the caller's thread in `predictShared`: splitting them costs more than it saves. */
export const MIN_PARALLEL_BATCH = 64;

/** Predictions for a chunk of input: output lines (each ending in a newline), and what was skipped. */
/** A paper of an input file, with its row (see PredictionRecord) for when it has no id. */
export type NumberedPaper = PaperText & { id?: string; row?: number };

export interface LinesChunk {
  /** Encoded in the chunk's format (see ChunkEncoder); empty for parquet, whose cells are in `rows`. */
  lines: string | Uint8Array;
  rows?: Cell[][];
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

/** The model a caller holds itself, and the ETag of its file, for `predictShared`. */
export interface LocalModel {
  model: SyncPath;
  etag: string;
}

/**
 * Prediction on worker threads, each with its own copy of a model file: batch files for the CLI
 * and evaluation, large API batches for the server. One thread scores 18–20k abstracts a second
 * in process (parsing and writing the lines included), a third of it tokenising and looking up
 * features; on the 2-core benchmark machine two threads score about 1.5 times what one does, with
 * a small model too, so it is not the copies crowding the cache. Requests go to the least busy
 * thread; answers come back in request order per call.
 */
export class PredictPool {
  private readonly busy: number[];
  /** Slices of `predictShared` batches the threads answered (not declined): for tests and curiosity. */
  threadSlices = 0;

  private constructor(private readonly workers: WorkerClient[]) {
    this.busy = workers.map(() => 0);
  }

  get threads(): number {
    return this.workers.length;
  }

  /**
   * Start `threads` threads and load `modelPath` in each; rejects with the ModelFileError a thread
   * met when the file is missing, damaged or not a model. `unref`: the threads do not keep the
   * process alive (a server that is shutting down must not wait for them).
   */
  static async open(modelPath: string, threads = defaultThreads(), options: { unref?: boolean } = {}): Promise<PredictPool> {
    const workers = Array.from({ length: Math.max(1, threads) }, () => {
      const w = startWorker(import.meta.url, './predict-worker.js');
      if (options.unref) w.unref();
      return new WorkerClient(w);
    });
    const pool = new PredictPool(workers);
    try {
      await pool.load(modelPath);
    } catch (e) {
      await pool.close();
      throw e;
    }
    return pool;
  }

  /**
   * Load `modelPath` in every thread (again, after a reload). A thread that fails keeps the model
   * it had, and declines `predictShared` slices for the new one. The file is read once, into
   * memory every thread shares: each thread's model is views onto it, so the threads hold one copy
   * of the file between them (a float model trained on all of arXiv is over 100 MB), besides the
   * weights each copies into its own kernel memory.
   */
  async load(modelPath: string): Promise<void> {
    const shared = await readModelBytesShared(modelPath);
    const answers = await Promise.all(this.workers.map((w) => w.call<LoadAnswer>({ type: 'load', path: modelPath, bytes: shared })));
    const failed = answers.find((a) => a !== null);
    if (failed) throw new ModelFileError(failed.source, failed.kind, failed.detail);
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
  predictLines(papers: readonly NumberedPaper[], options: PredictOptions, format: PredictionFormat = 'jsonl'): Promise<LinesChunk> {
    return this.run<LinesChunk>({ type: 'lines', papers, options, format });
  }

  /**
   * Batch output lines for a run of whole JSON lines (UTF-8, as from readLineByteChunks) that the
   * thread parses itself; lines that hold no paper come back as errors with their line numbers.
   */
  predictJsonLines(bytes: Uint8Array, firstLine: number, options: PredictOptions, format: PredictionFormat = 'jsonl'): Promise<LinesChunk> {
    // A copy, because `bytes` may be a view into a buffer that other chunks share.
    const own = new Uint8Array(bytes);
    return this.run<LinesChunk>({ type: 'jsonl', bytes: own, firstLine, options, format }, [own.buffer]);
  }

  /**
   * Canonical records and their probabilities for whole JSON lines of `file` (the first `length`
   * bytes of `buffer`, which moves to the thread), lines numbered from `firstLine`.
   */
  probaJsonLines(chunk: { buffer: ArrayBuffer; length: number; firstLine: number }, file: string, options: { titleOnly: boolean; sample: number; prior?: PriorChoice; columns?: RecordColumns }): Promise<ProbaChunk> {
    return this.run<ProbaChunk>({ type: 'proba-jsonl', ...chunk, file, ...options }, [chunk.buffer]);
  }

  /**
   * Milliseconds each of the first `count` of `texts` takes as a call of its own, on one of the
   * threads (after the whole sample once, to warm up): the thread's kernel memory already holds
   * the weights, so the caller need not copy them into a kernel memory of its own to time them.
   */
  latencyTimes(texts: readonly PaperText[], count: number): Promise<Float64Array> {
    return this.run<Float64Array>({ type: 'latency', texts, count });
  }

  /**
   * The API's JSON text of each paper's prediction, in input order. A large batch is shared
   * between the threads and the caller's own thread, which predicts the first slice with `local`
   * while the threads do the rest, so one batch of 1,000 papers uses every core. A thread that
   * does not hold `local`'s file (a reload is under way) declines its slice and the caller's
   * thread does it, so a batch is always answered by the caller's model.
   */
  async predictShared(local: LocalModel, papers: readonly (PaperText & { id?: string })[], options: PredictOptions): Promise<string[]> {
    // A paper without an id is answered with its place in the batch, from 1 (see PredictionRecord).
    const here = (slice: readonly (PaperText & { id?: string })[], first: number): string[] => slice.map((p, i) => predictionLine(p.id, local.model.predict(p, options), first + i));
    if (papers.length < MIN_PARALLEL_BATCH) return here(papers, 1);
    const parts = this.workers.length + 1;
    const size = Math.ceil(papers.length / parts);
    const slices = Array.from({ length: parts }, (_, i) => papers.slice(i * size, (i + 1) * size));
    const remote = slices.slice(1).map((slice, i) => this.workers[i]!.call<string[] | null>({ type: 'api', etag: local.etag, papers: slice, first: (i + 1) * size + 1, options }));
    const first = here(slices[0]!, 1);
    const rest = await Promise.all(
      remote.map((r, i) =>
        r.then((out) => {
          if (out === null) return here(slices[i + 1]!, (i + 1) * size + 1);
          this.threadSlices++;
          return out;
        }),
      ),
    );
    return first.concat(...rest);
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
  }
}
