import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, rmSync, existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { run } from './run-cli.js';
import { syntheticPapers } from '../models/synthetic.js';
import { loadModel } from '../../src/models/load-model.js';

const dir = mkdtempSync(join(tmpdir(), 'axc-cli-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const trainFile = join(dir, 'train.jsonl');
const testFile = join(dir, 'test.csv');
writeFileSync(trainFile, syntheticPapers(50, 3).map((p) => JSON.stringify(p)).join('\n') + '\n');
// The test set goes through another format on purpose: evaluate reads anything ingest reads.
const testPapers = syntheticPapers(10, 4);
writeFileSync(testFile, 'titles,summaries,terms\n' + testPapers.map((p) => `"${p.title}","${p.abstract}","${JSON.stringify(p.categories).replace(/"/g, "'")}"`).join('\n') + '\n');
const model = join(dir, 'model.axcm');

test('train → classify → evaluate through the CLI', async () => {
  const t = await run(['train', '--data', trainFile, '--task', 'primary', '--out', model, '--epochs', '6', '--min-df', '1', '--threads', '2', '--json']);
  assert.equal(t.code, 0, t.err);
  const report = JSON.parse(t.out) as { classes: number; papers: number };
  assert.equal(report.classes, 4);
  assert.ok(existsSync(model));

  const c = await run(['classify', '--model', model, '--title', 'prime zeta congruence', '--json', '--explain', '--k', '2']);
  assert.equal(c.code, 0, c.err);
  const pred = JSON.parse(c.out) as { labels: { code: string; reasons: { term: string }[] }[] };
  assert.equal(pred.labels.length, 2);
  assert.equal(pred.labels[0]!.code, 'math.NT');
  assert.ok(pred.labels[0]!.reasons.length > 0);

  const text = await run(['classify', '--model', model, '--title', 'spiking neurons']);
  assert.equal(text.code, 0);
  assert.match(text.out, /q-bio\.NC\s+Neurons and Cognition/);

  const e = await run(['evaluate', '--model', model, '--data', testFile, '--json']);
  assert.equal(e.code, 0, e.err);
  const m = JSON.parse(e.out) as Record<string, number>;
  for (const k of ['n', 'accuracy', 'top5', 'macroF1', 'microF1', 'weightedF1', 'inCategoryP1', 'groupAccuracy']) assert.equal(typeof m[k], 'number', k);
  assert.equal(m.n, testPapers.length);
  assert.ok(m.accuracy! > 0.9, `accuracy ${m.accuracy}`);
  assert.ok(m.inCategoryP1! >= m.accuracy!);

  const batchIn = join(dir, 'batch.jsonl');
  const batchOut = join(dir, 'pred.jsonl');
  writeFileSync(batchIn, testPapers.slice(0, 5).map((p) => JSON.stringify({ id: p.id, title: p.title, abstract: p.abstract })).join('\n') + '\n{broken\n');
  const b = await run(['classify', '--model', model, '--input', batchIn, '--out', batchOut]);
  assert.equal(b.code, 0, b.err);
  const lines = readFileSync(batchOut, 'utf8').trim().split('\n');
  assert.equal(lines.length, 5);
  assert.equal((JSON.parse(lines[0]!) as { id: string }).id, testPapers[0]!.id);

  const small = join(dir, 'small.axcm');
  const qz = await run(['quantize', '--model', model, '--out', small, '--prune', '20', '--json']);
  assert.equal(qz.code, 0, qz.err);
  const summary = JSON.parse(qz.out) as { features: number; bytes: number; bytesBefore: number };
  assert.equal(summary.features, 20);
  assert.ok(summary.bytes < summary.bytesBefore);
  // Calibrated again on labelled papers (here the CSV test file): a new temperature, the same ranking.
  const recal = join(dir, 'small-recal.axcm');
  const qv = await run(['quantize', '--model', model, '--out', recal, '--prune', '20', '--valid', testFile, '--json']);
  assert.equal(qv.code, 0, qv.err);
  const rs = JSON.parse(qv.out) as { recalibratedOn: number; temperature: number };
  assert.equal(rs.recalibratedOn, testPapers.length);
  const [plainSmall, recalSmall] = await Promise.all([loadModel(small), loadModel(recal)]);
  assert.equal(recalSmall.spec.temperature, rs.temperature);
  assert.notEqual(recalSmall.spec.temperature, plainSmall.spec.temperature);
  assert.equal(recalSmall.info.validation.papers, testPapers.length);
  for (const p of testPapers) assert.equal(recalSmall.predict(p, { k: 1 }).labels[0]!.code, plainSmall.predict(p, { k: 1 }).labels[0]!.code);
  const noPrune = await run(['quantize', '--model', model, '--out', recal, '--valid', testFile]);
  assert.equal(noPrune.code, 2);
  assert.match(noPrune.err, /give --prune too/);
  const again = await run(['quantize', '--model', small, '--out', join(dir, 'smaller.axcm')]);
  assert.equal(again.code, 1);
  assert.match(again.err, /already quantized/);

  // Several chunks across prediction threads come back complete and in input order, and lines
  // without a paper are reported with their line numbers (threads parse JSON lines themselves).
  const many = join(dir, 'many.jsonl');
  const N = 6000;
  const manyLines = Array.from({ length: N }, (_, i) => {
    const p = testPapers[i % testPapers.length]!;
    return JSON.stringify({ id: `p${i}`, title: p.title, abstract: i % 3 ? p.abstract : '', padding: 'x'.repeat(40) });
  });
  manyLines[1200] = '{broken';
  manyLines[4001] = JSON.stringify({ id: 'blank', title: '  ', abstract: '' });
  writeFileSync(many, manyLines.join('\n') + '\n');
  assert.ok(statSync(many).size > 512 * 1024, 'input spans several chunks');
  const outs: string[] = [];
  for (const threads of ['1', '2']) {
    const out = join(dir, `many-${threads}.jsonl`);
    const r = await run(['classify', '--model', model, '--input', many, '--out', out, '--threads', threads]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /many\.jsonl:1201: skipped: bad JSON/, `threads ${threads}`);
    assert.match(r.err, /many\.jsonl:4002: skipped: no title or abstract/, `threads ${threads}`);
    outs.push(readFileSync(out, 'utf8'));
  }
  const ids = outs[1]!.trim().split('\n').map((l) => (JSON.parse(l) as { id: string }).id);
  assert.deepEqual(ids, Array.from({ length: N }, (_, i) => `p${i}`).filter((_, i) => i !== 1200 && i !== 4001));
  assert.equal(outs[1], outs[0]);
});

test('bad input gets clear errors and the right exit codes', async () => {
  const empty = await run(['classify', '--model', model, '--title', '   ']);
  assert.equal(empty.code, 1);
  assert.match(empty.err, /empty/);
  const noModel = await run(['classify', '--model', join(dir, 'missing.axcm'), '--title', 'x']);
  assert.equal(noModel.code, 1);
  assert.match(noModel.err, /missing\.axcm/);
  const notModel = await run(['classify', '--model', trainFile, '--title', 'x']);
  assert.equal(notModel.code, 1);
  assert.match(notModel.err, /train\.jsonl/);
  // Batches load the model on prediction threads only: their errors must read the same.
  for (const bad of [join(dir, 'missing.axcm'), trainFile]) {
    const batch = await run(['classify', '--model', bad, '--input', trainFile, '--threads', '2']);
    assert.equal(batch.code, 1, batch.err);
    assert.ok(batch.err.startsWith(`arxiv-classifier classify: ${bad}: `), batch.err);
    assert.doesNotMatch(batch.err, /\n\s+at /, 'no stack trace');
  }
  const usage = await run(['train', '--task', 'primary']);
  assert.equal(usage.code, 2);
  const badTask = await run(['train', '--data', trainFile, '--task', 'nope', '--out', join(dir, 'x.axcm')]);
  assert.equal(badTask.code, 2);
  const badPrior = await run(['train', '--data', trainFile, '--recent-prior-strength', '1.5', '--out', join(dir, 'x.axcm')]);
  assert.equal(badPrior.code, 2);
  assert.match(badPrior.err, /--recent-prior-strength must be in \[0, 1\]/);
  const badCross = await run(['train', '--data', trainFile, '--cross-list-loss=-1', '--out', join(dir, 'x.axcm')]);
  assert.equal(badCross.code, 2);
  assert.match(badCross.err, /--cross-list-loss must be in \[0, 10\]/);
  const badShare = await run(['train', '--data', trainFile, '--archive-share', 'lots', '--out', join(dir, 'x.axcm')]);
  assert.equal(badShare.code, 2);
  assert.match(badShare.err, /--archive-share must be in \[0, 2\]/);
});

test('--model names a shipped model: the multi-label one answers with cross-lists', { skip: existsSync(join(import.meta.dirname, '../../models/multilabel.axcm')) ? false : 'models/multilabel.axcm is not in this checkout' }, async () => {
  const r = await run(['classify', '--model', 'multilabel', '--title', 'Graph neural networks for molecular property prediction', '--threshold', '0.05', '--k', '10', '--json']);
  assert.equal(r.code, 0, r.err);
  const p = JSON.parse(r.out) as { labels: { code: string; probability: number }[] };
  assert.ok(p.labels.length >= 2, `labels ${JSON.stringify(p.labels)}`);
  // Independent sigmoids: a multi-label model's probabilities need not sum to one.
  assert.ok(p.labels.every((l) => l.probability >= 0.05));
  const missing = await run(['classify', '--model', 'no-such-model.axcm', '--title', 'x']);
  assert.equal(missing.code, 1);
  assert.match(missing.err, /no-such-model\.axcm/);
});

test('train --time-budget searches settings first, within the budget, then trains with the best', async () => {
  const out = join(dir, 'tuned.axcm');
  const r = await run(['train', '--data', trainFile, '--task', 'primary', '--min-df', '1', '--epochs', '4', '--char-ngrams', '3', '--threads', '1', '--time-budget', '20s', '--out', out, '--json']);
  assert.equal(r.code, 0, r.err);
  const s = JSON.parse(r.out) as { tuning: { trials: number; searchSeconds: number; best: { settings: Record<string, unknown>; score: number } }; classes: number };
  // What the user gives is not searched: every trial trains with it, as the final model does.
  assert.ok(!('minDf' in s.tuning.best.settings) && !('epochs' in s.tuning.best.settings), JSON.stringify(s.tuning.best.settings));
  assert.ok('lr' in s.tuning.best.settings, JSON.stringify(s.tuning.best.settings));
  const trained = (await loadModel(out)).info.training.options;
  assert.equal(trained.epochs, 4);
  assert.equal(trained.charNgrams, 3);
  assert.ok(s.tuning.trials >= 1, 'at least the defaults were tried');
  assert.ok(s.tuning.searchSeconds <= 20 + 15, `search took ${s.tuning.searchSeconds} s for a 20 s budget`);
  assert.ok(s.tuning.best.score > 0.5, `best score ${s.tuning.best.score}`);
  assert.equal(s.classes, 4);
  // The flag given on the command line wins over the search's minDf.
  assert.equal((await loadModel(out)).info.training.options.minDf, 1);
  const m = await run(['classify', '--model', out, '--title', 'prime zeta congruence', '--json']);
  assert.equal((JSON.parse(m.out) as { labels: { code: string }[] }).labels[0]!.code, 'math.NT');
  const bad = await run(['train', '--data', trainFile, '--time-budget', 'soon', '--out', out]);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--time-budget must be a duration/);
  const all = join(dir, 'all-settings.json');
  writeFileSync(all, JSON.stringify({ maxFeatures: 5000, epochs: 3, lr: 1, l2: 0, titleWeight: 2, dropAbstract: 0, minDf: 1, ngrams: 2, classWeight: 'none' }));
  const nothing = await run(['train', '--data', trainFile, '--config', all, '--time-budget', '5s', '--out', out]);
  assert.equal(nothing.code, 2, nothing.err);
  assert.match(nothing.err, /--time-budget has nothing to search/);
});

test('train --prune reports the saved model: its feature count and refitted temperature', async () => {
  const pruned = join(dir, 'pruned.axcm');
  const t = await run(['train', '--data', trainFile, '--task', 'primary', '--out', pruned, '--epochs', '3', '--min-df', '1', '--threads', '2', '--prune', '15', '--json']);
  assert.equal(t.code, 0, t.err);
  const j = JSON.parse(t.out) as { features: number; temperature: number; validation: { temperature: number } };
  assert.equal(j.features, 15);
  // validation.temperature is the refitted one, rounded to 4 places.
  assert.ok(Math.abs(j.temperature - j.validation.temperature) < 1e-4, `${j.temperature} vs ${j.validation.temperature}`);
  const text = await run(['train', '--data', trainFile, '--task', 'primary', '--out', pruned, '--epochs', '3', '--min-df', '1', '--threads', '2', '--prune', '15']);
  assert.match(text.err, /\(4 classes, 15 features\)/);
  assert.match(text.err, new RegExp(`temperature ${j.temperature.toFixed(3)}`));
});
