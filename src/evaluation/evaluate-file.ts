/**
 * Evaluation of a model on a labelled file of any size, streamed: papers are read, scored and
 * forgotten chunk by chunk, so memory stays flat in the number of papers (see accumulator.ts for
 * what is kept). The one thing that grows is the set of ids seen, as 64-bit hashes (about 20 bytes
 * a paper), to leave out later records of an id already scored (see first-seen.ts): unlike
 * loadPapers, the first record of an id counts, not the highest version.
 *
 * The numbers are those evaluate gives on the same papers loaded into memory.
 */
import { detectFormat } from '../sources/detect.js';
import type { FormatName } from '../sources/source.js';
import type { RecordColumns } from '../sources/fields.js';
import { emptyReport, mergeReports, type IngestReport } from '../corpus/canonical.js';
import { canonicalChunks, jsonlByteChunks, tooLongChunk } from '../corpus/canonical-chunks.js';
import { FirstSeen } from '../corpus/first-seen.js';
import type { PaperRecord } from '../corpus/record.js';
import { hasSyncPath, type Classifier, type PaperText, type SyncPath } from '../models/model.js';
import type { PredictPool, ProbaChunk } from '../models/predict-pool.js';
import { checkPriorFor } from '../models/predict-options.js';
import { evaluationAccumulator } from './accumulator.js';
import { evaluationInputs, modelLatency, type DetailedEvaluation, type EvaluateOptions } from './evaluate.js';
import { summarizeLatency, type LatencyStats } from './latency.js';

export interface EvaluateFileOptions extends EvaluateOptions {
  /** The file's format; detected from its content when absent. */
  format?: FormatName;
  /** Filled in as the file is read: records read, kept and skipped, duplicates included, and why. */
  report?: IngestReport;
  /**
   * Threads holding a linear model, to score a JSON-lines file on (they parse it too). They must
   * hold the same model as the one passed, which then only times single calls and names labels.
   */
  pool?: PredictPool;
  /** Called after each chunk with the papers scored so far. */
  onProgress?: (papers: number) => void;
  /** Fields to read instead of the usual spellings, as ingest's (IngestOptions.columns). */
  columns?: RecordColumns;
}

/** What evaluateFile gives: the evaluation, and what reading the file kept and skipped. */
export interface FileEvaluation extends DetailedEvaluation {
  ingest: IngestReport;
}

/**
 * Evaluate a model on the labelled papers of `path`. papersPerSecond is the papers over the time
 * spent predicting them, or with a pool, over the whole pass (reading and parsing included).
 */
export async function evaluateFile(model: Classifier, path: string, options: EvaluateFileOptions = {}): Promise<FileEvaluation> {
  const ingest = options.report ?? emptyReport();
  const format = options.format ?? (await detectFormat(path));
  const o = { ...options, format, report: ingest };
  const pool = options.pool;
  const evaluation = hasSyncPath(model) && pool !== undefined && format === 'jsonl' ? await evaluateOnPool(model, pool, path, o) : await evaluateBatches(model, path, o);
  return { ...evaluation, ingest };
}

/** Options with the report every path fills in. */
type Reading = EvaluateFileOptions & { report: IngestReport };

async function evaluateBatches(model: Classifier, path: string, options: Reading): Promise<DetailedEvaluation> {
  const scores = evaluationAccumulator(model, options);
  let seconds = 0;
  let latency: LatencyStats | undefined;
  for await (const papers of testBatches(path, options)) {
    const inputs = evaluationInputs(papers, options);
    const t0 = performance.now();
    const prior = options.prior === undefined ? undefined : { prior: options.prior };
    const proba = hasSyncPath(model) ? model.predictProba(inputs, prior) : await model.predictProbaAsync(inputs, prior);
    seconds += (performance.now() - t0) / 1000;
    // After the first batch, so one-time work (weight expansion, JIT) does not land on the first call.
    latency ??= await modelLatency(model, inputs, options);
    for (let i = 0; i < papers.length; i++) scores.add(papers[i]!, proba, i);
    options.onProgress?.(scores.n);
  }
  return scores.finish(seconds, latency ?? summarizeLatency([]));
}

/** Chunks go to the pool's threads, a few in flight per thread, and are scored here in file order. */
async function evaluateOnPool(model: Classifier & SyncPath, pool: PredictPool, path: string, options: Reading): Promise<DetailedEvaluation> {
  const scores = evaluationAccumulator(model, options);
  const report = options.report;
  const seen = new FirstSeen(report, path);
  const titleOnly = options.titleOnly ?? false;
  // Before the threads start: a prior the model cannot take is refused here, not in each thread.
  if (options.prior !== undefined) checkPriorFor(model, options.prior);
  const inFlight: Promise<ProbaChunk>[] = [];
  const maxInFlight = pool.threads * 2;
  let sample: PaperText[] | undefined;
  const take = async () => {
    const r = await inFlight.shift()!;
    mergeReports(report, r.report);
    if (r.sample.length > 0) sample ??= r.sample;
    for (let i = 0; i < r.papers.length; i++) {
      const paper = r.papers[i]!;
      if (seen.keep(r.hashes[2 * i]!, r.hashes[2 * i + 1]!, r.lines[i]!, () => paper.id)) scores.add(paper, r.proba, i);
    }
    options.onProgress?.(scores.n);
  };
  const t0 = performance.now();
  let first = true;
  try {
    for await (const chunk of jsonlByteChunks(path)) {
      if ('tooLongLine' in chunk) {
        inFlight.push(Promise.resolve(unscored(tooLongChunk(path, 'jsonl', chunk.tooLongLine).report)));
      } else {
        inFlight.push(pool.probaJsonLines(chunk, path, { titleOnly, sample: first ? (options.latencySamples ?? 100) : 0, prior: options.prior, columns: options.columns }));
        first = false;
      }
      while (inFlight.length >= maxInFlight) await take();
    }
    while (inFlight.length > 0) await take();
  } catch (e) {
    // Answers still in flight are no longer wanted.
    for (const c of inFlight) c.catch(() => {});
    throw e;
  }
  const seconds = (performance.now() - t0) / 1000;
  // Timed on a thread, with the others done: this thread never scores, so it never copies the
  // weights into a kernel memory (a float model of all arXiv has over 100 MB of them).
  const texts = sample ?? [];
  const latency = summarizeLatency(await pool.latencyTimes(texts, Math.min(options.latencySamples ?? 100, texts.length)));
  return scores.finish(seconds, latency);
}

function unscored(report: IngestReport): ProbaChunk {
  return { papers: [], hashes: new Uint32Array(0), lines: new Int32Array(0), report, proba: new Float32Array(0), sample: [] };
}

/**
 * The labelled papers of `path` in batches of about a megabyte, in file order, each id's first
 * record only (later ones are counted in the report as duplicates). Bad records are counted in the
 * report (with file and line), never thrown.
 */
export async function* testBatches(path: string, options: { format?: FormatName; report?: IngestReport; columns?: RecordColumns } = {}): AsyncGenerator<PaperRecord[]> {
  const report = options.report ?? emptyReport();
  const seen = new FirstSeen(report, path);
  for await (const chunk of canonicalChunks(path, options.format, options.columns)) {
    mergeReports(report, chunk.report);
    const papers = chunk.papers.filter((p, i) => seen.keep(chunk.hashes[2 * i]!, chunk.hashes[2 * i + 1]!, chunk.lines[i]!, () => p.id));
    if (papers.length > 0) yield papers;
  }
}
