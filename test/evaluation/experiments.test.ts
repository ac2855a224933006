import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { PaperRecord } from '../../src/corpus/record.js';
import { experimentMarkdown } from '../../src/evaluation/experiments/markdown.js';
import type { ExperimentPreset } from '../../src/evaluation/experiments/preset.js';
import { findPreset, PRESETS } from '../../src/evaluation/experiments/presets.js';
import { prepareSplit, runExperiment } from '../../src/evaluation/experiments/runner.js';
import { loadPaperSample, samplePapers } from '../../src/evaluation/experiments/sample.js';
import { applyTextVariant, cleanText, describeTextVariant } from '../../src/evaluation/experiments/text-variant.js';
import { run } from '../cli/run-cli.js';
import { syntheticPapers } from '../models/synthetic.js';

const dir = mkdtempSync(join(tmpdir(), 'axc-exp-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

/** Synthetic papers spread over 2024-01 … 2024-12: paper i is in month 1 + i mod 12. */
function datedPapers(perClass: number, seed: number): PaperRecord[] {
  return syntheticPapers(perClass, seed).map((p, i) => ({ ...p, id: `24${String((i % 12) + 1).padStart(2, '0')}.${String(i).padStart(5, '0')}` }));
}

test('text variants: sources empty the unused field, cleaning runs in order', () => {
  const p: PaperRecord = { id: '2401.00001', title: 'The Self-Dual 4D Model', abstract: 'We show that the $N=4$ theory is finite.', categories: ['hep-th'], primary: 'hep-th' };
  const [t] = applyTextVariant([p], { source: 'title' });
  assert.equal(t!.title, p.title);
  assert.equal(t!.abstract, '');
  const [a] = applyTextVariant([p], { source: 'abstract' });
  assert.equal(a!.title, '');
  assert.equal(a!.abstract, p.abstract);
  assert.deepEqual(a!.categories, p.categories, 'labels untouched');
  const [both] = applyTextVariant([p], { source: 'title+abstract', cleaning: ['stopwords'] });
  assert.equal(both!.abstract, 'show $N=4$ theory finite.');
  assert.equal(both!.title, 'Self-Dual 4D Model');
  assert.equal(cleanText('Self-dual 4D model: N=4, finite!', 'letters'), 'Self dual D model N finite');
  const [c] = applyTextVariant([p], { source: 'abstract', cleaning: ['lowercase', 'letters', 'stopwords'] });
  assert.equal(c!.abstract, 'show n theory finite');
  assert.equal(describeTextVariant({ source: 'abstract', cleaning: ['letters', 'stopwords'] }), 'abstract, letters only, stop words removed');
  assert.equal(p.title, 'The Self-Dual 4D Model', 'input not mutated');
});

test('sampling: seeded, uniform-sized, corpus order, same from a stream and from memory', async () => {
  const papers = datedPapers(50, 1);
  const a = samplePapers(papers, 37, 5);
  assert.equal(a.length, 37);
  assert.deepEqual(samplePapers(papers, 37, 5), a, 'same seed, same sample');
  assert.notDeepEqual(samplePapers(papers, 37, 6).map((p) => p.id), a.map((p) => p.id));
  const order = a.map((p) => papers.indexOf(p));
  assert.deepEqual(order, [...order].sort((x, y) => x - y), 'corpus order kept');
  assert.equal(samplePapers(papers, 1000, 5).length, papers.length, 'a limit above the corpus keeps everything');
  const file = join(dir, 'corpus.jsonl');
  writeFileSync(file, papers.map((p) => JSON.stringify({ id: p.id, title: p.title, abstract: p.abstract, categories: p.categories })).join('\n') + '\n');
  const streamed = await loadPaperSample([file], 37, 5);
  assert.equal(streamed.offered, papers.length);
  assert.deepEqual(streamed.papers.map((p) => p.id), a.map((p) => p.id));
  // Each paper is equally likely: over many seeds the first and the last paper are picked about equally often.
  let first = 0;
  let last = 0;
  for (let s = 0; s < 400; s++) {
    const ids = new Set(samplePapers(papers, 20, s).map((p) => p.id));
    if (ids.has(papers[0]!.id)) first++;
    if (ids.has(papers.at(-1)!.id)) last++;
  }
  const expected = (400 * 20) / papers.length;
  for (const k of [first, last]) assert.ok(Math.abs(k - expected) < expected * 0.6, `picked ${k} times, expected about ${expected}`);
});

test('seed-001 split: per-class cap then exactly 80/20 per class', () => {
  const preset = { ...findPreset('seed-001')!, perClass: 30, scheme: { task: 'primary' as const, top: 3 } };
  const s = prepareSplit(preset, syntheticPapers(40, 2), 1);
  const count = (ps: PaperRecord[]) => ps.reduce((m, p) => m.set(p.primary, (m.get(p.primary) ?? 0) + 1), new Map<string, number>());
  const train = count(s.train);
  const testCounts = count(s.tests[0]!.papers);
  assert.equal(train.size, 3, 'top 3 classes only');
  for (const [code, n] of train) {
    assert.equal(n, 24, code);
    assert.equal(testCounts.get(code), 6, code);
  }
  assert.equal(s.valid, null, 'no valid set: the learner holds out its own');
});

test('time split: cut month from the test share, same-period holdout, one test set per later month', () => {
  const preset = findPreset('time-split')!;
  const papers = datedPapers(30, 3);
  const s = prepareSplit(preset, papers, 1);
  assert.equal(s.before, '2024-11', 'last 15 % of 12 even months starts in month 11');
  assert.equal(s.tests[0]!.papers.length, papers.filter((p) => p.id >= '2411').length);
  assert.ok(s.train.every((p) => p.id < '2411'), 'train before the cut');
  assert.ok(s.tests[1]!.papers.every((p) => p.id < '2411'), 'same-period papers before the cut');
  assert.deepEqual(s.tests.slice(2).map((t) => t.name), ['2024-11', '2024-12']);
  const ids = new Set(s.train.map((p) => p.id));
  assert.ok(s.tests[1]!.papers.every((p) => !ids.has(p.id)), 'same-period test papers are not trained on');
  assert.equal(prepareSplit(preset, papers, 1, '2407').before, '2024-07');
  assert.throws(() => prepareSplit(preset, papers, 1, '24-7'), /month/);
});

test('runner: one model per variant, metrics per test set, notebook numbers carried', async () => {
  const preset: ExperimentPreset = {
    name: 'synthetic',
    title: 'synthetic',
    notes: ['a note'],
    scheme: { task: 'primary' },
    split: { kind: 'random', test: 0.25 },
    train: { epochs: 4, minDf: 1, dropAbstract: 0 },
    metrics: ['accuracy', 'top5', 'weightedF1', 'inferenceSeconds'],
    variants: [
      { name: 'full', train: { source: 'title+abstract' }, reported: { accuracy: 0.5 } },
      { name: 'title test', train: { source: 'title+abstract' }, test: { source: 'title' } },
    ],
    extras: ['classificationReport'],
  };
  const r = await runExperiment(preset, syntheticPapers(40, 5), { seed: 3, threads: 1 });
  assert.equal(r.rows.length, 2);
  assert.equal(r.classes, 4);
  assert.equal(r.split.tests.test, 40);
  const [full, titleOnly] = r.rows;
  assert.ok(full!.values.accuracy! > 0.9, `accuracy ${full!.values.accuracy}`);
  assert.ok(full!.values.top5! >= full!.values.accuracy!, 'top-5 ≥ top-1');
  assert.ok(full!.values.inferenceSeconds! >= 0, 'inference time');
  assert.deepEqual(full!.reported, { accuracy: 0.5 });
  assert.equal(titleOnly!.reported, undefined);
  assert.equal(titleOnly!.testText, 'title');
  // Titles alone carry two topic words: still far above chance (0.25) for a model trained with abstracts.
  assert.ok(titleOnly!.values.accuracy! > 0.6, `title-only accuracy ${titleOnly!.values.accuracy}`);
  const cr = r.classificationReport!;
  assert.deepEqual(cr.labels, ['cs.CV', 'hep-th', 'math.NT', 'q-bio.NC']);
  assert.equal(cr.confusion.flat().reduce((a, b) => a + b, 0), 40);
  const diagonal = cr.confusion.reduce((s, row, i) => s + row[i]!, 0);
  assert.equal(diagonal / 40, full!.values.accuracy);
  assert.match(cr.text, /weighted avg/);
  const md = experimentMarkdown(r);
  assert.match(md, new RegExp(`\\| full \\| test \\| 40 \\| ${full!.values.accuracy!.toFixed(4)} \\(0\\.5000\\)`));
  assert.match(md, /- a note/);
  // Tested on papers of every month: no newest-months prior, unless the preset asks for one.
  assert.equal(r.trainOptions.recentPriorMonths, 0);
  const asked = await runExperiment({ ...preset, train: { ...preset.train, recentPriorMonths: 2 }, variants: preset.variants.slice(0, 1) }, syntheticPapers(40, 5), { seed: 3, threads: 1 });
  assert.equal(asked.trainOptions.recentPriorMonths, 2);
});

test('multi-label preset metrics at a fixed threshold agree with each other', async () => {
  const preset = { ...findPreset('seed-000')!, train: { epochs: 4, minDf: 1, dropAbstract: 0 } };
  const r = await runExperiment(preset, syntheticPapers(40, 6), { seed: 1, threads: 1 });
  const v = r.rows[0]!.values;
  for (const k of ['elementAccuracy', 'precision', 'recall', 'microF1', 'microF1Tuned'] as const) assert.ok(v[k]! >= 0 && v[k]! <= 1, `${k} ${v[k]}`);
  assert.ok(Math.abs(v.microF1! - (2 * v.precision! * v.recall!) / (v.precision! + v.recall!)) < 1e-9, 'micro F1 is the harmonic mean of micro P and R');
  assert.ok(v.elementAccuracy! > 0.8, `element accuracy ${v.elementAccuracy}`);
  const labels = r.perLabel!;
  assert.equal(labels.length, 4);
  assert.equal(labels.find((l) => l.code === 'q-bio.NC')!.name, 'Neurons and Cognition');
  assert.ok(labels[0]!.support >= labels.at(-1)!.support, 'sorted by support');
});

test('every preset is well formed: metrics fit its task, reported numbers are metrics it prints', () => {
  assert.deepEqual(PRESETS.map((p) => p.name), ['seed-000', 'seed-001', 'seed-002', 'seed-003', 'seed-004', 'time-split']);
  const multi = new Set(['microF1', 'samplesF1', 'elementAccuracy', 'precision', 'recall', 'microF1Tuned', 'inferenceSeconds']);
  const single = new Set(['accuracy', 'top5', 'weightedF1', 'macroF1', 'inferenceSeconds']);
  for (const p of PRESETS) {
    const allowed = p.scheme.task === 'multilabel' ? multi : single;
    for (const m of p.metrics) assert.ok(allowed.has(m), `${p.name}: ${m}`);
    for (const v of p.variants) for (const k of Object.keys(v.reported ?? {})) assert.ok((p.metrics as string[]).includes(k), `${p.name}/${v.name} reports ${k}`);
  }
});

test('experiment CLI: runs a preset, writes JSON and Markdown, rejects bad usage', async () => {
  const file = join(dir, 'groups.jsonl');
  writeFileSync(file, syntheticPapers(40, 7).map((p) => JSON.stringify(p)).join('\n') + '\n');
  const out = join(dir, 'results');
  const r = await run(['experiment', 'seed-004', '--data', file, '--out', out, '--limit', '120', '--epochs', '3', '--threads', '1', '--json']);
  assert.equal(r.code, 0, r.err);
  const json = JSON.parse(r.out) as { preset: string; papers: number; read: number; rows: { values: Record<string, number>; reported: Record<string, number> }[]; command: string };
  assert.equal(json.preset, 'seed-004');
  assert.equal(json.papers, 120);
  assert.equal(json.read, 160);
  assert.equal(json.rows[0]!.reported.weightedF1, 0.88);
  assert.ok(json.rows[0]!.values.weightedF1! > 0.8, 'weighted F1');
  assert.match(json.command, /experiment seed-004 --data/);
  assert.deepEqual(JSON.parse(readFileSync(join(out, 'seed-004.json'), 'utf8')).rows, json.rows);
  assert.match(readFileSync(join(out, 'seed-004.md'), 'utf8'), /Confusion matrix/);

  assert.equal((await run(['experiment', 'seed-999', '--data', file])).code, 2);
  assert.equal((await run(['experiment', '--data', file])).code, 2);
  assert.equal((await run(['experiment', 'seed-004'])).code, 2);
  assert.equal((await run(['experiment', 'seed-004', '--data', file, '--before', '2401'])).code, 2);
  const list = await run(['experiment', '--list']);
  assert.equal(list.code, 0);
  assert.match(list.out, /time-split/);
});
