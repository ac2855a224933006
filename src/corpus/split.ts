import { seededRng, shuffle, type Rng } from './random.js';
import type { PaperRecord } from './record.js';

export interface Split {
  train: PaperRecord[];
  valid: PaperRecord[];
  test: PaperRecord[];
}

export interface RandomSplitOptions {
  /** Fraction of each class that goes to test, in [0, 1). */
  test: number;
  /** Fraction of each class that goes to valid, in [0, 1); test + valid < 1. */
  valid: number;
  seed: number;
}

function checkFraction(v: number, name: string): void {
  if (!Number.isFinite(v) || v < 0 || v >= 1) throw new RangeError(`${name} must be a fraction in [0, 1), got ${v}`);
}

/** floor(x), plus one with probability frac(x): unbiased, so many small classes still sum right. */
function stochasticRound(x: number, rng: Rng): number {
  const f = Math.floor(x);
  return f + (rng() < x - f ? 1 : 0);
}

/**
 * Random split stratified by primary category: each class is shuffled (seeded) and split in the
 * given proportions, rounding stochastically so small classes do not all round to zero. A class
 * always keeps at least one paper in train, so a single-paper class stays entirely in train.
 * Each part keeps corpus order. Same papers + same seed → same split.
 */
export function splitRandom(papers: readonly PaperRecord[], options: RandomSplitOptions): Split {
  const part = splitParts(papers.length, (i) => papers[i]!.primary, options);
  const out: Split = { train: [], valid: [], test: [] };
  papers.forEach((p, i) => (part[i] === SPLIT_TRAIN ? out.train : part[i] === SPLIT_VALID ? out.valid : out.test).push(p));
  return out;
}

export const SPLIT_TRAIN = 0;
export const SPLIT_VALID = 1;
export const SPLIT_TEST = 2;

/**
 * splitRandom on `n` items known only by their class (`classOf(i)`), for corpora too big to hold
 * as records: each item's part, SPLIT_TRAIN, SPLIT_VALID or SPLIT_TEST. The same classes in the
 * same order and the same seed give the same parts as splitRandom.
 */
export function splitParts(n: number, classOf: (i: number) => string, options: RandomSplitOptions): Uint8Array {
  checkFraction(options.test, 'test');
  checkFraction(options.valid, 'valid');
  if (options.test + options.valid >= 1) throw new RangeError(`test + valid must be < 1, got ${options.test + options.valid}`);
  if (!Number.isInteger(options.seed)) throw new RangeError(`seed must be an integer, got ${options.seed}`);
  const byClass = new Map<string, number[]>();
  for (let i = 0; i < n; i++) {
    const code = classOf(i);
    const list = byClass.get(code);
    if (list) list.push(i);
    else byClass.set(code, [i]);
  }
  const rng = seededRng(options.seed);
  const part = new Uint8Array(n);
  for (const code of [...byClass.keys()].sort()) {
    const idx = shuffle(byClass.get(code)!, rng);
    const m = idx.length;
    let nTest = stochasticRound(m * options.test, rng);
    let nValid = stochasticRound(m * options.valid, rng);
    const room = Math.max(0, m - 1);
    if (nTest + nValid > room) {
      nValid = Math.max(0, room - nTest);
      nTest = Math.min(nTest, room);
    }
    for (let k = 0; k < nTest; k++) part[idx[k]!] = SPLIT_TEST;
    for (let k = nTest; k < nTest + nValid; k++) part[idx[k]!] = SPLIT_VALID;
  }
  return part;
}

/** Two-digit years from 91 are 19xx (arXiv began in August 1991), others 20xx. */
function fullYear(yy: number): number {
  return yy >= 91 ? 1900 + yy : 2000 + yy;
}

const NEW_ID = /^(?:arxiv:)?(\d{2})(\d{2})\.\d{4,5}(?:v\d+)?$/i;
const OLD_ID = /^(?:arxiv:)?[a-z][a-z-]*(?:\.[a-z-]+)?\/(\d{2})(\d{2})\d{3}(?:v\d+)?$/i;
const ISO_DATE = /^(\d{4})-(\d{2})(?:-(\d{2}))?/;
/** arXiv's first month: a date before it is a placeholder (1850-01-01, 0001-01-01), not a submission. */
const FIRST_MONTH = 199108;
/** Next month as YYYYMM, once per process: yymmOf runs for every record of a corpus. */
const NEXT_MONTH = (() => {
  const now = new Date();
  return now.getUTCMonth() === 11 ? (now.getUTCFullYear() + 1) * 100 + 1 : now.getUTCFullYear() * 100 + now.getUTCMonth() + 2;
})();

/**
 * A `date` field's month, when the date can be a submission's: a real calendar day, from arXiv's
 * first month to next month (a little slack for time zones). A date in 2099 or on 30 February
 * would otherwise make its paper the newest of the corpus and move the recent-months prior.
 */
function dateMonth(date: string): number | undefined {
  const d = ISO_DATE.exec(date);
  if (!d) return undefined;
  const year = Number(d[1]);
  const month = Number(d[2]);
  if (!(month >= 1 && month <= 12)) return undefined;
  if (d[3] !== undefined) {
    const day = Number(d[3]);
    if (!(day >= 1 && day <= new Date(Date.UTC(year, month, 0)).getUTCDate())) return undefined;
  }
  const yyyymm = year * 100 + month;
  return yyyymm >= FIRST_MONTH && yyyymm <= NEXT_MONTH ? yyyymm : undefined;
}

/**
 * Submission month as YYYYMM: from the arXiv id when it has one (`2604.01234` → 202604,
 * `hep-th/9901001` → 199901), else from the `date` field when it can be one (dateMonth), else
 * undefined. The id is preferred
 * because metadata dumps often carry the last-update date rather than the submission date.
 */
export function yymmOf(paper: Pick<PaperRecord, 'id' | 'date'>): number | undefined {
  const m = NEW_ID.exec(paper.id);
  if (m) {
    const month = Number(m[2]);
    if (month >= 1 && month <= 12) return (2000 + Number(m[1])) * 100 + month;
  }
  const o = OLD_ID.exec(paper.id);
  if (o) {
    const month = Number(o[2]);
    if (month >= 1 && month <= 12) return fullYear(Number(o[1])) * 100 + month;
  }
  return paper.date ? dateMonth(paper.date) : undefined;
}

/**
 * Parse a month given as `YYMM` (arXiv id style: `2301`, `9901` = 1999-01), `YYYYMM` or
 * `YYYY-MM` into YYYYMM. Throws RangeError on anything else.
 */
export function parseYearMonth(value: string | number): number {
  const s = String(value).trim();
  let year: number;
  let month: number;
  let m: RegExpExecArray | null;
  if ((m = /^(\d{2})(\d{2})$/.exec(s))) {
    year = fullYear(Number(m[1]));
    month = Number(m[2]);
  } else if ((m = /^(\d{4})-?(\d{2})$/.exec(s))) {
    year = Number(m[1]);
    month = Number(m[2]);
  } else {
    throw new RangeError(`expected a month as YYMM, YYYYMM or YYYY-MM, got "${s}"`);
  }
  if (month < 1 || month > 12) throw new RangeError(`month out of range in "${s}"`);
  return year * 100 + month;
}

export interface TimeSplitOptions {
  /** First month of test (YYMM, YYYYMM or YYYY-MM): earlier papers train, this month on test. */
  before: string | number;
  /**
   * First month of valid: papers from this month up to `before` form valid (the months just
   * before test, which is what a model deployed on new papers is tuned for). Takes precedence
   * over `valid`.
   */
  validFrom?: string | number;
  /** Without `validFrom`: this fraction of train, stratified and seeded, becomes valid. */
  valid?: number;
  seed?: number;
}

export interface TimeSplit extends Split {
  /** Papers with neither a dated id nor a date: left out of every part. */
  undated: number;
}

/** Split by submission month (see `yymmOf`): train before `before`, test from it on. */
export function splitTime(papers: readonly PaperRecord[], options: TimeSplitOptions): TimeSplit {
  const before = parseYearMonth(options.before);
  const validFrom = options.validFrom === undefined ? undefined : parseYearMonth(options.validFrom);
  if (validFrom !== undefined && validFrom > before) throw new RangeError(`validFrom (${validFrom}) must not be after before (${before})`);
  if (options.valid !== undefined && !(typeof options.valid === 'number' && options.valid >= 0 && options.valid < 1)) throw new RangeError(`valid must be a fraction in [0, 1), got ${String(options.valid)}`);
  const out: TimeSplit = { train: [], valid: [], test: [], undated: 0 };
  for (const p of papers) {
    const t = yymmOf(p);
    if (t === undefined) out.undated++;
    else if (t >= before) out.test.push(p);
    else if (validFrom !== undefined && t >= validFrom) out.valid.push(p);
    else out.train.push(p);
  }
  if (validFrom === undefined && options.valid !== undefined && options.valid > 0) {
    const inner = splitRandom(out.train, { test: 0, valid: options.valid, seed: options.seed ?? 0 });
    out.train = inner.train;
    out.valid = inner.valid;
  }
  return out;
}
