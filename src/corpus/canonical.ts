import type { RawRecord, SkipReason } from '../sources/source.js';
import { canonicalizeCategories, resolveCode } from '../taxonomy/taxonomy.js';
import type { PaperRecord } from './record.js';

/** Up to this many examples (file:line) are kept per skip reason: enough to find the problem. */
const MAX_EXAMPLES = 5;

export interface SkipExample {
  file: string;
  line: number;
  detail: string;
}

/** What happened to every input record: the ingest summary people read. */
export interface IngestReport {
  read: number;
  kept: number;
  skipped: Partial<Record<SkipReason, number>>;
  examples: Partial<Record<SkipReason, SkipExample[]>>;
  /** Non-arXiv codes (ACM, MSC) dropped from category lists, by scheme. */
  foreignCodes: { acm: number; msc: number };
  /** Codes that are neither arXiv categories nor a known foreign scheme, with counts. */
  unknownCodes: Record<string, number>;
  /** Codes rewritten to their canonical form (aliases, retired archives), with counts. */
  remapped: Record<string, number>;
}

export function emptyReport(): IngestReport {
  return { read: 0, kept: 0, skipped: {}, examples: {}, foreignCodes: { acm: 0, msc: 0 }, unknownCodes: {}, remapped: {} };
}

export function recordSkip(report: IngestReport, reason: SkipReason, file: string, line: number, detail: string): void {
  report.skipped[reason] = (report.skipped[reason] ?? 0) + 1;
  const ex = (report.examples[reason] ??= []);
  if (ex.length < MAX_EXAMPLES) ex.push({ file, line, detail });
}

export function mergeReports(into: IngestReport, from: IngestReport): void {
  into.read += from.read;
  into.kept += from.kept;
  for (const [k, v] of Object.entries(from.skipped) as [SkipReason, number][]) into.skipped[k] = (into.skipped[k] ?? 0) + v;
  for (const [k, v] of Object.entries(from.examples) as [SkipReason, SkipExample[]][]) {
    const ex = (into.examples[k] ??= []);
    for (const e of v) if (ex.length < MAX_EXAMPLES) ex.push(e);
  }
  into.foreignCodes.acm += from.foreignCodes.acm;
  into.foreignCodes.msc += from.foreignCodes.msc;
  for (const [k, v] of Object.entries(from.unknownCodes)) into.unknownCodes[k] = (into.unknownCodes[k] ?? 0) + v;
  for (const [k, v] of Object.entries(from.remapped)) into.remapped[k] = (into.remapped[k] ?? 0) + v;
}

/**
 * Turn a raw record into a canonical paper, or say why not. The explicit primary (when a source
 * has one) goes first; ids are synthesised from file position when a source has none, so that
 * dedupe and splits still have a stable key.
 */
export function canonicalize(raw: RawRecord, file: string, line: number, format: string, report: IngestReport): PaperRecord | undefined {
  report.read++;
  const codes = raw.primary ? [raw.primary, ...raw.categories] : raw.categories;
  const c = canonicalizeCategories(codes);
  for (const f of c.foreign) {
    if (/^\d/.test(f)) report.foreignCodes.msc++;
    else report.foreignCodes.acm++;
  }
  for (const u of c.unknown) report.unknownCodes[u] = (report.unknownCodes[u] ?? 0) + 1;
  for (const code of codes) {
    const r = resolveCode(code);
    if (r.kind === 'category' && r.via) report.remapped[`${code.trim()}→${r.code}`] = (report.remapped[`${code.trim()}→${r.code}`] ?? 0) + 1;
  }
  if (c.categories.length === 0) {
    recordSkip(report, 'no-valid-category', file, line, `no arXiv category in [${codes.join(', ')}]`);
    return undefined;
  }
  const paper: PaperRecord = {
    id: raw.id ?? `${format}:${line}`,
    title: raw.title,
    abstract: raw.abstract,
    categories: c.categories,
    primary: c.categories[0]!,
  };
  if (raw.date) paper.date = raw.date;
  paper.source = format;
  report.kept++;
  return paper;
}
