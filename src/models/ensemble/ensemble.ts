import { labelsOf, OTHER_LABEL, schemeFromJSON, type LabelSchemeJSON, type LabelTask } from '../../corpus/labels.js';
import { loadPapers } from '../../corpus/load.js';
import type { PaperRecord } from '../../corpus/record.js';
import type { CombineRule, EnsembleBackendOptions } from './ensemble-options.js';
import type { Classifier, ModelInfo, PaperText, Prediction, PredictOptions } from '../model.js';
import { PredictionBuilder } from '../prediction.js';
import { checkPapers, checkPredictOptions, refusePrior } from '../predict-options.js';

export interface EnsembleMember {
  /** As given on the command line (file, folder or `llm`). */
  name: string;
  model: Classifier;
  /** Member class index → ensemble class index. */
  toEnsemble: Int32Array;
}

/** Probabilities of each member (in its own label order) and of the ensemble, with timings. */
export interface EnsembleRun {
  members: { name: string; proba: Float32Array; seconds: number }[];
  proba: Float32Array;
  seconds: number;
}

export interface WeightSearch {
  weights: number[];
  /** Whether `weights` were searched (false: given, and only the temperature was fitted). */
  searched: boolean;
  /** Single-label product pools: the fitted temperature (otherwise 1: see `Ensemble.tune`). */
  temperature: number;
  /** Mean negative log-likelihood of the true labels on the validation papers at `weights` and `temperature`. */
  logLoss: number;
  /** The same for equal weights at temperature 1, to show what tuning bought. */
  equalLogLoss: number;
  papers: number;
  points: number;
}

/**
 * Weighted pool (mean or geometric mean, see CombineRule) of member probabilities. Members with
 * different label sets are aligned by label code: a member gives 0 to a label it does not have,
 * and single-label rows are renormalised so that they still sum to 1.
 */
export class Ensemble implements Classifier {
  readonly info: ModelInfo;
  readonly scheme: LabelSchemeJSON;
  /** Built on first use and again after the weights change: a multi-label pool's thresholds follow them. */
  private builder: PredictionBuilder | null = null;
  /** Set when the weights (or the temperature) were tuned on a validation set. */
  search: WeightSearch | null = null;
  /**
   * Product pools: each member's weight is divided by this before the pool, which is the same as
   * a softmax temperature on the pooled log-probabilities. Weights sum to 1, so at 1 the pool is
   * the plain weighted geometric mean, which nothing has calibrated (a multi-label member's sigmoids
   * are not even a distribution over labels).
   */
  private temperatureValue = 1;

  constructor(
    readonly members: EnsembleMember[],
    readonly labels: readonly string[],
    scheme: LabelSchemeJSON,
    private weightsValue: number[],
    readonly rule: CombineRule = 'mean',
    temperature = 1,
  ) {
    const task = scheme.task;
    this.scheme = scheme;
    this.info = {
      backend: 'ensemble',
      task,
      labels: [...labels],
      createdAt: new Date().toISOString(),
      training: { papers: 0, dataHash: '', seconds: 0, options: { members: members.map((m) => m.name), combine: rule } },
      validation: {},
      quantized: false,
    };
    this.setWeights(weightsValue);
    if (temperature !== 1) {
      if (rule !== 'product' || scheme.task === 'multilabel') throw new RangeError('only a single-label product pool has a temperature');
      if (!(temperature > 0) || !Number.isFinite(temperature)) throw new RangeError(`an ensemble temperature must be a number > 0, got ${temperature}`);
      this.temperatureValue = temperature;
      this.info.training.options.temperature = temperature;
    }
  }

  get weights(): readonly number[] {
    return this.weightsValue;
  }

  get temperature(): number {
    return this.temperatureValue;
  }

  /** The exponents (product) or shares (mean) the pool applies. */
  private poolWeights(): number[] {
    const t = this.temperatureValue;
    return this.weightsValue.map((w) => w / t);
  }

  setWeights(weights: readonly number[]): void {
    if (weights.length !== this.members.length) throw new RangeError(`${weights.length} weights for ${this.members.length} ensemble members`);
    if (weights.some((w) => !Number.isFinite(w) || w < 0)) throw new RangeError(`ensemble weights must be numbers >= 0, got ${weights.join(',')}`);
    const sum = weights.reduce((a, b) => a + b, 0);
    if (sum <= 0) throw new RangeError('ensemble weights must not all be 0');
    this.weightsValue = weights.map((w) => w / sum);
    this.info.training.options.weights = this.weightsValue;
    this.builder = null;
  }

  /**
   * Multi-label: each label's threshold, pooled from the members' tuned thresholds by the same
   * rule and weights as their probabilities (0.5 for a member without tuned ones; a member
   * without the label adds what it adds to the probability: 0 to a mean, the floor to a product).
   * So a pool of one model cuts where that model does, and a label every member puts above its
   * own threshold is above the pool's. Single-label pools have none.
   */
  get thresholds(): Float32Array | null {
    if (this.info.task !== 'multilabel') return null;
    const own = this.members.map((m) => m.model.thresholds ?? new Float32Array(m.model.labels.length).fill(0.5));
    return combine(this.align(own, 1), this.poolWeights(), 1, this.labels.length, 'multilabel', this.rule);
  }

  /** Every member's probabilities (own label order) and the ensemble's. */
  async run(papers: readonly PaperText[]): Promise<EnsembleRun> {
    const members: EnsembleRun['members'] = [];
    for (const m of this.members) {
      const t0 = performance.now();
      const proba = await m.model.predictProbaAsync(papers);
      members.push({ name: m.name, proba, seconds: (performance.now() - t0) / 1000 });
    }
    const t0 = performance.now();
    const aligned = this.align(members.map((m) => m.proba), papers.length);
    const proba = combine(aligned, this.poolWeights(), papers.length, this.labels.length, this.info.task, this.rule);
    const seconds = members.reduce((s, m) => s + m.seconds, 0) + (performance.now() - t0) / 1000;
    return { members, proba, seconds };
  }

  async predictProbaAsync(papers: readonly PaperText[], options?: Pick<PredictOptions, 'prior'>): Promise<Float32Array> {
    checkPapers(papers, 'shape');
    refusePrior(options, 'ensemble');
    return (await this.run(papers)).proba;
  }

  async predictBatchAsync(papers: readonly PaperText[], options: PredictOptions = {}): Promise<Prediction[]> {
    // Before any work: a remote model's answers are paid for.
    checkPapers(papers);
    checkPredictOptions(options);
    refusePrior(options, 'ensemble');
    this.builder ??= new PredictionBuilder(this.labels, this.info.task, this.thresholds);
    return this.builder.fromMatrix(await this.predictProbaAsync(papers), papers.length, options);
  }

  /** Member matrices moved into the ensemble's label order. */
  align(probas: readonly Float32Array[], n: number): Float32Array[] {
    const C = this.labels.length;
    return probas.map((p, j) => {
      const map = this.members[j]!.toEnsemble;
      const Cm = map.length;
      if (Cm === C && map.every((c, i) => c === i)) return p;
      const out = new Float32Array(n * C);
      for (let i = 0; i < n; i++) for (let c = 0; c < Cm; c++) out[i * C + map[c]!] = p[i * Cm + c]!;
      return out;
    });
  }

  /**
   * Tune on labelled papers: the weights (see `searchWeights`) unless `keepWeights`, then, for a
   * single-label product pool, its temperature (see `fitPoolTemperature`). A multi-label pool
   * keeps temperature 1: there it would move labels across the 0.5 threshold, not just recalibrate.
   */
  async tune(papers: readonly PaperRecord[], keepWeights = false): Promise<WeightSearch> {
    const fitsTemperature = this.rule === 'product' && this.info.task !== 'multilabel';
    if (keepWeights && !fitsTemperature) {
      throw new RangeError(
        this.rule === 'product'
          ? 'a multi-label product pool keeps temperature 1, so with given weights there is nothing to fit on a validation set: drop the weights or the validation set'
          : 'a mean pool has no temperature, so with given weights there is nothing to fit on a validation set: drop the weights or the validation set',
      );
    }
    this.temperatureValue = 1;
    const run = await this.run(papers.map((p) => ({ title: p.title, abstract: p.abstract })));
    const aligned = this.align(run.members.map((m) => m.proba), papers.length);
    const scheme = schemeFromJSON(this.scheme);
    const truth = papers.map((p) => labelsOf(p, scheme));
    if (truth.every((t) => t.length === 0)) throw new RangeError(`none of the ${papers.length} validation papers has a label this ensemble knows`);
    const C = this.labels.length;
    const task = this.info.task;
    const equal = this.members.map(() => 1 / this.members.length);
    const found = keepWeights
      ? { weights: [...this.weightsValue], logLoss: ensembleLogLoss(aligned, this.weightsValue, truth, C, task, this.rule), equalLogLoss: ensembleLogLoss(aligned, equal, truth, C, task, this.rule), points: 1 }
      : searchWeights(aligned, truth, C, task, this.rule);
    this.setWeights(found.weights);
    let search: WeightSearch = { ...found, searched: !keepWeights, temperature: 1, papers: truth.length };
    if (fitsTemperature) {
      const fit = fitPoolTemperature(aligned, this.weightsValue, truth, C, task);
      this.temperatureValue = fit.temperature;
      search = { ...search, temperature: fit.temperature, logLoss: fit.logLoss, points: search.points + fit.points };
    }
    this.search = search;
    this.info.training.options.temperature = search.temperature;
    this.info.validation = { logLoss: search.logLoss, equalWeightsLogLoss: search.equalLogLoss, papers: search.papers, temperature: search.temperature };
    return search;
  }

  usage(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const m of this.members) for (const [k, v] of Object.entries(m.model.usage?.() ?? {})) out[k] = (out[k] ?? 0) + v;
    return out;
  }

  usageLine(): string | undefined {
    const lines = this.members.map((m) => m.model.usageLine?.()).filter((l): l is string => l !== undefined);
    return lines.length ? lines.join('\n') : undefined;
  }

  async close(): Promise<void> {
    for (const m of this.members) await m.model.close?.();
  }
}

/**
 * A member's probability is floored before logs are taken: one member's 0 (a label it lacks, or
 * float underflow) then rules a label nearly out instead of making the product undefined.
 */
const PRODUCT_FLOOR = 1e-6;

/**
 * Weighted sum (`mean`) or weighted geometric mean (`product`) of aligned n × C matrices;
 * single-label rows renormalised to sum to 1. Mean weights sum to 1; product weights are
 * exponents and may sum to anything (their sum is the pool's inverse temperature).
 */
export function combine(aligned: readonly Float32Array[], weights: readonly number[], n: number, C: number, task: LabelTask, rule: CombineRule = 'mean'): Float32Array {
  const out = new Float32Array(n * C);
  if (rule === 'product') {
    const logs = new Float64Array(n * C);
    for (let j = 0; j < aligned.length; j++) {
      const w = weights[j]!;
      if (w === 0) continue;
      const p = aligned[j]!;
      for (let k = 0; k < n * C; k++) logs[k]! += w * Math.log(Math.max(PRODUCT_FLOOR, p[k]!));
    }
    if (task === 'multilabel') {
      for (let k = 0; k < n * C; k++) out[k] = Math.exp(logs[k]!);
    } else {
      // Shifted by the row's largest log before exp: with exponents summing past 1 the raw
      // products of floored factors can underflow float32 before the row is renormalised.
      for (let i = 0; i < n; i++) {
        let top = -Infinity;
        for (let c = 0; c < C; c++) top = Math.max(top, logs[i * C + c]!);
        for (let c = 0; c < C; c++) out[i * C + c] = Math.exp(logs[i * C + c]! - top);
      }
    }
  } else {
    for (let j = 0; j < aligned.length; j++) {
      const w = weights[j]!;
      if (w === 0) continue;
      const p = aligned[j]!;
      for (let k = 0; k < n * C; k++) out[k]! += w * p[k]!;
    }
  }
  if (task !== 'multilabel') {
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let c = 0; c < C; c++) s += out[i * C + c]!;
      if (s > 0) for (let c = 0; c < C; c++) out[i * C + c]! /= s;
    }
  }
  return out;
}

const EPS = 1e-7;

/** Mean negative log-likelihood: of the first true label (single-label) or binary cross-entropy per label (multi-label). */
export function ensembleLogLoss(aligned: readonly Float32Array[], weights: readonly number[], truth: readonly (readonly number[])[], C: number, task: LabelTask, rule: CombineRule = 'mean'): number {
  const n = truth.length;
  const p = combine(aligned, weights, n, C, task, rule);
  let loss = 0;
  let counted = 0;
  for (let i = 0; i < n; i++) {
    const t = truth[i]!;
    if (task === 'multilabel') {
      const set = new Set(t);
      let l = 0;
      for (let c = 0; c < C; c++) {
        const q = Math.min(1 - EPS, Math.max(EPS, p[i * C + c]!));
        l -= set.has(c) ? Math.log(q) : Math.log(1 - q);
      }
      loss += l / C;
      counted++;
    } else if (t[0] !== undefined) {
      loss -= Math.log(Math.max(EPS, p[i * C + t[0]]!));
      counted++;
    }
  }
  return counted ? loss / counted : Number.NaN;
}

/**
 * The temperature T of a product pool (exponents `weights`/T) that minimises validation
 * log-loss: golden-section search on log T over [1/8, 8]. The pooled ranking does not depend on
 * T, so this changes only how sure the ensemble says it is.
 */
export function fitPoolTemperature(aligned: readonly Float32Array[], weights: readonly number[], truth: readonly (readonly number[])[], C: number, task: LabelTask): { temperature: number; logLoss: number; points: number } {
  const loss = (logT: number) => ensembleLogLoss(aligned, weights.map((w) => w / Math.exp(logT)), truth, C, task, 'product');
  const g = (Math.sqrt(5) - 1) / 2;
  let a = Math.log(1 / 8);
  let b = Math.log(8);
  let x1 = b - g * (b - a);
  let x2 = a + g * (b - a);
  let f1 = loss(x1);
  let f2 = loss(x2);
  let points = 2;
  while (b - a > 1e-3) {
    if (f1 <= f2) {
      b = x2;
      x2 = x1;
      f2 = f1;
      x1 = b - g * (b - a);
      f1 = loss(x1);
    } else {
      a = x1;
      x1 = x2;
      f1 = f2;
      x2 = a + g * (b - a);
      f2 = loss(x2);
    }
    points++;
  }
  const atOne = loss(0);
  const best = f1 <= f2 ? { logT: x1, l: f1 } : { logT: x2, l: f2 };
  // Never worse than leaving the pool alone (nor moved by a loss that is not a number).
  if (!(atOne > best.l)) return { temperature: 1, logLoss: atOne, points: points + 1 };
  return { temperature: Math.exp(best.logT), logLoss: best.l, points: points + 1 };
}

/** Every point of the simplex grid with `steps` steps per unit in `m` dimensions. */
function simplexGrid(m: number, steps: number): number[][] {
  const out: number[][] = [];
  const rec = (prefix: number[], left: number) => {
    if (prefix.length === m - 1) {
      out.push([...prefix, left].map((x) => x / steps));
      return;
    }
    for (let k = 0; k <= left; k++) rec([...prefix, k], left - k);
  };
  rec([], steps);
  return out;
}

/**
 * Weights minimising validation log-loss: a grid over the simplex (coarser for more members, to
 * stay near a few thousand points), then moving mass between pairs of members in halving steps
 * while that helps. Log-loss rather than accuracy because it is smooth and rewards calibration,
 * which the averaged probabilities are meant to have.
 */
export function searchWeights(aligned: readonly Float32Array[], truth: readonly (readonly number[])[], C: number, task: LabelTask, rule: CombineRule = 'mean'): Pick<WeightSearch, 'weights' | 'logLoss' | 'equalLogLoss' | 'points'> {
  const m = aligned.length;
  const equal = Array.from({ length: m }, () => 1 / m);
  const loss = (w: readonly number[]) => ensembleLogLoss(aligned, w, truth, C, task, rule);
  const equalLogLoss = loss(equal);
  if (m === 1) return { weights: [1], logLoss: equalLogLoss, equalLogLoss, points: 1 };
  const steps = m <= 3 ? 20 : m <= 5 ? 10 : 4;
  let best = equal;
  let bestLoss = equalLogLoss;
  let points = 1;
  for (const w of simplexGrid(m, steps)) {
    const l = loss(w);
    points++;
    if (l < bestLoss - 1e-12) {
      best = w;
      bestLoss = l;
    }
  }
  for (let delta = 1 / (2 * steps); delta > 1e-3; delta /= 2) {
    let improved = true;
    while (improved) {
      improved = false;
      for (let a = 0; a < m; a++) {
        for (let b = 0; b < m; b++) {
          if (a === b || best[b]! < delta) continue;
          const w = [...best];
          w[a]! += delta;
          w[b]! -= delta;
          const l = loss(w);
          points++;
          if (l < bestLoss - 1e-12) {
            best = w;
            bestLoss = l;
            improved = true;
          }
        }
      }
    }
  }
  return { weights: best, logLoss: bestLoss, equalLogLoss, points };
}

function compareLabels(a: string, b: string): number {
  if (a === b) return 0;
  if (a === OTHER_LABEL) return 1;
  if (b === OTHER_LABEL) return -1;
  return a < b ? -1 : 1;
}

/**
 * The ensemble's classes: the members' own when they agree, else the union aligned by code. The
 * first member sets the task; a primary-category ensemble may also take multi-label members,
 * whose per-category probabilities speak to the same codes.
 */
export function ensembleScheme(members: readonly { name: string; model: Classifier }[]): LabelSchemeJSON {
  const first = members[0]!.model;
  const task = first.info.task;
  for (const m of members) {
    const t = m.model.info.task;
    if (t !== task && !(task === 'primary' && t === 'multilabel')) {
      throw new RangeError(`ensemble members must share a task (a primary ensemble may add multilabel members): ${members[0]!.name} is ${task}, ${m.name} is ${t}`);
    }
  }
  const same = members.every((m) => m.model.labels.length === first.labels.length && m.model.labels.every((l, i) => l === first.labels[i]));
  if (same) return first.scheme;
  const labels = [...new Set(members.flatMap((m) => [...m.model.labels]))].sort(compareLabels);
  const fold: Record<string, string> = {};
  const ownClass = new Map<string, string>();
  for (const m of members) for (const l of m.model.labels) ownClass.set(l, m.name);
  for (const m of members) {
    for (const [code, target] of Object.entries(m.model.scheme.fold ?? {})) {
      if (fold[code] !== undefined && fold[code] !== target) throw new RangeError(`ensemble members fold ${code} differently (${fold[code]} and ${target}); use members with the same label scheme`);
      // Otherwise a paper of that category would be scored as `target`, and the member that
      // knows the category would be wrong whenever it is right.
      if (ownClass.has(code)) throw new RangeError(`${m.name} folds ${code} into ${target}, but ${ownClass.get(code)} has ${code} as a class of its own; use members with the same label scheme`);
      fold[code] = target;
    }
  }
  const scheme: LabelSchemeJSON = { task, labels, options: { task } };
  if (Object.keys(fold).length) scheme.fold = fold;
  return scheme;
}

/** Open every member, align labels, then set weights: given, tuned on `valid`, or equal. */
export async function openEnsemble(o: EnsembleBackendOptions, open: (member: string) => Promise<Classifier>): Promise<Ensemble> {
  if (o.members.length === 0) throw new RangeError('an ensemble needs at least one member');
  if (o.weights && o.valid && o.combine !== 'product') throw new RangeError('give ensemble weights or a validation set to tune them on, not both (a product pool takes both: the set then fits its temperature alone)');
  if (o.temperature !== undefined && o.valid) throw new RangeError('give an ensemble temperature or a validation set to fit it on, not both');
  const opened: { name: string; model: Classifier }[] = [];
  for (const name of o.members) opened.push({ name, model: await open(name) });
  const scheme = ensembleScheme(opened);
  const index = new Map(scheme.labels.map((l, i) => [l, i]));
  const members = opened.map((m) => ({ ...m, toEnsemble: Int32Array.from(m.model.labels, (l) => index.get(l)!) }));
  const ensemble = new Ensemble(members, scheme.labels, scheme, o.weights ?? members.map(() => 1), o.combine, o.temperature);
  if (o.valid) {
    const { papers } = await loadPapers(o.valid);
    if (papers.length === 0) throw new RangeError(`no labelled papers in ${o.valid} to tune the ensemble weights on`);
    await ensemble.tune(papers, o.weights !== undefined);
  }
  return ensemble;
}
