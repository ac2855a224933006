/**
 * One prediction thread of a PredictPool: makes its model from the file's bytes, which the pool
 * read once into memory all its threads share (each thread keeps its own copy of the weights in
 * its kernel memory), and answers chunks of papers, or of raw JSON lines;
 * for evaluation, raw JSON lines canonicalised as ingest does it, with their probabilities; for
 * the server, slices of API batches as JSON text, so they splice without copying objects.
 */
import { callTimes } from '../base/call-times.js';
import { serve } from '../parallel/rpc.js';
import { modelEtag, ModelFileError } from './file/model-file.js';
import type { LinearModel } from './linear/linear.js';
import type { PaperText, PredictOptions, PriorChoice } from './model.js';
import { modelFromBytes } from './open-model.js';
import { predictionLine } from './prediction-json.js';
import { ChunkEncoder, type PredictionFormat } from './prediction-table.js';
import type { LinesChunk, LoadAnswer, NumberedPaper, ProbaChunk } from './predict-pool.js';
import { parseCanonicalLines, processJsonlChunk } from '../corpus/ingest-worker.js';
import { parseJsonlChunk } from '../sources/jsonl.js';
import { paperItem, type RecordColumns } from '../sources/fields.js';

let model: LinearModel | null = null;
let bytes: Uint8Array | null = null;
/** The ETag of `bytes`, computed when a server's slice first asks: a batch file never needs it. */
let etag: string | null = null;
const encoder = new TextEncoder();

function load(path: string, read: Uint8Array): LoadAnswer {
  try {
    const next = modelFromBytes(read, path);
    // Score once so the lazy int8 → f32 expansion happens now, not inside the first request.
    next.predict({ title: 'warm up' });
    model = next;
    bytes = read;
    etag = null;
    return null;
  } catch (e) {
    // As data, so the pool can raise the same error class the main thread would have.
    if (!(e instanceof ModelFileError)) throw e;
    return { source: e.source, kind: e.kind, detail: e.detail };
  }
}

serve(async (m) => {
  if (m.type === 'load') return { result: load(m.path as string, m.bytes as Uint8Array) };
  // A slice for a model this thread does not hold (a reload is under way): the caller does it.
  if (m.type === 'api' && (bytes === null || m.etag !== (etag ??= modelEtag(bytes)))) return { result: null };
  if (!model) throw new Error('predict worker: no model loaded');
  const options = m.options as PredictOptions;
  if (m.type === 'api') {
    const papers = m.papers as (PaperText & { id?: string })[];
    const first = m.first as number;
    return { result: papers.map((p, i) => predictionLine(p.id, model!.predict(p, options), first + i)) };
  }
  if (m.type === 'lines') {
    const papers = m.papers as NumberedPaper[];
    const chunk = new ChunkEncoder(m.format as PredictionFormat);
    for (const p of papers) chunk.add(p.id, model.predict(p, options), p.row);
    const result: LinesChunk = { lines: chunk.text(), papers: papers.length, errors: [], ...(chunk.format === 'parquet' ? { rows: chunk.rows } : {}) };
    return { result };
  }
  if (m.type === 'jsonl') {
    const chunk = new ChunkEncoder(m.format as PredictionFormat);
    const errors: LinesChunk['errors'] = [];
    const bytes = m.bytes as Uint8Array;
    parseJsonlChunk(bytes, m.firstLine as number, (row) => {
      const item = paperItem(row);
      if ('error' in item) errors.push(item);
      else chunk.add(item.paper.id, model!.predict(item.paper, options), item.line);
    });
    // Encoded here, so the main thread only writes bytes.
    const out = encoder.encode(chunk.text());
    const result: LinesChunk = { lines: out, papers: chunk.count, errors, ...(chunk.format === 'parquet' ? { rows: chunk.rows } : {}) };
    return { result, transfer: [out.buffer as ArrayBuffer] };
  }
  if (m.type === 'proba-jsonl') {
    const columns = m.columns as RecordColumns | undefined;
    const r = processJsonlChunk({ seq: 0, file: m.file as string, format: 'jsonl', buffer: m.buffer as ArrayBuffer, length: m.length as number, firstLine: m.firstLine as number, ...(columns ? { columns } : {}) });
    const records = parseCanonicalLines(r.data, r.count);
    const texts: PaperText[] = records.map((p) => (m.titleOnly ? { title: p.title } : { title: p.title, abstract: p.abstract }));
    const proba = model.predictProba(texts, m.prior === undefined ? undefined : { prior: m.prior as PriorChoice });
    const result: ProbaChunk = {
      papers: records.map(({ id, title, primary, categories }) => ({ id, title, primary, categories })),
      hashes: r.hashes,
      lines: r.lines,
      report: r.report,
      proba,
      sample: texts.slice(0, m.sample as number),
    };
    return { result, transfer: [proba.buffer as ArrayBuffer, r.hashes.buffer as ArrayBuffer, r.lines.buffer as ArrayBuffer] };
  }
  if (m.type === 'latency') {
    const texts = m.texts as PaperText[];
    // Warmed up by the whole sample first, as `evaluate` does on its own thread.
    model.predictProba(texts);
    const ms = callTimes(m.count as number, (i) => model!.predictProba([texts[i]!]));
    return { result: ms, transfer: [ms.buffer as ArrayBuffer] };
  }
  throw new Error(`predict worker: unknown request ${String(m.type)}`);
});
