import { applyBalance, buildLabelScheme, labelsOf, schemeFromJSON } from '../../corpus/labels.js';
import type { PaperRecord } from '../../corpus/record.js';
import { parseYearMonth, splitRandom, splitTime, yymmOf } from '../../corpus/split.js';
import { describeLabel } from '../../models/labels-info.js';
import type { LinearModel } from '../../models/linear/linear.js';
import { trainLinear } from '../../models/linear/train.js';
import type { TrainOptions } from '../../models/linear/train-settings.js';
import { evaluate } from '../evaluate.js';
import { metricValue } from '../metric-catalog.js';
import { argmaxRows, classificationReport, confusionMatrix, multilabelMetrics } from '../metrics.js';
import type { ExperimentMetric, ExperimentPreset } from './preset.js';
import { applyTextVariant, describeTextVariant } from './text-variant.js';

export interface RunExperimentOptions {
  seed?: number;
  /** Worker threads for training; the learner's default when absent. */
  threads?: number;
  /** Overrides the preset's first test month (time splits only). */
  before?: string;
  /** Learner settings on top of the preset's (e.g. fewer epochs for a quick run). */
  train?: Partial<TrainOptions>;
  onProgress?: (message: string) => void;
}

/** One trained variant measured on one test set. */
export interface ExperimentRow {
  variant: string;
  trainText: string;
  testText: string;
  testSet: string;
  n: number;
  values: Partial<Record<ExperimentMetric, number>>;
  reported?: Partial<Record<ExperimentMetric, number>>;
  trainSeconds: number;
}

export interface PerLabelRow {
  code: string;
  name: string;
  support: number;
  precision: number;
  recall: number;
  f1: number;
}

export interface ExperimentResult {
  preset: string;
  title: string;
  notebook?: string;
  notebookModel?: string;
  notes: string[];
  seed: number;
  papers: number;
  split: { train: number; valid: number; tests: Record<string, number>; before?: string; undated?: number };
  classes: number;
  metrics: ExperimentMetric[];
  threshold?: number;
  trainOptions: Partial<TrainOptions>;
  rows: ExperimentRow[];
  classificationReport?: { labels: string[]; text: string; confusion: number[][] };
  perLabel?: PerLabelRow[];
  seconds: number;
}

interface TestSet {
  name: string;
  papers: PaperRecord[];
}

interface PreparedSplit {
  train: PaperRecord[];
  valid: PaperRecord[] | null;
  tests: TestSet[];
  before?: string;
  undated?: number;
}

function monthName(yyyymm: number): string {
  return `${Math.floor(yyyymm / 100)}-${String(yyyymm % 100).padStart(2, '0')}`;
}

/** Divide the papers as the preset says; the first test set is the main one. */
export function prepareSplit(preset: ExperimentPreset, papers: readonly PaperRecord[], seed: number, beforeOverride?: string): PreparedSplit {
  let pool = papers;
  if (preset.perClass !== undefined) {
    const scheme = buildLabelScheme(papers, { ...preset.scheme, seed });
    pool = applyBalance(papers, scheme, preset.perClass, seed);
  }
  const split = preset.split;
  if (split.kind === 'random') {
    const s = splitRandom(pool, { test: split.test, valid: split.valid ?? 0, seed });
    return { train: s.train, valid: split.valid ? s.valid : null, tests: [{ name: 'test', papers: s.test }] };
  }
  let before = beforeOverride ?? split.before;
  if (before === undefined) {
    const months = pool.map(yymmOf).filter((m): m is number => m !== undefined).sort((a, b) => a - b);
    if (months.length === 0) throw new RangeError('time split: no paper has a dated id or a date');
    before = String(months[Math.min(months.length - 1, Math.floor(months.length * (1 - split.testShare)))]);
  }
  const t = splitTime(pool, { before });
  const cut = parseYearMonth(before);
  const inner = splitRandom(t.train, { test: split.inPeriodTest, valid: 0, seed });
  const byMonth = new Map<number, PaperRecord[]>();
  for (const p of t.test) {
    const m = yymmOf(p)!;
    const list = byMonth.get(m);
    if (list) list.push(p);
    else byMonth.set(m, [p]);
  }
  const tests: TestSet[] = [
    { name: `after the cut (${monthName(cut)} on)`, papers: t.test },
    { name: 'same period (random, before the cut)', papers: inner.test },
    ...[...byMonth.keys()].sort((a, b) => a - b).map((m) => ({ name: monthName(m), papers: byMonth.get(m)! })),
  ];
  return { train: inner.train, valid: null, tests, before: monthName(cut), undated: t.undated };
}

/** The preset's numbers for one model on one test set. */
export async function measure(model: LinearModel, papers: readonly PaperRecord[], preset: ExperimentPreset): Promise<Partial<Record<ExperimentMetric, number>>> {
  const ev = (await evaluate(model, papers)).summary;
  const values: Partial<Record<ExperimentMetric, number>> = {};
  const wanted = new Set(preset.metrics);
  const put = (k: ExperimentMetric, v: number) => {
    if (wanted.has(k)) values[k] = v;
  };
  put('inferenceSeconds', ev.papersPerSecond > 0 ? ev.n / ev.papersPerSecond : 0);
  if (ev.task === 'multilabel') {
    // The notebooks score multi-label models at one fixed threshold: these replace the
    // evaluation's own numbers (at the model's tuned thresholds) of the same names.
    const fixed = fixedThresholdScores(model, papers, preset.threshold ?? 0.5);
    put('microF1', fixed.micro.f1);
    put('samplesF1', fixed.samples.f1);
    put('precision', fixed.micro.precision);
    put('recall', fixed.micro.recall);
    put('elementAccuracy', 1 - fixed.hammingLoss);
    put('microF1Tuned', ev.microF1);
  }
  for (const k of wanted) {
    const v = metricValue(ev, k);
    if (!(k in values) && v !== undefined) values[k] = v;
  }
  return values;
}

function multilabelTruth(model: LinearModel, papers: readonly PaperRecord[]): Uint8Array {
  const scheme = schemeFromJSON(model.spec.scheme);
  const C = model.labels.length;
  const truth = new Uint8Array(papers.length * C);
  papers.forEach((p, i) => {
    for (const l of labelsOf(p, scheme)) truth[i * C + l] = 1;
  });
  return truth;
}

/** Multi-label scores with one threshold for every label and no fallback: the notebooks' `proba > t`. */
function fixedThresholdScores(model: LinearModel, papers: readonly PaperRecord[], threshold: number) {
  const C = model.labels.length;
  const proba = model.predictProba(papers);
  const truth = multilabelTruth(model, papers);
  const pred = new Uint8Array(proba.length);
  for (let i = 0; i < proba.length; i++) pred[i] = proba[i]! > threshold ? 1 : 0;
  return multilabelMetrics(truth, pred, papers.length, C);
}

function perLabelTable(model: LinearModel, papers: readonly PaperRecord[], threshold: number): PerLabelRow[] {
  const m = fixedThresholdScores(model, papers, threshold);
  return model.labels
    .map((code, c) => ({
      code,
      name: describeLabel(code, model.info.task).name,
      support: m.perLabel.support[c]!,
      precision: m.perLabel.precision[c]!,
      recall: m.perLabel.recall[c]!,
      f1: m.perLabel.f1[c]!,
    }))
    .sort((a, b) => b.support - a.support || (a.code < b.code ? -1 : 1));
}

function singleLabelReport(model: LinearModel, papers: readonly PaperRecord[]): NonNullable<ExperimentResult['classificationReport']> {
  const scheme = schemeFromJSON(model.spec.scheme);
  const C = model.labels.length;
  const proba = model.predictProba(papers);
  const yPred = argmaxRows(proba, C);
  // A test label the model never saw gets its own row so it counts as an error, as in evaluate.
  const yTrue = Int32Array.from(papers, (p) => labelsOf(p, scheme)[0] ?? C);
  const unseen = yTrue.some((y) => y === C);
  const labels = unseen ? [...model.labels, '(unseen)'] : [...model.labels];
  const K = labels.length;
  const text = classificationReport(yTrue, yPred, K, labels);
  const flat = confusionMatrix(yTrue, yPred, K);
  const confusion = Array.from({ length: K }, (_, r) => Array.from(flat.subarray(r * K, (r + 1) * K)));
  return { labels, text, confusion };
}

/**
 * Run a preset on a corpus: build the split once, then for each variant transform the text,
 * train, and measure on every test set. Only one model is trained at a time.
 */
export async function runExperiment(preset: ExperimentPreset, papers: readonly PaperRecord[], options: RunExperimentOptions = {}): Promise<ExperimentResult> {
  const t0 = performance.now();
  const seed = options.seed ?? 1;
  const say = options.onProgress ?? (() => {});
  const split = prepareSplit(preset, papers, seed, options.before);
  // The caller names the preset in its message (the CLI: "time-split: …").
  if (split.train.length === 0) throw new RangeError('the split left no training papers');
  // A time split's point is its first test set, the papers after the cut.
  if (split.tests[0]!.papers.length === 0) throw new RangeError(`the split left no test papers${preset.split.kind === 'time' ? ` after the cut (nothing from ${split.before} on)` : ''}`);
  // A random split tests on papers of every month, whose class mix is the whole corpus's: the
  // newest months' prior (the default, for predicting new papers) would be the wrong assumption.
  const prior: Partial<TrainOptions> = preset.split.kind === 'random' ? { recentPriorMonths: 0 } : {};
  const trainOptions: Partial<TrainOptions> = { ...prior, ...preset.train, ...preset.scheme, ...options.train, seed };
  const rows: ExperimentRow[] = [];
  let classes = 0;
  let classificationReportOut: ExperimentResult['classificationReport'];
  let perLabel: PerLabelRow[] | undefined;
  for (const [vi, variant] of preset.variants.entries()) {
    const testVariant = variant.test ?? variant.train;
    say(`${preset.name}: training "${variant.name}" on ${split.train.length} papers`);
    const ts = performance.now();
    const { model } = await trainLinear(applyTextVariant(split.train, variant.train), split.valid ? applyTextVariant(split.valid, variant.train) : null, trainOptions, () => {}, { threads: options.threads });
    const trainSeconds = (performance.now() - ts) / 1000;
    classes = model.labels.length;
    for (const [ti, test] of split.tests.entries()) {
      const testPapers = applyTextVariant(test.papers, testVariant);
      const values = test.papers.length > 0 ? await measure(model, testPapers, preset) : {};
      rows.push({
        variant: variant.name,
        trainText: describeTextVariant(variant.train),
        testText: describeTextVariant(testVariant),
        testSet: test.name,
        n: test.papers.length,
        values,
        ...(ti === 0 && variant.reported ? { reported: variant.reported } : {}),
        trainSeconds: Number(trainSeconds.toFixed(2)),
      });
      if (vi === 0 && ti === 0 && testPapers.length > 0) {
        if (preset.extras?.includes('classificationReport') && model.info.task !== 'multilabel') classificationReportOut = singleLabelReport(model, testPapers);
        if (preset.extras?.includes('perLabel') && model.info.task === 'multilabel') perLabel = perLabelTable(model, testPapers, preset.threshold ?? 0.5);
      }
    }
  }
  return {
    preset: preset.name,
    title: preset.title,
    ...(preset.notebook ? { notebook: preset.notebook } : {}),
    ...(preset.notebookModel ? { notebookModel: preset.notebookModel } : {}),
    notes: [...preset.notes],
    seed,
    papers: papers.length,
    split: {
      train: split.train.length,
      valid: split.valid?.length ?? 0,
      tests: Object.fromEntries(split.tests.map((t) => [t.name, t.papers.length])),
      ...(split.before ? { before: split.before } : {}),
      ...(split.undated !== undefined ? { undated: split.undated } : {}),
    },
    classes,
    metrics: [...preset.metrics],
    ...(preset.threshold !== undefined ? { threshold: preset.threshold } : {}),
    trainOptions,
    rows,
    ...(classificationReportOut ? { classificationReport: classificationReportOut } : {}),
    ...(perLabel ? { perLabel } : {}),
    seconds: Number(((performance.now() - t0) / 1000).toFixed(1)),
  };
}
