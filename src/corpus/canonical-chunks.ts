import { detectFormat } from '../sources/detect.js';
import { tooLongLineItem } from '../sources/jsonl.js';
import { readLineByteChunks } from '../sources/lines.js';
import { readRows } from '../sources/read.js';
import type { FormatName } from '../sources/source.js';
import type { RecordColumns } from '../sources/fields.js';
import type { IngestReport } from './canonical.js';
import { ChunkBuilder, parseCanonicalLines, processJsonlChunk, type ChunkResult } from './ingest-worker.js';
import type { PaperRecord } from './record.js';
import { defaultIdPrefix } from './synthetic-id.js';

/** A run of a file's canonical records, with what dedupe needs of each and what reading it skipped. */
export interface CanonicalChunk {
  papers: PaperRecord[];
  /** Two 32-bit halves of each record's id hash (see id-table.ts): [h1, h2, h1, h2, …]. */
  hashes: Uint32Array;
  /** File line (or row) of each record. */
  lines: Int32Array;
  /** Read/kept/skipped counts of this chunk alone. */
  report: IngestReport;
}

/** About this many bytes of input (or of canonical output, for table formats) per chunk. */
export const CHUNK_BYTES = 1 << 20;

/**
 * A file's canonical records chunk by chunk, in file order, parsed in this thread: memory holds one
 * chunk, whatever the file's size. They are the records ingest and loadPapers make of it (JSON lines
 * through ingest's per-chunk canonicaliser, other formats through its ChunkBuilder), bad records
 * counted in each chunk's report, never thrown; `columns` as in ingest (IngestOptions.columns).
 */
export async function* canonicalChunks(path: string, format?: FormatName, columns?: RecordColumns): AsyncGenerator<CanonicalChunk> {
  const fmt = format ?? (await detectFormat(path));
  const idPrefix = defaultIdPrefix(path);
  if (fmt === 'jsonl') {
    for await (const chunk of jsonlByteChunks(path)) {
      yield withPapers('tooLongLine' in chunk ? tooLongChunk(path, fmt, chunk.tooLongLine) : processJsonlChunk({ seq: 0, file: path, format: fmt, idPrefix, ...chunk, ...(columns ? { columns } : {}) }));
    }
    return;
  }
  const builder = new ChunkBuilder(path, fmt, idPrefix, undefined, undefined, columns);
  for await (const item of readRows(path, fmt)) {
    builder.add(item);
    if (builder.size >= CHUNK_BYTES) yield withPapers(builder.finish(0));
  }
  yield withPapers(builder.finish(0));
}

/** Whole lines of a JSON-lines file in a buffer of their own (what processJsonlChunk reads), or the line number of one too long to read. */
export type JsonlByteChunk = { buffer: ArrayBuffer; length: number; firstLine: number } | { tooLongLine: number };

export async function* jsonlByteChunks(path: string): AsyncGenerator<JsonlByteChunk> {
  for await (const { bytes, firstLine, tooLong } of readLineByteChunks(path, CHUNK_BYTES)) {
    if (tooLong !== undefined) {
      yield { tooLongLine: firstLine };
      continue;
    }
    // A copy: `bytes` may share its memory with the chunk read next.
    const own = new Uint8Array(bytes);
    yield { buffer: own.buffer as ArrayBuffer, length: own.length, firstLine };
  }
}

/** The skip of a line too long to read (on `line`), as processJsonlChunk would report it. */
export function tooLongChunk(path: string, format: FormatName, line: number): ChunkResult {
  const builder = new ChunkBuilder(path, format, defaultIdPrefix(path));
  builder.add(tooLongLineItem(line));
  return builder.finish(0);
}

function withPapers(r: ChunkResult): CanonicalChunk {
  return { papers: parseCanonicalLines(r.data, r.count), hashes: r.hashes, lines: r.lines, report: r.report };
}
