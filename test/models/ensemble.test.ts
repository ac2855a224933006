import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { memberOptions } from '../../src/models/backends.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { fitTinyModel, writeTinyModel } from '../../scripts/tiny-onnx.js';
import { plainScheme } from '../../src/models/labels-info.js';
import { combine, ensembleLogLoss, fitPoolTemperature, openEnsemble, searchWeights } from '../../src/models/ensemble/ensemble.js';
import { evaluateEnsemble } from '../../src/evaluation/ensemble-evaluation.js';
import type { Classifier, PaperText } from '../../src/models/model.js';
import { PredictionBuilder } from '../../src/models/prediction.js';
import { seededRng } from '../../src/corpus/random.js';
import type { PaperRecord } from '../../src/corpus/record.js';
import { run } from '../cli/run-cli.js';
import { onnxRuntimeMissing } from './onnx-runtime.js';
import { syntheticPapers } from './synthetic.js';

/**
 * A classifier that answers fixed rows by paper title, to check how the ensemble combines them;
 * with `thresholds`, a multi-label one with those tuned thresholds.
 */
function fixed(labels: string[], rows: Record<string, number[]>, thresholds?: number[]): Classifier {
  const task = thresholds ? 'multilabel' : 'primary';
  const t = thresholds ? Float32Array.from(thresholds) : null;
  const builder = new PredictionBuilder(labels, task, t);
  const proba = async (papers: readonly PaperText[]) => Float32Array.from(papers.flatMap((p) => rows[p.title]!));
  return {
    info: { backend: 'fixed', task, labels, createdAt: '', training: { papers: 0, dataHash: '', seconds: 0, options: {} }, validation: {}, quantized: false },
    labels,
    scheme: plainScheme(task, labels),
    thresholds: t,
    predictProbaAsync: proba,
    predictBatchAsync: async (papers, o) => builder.fromMatrix(await proba(papers), papers.length, o),
  };
}

test('members with different label sets are aligned by code and averaged with their weights', async () => {
  const a = fixed(['cs.CV', 'hep-th'], { x: [0.8, 0.2], y: [0.1, 0.9] });
  const b = fixed(['hep-th', 'math.NT', 'cs.CV'], { x: [0.2, 0.2, 0.6], y: [0.5, 0.5, 0] });
  const models: Record<string, Classifier> = { a, b };
  const e = await openEnsemble({ members: ['a', 'b'], weights: [3, 1] }, async (m) => models[m]!);
  assert.deepEqual(e.labels, ['cs.CV', 'hep-th', 'math.NT']);
  assert.deepEqual(e.weights, [0.75, 0.25]);
  const p = await e.predictProbaAsync([{ title: 'x' }, { title: 'y' }]);
  const expected = [0.75 * 0.8 + 0.25 * 0.6, 0.75 * 0.2 + 0.25 * 0.2, 0.25 * 0.2, 0.75 * 0.1, 0.75 * 0.9 + 0.25 * 0.5, 0.25 * 0.5];
  expected.forEach((v, i) => assert.ok(Math.abs(p[i]! - v) < 1e-6, `cell ${i}: ${p[i]} vs ${v}`));
  const [px] = await e.predictBatchAsync([{ title: 'x' }], { k: 1 });
  assert.equal(px!.labels[0]!.code, 'cs.CV');
  await assert.rejects(() => openEnsemble({ members: ['a', 'b'], weights: [1] }, async (m) => models[m]!), /1 weights for 2 ensemble members/);
});

test('members whose schemes disagree on a category are refused: one folds hep-th into other, one has it as a class', async () => {
  const folds = fixed(['cs.CL', 'other'], { x: [0.5, 0.5] });
  const a: Classifier = { ...folds, scheme: { ...plainScheme('primary', ['cs.CL', 'other']), fold: { 'hep-th': 'other' } } };
  const b = fixed(['cs.CL', 'hep-th'], { x: [0.5, 0.5] });
  const models: Record<string, Classifier> = { a, b };
  await assert.rejects(() => openEnsemble({ members: ['a', 'b'] }, async (m) => models[m]!), /a folds hep-th into other, but b has hep-th as a class of its own/);
});

test('a multi-label pool cuts at its members\' tuned thresholds, pooled like their probabilities', async () => {
  const a = fixed(['cs.CV', 'hep-th'], { x: [0.3, 0.65], y: [0.1, 0.9] }, [0.2, 0.6]);
  const b = fixed(['hep-th', 'math.NT'], { x: [0.4, 0.2], y: [0.2, 0.05] }, [0.3, 0.1]);
  const models: Record<string, Classifier> = { a, b };
  // A pool of one model answers as that model: both of x's labels clear their thresholds, though one is under 0.5.
  const alone = await openEnsemble({ members: ['a'] }, async (m) => models[m]!);
  assert.deepEqual([...alone.thresholds!].map((v) => Number(v.toFixed(6))), [0.2, 0.6]);
  const [own] = await a.predictBatchAsync([{ title: 'x' }]);
  const [pooled] = await alone.predictBatchAsync([{ title: 'x' }]);
  assert.deepEqual(pooled, own);
  assert.deepEqual(pooled!.labels.map((l) => l.code), ['hep-th', 'cs.CV']);
  const papers: PaperRecord[] = [
    { id: '1', title: 'x', abstract: '', categories: ['cs.CV', 'hep-th'], primary: 'cs.CV' },
    { id: '2', title: 'y', abstract: '', categories: ['hep-th'], primary: 'hep-th' },
  ];
  const ev = await evaluateEnsemble(alone, papers);
  assert.equal(ev.ensemble.microF1, ev.members[0]!.evaluation.microF1);
  assert.equal(ev.ensemble.microF1, 1);
  // Mean of two: a member without a label adds 0 to its threshold, as to its probability.
  const mean = await openEnsemble({ members: ['a', 'b'], weights: [1, 1] }, async (m) => models[m]!);
  const expected = [0.5 * 0.2, 0.5 * 0.6 + 0.5 * 0.3, 0.5 * 0.1];
  expected.forEach((v, c) => assert.ok(Math.abs(mean.thresholds![c]! - v) < 1e-6, `label ${c}: ${mean.thresholds![c]} vs ${v}`));
  // Product: the floor stands in for the missing label, so the label is judged by the member that has it.
  const product = await openEnsemble({ members: ['a', 'b'], weights: [1, 1], combine: 'product' }, async (m) => models[m]!);
  assert.ok(Math.abs(product.thresholds![0]! - Math.sqrt(0.2 * 1e-6)) < 1e-9);
  const [px] = await product.predictBatchAsync([{ title: 'x' }]);
  assert.ok(px!.labels.some((l) => l.code === 'cs.CV'), JSON.stringify(px));
});

test('the weight search moves weight to the member that is right, and never does worse than equal weights', () => {
  const rng = seededRng(7);
  const n = 300;
  const C = 5;
  const truth = Array.from({ length: n }, () => [Math.floor(rng() * C)]);
  const good = new Float32Array(n * C);
  const noisy = new Float32Array(n * C);
  const wrong = new Float32Array(n * C);
  for (let i = 0; i < n; i++) {
    const t = truth[i]![0]!;
    for (let c = 0; c < C; c++) {
      good[i * C + c] = c === t ? 0.7 : 0.3 / (C - 1);
      noisy[i * C + c] = rng();
      wrong[i * C + c] = c === (t + 1) % C ? 0.9 : 0.1 / (C - 1);
    }
    let s = 0;
    for (let c = 0; c < C; c++) s += noisy[i * C + c]!;
    for (let c = 0; c < C; c++) noisy[i * C + c]! /= s;
  }
  const r = searchWeights([noisy, good, wrong], truth, C, 'primary');
  assert.ok(r.weights[1]! > 0.7, `weights ${r.weights}`);
  assert.ok(r.weights[2]! < 0.1, `weights ${r.weights}`);
  assert.ok(Math.abs(r.weights.reduce((a, b) => a + b, 0) - 1) < 1e-9);
  assert.ok(r.logLoss < r.equalLogLoss);
  assert.ok(Math.abs(r.logLoss - ensembleLogLoss([noisy, good, wrong], r.weights, truth, C, 'primary')) < 1e-12);
  // The best single member is one of the grid's corners: the search can only match or beat it.
  const goodAlone = ensembleLogLoss([noisy, good, wrong], [0, 1, 0], truth, C, 'primary');
  assert.ok(r.logLoss <= goodAlone + 1e-12);
  const rows = combine([good, wrong], [0.5, 0.5], n, C, 'primary');
  for (let i = 0; i < 3; i++) assert.ok(Math.abs(rows.subarray(i * C, (i + 1) * C).reduce((a, b) => a + b, 0) - 1) < 1e-6);
});

test('the product rule takes the weighted geometric mean, floors a label a member lacks, and renormalises', async () => {
  const a = fixed(['cs.CV', 'hep-th', 'math.NT'], { x: [0.7, 0.2, 0.1] });
  // A multi-label member: independent per-category probabilities, and no math.NT at all.
  const ml = fixed(['cs.CV', 'hep-th', 'q-bio.NC'], { x: [0.05, 0.9, 0.5] });
  const multilabel: Classifier = { ...ml, info: { ...ml.info, task: 'multilabel' } };
  const models: Record<string, Classifier> = { a, ml: multilabel };
  const e = await openEnsemble({ members: ['a', 'ml'], weights: [2, 1], combine: 'product' }, async (m) => models[m]!);
  assert.equal(e.info.task, 'primary');
  assert.deepEqual(e.labels, ['cs.CV', 'hep-th', 'math.NT', 'q-bio.NC']);
  const p = await e.predictProbaAsync([{ title: 'x' }]);
  // Weights become 2/3 and 1/3; a label a member does not have counts as 1e-6 from it.
  const raw = [0.7 ** (2 / 3) * 0.05 ** (1 / 3), 0.2 ** (2 / 3) * 0.9 ** (1 / 3), 0.1 ** (2 / 3) * 1e-6 ** (1 / 3), 1e-6 ** (2 / 3) * 0.5 ** (1 / 3)];
  const sum = raw.reduce((s, v) => s + v, 0);
  raw.forEach((v, i) => assert.ok(Math.abs(p[i]! - v / sum) < 1e-6, `cell ${i}: ${p[i]} vs ${v / sum}`));
  // The multi-label second opinion overturns the mean's answer: hep-th wins, cs.CV would under `mean`.
  assert.equal((await e.predictBatchAsync([{ title: 'x' }], { k: 1 }))[0]!.labels[0]!.code, 'hep-th');
  const mean = await openEnsemble({ members: ['a', 'ml'], weights: [2, 1] }, async (m) => models[m]!);
  assert.equal((await mean.predictBatchAsync([{ title: 'x' }], { k: 1 }))[0]!.labels[0]!.code, 'cs.CV');

  // Only a primary ensemble takes multi-label members, and never a member of another task.
  await assert.rejects(() => openEnsemble({ members: ['ml', 'a'], combine: 'product' }, async (m) => models[m]!), /must share a task/);
  const group: Classifier = { ...a, info: { ...a.info, task: 'group' } };
  await assert.rejects(() => openEnsemble({ members: ['a', 'g'] }, async (m) => (m === 'g' ? group : a)), /g is group/);
});

test('product rows stay finite when members are certain of different labels, and the weight search scores by the product', () => {
  const C = 3;
  const a = Float32Array.from([1, 0, 0]);
  const b = Float32Array.from([0, 0, 1]);
  const rows = combine([a, b], [0.5, 0.5], 1, C, 'primary', 'product');
  assert.ok(rows.every((v) => Number.isFinite(v)));
  assert.ok(Math.abs(rows.reduce((s, v) => s + v, 0) - 1) < 1e-6);
  // Labels 0 and 2 tie at sqrt(1 × 1e-6) each; label 1, floored under both members, gets 1e-6 before renormalising.
  const floored = 1e-6 / (2e-3 + 1e-6);
  assert.ok(Math.abs(rows[0]! - rows[2]!) < 1e-6 && Math.abs(rows[1]! - floored) < 1e-6, `${rows}`);
  // The weight search scores candidates under the ensemble's own rule.
  const truth = [[2]];
  const search = searchWeights([a, b], truth, C, 'primary', 'product');
  assert.ok(Math.abs(search.logLoss - ensembleLogLoss([a, b], search.weights, truth, C, 'primary', 'product')) < 1e-12);
  assert.ok(search.weights[1]! > 0.9, `weights ${search.weights}`);
  assert.notEqual(ensembleLogLoss([a, b], [0.5, 0.5], truth, C, 'primary', 'product'), ensembleLogLoss([a, b], [0.5, 0.5], truth, C, 'primary'));
  // Multi-label product rows are not renormalised: each cell is its own probability.
  const ml = combine([Float32Array.from([0.81, 0.25]), Float32Array.from([0.01, 0.25])], [0.5, 0.5], 1, 2, 'multilabel', 'product');
  assert.ok(Math.abs(ml[0]! - 0.09) < 1e-6 && Math.abs(ml[1]! - 0.25) < 1e-6, `${ml}`);
});

test('a product pool fits a temperature on validation that softens an overconfident pool without changing its ranking', async () => {
  const rng = seededRng(11);
  const n = 400;
  const C = 4;
  const labels = ['cs.CV', 'hep-th', 'math.NT', 'q-bio.NC'];
  const truth: number[][] = [];
  const sure = new Float32Array(n * C);
  const rows: Record<string, number[]> = {};
  for (let i = 0; i < n; i++) {
    const t = Math.floor(rng() * C);
    truth.push([t]);
    // 99% sure, and right only 70% of the time.
    const top = rng() < 0.7 ? t : (t + 1) % C;
    for (let c = 0; c < C; c++) sure[i * C + c] = c === top ? 0.99 : 0.01 / (C - 1);
    rows[`p${i}`] = [...sure.subarray(i * C, (i + 1) * C)];
  }
  const fit = fitPoolTemperature([sure, sure], [2 / 3, 1 / 3], truth, C, 'primary');
  const atOne = ensembleLogLoss([sure, sure], [2 / 3, 1 / 3], truth, C, 'primary', 'product');
  assert.ok(fit.temperature > 1.5, `temperature ${fit.temperature}`);
  assert.ok(fit.logLoss < atOne - 0.1, `log-loss ${fit.logLoss} vs ${atOne} at 1`);
  const scaled = combine([sure, sure], [2 / 3 / fit.temperature, 1 / 3 / fit.temperature], n, C, 'primary', 'product');
  const argmax = (m: Float32Array, i: number) => [...m.subarray(i * C, (i + 1) * C)].reduce((b, v, c, a) => (v > a[b]! ? c : b), 0);
  for (let i = 0; i < n; i++) assert.equal(argmax(scaled, i), argmax(sure, i), `row ${i}`);
  // Large exponents: a row stays a distribution (the pool shifts logs by the row maximum).
  const flat = combine([Float32Array.from([0.25, 0.25, 0.25, 0.25])], [600], 1, C, 'primary', 'product');
  assert.deepEqual([...flat], [0.25, 0.25, 0.25, 0.25], 'e^(600 ln 0.25) underflows unless shifted');

  // Through the ensemble: given weights plus a validation set fit the temperature alone.
  const validFile = join(dir, 'sure-valid.jsonl');
  writeFileSync(validFile, truth.map((t, i) => JSON.stringify({ id: `2601.${String(i).padStart(5, '0')}`, title: `p${i}`, abstract: 'x', categories: [labels[t[0]!]] })).join('\n') + '\n');
  const a = fixed(labels, rows);
  const e = await openEnsemble({ members: ['a', 'b'], weights: [2, 1], valid: validFile, combine: 'product' }, async () => a);
  assert.deepEqual(e.weights, [2 / 3, 1 / 3]);
  assert.equal(e.search?.searched, false);
  assert.ok(Math.abs(e.temperature - fit.temperature) < 1e-9, `${e.temperature} vs ${fit.temperature}`);
  assert.equal(e.search?.logLoss, fit.logLoss, 'the reported loss is the loss at the temperature applied');
  const p = await e.predictProbaAsync([{ title: 'p0' }]);
  for (let c = 0; c < C; c++) assert.ok(Math.abs(p[c]! - scaled[c]!) < 1e-6, `cell ${c}`);
  // A mean pool has no temperature, so given weights leave nothing to tune.
  await assert.rejects(() => openEnsemble({ members: ['a', 'b'], weights: [2, 1], valid: validFile }, async () => a), /not both/);
  // Nor does a multi-label product pool: a temperature would move labels across the threshold.
  const ml: Classifier = { ...a, info: { ...a.info, task: 'multilabel' }, scheme: plainScheme('multilabel', labels) };
  await assert.rejects(() => openEnsemble({ members: ['a', 'b'], weights: [2, 1], valid: validFile, combine: 'product' }, async () => ml), /multi-label product pool keeps temperature 1/);
  // A temperature fitted once can be given instead of refitting it.
  const given = await openEnsemble({ members: ['a', 'b'], weights: [2, 1], combine: 'product', temperature: fit.temperature }, async () => a);
  const pg = await given.predictProbaAsync([{ title: 'p0' }]);
  for (let c = 0; c < C; c++) assert.ok(Math.abs(pg[c]! - p[c]!) < 1e-6, `given temperature, cell ${c}`);
  assert.equal(given.search, null);
  await assert.rejects(() => openEnsemble({ members: ['a', 'b'], weights: [2, 1], temperature: 2 }, async () => a), /only a single-label product pool has a temperature/);
  await assert.rejects(() => openEnsemble({ members: ['a', 'b'], combine: 'product', temperature: 2 }, async () => ml), /only a single-label product pool has a temperature/);
  await assert.rejects(() => openEnsemble({ members: ['a', 'b'], combine: 'product', temperature: 2, valid: validFile }, async () => a), /temperature or a validation set/);
  const mlTuned = await openEnsemble({ members: ['a', 'b'], valid: validFile, combine: 'product' }, async () => ml);
  assert.equal(mlTuned.temperature, 1);
  assert.equal(mlTuned.search?.temperature, 1);
  // Validation papers none of whose labels the ensemble knows are refused, not fitted to NaN.
  const strangers = join(dir, 'strangers.jsonl');
  writeFileSync(strangers, JSON.stringify({ id: '2601.99999', title: 'p0', abstract: 'x', categories: ['astro-ph.GA'] }) + '\n');
  await assert.rejects(() => openEnsemble({ members: ['a', 'b'], weights: [2, 1], valid: strangers, combine: 'product' }, async () => a), /none of the 1 validation papers has a label this ensemble knows/);
});

function jsonl(papers: readonly PaperRecord[]): string {
  return papers.map((p) => JSON.stringify({ id: p.id, title: p.title, abstract: p.abstract, categories: p.categories })).join('\n') + '\n';
}

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'axc-ens-'));
});

test('evaluate shows each member and the ensemble side by side, with weights tuned on --valid', async (t) => {
  const trainFile = join(dir, 'train.jsonl');
  const validFile = join(dir, 'valid.jsonl');
  const testFile = join(dir, 'test.jsonl');
  writeFileSync(trainFile, jsonl(syntheticPapers(40, 21)));
  writeFileSync(validFile, jsonl(syntheticPapers(20, 22)));
  writeFileSync(testFile, jsonl(syntheticPapers(20, 23)));
  // Two different linear models: a full one, and one with 6 features, trained on titles nearly always.
  const strong = join(dir, 'strong.axcm');
  const weak = join(dir, 'weak.axcm');
  const t1 = await run(['train', '--data', trainFile, '--out', strong, '--epochs', '4', '--min-df', '1', '--threads', '1', '--json']);
  assert.equal(t1.code, 0, t1.err);
  const t2 = await run(['train', '--data', trainFile, '--out', weak, '--epochs', '2', '--min-df', '1', '--max-features', '6', '--drop-abstract', '0.95', '--threads', '1', '--json']);
  assert.equal(t2.code, 0, t2.err);
  // An ONNX member that knows only three of the four labels: aligned by code.
  const onnxDir = join(dir, 'onnx3');
  writeTinyModel(fitTinyModel(syntheticPapers(40, 24).filter((p) => p.primary !== 'q-bio.NC')), onnxDir);
  const noOnnx = await onnxRuntimeMissing();
  if (noOnnx) t.diagnostic(`without the ONNX member: ${noOnnx}`);
  const members = noOnnx ? [strong, weak] : [strong, weak, onnxDir];

  const reportFile = join(dir, 'ensemble-report.json');
  const r = await run(['evaluate', '--backend', 'ensemble', '--members', members.join(','), '--valid', validFile, '--data', testFile, '--json', '--report', reportFile]);
  assert.equal(r.code, 0, r.err);
  // The ensemble gets the same report as any model: its per-class table sums to the test set.
  const report = JSON.parse(readFileSync(reportFile, 'utf8')) as { summary: { n: number }; details: { classes: { support: number }[] } };
  assert.equal(report.summary.n, 80);
  assert.equal(report.details.classes.reduce((a, c) => a + c.support, 0), 80);
  const out = JSON.parse(r.out) as {
    accuracy: number;
    n: number;
    members: { name: string; backend: string; weight: number; evaluation: { accuracy: number; n: number } }[];
    weights: number[];
    weightSearch: { logLoss: number; equalLogLoss: number; papers: number };
  };
  assert.deepEqual(out.members.map((m) => m.backend), ['linear', 'linear', 'onnx'].slice(0, members.length));
  assert.deepEqual(out.members.map((m) => m.name), members);
  assert.equal(out.n, 80);
  for (const m of out.members) assert.equal(m.evaluation.n, 80);
  assert.equal(out.weightSearch.papers, 80);
  assert.ok(out.weightSearch.logLoss <= out.weightSearch.equalLogLoss);
  assert.ok(Math.abs(out.weights.reduce((a, b) => a + b, 0) - 1) < 1e-9);
  const [s, w] = out.members;
  assert.ok(s!.evaluation.accuracy > w!.evaluation.accuracy, `strong ${s!.evaluation.accuracy} vs weak ${w!.evaluation.accuracy}`);
  assert.ok(s!.weight > w!.weight, `weights ${out.weights}`);
  // The ONNX member never predicts q-bio.NC: its accuracy is capped at 3/4.
  if (!noOnnx) assert.ok(out.members[2]!.evaluation.accuracy <= 0.75 + 1e-9);
  assert.ok(out.accuracy >= Math.max(...out.members.map((m) => m.evaluation.accuracy)) - 0.05, `ensemble ${out.accuracy}`);

  const text = await run(['evaluate', '--members', `${strong},${weak}`, '--weights', '1,1', '--data', testFile]);
  assert.equal(text.code, 0, text.err);
  const lines = text.out.split('\n');
  assert.match(lines[1]!, /strong\.axcm \(w=0\.50\)\s+weak\.axcm \(w=0\.50\)\s+ensemble/);
  assert.ok(lines.some((l) => /^accuracy\s+\d+\.\d\d%\s+\d+\.\d\d%\s+\d+\.\d\d%$/.test(l)), text.out);

  // A primary model with a multi-label model as its second opinion, pooled by the product rule.
  const ml = join(dir, 'ml.axcm');
  const t3 = await run(['train', '--data', trainFile, '--task', 'multilabel', '--out', ml, '--epochs', '4', '--min-df', '1', '--threads', '1', '--json']);
  assert.equal(t3.code, 0, t3.err);
  const prod = await run(['evaluate', '--members', `${strong},${ml}`, '--weights', '2,1', '--combine', 'product', '--data', testFile, '--json']);
  assert.equal(prod.code, 0, prod.err);
  const po = JSON.parse(prod.out) as { task: string; combine: string; top5: number; accuracy: number; members: { evaluation: { task: string } }[] };
  assert.equal(po.task, 'primary');
  assert.equal(po.combine, 'product');
  assert.deepEqual(po.members.map((m) => m.evaluation.task), ['primary', 'multilabel']);
  assert.ok(po.accuracy >= 0.9, `product ensemble accuracy ${po.accuracy}`);
  const prodText = await run(['evaluate', '--members', `${strong},${ml}`, '--combine', 'product', '--data', testFile]);
  assert.equal(prodText.code, 0, prodText.err);
  assert.match(prodText.out, /ensemble \(product\)/);
  // The multi-label member has no weighted-F1 of its own: a dash, while the ensemble's is shown.
  assert.match(prodText.out, /^weighted-F1\s+\d\.\d{4}\s+–\s+\d\.\d{4}$/m);
  // Given weights and a validation set: a product pool keeps the weights and fits its temperature.
  const fitT = await run(['evaluate', '--members', `${strong},${ml}`, '--weights', '2,1', '--combine', 'product', '--valid', validFile, '--data', testFile, '--json']);
  assert.equal(fitT.code, 0, fitT.err);
  const ft = JSON.parse(fitT.out) as { weights: number[]; weightSearch: { searched: boolean; temperature: number; logLoss: number } };
  assert.deepEqual(ft.weights, [2 / 3, 1 / 3]);
  assert.equal(ft.weightSearch.searched, false);
  assert.ok(ft.weightSearch.temperature > 0 && Number.isFinite(ft.weightSearch.logLoss), JSON.stringify(ft.weightSearch));
  const fitText = await run(['evaluate', '--members', `${strong},${ml}`, '--weights', '2,1', '--combine', 'product', '--valid', validFile, '--data', testFile]);
  assert.match(fitText.out, /^temperature tuned on \d+ validation papers: log-loss \d\.\d{4}, temperature \d+\.\d{3} \(--temperature [\d.]+ reuses it\)/m);
  const reuse = await run(['evaluate', '--members', `${strong},${ml}`, '--weights', '2,1', '--combine', 'product', '--temperature', String(ft.weightSearch.temperature), '--data', testFile, '--json']);
  assert.equal(reuse.code, 0, reuse.err);
  const ru = JSON.parse(reuse.out) as { temperature: number; weightSearch: unknown; logLoss: number };
  assert.equal(ru.temperature, ft.weightSearch.temperature);
  assert.equal(ru.weightSearch, null);
  assert.ok(Math.abs(ru.logLoss - (JSON.parse(fitT.out) as { logLoss: number }).logLoss) < 1e-9, 'the same pool, given or fitted');
  const reuseText = await run(['evaluate', '--members', `${strong},${ml}`, '--weights', '2,1', '--combine', 'product', '--temperature', '0.5', '--data', testFile]);
  assert.match(reuseText.out, /^temperature 0\.500 \(given\)$/m);
  const meanT = await run(['evaluate', '--members', `${strong},${ml}`, '--temperature', '0.5', '--data', testFile]);
  assert.equal(meanT.code, 2);
  assert.match(meanT.err, /--temperature is for --combine product/);
  const badT = await run(['evaluate', '--members', `${strong},${ml}`, '--combine', 'product', '--temperature', '0', '--data', testFile]);
  assert.equal(badT.code, 2);
  assert.match(badT.err, /--temperature must be a number > 0/);

  const cls = await run(['classify', '--members', `${strong},${weak}`, '--title', 'brane holography gauge', '--json']);
  assert.equal(cls.code, 0, cls.err);
  assert.equal((JSON.parse(cls.out) as { labels: { code: string }[] }).labels[0]!.code, 'hep-th');

  const both = await run(['evaluate', '--members', `${strong},${weak}`, '--weights', '1,1', '--valid', validFile, '--data', testFile]);
  assert.equal(both.code, 2);
  assert.match(both.err, /--weights or --valid/);
  const badWeights = await run(['evaluate', '--members', `${strong},${weak}`, '--weights', '1', '--data', testFile]);
  assert.equal(badWeights.code, 2);
  assert.match(badWeights.err, /--weights needs 2 numbers/);
  const stray = await run(['evaluate', '--model', strong, '--valid', validFile, '--data', testFile]);
  assert.equal(stray.code, 2);
  const badRule = await run(['evaluate', '--members', `${strong},${weak}`, '--combine', 'median', '--data', testFile]);
  assert.equal(badRule.code, 2);
  assert.match(badRule.err, /--combine must be one of mean, product/);
  const strayRule = await run(['evaluate', '--model', strong, '--combine', 'product', '--data', testFile]);
  assert.equal(strayRule.code, 2);
  assert.match(strayRule.err, /--combine and --temperature are for --backend ensemble/);
  const missing = await run(['evaluate', '--members', `${strong},${join(dir, 'nope.axcm')}`, '--data', testFile]);
  assert.equal(missing.code, 1);
  assert.match(missing.err, /nope\.axcm/);
});

test('an ensemble member may be a shipped model by name, as --model takes it', { skip: existsSync(fileURLToPath(new URL('../../models/multilabel.axcm', import.meta.url))) ? false : 'models/multilabel.axcm is not in this checkout' }, () => {
  const o = memberOptions('multilabel', {});
  assert.equal(o.backend, 'linear');
  assert.equal(o.model, fileURLToPath(new URL('../../models/multilabel.axcm', import.meta.url)));
  assert.equal(memberOptions('some/file.axcm', {}).model, 'some/file.axcm', 'a path stays a path');
});
