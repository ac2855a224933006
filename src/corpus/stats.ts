import { getCategory, GROUPS, groupOf, type GroupId } from '../taxonomy/taxonomy.js';
import type { PaperRecord } from './record.js';
import { yymmOf } from './split.js';

/**
 * Length percentiles. Values are counted in a fixed-size exact histogram (one slot per length up
 * to a cap), so memory does not grow with the corpus and percentiles are exact below the cap;
 * a percentile that falls above the cap is reported as the cap. `max` and `mean` are exact.
 */
export interface LengthStats {
  p5: number;
  p25: number;
  p50: number;
  p75: number;
  p95: number;
  max: number;
  mean: number;
}

export interface CategoryRow {
  code: string;
  name: string;
  /** Papers with this primary category. */
  primary: number;
  /** Papers listing this category at all (primary or cross-list). */
  all: number;
}

export interface CorpusStats {
  records: number;
  /** Distinct primary categories, and distinct categories counting cross-lists. */
  distinctPrimary: number;
  distinctCategories: number;
  /** Papers per group, by primary category. */
  groups: Record<GroupId, number>;
  /** How many papers list 1, 2, 3, ... categories. */
  categoriesPerPaper: { categories: number; papers: number }[];
  /** Share of papers with more than one category. */
  multiLabelShare: number;
  meanCategories: number;
  lengths: {
    title: { words: LengthStats; chars: LengthStats };
    abstract: { words: LengthStats; chars: LengthStats };
  };
  /** Range of the `date` field (ISO), and how many papers have none. */
  dates: { min: string | null; max: string | null; missing: number };
  /** Range of submission months from ids (YYYY-MM, see yymmOf), and how many have none. */
  months: { min: string | null; max: string | null; missing: number };
  /** Categories by primary count, then all count, then code; `top` rows (all when not given). */
  top: CategoryRow[];
  /** Only with StatsOptions.distributions. */
  distributions?: CorpusDistributions;
}

export interface StatsOptions {
  /** Rows in the category table; all categories when absent. */
  top?: number;
  /** Also return `distributions` (histograms for reports); left out otherwise. */
  distributions?: boolean;
}

/** Papers whose value lies in [from, to); `to` is null for the last, open-ended bin. */
export interface HistogramBin {
  from: number;
  to: number | null;
  papers: number;
}

/** Histograms behind the percentiles, for charts. */
export interface CorpusDistributions {
  titleWords: HistogramBin[];
  abstractWords: HistogramBin[];
  /** Papers per submission month (YYYY-MM, see yymmOf), months without papers included. */
  months: { month: string; papers: number }[];
}

/** Exact-count histogram of non-negative integers up to `cap`; larger values land in the cap slot. */
class LengthHistogram {
  private readonly counts: Float64Array;
  private n = 0;
  private sum = 0;
  private maxSeen = 0;

  constructor(private readonly cap: number) {
    this.counts = new Float64Array(cap + 1);
  }

  add(v: number): void {
    this.counts[Math.min(v, this.cap)]!++;
    this.n++;
    this.sum += v;
    if (v > this.maxSeen) this.maxSeen = v;
  }

  /** Nearest-rank percentile. */
  private percentile(q: number): number {
    if (this.n === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.n));
    let seen = 0;
    for (let v = 0; v <= this.cap; v++) {
      seen += this.counts[v]!;
      if (seen >= rank) return v;
    }
    return this.cap;
  }

  /**
   * Equal-width bins from 0 up to the 99th percentile, their width a 1-2-5 step giving about
   * `target` bins; everything beyond goes into one open-ended last bin.
   */
  bins(target = 30): HistogramBin[] {
    if (this.n === 0) return [];
    const p99 = this.percentile(0.99);
    const raw = Math.max(1, (p99 + 1) / target);
    const mag = 10 ** Math.floor(Math.log10(raw));
    const width = [1, 2, 5, 10].map((m) => m * mag).find((w) => w >= raw)!;
    const closed = Math.floor(p99 / width) + 1;
    const out: HistogramBin[] = [];
    for (let b = 0; b < closed; b++) out.push({ from: b * width, to: (b + 1) * width, papers: 0 });
    const overflow: HistogramBin = { from: closed * width, to: null, papers: 0 };
    for (let v = 0; v <= this.cap; v++) {
      const c = this.counts[v]!;
      if (c === 0) continue;
      const b = Math.floor(v / width);
      if (b < closed) out[b]!.papers += c;
      else overflow.papers += c;
    }
    if (overflow.papers > 0) out.push(overflow);
    return out;
  }

  summary(): LengthStats {
    return {
      p5: this.percentile(0.05),
      p25: this.percentile(0.25),
      p50: this.percentile(0.5),
      p75: this.percentile(0.75),
      p95: this.percentile(0.95),
      max: this.maxSeen,
      mean: this.n === 0 ? 0 : Math.round((this.sum / this.n) * 10) / 10,
    };
  }
}

const WORD_CAP = 8192;
const CHAR_CAP = 65536;

function countWords(s: string): number {
  let n = 0;
  let inWord = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const space = c === 32 || (c >= 9 && c <= 13) || c === 160;
    if (space) inWord = false;
    else if (!inWord) {
      inWord = true;
      n++;
    }
  }
  return n;
}

function formatMonth(yyyymm: number): string {
  return `${Math.floor(yyyymm / 100)}-${String(yyyymm % 100).padStart(2, '0')}`;
}

/**
 * Corpus statistics in one streaming pass: only counters (per category, per group, per length),
 * so memory does not depend on corpus size.
 */
export async function computeStats(papers: AsyncIterable<PaperRecord> | Iterable<PaperRecord>, options: StatsOptions = {}): Promise<CorpusStats> {
  const primary = new Map<string, number>();
  const all = new Map<string, number>();
  const groups = Object.fromEntries(GROUPS.map((g) => [g, 0])) as Record<GroupId, number>;
  const perPaper = new Map<number, number>();
  const titleWords = new LengthHistogram(WORD_CAP);
  const titleChars = new LengthHistogram(CHAR_CAP);
  const abstractWords = new LengthHistogram(WORD_CAP);
  const abstractChars = new LengthHistogram(CHAR_CAP);
  let records = 0;
  let categorySum = 0;
  let minDate: string | null = null;
  let maxDate: string | null = null;
  let noDate = 0;
  let minMonth = Infinity;
  let maxMonth = -Infinity;
  let noMonth = 0;
  const perMonth = new Map<number, number>();

  for await (const p of papers) {
    records++;
    primary.set(p.primary, (primary.get(p.primary) ?? 0) + 1);
    for (const c of p.categories) all.set(c, (all.get(c) ?? 0) + 1);
    const g = groupOf(p.primary);
    if (g) groups[g]++;
    const k = p.categories.length;
    perPaper.set(k, (perPaper.get(k) ?? 0) + 1);
    categorySum += k;
    titleWords.add(countWords(p.title));
    titleChars.add(p.title.length);
    abstractWords.add(countWords(p.abstract));
    abstractChars.add(p.abstract.length);
    if (p.date) {
      if (minDate === null || p.date < minDate) minDate = p.date;
      if (maxDate === null || p.date > maxDate) maxDate = p.date;
    } else noDate++;
    const m = yymmOf(p);
    if (m === undefined) noMonth++;
    else {
      if (options.distributions) perMonth.set(m, (perMonth.get(m) ?? 0) + 1);
      if (m < minMonth) minMonth = m;
      if (m > maxMonth) maxMonth = m;
    }
  }

  const rows: CategoryRow[] = [...all.keys()].map((code) => ({
    code,
    name: getCategory(code)?.name ?? '',
    primary: primary.get(code) ?? 0,
    all: all.get(code) ?? 0,
  }));
  rows.sort((a, b) => b.primary - a.primary || b.all - a.all || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  const multi = records - (perPaper.get(1) ?? 0);
  return {
    records,
    distinctPrimary: primary.size,
    distinctCategories: all.size,
    groups,
    categoriesPerPaper: [...perPaper.entries()].sort((a, b) => a[0] - b[0]).map(([categories, n]) => ({ categories, papers: n })),
    multiLabelShare: records === 0 ? 0 : multi / records,
    meanCategories: records === 0 ? 0 : categorySum / records,
    lengths: {
      title: { words: titleWords.summary(), chars: titleChars.summary() },
      abstract: { words: abstractWords.summary(), chars: abstractChars.summary() },
    },
    dates: { min: minDate, max: maxDate, missing: noDate },
    months: { min: records - noMonth > 0 ? formatMonth(minMonth) : null, max: records - noMonth > 0 ? formatMonth(maxMonth) : null, missing: noMonth },
    top: options.top === undefined ? rows : rows.slice(0, options.top),
    ...(options.distributions
      ? { distributions: { titleWords: titleWords.bins(), abstractWords: abstractWords.bins(), months: monthSeries(perMonth, minMonth, maxMonth) } }
      : {}),
  };
}

function monthSeries(counts: Map<number, number>, min: number, max: number): { month: string; papers: number }[] {
  const out: { month: string; papers: number }[] = [];
  if (counts.size === 0) return out;
  for (let m = min; m <= max; m = m % 100 === 12 ? m + 89 : m + 1) out.push({ month: formatMonth(m), papers: counts.get(m) ?? 0 });
  return out;
}
