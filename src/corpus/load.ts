import { toRawRecord, type RecordColumns } from '../sources/fields.js';
import { readRows } from '../sources/read.js';
import type { FormatName } from '../sources/source.js';
import { detectFormat } from '../sources/detect.js';
import { canonicalize, emptyReport, mergeReports, recordSkip, type IngestReport } from './canonical.js';
import { forEachCanonicalChunk } from './ingest.js';
import { parseCanonicalLines } from './ingest-worker.js';
import type { PaperRecord } from './record.js';
import { idPrefixes } from './synthetic-id.js';

export interface ReadOptions {
  format?: FormatName;
  /** Filled in as records are read; pass one to see what was skipped and why. */
  report?: IngestReport;
  /** Called every PROGRESS_EVERY records read (kept or skipped) with the count so far, for a progress line. */
  onProgress?: (recordsRead: number) => void;
  /** Fields of other spellings to read the title, abstract, id or categories from (as ingest's --title-col …). */
  columns?: RecordColumns;
}

/** Reading one file of several: its records' synthetic ids must differ from the others'. */
export interface ReadFileOptions extends ReadOptions {
  /** What ids of id-less records start with: idPrefixes(allPaths)[i]; default the file's base name. */
  idPrefix?: string;
}

const PROGRESS_EVERY = 1024;

/** A paper with the source version it came from, so duplicates can keep the latest. */
export interface VersionedPaper {
  paper: PaperRecord;
  version: number;
}

/**
 * Stream canonical papers from any ingestable file. Malformed records are counted in the
 * report and skipped; nothing here throws for a bad record, only for an unreadable file. A
 * record without an id gets `name:line`, as in ingest (see synthetic-id.ts).
 */
export async function* readVersionedPapers(path: string, options: ReadFileOptions = {}): AsyncIterable<VersionedPaper> {
  const report = options.report ?? emptyReport();
  const format = options.format;
  const onProgress = options.onProgress;
  let nextTick = report.read + PROGRESS_EVERY;
  for await (const item of readRows(path, format)) {
    if (onProgress && report.read >= nextTick) {
      nextTick = report.read + PROGRESS_EVERY;
      onProgress(report.read);
    }
    if ('error' in item) {
      report.read++;
      recordSkip(report, item.error.startsWith('bad JSON') ? 'bad-json' : 'bad-row', path, item.line, item.error);
      continue;
    }
    const mapped = toRawRecord(item.row, options.columns);
    if ('reason' in mapped) {
      report.read++;
      recordSkip(report, mapped.reason, path, item.line, mapped.detail);
      continue;
    }
    const paper = canonicalize(mapped.record, path, item.line, format ?? 'auto', report, options.idPrefix);
    if (paper) yield { paper, version: mapped.record.version ?? 0 };
  }
}

export async function* readPapers(path: string, options: ReadFileOptions = {}): AsyncIterable<PaperRecord> {
  for await (const v of readVersionedPapers(path, options)) yield v.paper;
}

/** Papers read from one file, in file order, with the source version each came from. */
export interface PaperChunk {
  path: string;
  papers: PaperRecord[];
  versions: number[];
}

const CHUNK_PAPERS = 1024;

/**
 * Every paper of `paths`, a chunk at a time and in order, awaiting `consume` before reading on, so
 * memory holds a few chunks whatever the corpus's size. JSON lines, the big case, are
 * canonicalised as `ingest` does it (on worker threads once the file is big enough to repay them)
 * and come back as canonical lines, so this thread only parses those. Duplicates are passed on:
 * deciding which to keep is the consumer's (see loadPapers, PaperTable).
 */
export async function forEachPaperChunk(paths: string | readonly string[], options: ReadOptions, consume: (chunk: PaperChunk) => void | Promise<void>): Promise<IngestReport> {
  const report = options.report ?? emptyReport();
  const list = typeof paths === 'string' ? [paths] : paths;
  const prefixes = idPrefixes([...list]);
  for (const [i, path] of list.entries()) {
    const format = options.format ?? (await detectFormat(path));
    const idPrefix = prefixes[i]!;
    if (format !== 'jsonl') {
      let chunk: PaperChunk = { path, papers: [], versions: [] };
      for await (const { paper, version } of readVersionedPapers(path, { ...options, format, report, idPrefix })) {
        chunk.papers.push(paper);
        chunk.versions.push(version);
        if (chunk.papers.length >= CHUNK_PAPERS) {
          await consume(chunk);
          chunk = { path, papers: [], versions: [] };
        }
      }
      if (chunk.papers.length > 0) await consume(chunk);
      continue;
    }
    let nextTick = report.read + PROGRESS_EVERY;
    await forEachCanonicalChunk(path, { format, idPrefix, ...(options.columns ? { columns: options.columns } : {}) }, async (r) => {
      mergeReports(report, r.report);
      // A chunk holds a few hundred records: report each multiple of PROGRESS_EVERY it passed.
      for (; nextTick <= report.read; nextTick += PROGRESS_EVERY) options.onProgress?.(nextTick);
      if (r.count > 0) await consume({ path, papers: r.papers ?? parseCanonicalLines(r.data, r.count), versions: Array.from(r.versions.subarray(0, r.count)) });
    });
  }
  return report;
}

/**
 * Load whole files into memory (for the library's array API and small corpora; training and the
 * other commands stream instead), keeping one record per id: the highest version, or the later one
 * when versions tie, at the place of the first.
 */
export async function loadPapers(paths: string | string[], options: ReadOptions = {}): Promise<{ papers: PaperRecord[]; report: IngestReport }> {
  const report = options.report ?? emptyReport();
  const papers: PaperRecord[] = [];
  const versions: number[] = [];
  const index = new Map<string, number>();
  await forEachPaperChunk(paths, { ...options, report }, (chunk) => {
    for (let i = 0; i < chunk.papers.length; i++) {
      const paper = chunk.papers[i]!;
      const version = chunk.versions[i]!;
      const at = index.get(paper.id);
      if (at === undefined) {
        index.set(paper.id, papers.length);
        papers.push(paper);
        versions.push(version);
        continue;
      }
      recordSkip(report, 'duplicate', chunk.path, 0, `duplicate id ${paper.id}`);
      report.kept--;
      if (version >= versions[at]!) {
        papers[at] = paper;
        versions[at] = version;
      }
    }
  });
  return { papers, report };
}
