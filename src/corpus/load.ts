import { toRawRecord } from '../sources/fields.js';
import { readRows } from '../sources/read.js';
import type { FormatName } from '../sources/source.js';
import { canonicalize, emptyReport, recordSkip, type IngestReport } from './canonical.js';
import type { PaperRecord } from './record.js';

export interface ReadOptions {
  format?: FormatName;
  /** Filled in as records are read; pass one to see what was skipped and why. */
  report?: IngestReport;
  /** Called every PROGRESS_EVERY records read (kept or skipped) with the count so far, for a progress line. */
  onProgress?: (recordsRead: number) => void;
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
 * record without an id gets `file:line`, as in ingest (see syntheticId).
 */
export async function* readVersionedPapers(path: string, options: ReadOptions = {}): AsyncIterable<VersionedPaper> {
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
    const mapped = toRawRecord(item.row);
    if ('reason' in mapped) {
      report.read++;
      recordSkip(report, mapped.reason, path, item.line, mapped.detail);
      continue;
    }
    const paper = canonicalize(mapped.record, path, item.line, format ?? 'auto', report);
    if (paper) yield { paper, version: mapped.record.version ?? 0 };
  }
}

export async function* readPapers(path: string, options: ReadOptions = {}): AsyncIterable<PaperRecord> {
  for await (const v of readVersionedPapers(path, options)) yield v.paper;
}

/**
 * Load whole files into memory (training and evaluation need random access), keeping one record
 * per id: the highest version, or the later one when versions tie.
 */
export async function loadPapers(paths: string | string[], options: ReadOptions = {}): Promise<{ papers: PaperRecord[]; report: IngestReport }> {
  const report = options.report ?? emptyReport();
  const papers: PaperRecord[] = [];
  const versions: number[] = [];
  const index = new Map<string, number>();
  for (const path of Array.isArray(paths) ? paths : [paths]) {
    for await (const { paper, version } of readVersionedPapers(path, { ...options, report })) {
      const at = index.get(paper.id);
      if (at === undefined) {
        index.set(paper.id, papers.length);
        papers.push(paper);
        versions.push(version);
        continue;
      }
      recordSkip(report, 'duplicate', path, 0, `duplicate id ${paper.id}`);
      report.kept--;
      if (version >= versions[at]!) {
        papers[at] = paper;
        versions[at] = version;
      }
    }
  }
  return { papers, report };
}
