/**
 * `split` on a corpus file of any size, with memory that depends on the number of papers only
 * through a few bytes each (see PaperSlots), never on their text.
 *
 * The parts are exactly those of splitRandom / splitTime on loadPapers' result (one record per id:
 * the highest version, the later record on ties, at the place of the id's first occurrence), and
 * each part file holds the same bytes as writing those papers with CorpusWriter. Two passes over
 * the input, each canonicalising it as ingest does (worker threads for big JSON lines):
 *
 * 1. Each record's id hash, version, primary and month go into PaperSlots. A record that replaces
 *    an earlier one of its id came after that id's place in the output, so its line is put aside
 *    in a temp file (SpilledLines) until pass 2 reaches the place.
 * 2. With the slots' classes and months, splitParts / the time rule decide each paper's part;
 *    the input is read again and every first occurrence written to its part (its own line, or the
 *    later winner's from the temp file); repeats are left out.
 *
 * A time split with nothing random in it (--valid-from, or no valid part) can route each record
 * as it is read, so pass 1 writes the part files too; they are kept unless the input turns out to
 * hold duplicate ids, which only pass 2 can place.
 *
 * Writes are atomic, as CorpusWriter's: the three files are renamed into place together once all
 * are complete, and on any failure none is replaced.
 */
import { basename, dirname, join } from 'node:path';
import { trackTemp } from '../base/temp-files.js';
import type { RecordColumns } from '../sources/fields.js';
import type { FormatName } from '../sources/source.js';
import { detectFormat } from '../sources/detect.js';
import { emptyReport, mergeReports, recordSkip, type IngestReport } from './canonical.js';
import { lineFields } from './canonical-line.js';
import { CorpusWriter } from './corpus-file.js';
import { CanonicalReader, chooseWorkers, describeInput, duplicateDetail } from './ingest.js';
import type { ChunkResult } from './ingest-worker.js';
import { PaperSlots } from './paper-slots.js';
import { SpilledLines } from './spilled-lines.js';
import { splitParts, SPLIT_TEST, SPLIT_TRAIN, SPLIT_VALID, yymmOf, type RandomSplitOptions } from './split.js';
import { idPrefixes } from './synthetic-id.js';
import { grown } from '../base/typed-arrays.js';

export const PART_NAMES = ['train', 'valid', 'test'] as const;
export type PartName = (typeof PART_NAMES)[number];

/** How papers are assigned to parts: the options of splitRandom, or of splitTime as YYYYMM months. */
export type SplitRule =
  | ({ by: 'random' } & RandomSplitOptions)
  | { by: 'time'; before: number; validFrom?: number; valid: number; seed: number };

/** The calls split makes on its progress line (cli/progress.ts's Progress has them). */
export interface SplitProgress {
  phase(label: string, total?: number): void;
  update(done: number, extra?: string, fraction?: number): void;
}

export interface SplitFileOptions {
  rule: SplitRule;
  /** Where each part goes (gzipped when the name ends in .gz). */
  files: Record<PartName, string>;
  format?: FormatName;
  /** Worker threads for JSON lines; default as ingest chooses. */
  workers?: number;
  /** Fields of other spellings (ReadOptions.columns). */
  columns?: RecordColumns;
  progress?: SplitProgress;
}

export interface SplitFileResult {
  report: IngestReport;
  /** Distinct papers. */
  papers: number;
  counts: Record<PartName, number>;
  /** Distinct primary categories per part. */
  classes: Record<PartName, number>;
  /** Time splits: papers without a month, left out. */
  undated?: number;
  /** Passes over the input. */
  passes: number;
}

/** Not in any part (undated papers of a time split). */
const PART_NONE = 255;
const NEWLINE = 0x0a;
/** Duplicate examples kept in the report, as ingest keeps them. */
const MAX_DUPLICATE_EXAMPLES = 5;

export async function splitFile(path: string, options: SplitFileOptions): Promise<SplitFileResult> {
  const input = await describeInput(path);
  const format = options.format ?? (await detectFormat(path));
  // As loadPapers names id-less records.
  const idPrefix = idPrefixes([path])[0]!;
  const reader = new CanonicalReader(chooseWorkers(options.workers, format === 'jsonl' ? input.estimate : 0));
  const rule = options.rule;
  const route = fixedRoute(rule);
  const progress = options.progress;
  const spilled = new SpilledLines(trackTemp(join(dirname(options.files.train), `.${basename(options.files.train)}.${process.pid}.${Date.now()}.late.tmp`)));
  let writers: PartWriters | undefined;
  try {
    // Both passes must read the same records.
    const columns = options.columns ? { columns: options.columns } : {};
    // Pass 1.
    const report = emptyReport();
    const slots = new PaperSlots();
    let late = new Int32Array(0);
    let checksum = 0;
    let bytesRead = 0;
    writers = route ? new PartWriters(options.files) : undefined;
    progress?.phase(route ? 'reading and writing' : 'reading (pass 1 of 2)');
    const onRead = (bytes: number) => (bytesRead += bytes);
    for await (const r of reader.chunks(path, format, { idPrefix, onRead, ...columns })) {
      mergeReports(report, r.report);
      const bytes = chunkBytes(r);
      let pos = 0;
      for (let i = 0; i < r.count; i++) {
        const end = bytes.indexOf(NEWLINE, pos);
        const fields = lineFields(bytes, pos, end);
        const month = rule.by === 'time' ? (yymmOf(fields) ?? 0) : 0;
        const h1 = r.hashes[2 * i]!;
        const h2 = r.hashes[2 * i + 1]!;
        checksum = mix(checksum, h1, h2);
        const found = slots.add(h1, h2, r.versions[i]!, fields.primary, month);
        if (found.duplicate) {
          report.kept--;
          const detail = (report.examples.duplicate?.length ?? 0) < MAX_DUPLICATE_EXAMPLES ? duplicateDetail(fields.id, r.versions[i]!, found.previousVersion, !found.replaces) : '';
          recordSkip(report, 'duplicate', path, r.lines[i]!, detail);
          if (found.replaces) {
            if (late.length < slots.size) late = grown(late, slots.size);
            late[found.slot] = 1 + (await spilled.add(bytes.subarray(pos, end)));
          }
          if (writers) {
            // Only pass 2 can put this record in its place.
            await writers.abort();
            writers = undefined;
          }
        } else if (writers) {
          const part = route!(month);
          if (part !== PART_NONE) await writers.write(part, bytes.subarray(pos, end));
        }
        pos = end + 1;
      }
      reader.release(r);
      progress?.update(report.read, '', format === 'jsonl' ? Math.min(1, bytesRead / input.estimate) : undefined);
    }

    const parts = decideParts(slots, rule);
    const summary = summarise(slots, parts, report, rule);
    // Nothing to write (no papers, or none dated for a time split): files of the same names stay as they were.
    if (summary.counts.train + summary.counts.valid + summary.counts.test === 0) {
      await writers?.abort();
      return { ...summary, passes: 1 };
    }
    if (writers) {
      await writers.close();
      return { ...summary, passes: 1 };
    }

    // Pass 2.
    writers = new PartWriters(options.files);
    progress?.phase('writing (pass 2 of 2)', slots.records);
    let record = 0;
    let slot = 0;
    let check = 0;
    for await (const r of reader.chunks(path, format, { idPrefix, ...columns })) {
      const bytes = chunkBytes(r);
      let pos = 0;
      for (let i = 0; i < r.count; i++) {
        const end = bytes.indexOf(NEWLINE, pos);
        check = mix(check, r.hashes[2 * i]!, r.hashes[2 * i + 1]!);
        if (record >= slots.records) break;
        if (!slots.isRepeat(record)) {
          const part = parts[slot]!;
          if (part !== PART_NONE) {
            const spill = slot < late.length ? late[slot]! : 0;
            await writers.write(part, spill > 0 ? await spilled.read(spill - 1) : bytes.subarray(pos, end));
          }
          slot++;
        }
        record++;
        pos = end + 1;
      }
      reader.release(r);
      progress?.update(record);
    }
    if (record !== slots.records || check !== checksum || slot !== slots.size) throw new InputChangedError(path);
    await writers.close();
    return { ...summary, passes: 2 };
  } catch (err) {
    await writers?.abort();
    throw err;
  } finally {
    await spilled.remove();
    await reader.close();
  }
}

/** The input read differently the second time: it was changed while being split. */
export class InputChangedError extends Error {
  constructor(path: string) {
    super(`${path} changed while it was being split (its second reading differs from the first); no part was written`);
  }
}

/** The part of a time split decided by the month alone, or undefined when part of it is random. */
function fixedRoute(rule: SplitRule): ((month: number) => number) | undefined {
  if (rule.by !== 'time' || (rule.validFrom === undefined && rule.valid > 0)) return undefined;
  return (month) => timePart(month, rule.before, rule.validFrom);
}

/** splitTime's rule for one paper. */
function timePart(month: number, before: number, validFrom: number | undefined): number {
  if (month === 0) return PART_NONE;
  if (month >= before) return SPLIT_TEST;
  if (validFrom !== undefined && month >= validFrom) return SPLIT_VALID;
  return SPLIT_TRAIN;
}

/** Each slot's part, as splitRandom / splitTime decide it on the same papers. */
function decideParts(slots: PaperSlots, rule: SplitRule): Uint8Array {
  const n = slots.size;
  if (rule.by === 'random') return splitParts(n, (i) => slots.primaryOf(i), rule);
  const parts = new Uint8Array(n);
  let trainCount = 0;
  for (let i = 0; i < n; i++) {
    parts[i] = timePart(slots.monthOf(i), rule.before, rule.validFrom);
    if (parts[i] === SPLIT_TRAIN) trainCount++;
  }
  if (rule.validFrom === undefined && rule.valid > 0) {
    // splitTime: a stratified random valid fraction of train, in train's order.
    const train = new Int32Array(trainCount);
    for (let i = 0, j = 0; i < n; i++) if (parts[i] === SPLIT_TRAIN) train[j++] = i;
    const inner = splitParts(trainCount, (j) => slots.primaryOf(train[j]!), { test: 0, valid: rule.valid, seed: rule.seed });
    for (let j = 0; j < trainCount; j++) if (inner[j] === SPLIT_VALID) parts[train[j]!] = SPLIT_VALID;
  }
  return parts;
}

function summarise(slots: PaperSlots, parts: Uint8Array, report: IngestReport, rule: SplitRule): Omit<SplitFileResult, 'passes'> {
  const counts = new Float64Array(3);
  const seen = PART_NAMES.map(() => new Uint8Array(slots.classes.length));
  const classes = new Float64Array(3);
  let undated = 0;
  for (let i = 0; i < slots.size; i++) {
    const p = parts[i]!;
    if (p === PART_NONE) {
      undated++;
      continue;
    }
    counts[p]!++;
    const c = slots.classNumberOf(i);
    if (seen[p]![c] === 0) {
      seen[p]![c] = 1;
      classes[p]!++;
    }
  }
  const byPart = (a: Float64Array) => ({ train: a[SPLIT_TRAIN]!, valid: a[SPLIT_VALID]!, test: a[SPLIT_TEST]! });
  return { report, papers: slots.size, counts: byPart(counts), classes: byPart(classes), ...(rule.by === 'time' ? { undated } : {}) };
}

/** The three part files, written together and renamed into place together. */
class PartWriters {
  private readonly writers: CorpusWriter[];

  constructor(files: Record<PartName, string>) {
    // Indexed by SPLIT_TRAIN, SPLIT_VALID, SPLIT_TEST.
    this.writers = [new CorpusWriter(files.train), new CorpusWriter(files.valid), new CorpusWriter(files.test)];
  }

  async write(part: number, line: Uint8Array): Promise<void> {
    await this.writers[part]!.writeLineBytes(line);
  }

  async close(): Promise<void> {
    await CorpusWriter.closeTogether(this.writers);
  }

  async abort(): Promise<void> {
    await Promise.all(this.writers.map((w) => w.abort()));
  }
}

function chunkBytes(r: ChunkResult): Buffer {
  return Buffer.from(r.data.buffer, r.data.byteOffset, r.data.length);
}

/** An order-sensitive digest of the records' id hashes, to check that pass 2 reads what pass 1 read. */
function mix(acc: number, h1: number, h2: number): number {
  return (Math.imul(acc ^ h1, 0x01000193) + h2) | 0;
}
