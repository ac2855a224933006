/**
 * Which class mix a single-label model assumes. A softmax model's log-odds carry the class prior
 * of its training data additively, so assuming another mix is adding
 *   ln q(c) − ln π_train(c)
 * to each class's calibrated logit (Saerens et al., 2002). Our corpus leans to computer science
 * while arXiv as a whole is mostly physics and mathematics, and each user's papers have their own
 * mix, so the choice is the caller's:
 * - `corpus`: the training data's own mix (no shift);
 * - `recent`: the newest training months' mix, at a strength below 1 because the recent prior is
 *   estimated from fewer papers and drift need not continue at the same pace;
 * - `balanced`: toward equal groups at a strength β and toward equal categories within each group
 *   at a strength ω: q(c) ∝ π(g)^(1−β) · π(c|g)^(1−ω), π the recent mix where the model has one,
 *   else the training mix (the logit adjustment of Menon et al., 2021, taken a level at a time).
 *   β = 1, ω = 0 is equal groups with each group's own mix inside; β = ω = 1 is equal classes
 *   whatever π was (so a group's share then grows with its number of categories, as the
 *   unnormalised π(c|g)^(1−ω) lets it). ω defaults to β/2: on the earlier time split
 *   (models/README.md, "Class priors") flattening categories within a group as hard as the
 *   groups themselves made thin categories win on weak evidence, and scored lower on top-1,
 *   macro-F1 and every group's top-1 but computer science's than flattening them half as hard;
 * - shares the caller knows: categories, archives or groups to shares (or counts), normalised.
 */
import { shownValue } from '../base/errors.js';
import { archiveOf, GROUPS, groupOf, resolveCode } from '../taxonomy/taxonomy.js';
import type { PriorChoice } from './model.js';

/** The class mixes a model file stores, as natural logs of add-one smoothed shares. */
export interface ClassPriors {
  /** Every training paper's primary. */
  train: Float32Array;
  /** The newest months' papers only; null when there were too few. */
  recent: Float32Array | null;
  /** The newest months as YYYYMM (inclusive) and their papers, or why there is no recent prior. */
  recentWindow: { papers: number; from: number; to: number } | { skipped: string };
  /** How far `recent` moves from the training mix toward the newest months', 0 to 1. */
  recentStrength: number;
  /** β of `balanced` when the caller names none. */
  balancedStrength: number;
  /** What a prediction assumes when the caller names no prior. */
  defaultChoice: PriorChoice;
}

export interface RecentWindowOptions {
  /** Months at the end of the training data whose class mix is taken as current; 0: none. */
  months: number;
}

/** Recent windows smaller than this (or than 10 papers a class) give a prior too noisy to trust. */
const MIN_WINDOW_PAPERS = 1000;

/** `balanced`'s strength within a group as a share of its strength between groups (see above). */
const WITHIN_SHARE = 0.5;

/** A category a caller's shares leave out still gets this share of what it had in training. */
const UNLISTED_FACTOR = 1e-3;

/**
 * The training mix and that of the last `months` months. `months[i]` is paper i's submission
 * month as YYYYMM (0 or undefined when unknown: counted in the training mix, never in the window);
 * `labels[i]` its class index.
 */
export function classMixes(months: ArrayLike<number | undefined>, labels: ArrayLike<number>, classes: number, options: RecentWindowOptions): Pick<ClassPriors, 'train' | 'recent' | 'recentWindow'> {
  const all = new Float64Array(classes);
  for (let i = 0; i < labels.length; i++) all[labels[i]!]!++;
  const train = logShares(all);
  if (options.months <= 0) return { train, recent: null, recentWindow: { skipped: 'turned off' } };
  let newest = -1;
  for (let i = 0; i < months.length; i++) {
    const m = months[i];
    if (m !== undefined && m > newest) newest = m;
  }
  if (newest <= 0) return { train, recent: null, recentWindow: { skipped: 'no training paper has a date or a dated arXiv id' } };
  const monthIndex = (yyyymm: number) => Math.floor(yyyymm / 100) * 12 + (yyyymm % 100) - 1;
  const first = monthIndex(newest) - options.months + 1;
  const recent = new Float64Array(classes);
  let papers = 0;
  for (let i = 0; i < labels.length; i++) {
    const m = months[i];
    if (m !== undefined && m > 0 && monthIndex(m) >= first) {
      recent[labels[i]!]!++;
      papers++;
    }
  }
  const needed = Math.max(MIN_WINDOW_PAPERS, 10 * classes);
  if (papers < needed) return { train, recent: null, recentWindow: { skipped: `only ${papers} papers in the last ${options.months} months (needs ${needed})` } };
  return { train, recent: logShares(recent), recentWindow: { papers, from: Math.floor(first / 12) * 100 + (first % 12) + 1, to: newest } };
}

function logShares(counts: Float64Array): Float32Array {
  let n = 0;
  for (const c of counts) n += c;
  return Float32Array.from(counts, (c) => Math.log((c + 1) / (n + counts.length)));
}

/** The shift added to each class's calibrated logit to assume `choice`; null where it is none. */
export function priorShift(choice: PriorChoice, priors: ClassPriors, labels: readonly string[]): Float32Array | null {
  const { train } = priors;
  const C = train.length;
  if (choice === 'corpus') return null;
  // ln π_recent − ln π_train, as far as the recent strength goes.
  const recent = priors.recent;
  const toRecent = recent ? Float32Array.from(train, (t, c) => priors.recentStrength * (recent[c]! - t)) : null;
  if (choice === 'recent') return toRecent;
  if (choice === 'balanced' || 'balanced' in choice) {
    const beta = choice === 'balanced' ? priors.balancedStrength : choice.balanced;
    const omega = choice === 'balanced' || choice.within === undefined ? beta * WITHIN_SHARE : choice.within;
    if (beta === 0 && omega === 0) return toRecent;
    // ln r: the mix to flatten (the recent one as far as `recent` goes), split as ln r(g) + ln r(c|g).
    const r = Float64Array.from(train, (t, c) => Math.exp(t + (toRecent?.[c] ?? 0)));
    const groupMass = new Map<string, number>();
    const groupKey = labels.map((l) => groupOf(l) ?? l);
    r.forEach((x, c) => groupMass.set(groupKey[c]!, (groupMass.get(groupKey[c]!) ?? 0) + x));
    return Float32Array.from(train, (t, c) => {
      const lnR = Math.log(r[c]!);
      const lnGroup = Math.log(groupMass.get(groupKey[c]!)!);
      return lnR - beta * lnGroup - omega * (lnR - lnGroup) - t;
    });
  }
  const shares = sharesOver(choice.shares, labels, train);
  const out = new Float32Array(C);
  for (let c = 0; c < C; c++) out[c] = Math.log(shares[c]!) - train[c]!;
  return out;
}

/**
 * Each class's share under a caller's `{ code: share }`: a key names a class, an archive or a
 * group. The most specific key wins: a category's own share first, then its archive's, then its
 * group's, each split among the classes no narrower key took, by their training shares. A class
 * no key covers keeps a thousandth of its training share, so that it can still win on strong
 * text. A key that covers no class of the model is an error.
 */
function sharesOver(asked: Record<string, number>, labels: readonly string[], train: Float32Array): Float64Array {
  const C = labels.length;
  const out = new Float64Array(C);
  const covered = new Uint8Array(C);
  const { given, askedAs } = canonicalShares(asked);
  const levels: ((label: string) => string | undefined)[] = [(l) => l, archiveOf, groupOf];
  const members = new Map<string, number[]>();
  for (const key of Object.keys(given)) {
    const m: number[] = [];
    for (let c = 0; c < C; c++) if (levels.some((level) => level(labels[c]!) === key)) m.push(c);
    if (m.length === 0) throw new RangeError(`prior: "${askedAs.get(key)}"${askedAs.get(key) === key ? '' : ` (${key})`} is not a category, archive or group this model predicts`);
    members.set(key, m);
  }
  let listed = 0;
  for (const level of levels) {
    for (const [key, share] of Object.entries(given)) {
      const open = members.get(key)!.filter((c) => !covered[c] && level(labels[c]!) === key);
      if (open.length === 0) continue;
      let mass = 0;
      for (const c of open) mass += Math.exp(train[c]!);
      for (const c of open) {
        out[c] = (share * Math.exp(train[c]!)) / mass;
        covered[c] = 1;
      }
      listed += share;
    }
  }
  let total = 0;
  for (let c = 0; c < C; c++) {
    if (!covered[c]) out[c] = listed * UNLISTED_FACTOR * Math.exp(train[c]!);
    total += out[c]!;
  }
  for (let c = 0; c < C; c++) out[c] = Math.max(out[c]! / total, 1e-12);
  return out;
}

/**
 * A caller's shares under the codes the model's labels use: an alias or a retired code names its
 * category (math.IT is cs.IT, solv-int nlin.SI), letter case aside, and shares of one category
 * named twice add up. Shares are relative, so they are scaled to a largest of 1 first: counts
 * near the float64 limit then cannot sum to Infinity. `askedAs`: each code as the caller wrote it.
 */
function canonicalShares(asked: Record<string, number>): { given: Record<string, number>; askedAs: Map<string, string> } {
  const largest = Math.max(...Object.values(asked));
  // No prototype: a key "__proto__" (JSON.parse makes it an own key) must be a key like any other.
  const given = Object.create(null) as Record<string, number>;
  const askedAs = new Map<string, string>();
  for (const [key, share] of Object.entries(asked)) {
    const lower = key.trim().toLowerCase();
    const resolved = resolveCode(key);
    const code = (GROUPS as readonly string[]).includes(lower) ? lower : resolved.kind === 'category' ? resolved.code : key;
    given[code] = (given[code] ?? 0) + share / largest;
    if (!askedAs.has(code)) askedAs.set(code, key);
  }
  return { given, askedAs };
}

/** The checks of a prior a caller hands in (library, HTTP, CLI), in one place; returns it. */
export function checkPriorChoice(x: unknown): PriorChoice {
  if (x === 'corpus' || x === 'recent' || x === 'balanced') return x;
  if (x !== null && typeof x === 'object' && !Array.isArray(x)) {
    const o = x as Record<string, unknown>;
    const keys = Object.keys(o);
    if (keys.includes('balanced') && keys.every((k) => k === 'balanced' || k === 'within')) {
      const strength = (name: string, v: unknown) => {
        if (typeof v === 'number' && v >= 0 && v <= 2) return v;
        throw new RangeError(`prior: ${name} strength must be a number from 0 to 2, got ${shownValue(v)}`);
      };
      const balanced = strength('balanced', o.balanced);
      return o.within === undefined ? { balanced } : { balanced, within: strength('within', o.within) };
    }
    if (keys.length === 1 && keys[0] === 'shares') {
      const s = o.shares;
      if (s === null || typeof s !== 'object' || Array.isArray(s)) throw new RangeError('prior: shares must be an object of category, archive or group codes to numbers');
      const entries = Object.entries(s as Record<string, unknown>);
      if (entries.length === 0) throw new RangeError('prior: shares must name at least one category, archive or group');
      for (const [k, v] of entries) if (!(typeof v === 'number' && Number.isFinite(v) && v >= 0)) throw new RangeError(`prior: the share of "${k}" must be a number >= 0, got ${shownValue(v)}`);
      if (!entries.some(([, v]) => (v as number) > 0)) throw new RangeError('prior: at least one share must be above 0');
      return { shares: s as Record<string, number> };
    }
  }
  throw new RangeError(`prior must be "corpus", "recent", "balanced", { "balanced": strength, "within"?: strength } or { "shares": { code: share } }, got ${typeof x === 'string' ? JSON.stringify(x) : x === null ? 'null' : typeof x === 'object' ? 'another object' : String(x)}`);
}

/** `balanced:0.5`, `balanced:0.5:0.2` (groups, then categories within a group) and the other one-word forms of a prior; undefined for anything else (a file name). */
export function parsePriorWord(word: string): PriorChoice | undefined {
  if (word === 'corpus' || word === 'recent' || word === 'balanced') return word;
  const m = /^balanced:([^:]*)(?::(.*))?$/.exec(word);
  if (m) {
    const num = (x: string) => (Number.isFinite(Number(x)) && x.trim() !== '' ? Number(x) : x);
    return checkPriorChoice(m[2] === undefined ? { balanced: num(m[1]!) } : { balanced: num(m[1]!), within: num(m[2]) });
  }
  return undefined;
}

/** A prior as a short name for reports and cache keys. */
export function priorName(choice: PriorChoice): string {
  if (typeof choice === 'string') return choice;
  if ('balanced' in choice) return `balanced:${choice.balanced}${choice.within === undefined ? '' : `:${choice.within}`}`;
  return `shares(${Object.keys(choice.shares).length})`;
}
