import type { RawRecord, SkipReason } from '../sources/source.js';
import { canonicalizeCategories, resolveCode } from '../taxonomy/taxonomy.js';
import type { PaperRecord } from './record.js';
import { defaultIdPrefix, syntheticId } from './synthetic-id.js';

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

/** What canonicalising one list of raw codes gives, and what it adds to a report. */
export interface CategoryOutcome {
  /** Canonical codes, primary first; empty when the list has no arXiv category. */
  categories: readonly string[];
  foreign: { acm: number; msc: number };
  unknown: readonly string[];
  /** Report keys (`code→canonical`) of codes rewritten to their canonical form. */
  remapped: readonly string[];
  /** Skip detail when `categories` is empty. */
  detail: string;
}

/**
 * Outcomes by code list. Real corpora repeat their category combinations many times (the shared
 * corpus has about 20k of them over 315k papers), so the taxonomy lookups run once per
 * combination; the map is dropped when it gets big so that a corpus of odd lists cannot grow it
 * without bound.
 */
const outcomes = new Map<string, CategoryOutcome>();
const MAX_OUTCOMES = 1 << 17;

/** Canonicalise raw codes (primary first), memoised: callers must not modify the result. */
export function categoryOutcome(codes: readonly string[]): CategoryOutcome {
  const key = codes.length === 1 ? codes[0]! : codes.join('\u0000');
  let o = outcomes.get(key);
  if (o) return o;
  const c = canonicalizeCategories(codes);
  const foreign = { acm: 0, msc: 0 };
  for (const f of c.foreign) {
    if (/^\d/.test(f)) foreign.msc++;
    else foreign.acm++;
  }
  const remapped: string[] = [];
  for (const code of codes) {
    const r = resolveCode(code);
    if (r.kind === 'category' && r.via) remapped.push(`${code.trim()}→${r.code}`);
  }
  o = { categories: c.categories, foreign, unknown: c.unknown, remapped, detail: c.categories.length === 0 ? `no arXiv category in [${codes.join(', ')}]` : '' };
  if (outcomes.size >= MAX_OUTCOMES) outcomes.clear();
  outcomes.set(key, o);
  return o;
}

/**
 * Count one record with this outcome in the report (read, the code statistics, and kept or
 * skipped): true when the record is kept.
 */
export function countOutcome(report: IngestReport, o: CategoryOutcome, file: string, line: number): boolean {
  report.read++;
  report.foreignCodes.acm += o.foreign.acm;
  report.foreignCodes.msc += o.foreign.msc;
  for (const u of o.unknown) report.unknownCodes[u] = (report.unknownCodes[u] ?? 0) + 1;
  for (const r of o.remapped) report.remapped[r] = (report.remapped[r] ?? 0) + 1;
  if (o.categories.length === 0) {
    recordSkip(report, 'no-valid-category', file, line, o.detail);
    return false;
  }
  report.kept++;
  return true;
}

/**
 * The raw codes of a record, primary first, each once: readers usually list the primary among the
 * categories already, and a code seen twice would be counted twice in the ingest report.
 */
export function rawCodes(raw: Pick<RawRecord, 'primary' | 'categories'>): string[] {
  const p = raw.primary;
  if (!p || raw.categories[0] === p) return raw.categories;
  return [p, ...raw.categories.filter((c) => c !== p)];
}

/**
 * Turn a raw record into a canonical paper, or say why not. The explicit primary (when a source
 * has one) goes first; a record without an id gets `idPrefix:line` (see synthetic-id.ts), so that
 * dedupe and splits still have a stable key.
 */
export function canonicalize(raw: RawRecord, file: string, line: number, format: string, report: IngestReport, idPrefix = defaultIdPrefix(file)): PaperRecord | undefined {
  const o = categoryOutcome(rawCodes(raw));
  if (!countOutcome(report, o, file, line)) return undefined;
  const paper: PaperRecord = {
    id: raw.id ?? syntheticId(idPrefix, line),
    title: raw.title,
    abstract: raw.abstract,
    categories: o.categories.slice(),
    primary: o.categories[0]!,
  };
  if (raw.date) paper.date = raw.date;
  paper.source = format;
  return paper;
}
