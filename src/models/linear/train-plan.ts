import { balanceMask, buildLabelScheme, labelsOf, withCarriedLabels, type LabelScheme } from '../../corpus/labels.js';
import { FROM_TRAIN, type PaperTable } from '../../corpus/paper-table.js';
import { splitParts, SPLIT_VALID } from '../../corpus/split.js';
import { DataHasher } from './data-hash.js';
import { grown } from '../../base/typed-arrays.js';

/** What each paper read for training is, once the whole corpus has been seen (one byte a paper). */
export const ROLE_NONE = 0;
export const ROLE_TRAIN = 1;
export const ROLE_VALID = 2;

/** Labels of a run of papers in CSR form: paper i's are idx[ptr[i]..ptr[i+1]), its first first. */
export interface LabelRows {
  ptr: Int32Array;
  idx: Int32Array;
}

/** What the labelling options make of the papers read: which train, which validate, and their labels. */
export interface TrainingPlan {
  scheme: LabelScheme;
  C: number;
  /** Each arrival's role (ROLE_*), in arrival order. */
  role: Uint8Array;
  trainCount: number;
  validCount: number;
  /** Thread k's training rows' labels as SGD reads them (with cross-lists when that loss is on): every T-th training paper from the k-th. */
  shardLabels: LabelRows[];
  /** Validation labels in the order the threads score them: thread 0's share, then thread 1's, … */
  vPtr: Int32Array;
  vIdx: Int32Array;
  /** Training papers per class (every label of a paper counts). */
  counts: Float64Array;
  /** Training papers carrying each class, cross-lists included (the cross-list loss's starting offsets). */
  carried: Float64Array;
  /** Month (YYYYMM, 0 unknown) and first label of each training paper, in corpus order. */
  months: Int32Array;
  firstLabels: Int32Array;
  dataHash: string;
}

export interface PlanOptions {
  task: LabelScheme['task'];
  top?: number;
  minCount?: number;
  balance?: number;
  includeCrossLists?: boolean;
  seed: number;
  validFraction: number;
  /** The cross-list loss's weight as the loss trains with it (loss.ts, Loss.trained): with it on, SGD reads each paper's cross-lists too. */
  crossListLoss: number;
  /** Most papers held out of the training papers for validation (see MAX_HELD_OUT). */
  maxHeldOut: number;
}

/** The validation papers given have no label in the scheme built from the training papers. */
export class UnlabelledValidationError extends RangeError {
  override name = 'UnlabelledValidationError';
}

/**
 * Decide from the papers' metadata alone what training does with each, as training on the papers
 * in memory always did: the classes come from the training papers, papers without a class (or
 * beyond `balance`) are left out, and without validation papers a stratified random share of the
 * training papers is held out. A paper a later duplicate replaced takes no part.
 */
export function planTraining(table: PaperTable, o: PlanOptions, threads: number): TrainingPlan {
  const n = table.size;
  const fromTrain: number[] = [];
  const fromValid: number[] = [];
  for (let a = 0; a < n; a++) {
    if (!table.isAlive(a)) continue;
    (table.sourceOf(a) === FROM_TRAIN ? fromTrain : fromValid).push(a);
  }
  const trainAll = Int32Array.from(fromTrain);
  const scheme = buildLabelScheme(table.labelViews(trainAll), { task: o.task, top: o.top, minCount: o.minCount, balance: o.balance, includeCrossLists: o.includeCrossLists, seed: o.seed });
  const C = scheme.labels.length;
  const first = (a: number) => labelsOf(table.labelsView(a), scheme)[0] ?? -1;
  let labelled: Int32Array;
  if (scheme.options.balance !== undefined) {
    const keep = balanceMask(trainAll.length, (i) => first(trainAll[i]!), C, scheme.options.balance, scheme.options.seed ?? 0);
    labelled = trainAll.filter((_, i) => keep[i] === 1);
  } else {
    labelled = trainAll.filter((a) => first(a) >= 0);
  }
  const role = new Uint8Array(n);
  if (fromValid.length > 0) {
    for (const a of labelled) role[a] = ROLE_TRAIN;
    let any = false;
    for (const a of fromValid) {
      if (first(a) < 0) continue;
      role[a] = ROLE_VALID;
      any = true;
    }
    // Given validation papers that the scheme cannot label would leave training with no early
    // stopping and no calibration at all, silently.
    if (!any) throw new UnlabelledValidationError(`none of the ${fromValid.length} validation papers has a label among the ${C} classes trained on (${scheme.labels.slice(0, 5).join(', ')}${C > 5 ? ', …' : ''})`);
  } else {
    const share = Math.min(o.validFraction, o.maxHeldOut / Math.max(1, labelled.length));
    const part = splitParts(labelled.length, (i) => table.primaryOf(labelled[i]!), { test: 0, valid: share, seed: o.seed });
    labelled.forEach((a, i) => (role[a] = part[i] === SPLIT_VALID ? ROLE_VALID : ROLE_TRAIN));
  }
  let trainCount = 0;
  let validCount = 0;
  for (let a = 0; a < n; a++) {
    if (role[a] === ROLE_TRAIN) trainCount++;
    else if (role[a] === ROLE_VALID) validCount++;
  }
  if (trainCount === 0) throw new RangeError('no training papers have a label in this scheme');
  if (C < 2) throw new RangeError(`training needs at least 2 classes, found ${C} (${scheme.labels.join(', ')})`);

  const counts = new Float64Array(C);
  const carried = new Float64Array(C);
  const months = new Int32Array(trainCount);
  const firstLabels = new Int32Array(trainCount);
  const shards = Array.from({ length: threads }, () => new LabelRowsBuilder());
  const validShards = Array.from({ length: threads }, () => new LabelRowsBuilder());
  const hasher = new DataHasher();
  let t = 0;
  let v = 0;
  for (let a = 0; a < n; a++) {
    if (role[a] === ROLE_NONE) continue;
    const view = table.labelsView(a);
    const labels = labelsOf(view, scheme);
    if (role[a] === ROLE_VALID) {
      validShards[v++ % threads]!.add(labels);
      continue;
    }
    // What SGD trains on: for the cross-list loss, the primary followed by its cross-lists.
    const sgd = o.crossListLoss > 0 ? withCarriedLabels(view, scheme, labels) : labels;
    for (const l of labels) counts[l]!++;
    for (const l of sgd) carried[l]!++;
    months[t] = table.monthOf(a) ?? 0;
    firstLabels[t] = labels[0]!;
    shards[t % threads]!.add(sgd);
    hasher.add(`${table.idOf(a)}\t${sgd.join(',')}`);
    t++;
  }
  const valid = concatLabelRows(validShards.map((b) => b.finish()));
  return {
    scheme,
    C,
    role,
    trainCount,
    validCount,
    shardLabels: shards.map((b) => b.finish()),
    vPtr: valid.ptr,
    vIdx: valid.idx,
    counts,
    carried,
    months,
    firstLabels,
    dataHash: hasher.digest(),
  };
}

class LabelRowsBuilder {
  private ptr: Int32Array = new Int32Array(1024);
  private idx: Int32Array = new Int32Array(1024);
  private rows = 0;

  add(labels: readonly number[]): void {
    const at = this.ptr[this.rows]!;
    if (this.rows + 2 > this.ptr.length) this.ptr = grown(this.ptr, this.ptr.length * 2);
    if (at + labels.length > this.idx.length) this.idx = grown(this.idx, Math.max(at + labels.length, this.idx.length * 2));
    for (let k = 0; k < labels.length; k++) this.idx[at + k] = labels[k]!;
    this.ptr[++this.rows] = at + labels.length;
  }

  finish(): LabelRows {
    return { ptr: this.ptr.slice(0, this.rows + 1), idx: this.idx.slice(0, this.ptr[this.rows]) };
  }
}

function concatLabelRows(parts: LabelRows[]): LabelRows {
  const rows = parts.reduce((s, p) => s + p.ptr.length - 1, 0);
  const ptr = new Int32Array(rows + 1);
  const idx = new Int32Array(parts.reduce((s, p) => s + p.idx.length, 0));
  let r = 0;
  let at = 0;
  for (const p of parts) {
    for (let i = 1; i < p.ptr.length; i++) ptr[++r] = at + p.ptr[i]!;
    idx.set(p.idx, at);
    at += p.idx.length;
  }
  return { ptr, idx };
}
