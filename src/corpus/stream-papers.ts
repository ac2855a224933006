import type { RecordColumns } from '../sources/fields.js';
import type { FormatName } from '../sources/source.js';
import { detectFormat } from '../sources/detect.js';
import { emptyReport, mergeReports, type IngestReport } from './canonical.js';
import { CanonicalReader, describeInput } from './ingest.js';
import { parseCanonicalLines } from './ingest-worker.js';
import type { PaperRecord } from './record.js';
import { idPrefixes } from './synthetic-id.js';

export interface StreamPapersOptions {
  format?: FormatName;
  /** Fields of other spellings (ReadOptions.columns). */
  columns?: RecordColumns;
  /** Filled in as records are read. */
  report?: IngestReport;
  /**
   * Called after each chunk with the records read so far and, for JSON lines, the share of the
   * file read (table formats are parsed whole, so theirs is unknown).
   */
  onProgress?: (recordsRead: number, fraction: number | undefined) => void;
}

/**
 * Every canonical paper of one file in input order, duplicates included, a chunk at a time so
 * memory stays flat: canonicalised as ingest does it (JSON lines through its byte-level fast path),
 * then parsed back from the canonical lines. On this thread: a consumer that looks at every paper
 * (stats) is the bottleneck, and handing papers over from worker threads (a structured clone each)
 * cost more CPU than it saved (on 270k snapshot-shaped papers: 12.0 CPU-s with two workers, 7.7
 * on this thread, 9.5 through readPapers' general path).
 */
export async function* streamPapers(path: string, options: StreamPapersOptions = {}): AsyncGenerator<PaperRecord> {
  const input = await describeInput(path);
  const format = options.format ?? (await detectFormat(path));
  const report = options.report ?? emptyReport();
  const reader = new CanonicalReader(0);
  let bytesRead = 0;
  try {
    const chunks = reader.chunks(path, format, { idPrefix: idPrefixes([path])[0]!, onRead: (bytes) => (bytesRead += bytes), ...(options.columns ? { columns: options.columns } : {}) });
    for await (const r of chunks) {
      mergeReports(report, r.report);
      const papers = parseCanonicalLines(r.data, r.count);
      reader.release(r);
      yield* papers;
      options.onProgress?.(report.read, format === 'jsonl' ? Math.min(1, bytesRead / input.estimate) : undefined);
    }
  } finally {
    await reader.close();
  }
}
