/**
 * Ingestion: any number of metadata files in any supported format → one canonical JSONL corpus,
 * one record per paper id (the highest version; the later record on ties).
 *
 * Memory stays flat whatever the input size: records are never held. Pass 1 streams canonical
 * lines (serializePaper) to a temp file beside the output while an IdTable (14 bytes a slot, at
 * most 3/4 full) remembers the best record for each id hash and a bitmap marks the records that
 * lost. Only when there were duplicates does pass 2 stream the temp file again, leaving out the
 * marked lines. As with CorpusWriter, the output appears by rename at the end, so it is never
 * half-written; on error the temp files go and an existing output stays as it was. (CorpusWriter
 * itself takes one record at a time; here whole chunks of serialized bytes are written.)
 *
 * JSON lines (the big case: the 4.5 GB OAI snapshot) are parsed by worker threads: the main thread
 * reads line-aligned chunks of bytes (counting their lines, so workers know file line numbers),
 * workers return canonical UTF-8 plus per-record id hashes, and the main thread dedupes and writes
 * results in input order with a bounded number of chunks in flight. In the workers, ordinary lines
 * take a byte-level fast path (json-line-fast-path.ts) that never builds the record as JS values;
 * the rest go through JSON.parse, with identical output. Other formats go through the same
 * ChunkBuilder in the main thread.
 */
import { once } from 'node:events';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { open, rm, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { renameDurably, tempPathBeside } from '../base/atomic-file.js';
import { finished, pipeline } from 'node:stream/promises';
import type { Writable } from 'node:stream';
import type { Worker } from 'node:worker_threads';
import { createGunzip, createGzip } from 'node:zlib';
import { UserError } from '../base/errors.js';
import { checkOutputFile } from '../base/output-path.js';
import { detectFormat } from '../sources/detect.js';
import { tooLongLineItem } from '../sources/jsonl.js';
import { isGzipFile, notAFileError } from '../sources/open.js';
import { CHUNK_SLACK_BYTES, lineAlignedChunks } from '../sources/line-aligned-chunks.js';
import { countLines } from '../sources/lines.js';
import { readRows } from '../sources/read.js';
import type { FormatName } from '../sources/source.js';
import type { RecordColumns } from '../sources/fields.js';
import { startWorker } from '../parallel/worker-url.js';
import { emptyReport, mergeReports, recordSkip, type IngestReport } from './canonical.js';
import { BitSet, IdTable } from './id-table.js';
import { ChunkBuilder, INGEST_WORKER_ROLE, processJsonlChunk, type ChunkResult, type ChunkTask } from './ingest-worker.js';
import { idPrefixes } from './synthetic-id.js';

export interface IngestOptions {
  /** Read every input as this format instead of detecting each file's format from its content. */
  format?: FormatName;
  /**
   * Worker threads for JSON-lines inputs; 0 parses in the main thread. By default up to
   * 2 (or the core count, when lower) once the JSON-lines input is big enough to repay starting
   * them (128 MiB).
   */
  workers?: number;
  /** Approximate size of the text chunks handed to workers (default 1 MiB). */
  chunkBytes?: number;
  /** Called as input is consumed: bytes so far, estimated total bytes, records read so far. */
  onProgress?: (bytesDone: number, bytesTotal: number, records: number) => void;
  /** Fields to read instead of the usual spellings (`--title-col` …), in every input. */
  columns?: RecordColumns;
}

export interface IngestFileSummary {
  path: string;
  format: FormatName;
  /** Records read from this file (kept, skipped or later dropped as duplicates). */
  read: number;
  /** Uncompressed bytes of text consumed (JSON lines), else the file's size on disk. */
  bytes: number;
}

export interface IngestResult extends IngestReport {
  out: string;
  /** False when nothing was kept: the output was then not written (an old one stays). */
  written: boolean;
  files: IngestFileSummary[];
  /** Records dropped because another record had the same id (also in skipped.duplicate). */
  duplicates: number;
  /** Input bytes processed (see IngestFileSummary.bytes). */
  bytes: number;
  seconds: number;
  /** bytes / 1e6 / seconds. */
  mbPerSecond: number;
  /** Worker threads used (0: everything ran in the main thread). */
  workers: number;
}

/**
 * Chunk size: each chunk costs a read, two messages, a result to merge and fixed work in the
 * worker, and once the text copy went to SIMD that cost showed: on the shared corpus (plain, 2
 * workers) 1 MiB chunks took about a tenth less CPU than 256 KiB ones, for some 30 MB more peak
 * RSS; 2 MiB gained nothing more.
 */
const DEFAULT_CHUNK_BYTES = 1 << 20;
/** A worker holds one chunk's records at a time; a default-sized V8 heap only grows garbage. */
const WORKER_HEAP = { maxOldGenerationSizeMb: 96, maxYoungGenerationSizeMb: 8 };
const MAX_POOLED = 16;
const MIN_POOLED_OUTPUT = 64 << 10;
/**
 * Below this much JSON-lines input, starting workers costs more than it saves: each costs a few
 * tenths of a CPU-second of start-up and JIT warm-up, about what one thread needs to canonicalise
 * this much with the fast path.
 */
const AUTO_WORKER_MIN_BYTES = 128 << 20;
/** Table formats hand over their records in batches of about this many bytes of output. */
const BATCH_BYTES = 1 << 20;
const MAX_WORKERS = 2;
/**
 * Messages queued per worker, so it never waits for the main thread between chunks (which matters
 * on a busy machine, where the main thread may wait for a time slice).
 */
const TASKS_PER_WORKER = 4;
/** Chunks read ahead beyond those queued at workers, so a slow main thread never starves them. */
const READ_AHEAD = 4;

/**
 * Ingest `paths` into the canonical corpus `out` (gzipped when it ends in `.gz`). Throws UserError
 * when an input cannot be read at all; malformed records are only counted in the result.
 */
export async function ingest(paths: readonly string[], out: string, options: IngestOptions = {}): Promise<IngestResult> {
  if (paths.length === 0) throw new UserError('no input files given');
  const started = performance.now();
  const inputs = await Promise.all(paths.map(describeInput));
  await checkOutputFile(out, 'cannot write');
  const totalBytes = inputs.reduce((s, i) => s + i.estimate, 0);

  const formats: FormatName[] = [];
  for (const input of inputs) formats.push(options.format ?? (await detectFormat(input.path)));
  const prefixes = idPrefixes(paths);
  const jsonlBytes = inputs.reduce((s, input, i) => s + (formats[i] === 'jsonl' ? input.estimate : 0), 0);
  const workerCount = chooseWorkers(options.workers, jsonlBytes);
  const chunkBytes = Math.max(1, Math.floor(options.chunkBytes ?? DEFAULT_CHUNK_BYTES));

  const outGz = out.toLowerCase().endsWith('.gz');
  const stamp = String(Date.now());
  const pass1Path = tempPathBeside(out, stamp);
  const pass2Path = tempPathBeside(out, `${stamp}.dedupe`);

  const report = emptyReport();
  const table = new IdTable();
  const superseded = new BitSet();
  const files: IngestFileSummary[] = [];
  let records = 0;
  let bytesDone = 0;
  const sink = new Sink(pass1Path, outGz);
  const reader = new CanonicalReader(workerCount, chunkBytes);

  /** Merge one chunk's result in input order: counts, dedupe, then its bytes to the temp file. */
  const take = async (file: string, r: ChunkResult): Promise<void> => {
    mergeReports(report, r.report);
    for (let i = 0; i < r.count; i++) {
      const index = records++;
      const version = r.versions[i]!;
      const loser = table.offer(r.hashes[2 * i]!, r.hashes[2 * i + 1]!, index, version);
      if (loser < 0) continue;
      superseded.add(loser);
      report.kept--;
      const wantExample = (report.examples.duplicate?.length ?? 0) < 5;
      const detail = wantExample ? duplicateDetail(idAt(r.data, i), version, table.previousVersion, loser === index) : '';
      recordSkip(report, 'duplicate', file, r.lines[i]!, detail);
    }
    reader.releaseInput(r);
    if (r.data.length > 0) await sink.write(r.data, () => reader.releaseOutput(r));
    else reader.releaseOutput(r);
  };

  try {
    for (const [i, input] of inputs.entries()) {
      const format = formats[i]!;
      const readBefore = report.read;
      let fileBytes = 0;
      const onRead = (bytes: number) => {
        bytesDone += bytes;
        options.onProgress?.(Math.min(bytesDone, totalBytes), totalBytes, report.read);
      };
      for await (const r of reader.chunks(input.path, format, { idPrefix: prefixes[i]!, onRead, ...(options.columns ? { columns: options.columns } : {}) })) {
        fileBytes += r.bytes;
        await take(input.path, r);
        if (format !== 'jsonl') options.onProgress?.(bytesDone, totalBytes, report.read);
      }
      if (format !== 'jsonl') {
        // Table formats are read whole by their parsers: their size counts once they are done.
        fileBytes = input.size;
        bytesDone += input.estimate;
        options.onProgress?.(Math.min(bytesDone, totalBytes), totalBytes, report.read);
      }
      files.push({ path: input.path, format, read: report.read - readBefore, bytes: fileBytes });
    }
    await sink.close();

    let written = true;
    if (report.kept <= 0) {
      written = false;
      await rm(pass1Path, { force: true });
    } else if (superseded.count === 0) {
      await renameDurably(pass1Path, out);
    } else {
      await dropSuperseded(pass1Path, pass2Path, outGz, superseded);
      await renameDurably(pass2Path, out);
      await rm(pass1Path, { force: true });
    }
    const seconds = (performance.now() - started) / 1000;
    const bytes = files.reduce((s, f) => s + f.bytes, 0);
    return {
      ...report,
      out,
      written,
      files,
      duplicates: report.skipped.duplicate ?? 0,
      bytes,
      seconds,
      mbPerSecond: seconds > 0 ? bytes / 1e6 / seconds : 0,
      workers: reader.workers,
    };
  } catch (err) {
    await sink.destroy();
    await rm(pass1Path, { force: true });
    await rm(pass2Path, { force: true });
    throw err;
  } finally {
    await reader.close();
  }
}

/**
 * Canonical records of input files in any format, chunk by chunk in input order: JSON lines on
 * worker threads (when given any) with a bounded number of chunks in flight, other formats in
 * batches through a ChunkBuilder on this thread. One reader serves several files and passes, so
 * its threads and buffers are made once. Give each result's buffers back (`release`) once done.
 */
export class CanonicalReader {
  private pool: ChunkPool | undefined;
  private readonly buffers: BufferPool;
  private seq = 0;

  constructor(
    /** Worker threads for JSON lines (0: this thread); see chooseWorkers. */
    private readonly workerCount: number,
    private readonly chunkBytes = DEFAULT_CHUNK_BYTES,
  ) {
    this.buffers = new BufferPool(chunkBytes + CHUNK_SLACK_BYTES);
  }

  /** Threads started so far (none until a JSON-lines file is read with workers). */
  get workers(): number {
    return this.pool?.size ?? 0;
  }

  /**
   * One file's records. `onRead` gets each JSON-lines chunk's size in bytes as it is read (table
   * formats are parsed whole and report nothing); `papers` as in ChunkTask.
   */
  async *chunks(path: string, format: FormatName, o: { idPrefix?: string; onRead?: (bytes: number) => void; papers?: boolean; columns?: RecordColumns } = {}): AsyncGenerator<ChunkResult> {
    if (format === 'jsonl') {
      if (this.workerCount > 0) this.pool ??= new ChunkPool(this.workerCount);
      const chunkOptions: JsonlChunkOptions = {
        pool: this.pool,
        buffers: this.buffers,
        chunkBytes: this.chunkBytes,
        nextSeq: () => this.seq++,
        ...(o.onRead ? { onRead: o.onRead } : {}),
        ...(o.papers ? { papers: true } : {}),
        ...(o.idPrefix !== undefined ? { idPrefix: o.idPrefix } : {}),
        ...(o.columns ? { columns: o.columns } : {}),
      };
      yield* jsonlChunks(path, format, chunkOptions);
      return;
    }
    const builder = new ChunkBuilder(path, format, o.idPrefix, undefined, undefined, o.columns);
    for await (const item of readRows(path, format)) {
      builder.add(item);
      if (builder.size >= BATCH_BYTES) yield builder.finish(this.seq++);
    }
    yield builder.finish(this.seq++);
  }

  /** The result's input buffer may be reused. */
  releaseInput(r: ChunkResult): void {
    if (r.input) this.buffers.giveInput(r.input);
  }

  /** The result's `data` has been written or read and may be reused. */
  releaseOutput(r: ChunkResult): void {
    this.buffers.giveOutput(r.data.buffer as ArrayBuffer);
  }

  release(r: ChunkResult): void {
    this.releaseInput(r);
    this.releaseOutput(r);
  }

  async close(): Promise<void> {
    await this.pool?.close();
  }
}

interface JsonlChunkOptions {
  /** Worker threads to canonicalise on; undefined: this thread. */
  pool: ChunkPool | undefined;
  buffers: BufferPool;
  chunkBytes: number;
  nextSeq: () => number;
  /** Called with each chunk's size as it is read. */
  onRead?: (bytes: number) => void;
  /** Results carry their records as objects too (see ChunkTask.papers). */
  papers?: boolean;
  /** See ChunkTask.idPrefix. */
  idPrefix?: string;
  /** See ChunkTask.columns. */
  columns?: RecordColumns;
}

/**
 * A JSON-lines file canonicalised chunk by chunk, results in input order, with a bounded number of
 * chunks in flight. The caller hands each result's buffers back to `buffers` once done with them.
 */
async function* jsonlChunks(path: string, format: FormatName, o: JsonlChunkOptions): AsyncGenerator<ChunkResult> {
  const inFlight: Promise<ChunkResult>[] = [];
  const maxInFlight = o.pool ? o.pool.size * TASKS_PER_WORKER + READ_AHEAD : 0;
  let line = 1;
  for await (const chunk of lineAlignedChunks(path, o.chunkBytes, (size) => o.buffers.takeInput(size))) {
    if ('tooLong' in chunk) {
      // Reported in order with the chunks around it, like any other bad line.
      const builder = new ChunkBuilder(path, format, o.idPrefix);
      builder.add(tooLongLineItem(line++));
      o.onRead?.(chunk.tooLong);
      const r = builder.finish(o.nextSeq(), chunk.tooLong);
      if (o.pool) {
        inFlight.push(Promise.resolve(r));
        while (inFlight.length >= maxInFlight) yield await inFlight.shift()!;
      } else {
        yield r;
      }
      continue;
    }
    const { buffer, length } = chunk;
    const out = o.buffers.takeOutput();
    const task: ChunkTask = {
      seq: o.nextSeq(),
      file: path,
      format,
      buffer,
      length,
      firstLine: line,
      ...(out ? { out } : {}),
      ...(o.papers ? { papers: true } : {}),
      ...(o.idPrefix !== undefined ? { idPrefix: o.idPrefix } : {}),
      ...(o.columns ? { columns: o.columns } : {}),
    };
    // Workers number lines from firstLine (ids of id-less records and examples need file lines).
    line += countLines(Buffer.from(buffer, 0, length));
    o.onRead?.(length);
    if (o.pool) {
      inFlight.push(o.pool.run(task));
      while (inFlight.length >= maxInFlight) yield await inFlight.shift()!;
    } else {
      yield processJsonlChunk(task);
    }
  }
  while (inFlight.length > 0) yield await inFlight.shift()!;
}

/**
 * Canonical records of a JSON-lines file, parsed on worker threads (as `ingest` does) and handed
 * to `consume` chunk by chunk in input order, with `papers` filled in where threads parsed them; `workers` defaults as in ingest, by the file's size.
 * For loading big corpora into memory (training), where one thread parsing is the bottleneck.
 */
export async function forEachCanonicalChunk(path: string, options: { workers?: number; format?: FormatName; idPrefix?: string; columns?: RecordColumns }, consume: (r: ChunkResult) => void | Promise<void>): Promise<void> {
  const input = await describeInput(path);
  const reader = new CanonicalReader(chooseWorkers(options.workers, input.estimate));
  try {
    for await (const r of reader.chunks(path, options.format ?? 'jsonl', { papers: true, ...(options.idPrefix !== undefined ? { idPrefix: options.idPrefix } : {}), ...(options.columns ? { columns: options.columns } : {}) })) {
      // Awaited, so a slow consumer (training threads counting terms) holds the reader back
      // instead of letting parsed chunks pile up.
      await consume(r);
      reader.release(r);
    }
  } finally {
    await reader.close();
  }
}

export function chooseWorkers(requested: number | undefined, jsonlBytes: number): number {
  if (requested !== undefined) return Math.max(0, Math.floor(requested));
  if (jsonlBytes < AUTO_WORKER_MIN_BYTES) return 0;
  return Math.max(1, Math.min(MAX_WORKERS, availableParallelism()));
}

export interface Input {
  path: string;
  /** Size on disk. */
  size: number;
  /** Expected bytes of content (uncompressed size for gzip files), for progress. */
  estimate: number;
}

/** An input's size, checked readable and non-empty (UserError otherwise). */
export async function describeInput(path: string): Promise<Input> {
  let size: number;
  try {
    const s = await stat(path);
    if (s.isDirectory()) throw new UserError(`${path}: is a directory, expected a metadata file`);
    if (!s.isFile()) throw notAFileError(path);
    size = s.size;
  } catch (err) {
    if (err instanceof UserError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UserError(`${path}: no such file`);
    throw new UserError(`${path}: cannot read: ${(err as Error).message}`);
  }
  if (size === 0) throw new UserError(`${path}: file is empty`);
  return { path, size, estimate: (await isGzipFile(path)) ? await gzipContentSize(path, size) : size };
}

/**
 * A gzip file's uncompressed size from its trailer (ISIZE, the size mod 2^32), lifted by multiples
 * of 4 GiB until it is at least the compressed size: exact below 4 GiB, a good guess above.
 */
async function gzipContentSize(path: string, size: number): Promise<number> {
  if (size < 18) return size;
  const fh = await open(path, 'r');
  try {
    const tail = Buffer.alloc(4);
    await fh.read(tail, 0, 4, size - 4);
    let estimate = tail.readUInt32LE(0);
    while (estimate < size) estimate += 2 ** 32;
    return estimate;
  } finally {
    await fh.close();
  }
}

const NEWLINE = 0x0a;

/** The id of the i-th record of a chunk's canonical output. */
function idAt(data: Uint8Array, i: number): string {
  let start = 0;
  for (let k = 0; k < i; k++) start = data.indexOf(NEWLINE, start) + 1;
  const end = data.indexOf(NEWLINE, start);
  const rec = JSON.parse(Buffer.from(data.buffer, data.byteOffset + start, (end < 0 ? data.length : end) - start).toString('utf8')) as { id: string };
  return rec.id;
}

/**
 * Reusable chunk buffers: inputs of one standard size (a larger chunk gets a one-off buffer) and
 * outputs of whatever size they grew to. At most a few are ever in use, bounded by the chunks in
 * flight, so the pool stays small.
 */
class BufferPool {
  private readonly inputs: ArrayBuffer[] = [];
  private readonly outputs: ArrayBuffer[] = [];

  constructor(private readonly size: number) {}

  takeInput(size: number): ArrayBuffer {
    if (size > this.size) return new ArrayBuffer(size);
    return this.inputs.pop() ?? new ArrayBuffer(this.size);
  }

  giveInput(buffer: ArrayBuffer): void {
    if (buffer.byteLength === this.size && this.inputs.length < MAX_POOLED) this.inputs.push(buffer);
  }

  takeOutput(): ArrayBuffer | undefined {
    return this.outputs.pop();
  }

  giveOutput(buffer: ArrayBuffer): void {
    if (buffer.byteLength >= MIN_POOLED_OUTPUT && this.outputs.length < MAX_POOLED) this.outputs.push(buffer);
  }
}

/** A duplicate's line in the report: which record was kept, by version. */
export function duplicateDetail(id: string, version: number, other: number, droppedThis: boolean): string {
  if (droppedThis) return `duplicate id ${id}: this version ${version} dropped, an earlier record has version ${other}`;
  if (version === other) return `duplicate id ${id}: replaces an earlier record with the same version (${version})`;
  return `duplicate id ${id}: version ${version} replaces an earlier version ${other}`;
}

/**
 * Bytes a Sink buffers before a write waits for the disk. Chunks are written from the loop that
 * also reads input and feeds the workers, so a wait there starves them: with the stream default
 * (16 KiB) every chunk waited for its own write.
 */
const SINK_BUFFER_BYTES = 8 << 20;

/** A write stream to a temp file (optionally gzipped) with backpressure and clean teardown. */
class Sink {
  private readonly file: WriteStream;
  private readonly head: Writable;
  private readonly done: Promise<void>;
  private failure: unknown;

  constructor(path: string, gzip: boolean) {
    this.file = createWriteStream(path, { highWaterMark: SINK_BUFFER_BYTES });
    if (gzip) {
      const gz = createGzip({ level: 6 });
      this.head = gz;
      this.done = pipeline(gz, this.file);
    } else {
      this.head = this.file;
      this.done = finished(this.file);
    }
    this.done.catch((err: unknown) => {
      this.failure ??= err;
    });
  }

  /** `written` runs once the stream no longer needs `data` (so its buffer may be reused). */
  async write(data: Uint8Array, written?: () => void): Promise<void> {
    if (this.failure) throw this.failure;
    const ok = written ? this.head.write(data, () => written()) : this.head.write(data);
    if (!ok) await once(this.head, 'drain');
  }

  async close(): Promise<void> {
    if (this.failure) throw this.failure;
    this.head.end();
    await this.done;
  }

  /** Stop writing and wait for the file to be closed (so it can be removed). */
  async destroy(): Promise<void> {
    this.head.destroy();
    this.file.destroy();
    if (!this.file.closed) await once(this.file, 'close').catch(() => undefined);
  }
}

/** Pass 2: copy `from` to `to` leaving out the lines whose index is in `skip`. */
async function dropSuperseded(from: string, to: string, gzip: boolean, skip: BitSet): Promise<void> {
  const sink = new Sink(to, gzip);
  const file = createReadStream(from, { highWaterMark: 1 << 20 });
  const source = gzip ? file.pipe(createGunzip()) : file;
  if (gzip) file.on('error', (err) => source.destroy(err));
  try {
    let index = 0;
    let skipping = skip.has(0);
    for await (const chunk of source as AsyncIterable<Buffer>) {
      let runStart = 0;
      let pos = 0;
      for (;;) {
        const nl = chunk.indexOf(10, pos);
        if (nl < 0) break;
        index++;
        const next = skip.has(index);
        if (skipping && !next) runStart = nl + 1;
        else if (!skipping && next) await sink.write(chunk.subarray(runStart, nl + 1));
        skipping = next;
        pos = nl + 1;
      }
      if (!skipping && runStart < chunk.length) await sink.write(chunk.subarray(runStart));
    }
    await sink.close();
  } catch (err) {
    await sink.destroy();
    source.destroy();
    throw err;
  }
}

interface Pending {
  resolve: (r: ChunkResult) => void;
  reject: (err: unknown) => void;
}

/** Worker threads running processJsonlChunk; tasks go to whichever worker has room. */
class ChunkPool {
  private readonly workers: { worker: Worker; busy: number }[] = [];
  private readonly queue: ChunkTask[] = [];
  private readonly pending = new Map<number, Pending>();
  private failure: unknown;
  private closing = false;

  constructor(count: number) {
    for (let i = 0; i < count; i++) {
      const worker = startWorker(import.meta.url, './ingest-worker.js', { workerData: { role: INGEST_WORKER_ROLE }, resourceLimits: WORKER_HEAP });
      const slot = { worker, busy: 0 };
      worker.on('message', (r: ChunkResult) => {
        slot.busy--;
        const p = this.pending.get(r.seq);
        this.pending.delete(r.seq);
        p?.resolve(r);
        this.pump();
      });
      worker.on('error', (err) => {
        const code = (err as NodeJS.ErrnoException).code;
        this.fail(code === 'ERR_WORKER_OUT_OF_MEMORY' ? new UserError(`an ingest worker ran out of memory (${WORKER_HEAP.maxOldGenerationSizeMb} MB heap): does the input have lines of many megabytes?`) : err);
      });
      worker.on('exit', (code) => {
        if (!this.closing) this.fail(new Error(`ingest worker stopped unexpectedly (exit code ${code})`));
      });
      this.workers.push(slot);
    }
  }

  get size(): number {
    return this.workers.length;
  }

  run(task: ChunkTask): Promise<ChunkResult> {
    const promise = this.failure
      ? Promise.reject(this.failure)
      : new Promise<ChunkResult>((resolve, reject) => {
          this.pending.set(task.seq, { resolve, reject });
          this.queue.push(task);
          this.pump();
        });
    // Results are awaited in order; a failure seen first on a later one must not count as unhandled.
    promise.catch(() => undefined);
    return promise;
  }

  private pump(): void {
    while (this.queue.length > 0) {
      let best: { worker: Worker; busy: number } | undefined;
      for (const w of this.workers) if (w.busy < TASKS_PER_WORKER && (!best || w.busy < best.busy)) best = w;
      if (!best) return;
      best.busy++;
      const task = this.queue.shift()!;
      // Transferred, not copied: the worker hands both buffers back with its result.
      best.worker.postMessage(task, task.out ? [task.buffer, task.out] : [task.buffer]);
    }
  }

  private fail(err: unknown): void {
    this.failure ??= err;
    for (const p of this.pending.values()) p.reject(this.failure);
    this.pending.clear();
    this.queue.length = 0;
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
  }
}
