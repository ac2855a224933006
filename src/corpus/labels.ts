import { archiveOf, CATEGORIES, GROUPS, groupOf, resolveCode } from '../taxonomy/taxonomy.js';
import { seededRng, shuffle } from './random.js';
import type { PaperRecord } from './record.js';

/**
 * What a model predicts: the primary category, every category (multi-label), or the group.
 * Every command that trains, evaluates or compares models builds its classes here, so that
 * "cs.CL", "cond-mat" (a folded archive) and "other" mean the same thing everywhere.
 */
export type LabelTask = 'primary' | 'multilabel' | 'group';

export const LABEL_TASKS: readonly LabelTask[] = ['primary', 'multilabel', 'group'];

/** What labelling reads of a paper. */
export type PaperLabels = Pick<PaperRecord, 'primary' | 'categories'>;

/** The catch-all class that rare categories fold into when `minCount` is set. */
export const OTHER_LABEL = 'other';

export interface LabelSchemeOptions {
  task: LabelTask;
  /** Keep only the N most frequent classes (after folding), ties broken by code. */
  top?: number;
  /** Classes with fewer papers fold into their archive, then into `other` (seed notebook 002). */
  minCount?: number;
  /** Papers per class kept by `labelledPapers` (seeded, see `applyBalance`). */
  balance?: number;
  /**
   * Count cross-lists as well as primaries when ranking and folding classes (tasks primary and
   * group), and label a paper whose primary the scheme drops with its first cross-list it keeps.
   */
  includeCrossLists?: boolean;
  /** Seed for balancing; 0 when absent. */
  seed?: number;
}

export interface LabelScheme {
  task: LabelTask;
  /** Class index → label: a code ('cs.CL'), a folded archive ('cond-mat'), 'other', or a group id. */
  labels: string[];
  /** Canonical code → label in this scheme, or undefined when the scheme drops it. */
  map(code: string): string | undefined;
  /** Class index of a label, -1 when it is not one. */
  indexOf(label: string): number;
  /** Codes (group ids for task group) renamed by `minCount` folding: code → archive or 'other'. */
  fold: Readonly<Record<string, string>>;
  options: LabelSchemeOptions;
}

/** What a model file stores to rebuild its scheme at predict time. */
export interface LabelSchemeJSON {
  task: LabelTask;
  labels: string[];
  options: LabelSchemeOptions;
  fold?: Record<string, string>;
}

function checkOptions(o: LabelSchemeOptions): void {
  if (!LABEL_TASKS.includes(o.task)) throw new RangeError(`label task must be one of ${LABEL_TASKS.join(', ')}, got "${String(o.task)}"`);
  const positive = (v: number | undefined, name: string, min: number) => {
    if (v !== undefined && (!Number.isInteger(v) || v < min)) throw new RangeError(`${name} must be an integer >= ${min}, got ${v}`);
  };
  positive(o.top, 'top', 1);
  positive(o.minCount, 'minCount', 0);
  positive(o.balance, 'balance', 1);
  if (o.seed !== undefined && !Number.isInteger(o.seed)) throw new RangeError(`seed must be an integer, got ${o.seed}`);
}

/** The unit a task counts: the canonical code itself, or its group for task group. */
function baseOf(task: LabelTask, code: string): string | undefined {
  const r = resolveCode(code);
  if (r.kind !== 'category') return undefined;
  return task === 'group' ? groupOf(r.code) : r.code;
}

/** Distinct bases a paper contributes to the class counts. */
function countedBases(paper: PaperLabels, o: LabelSchemeOptions): string[] {
  const all = o.task === 'multilabel' || o.includeCrossLists === true;
  const codes = all ? paper.categories : [paper.primary];
  const out: string[] = [];
  for (const c of codes) {
    const b = baseOf(o.task, c);
    if (b !== undefined && !out.includes(b)) out.push(b);
  }
  return out;
}

function makeScheme(task: LabelTask, labels: string[], fold: Record<string, string>, options: LabelSchemeOptions): LabelScheme {
  const index = new Map<string, number>(labels.map((l, i) => [l, i]));
  const folded = new Map<string, string>(Object.entries(fold));
  return {
    task,
    labels,
    fold,
    options,
    map(code: string): string | undefined {
      const b = baseOf(task, code);
      if (b === undefined) return undefined;
      const label = folded.get(b) ?? b;
      return index.has(label) ? label : undefined;
    },
    indexOf(label: string): number {
      return index.get(label) ?? -1;
    },
  };
}

/** Class order: by code, with 'other' last, so indices do not move when counts shift a little. */
function compareLabels(a: string, b: string): number {
  if (a === b) return 0;
  if (a === OTHER_LABEL) return 1;
  if (b === OTHER_LABEL) return -1;
  return a < b ? -1 : 1;
}

/**
 * Build the classes for a task from a corpus.
 *
 * - `minCount` N (seed notebook 002): a class with < N papers is renamed to its archive
 *   (`cond-mat.other` → `cond-mat`, `math.KT` → `math`); the archive is counted after folding and,
 *   if still < N (always the case for one-category archives such as `hep-th` that were already
 *   too small), goes to `other`. For task group, a small group goes straight to `other`. Codes
 *   unseen in the corpus fold the same way (they have 0 papers), so `map` works on new data.
 * - `top` N then keeps the N most frequent classes (ties by code); `map` drops the rest.
 */
export function buildLabelScheme(papers: Iterable<PaperLabels>, options: LabelSchemeOptions): LabelScheme {
  checkOptions(options);
  const { task } = options;
  const counts = new Map<string, number>();
  for (const p of papers) for (const b of countedBases(p, options)) counts.set(b, (counts.get(b) ?? 0) + 1);

  const foldEntries: [string, string][] = [];
  const minCount = options.minCount ?? 0;
  if (minCount > 0) {
    const universe = new Set<string>(task === 'group' ? GROUPS : CATEGORIES.map((c) => c.code));
    for (const b of counts.keys()) universe.add(b);
    const first = new Map<string, string>();
    for (const b of universe) {
      const n = counts.get(b) ?? 0;
      first.set(b, n >= minCount ? b : task === 'group' ? OTHER_LABEL : archiveOf(b));
    }
    // Papers per first-stage class, each paper once: a multi-label paper with three rare math
    // categories is one paper for "math", not three.
    const firstCounts = new Map<string, number>();
    for (const p of papers) {
      const seen = new Set<string>();
      for (const b of countedBases(p, options)) seen.add(first.get(b) ?? b);
      for (const t of seen) firstCounts.set(t, (firstCounts.get(t) ?? 0) + 1);
    }
    for (const [b, t] of first) {
      const target = (firstCounts.get(t) ?? 0) >= minCount ? t : OTHER_LABEL;
      if (target !== b) foldEntries.push([b, target]);
    }
  }
  const fold: Record<string, string> = Object.fromEntries(foldEntries);
  const foldOf = new Map(foldEntries);

  // Count classes again after folding, once per paper, so that ranking is exact.
  const classCounts = new Map<string, number>();
  for (const p of papers) {
    const seen = new Set<string>();
    for (const b of countedBases(p, options)) seen.add(foldOf.get(b) ?? b);
    for (const l of seen) classCounts.set(l, (classCounts.get(l) ?? 0) + 1);
  }
  let kept = [...classCounts.keys()];
  if (options.top !== undefined && kept.length > options.top) {
    kept.sort((a, b) => classCounts.get(b)! - classCounts.get(a)! || (a < b ? -1 : a > b ? 1 : 0));
    kept = kept.slice(0, options.top);
  }
  kept.sort(compareLabels);
  return makeScheme(task, kept, fold, { ...options });
}

/**
 * A paper's class indices, primary first. Tasks primary and group give at most one (none when the
 * scheme drops the paper); multilabel gives every kept category, deduplicated after mapping.
 */
export function labelsOf(paper: PaperLabels, scheme: LabelScheme): number[] {
  if (scheme.task === 'multilabel') return withCarriedLabels(paper, scheme, []);
  const l = scheme.map(paper.primary);
  if (l !== undefined) return [scheme.indexOf(l)];
  if (scheme.options.includeCrossLists) {
    for (const c of paper.categories) {
      const m = scheme.map(c);
      if (m !== undefined) return [scheme.indexOf(m)];
    }
  }
  return [];
}

/**
 * `labels` followed by every class the paper's categories map to (its primary first), each once:
 * a multi-label paper's labels, or a single-label one's class and then its cross-lists.
 */
export function withCarriedLabels(paper: PaperLabels, scheme: LabelScheme, labels: readonly number[]): number[] {
  const out = [...labels];
  for (const c of paper.categories[0] === paper.primary ? paper.categories : [paper.primary, ...paper.categories]) {
    const l = scheme.map(c);
    if (l === undefined) continue;
    const i = scheme.indexOf(l);
    if (!out.includes(i)) out.push(i);
  }
  return out;
}

/**
 * Up to `perClass` papers per class (a paper's class is its first label), chosen by a seeded
 * shuffle: the same seed always picks the same papers. Papers the scheme drops are left out.
 * The result keeps corpus order.
 */
export function applyBalance(papers: readonly PaperRecord[], scheme: LabelScheme, perClass: number, seed: number): PaperRecord[] {
  const keep = balanceMask(papers.length, (i) => labelsOf(papers[i]!, scheme)[0] ?? -1, scheme.labels.length, perClass, seed);
  return papers.filter((_, i) => keep[i] === 1);
}

/**
 * applyBalance on `n` items known only by their first label (`firstLabel(i)`, -1 for none), for
 * corpora too big to hold as records: 1 for each item kept. Same labels and seed, same choice.
 */
export function balanceMask(n: number, firstLabel: (i: number) => number, classes: number, perClass: number, seed: number): Uint8Array {
  if (!Number.isInteger(perClass) || perClass < 1) throw new RangeError(`perClass must be an integer >= 1, got ${perClass}`);
  const order = shuffle(
    Array.from({ length: n }, (_, i) => i),
    seededRng(seed),
  );
  const taken = new Int32Array(classes);
  const keep = new Uint8Array(n);
  for (const i of order) {
    const first = firstLabel(i);
    if (first < 0 || taken[first]! >= perClass) continue;
    taken[first]!++;
    keep[i] = 1;
  }
  return keep;
}

/** The papers a model sees under a scheme: those with a label, balanced when the scheme says so. */
export function labelledPapers(papers: readonly PaperRecord[], scheme: LabelScheme): PaperRecord[] {
  const balance = scheme.options.balance;
  if (balance !== undefined) return applyBalance(papers, scheme, balance, scheme.options.seed ?? 0);
  return papers.filter((p) => labelsOf(p, scheme).length > 0);
}

export function schemeToJSON(s: LabelScheme): LabelSchemeJSON {
  const json: LabelSchemeJSON = { task: s.task, labels: [...s.labels], options: { ...s.options } };
  if (Object.keys(s.fold).length > 0) json.fold = { ...s.fold };
  return json;
}

/** Rebuild a stored scheme; throws Error naming what is wrong when the stored form is malformed. */
export function schemeFromJSON(json: LabelSchemeJSON): LabelScheme {
  const j = json as unknown as Record<string, unknown>;
  if (typeof j !== 'object' || j === null) throw new Error('label scheme: not an object');
  if (!LABEL_TASKS.includes(j.task as LabelTask)) throw new Error(`label scheme: unknown task "${String(j.task)}"`);
  if (!Array.isArray(j.labels) || !j.labels.every((l) => typeof l === 'string')) throw new Error('label scheme: labels must be an array of strings');
  if (new Set(j.labels).size !== j.labels.length) throw new Error('label scheme: duplicate labels');
  if (typeof j.options !== 'object' || j.options === null) throw new Error('label scheme: options missing');
  let fold: Record<string, string> = {};
  if (j.fold !== undefined) {
    if (typeof j.fold !== 'object' || j.fold === null) throw new Error('label scheme: fold must be an object');
    const entries = Object.entries(j.fold);
    for (const [k, v] of entries) if (typeof v !== 'string') throw new Error(`label scheme: fold entry for "${k}" is not a string`);
    fold = Object.fromEntries(entries) as Record<string, string>;
  }
  const options = { ...(j.options as LabelSchemeOptions), task: j.task as LabelTask };
  return makeScheme(options.task, [...(j.labels as string[])], fold, options);
}
