import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { seededRng } from '../../src/corpus/random.js';
import type { PaperRecord } from '../../src/corpus/record.js';
import { loadModel } from '../../src/models/load-model.js';
import { DEFAULT_TRAIN_OPTIONS } from '../../src/models/linear/train-settings.js';
import { foldSplit, stratifiedFolds } from '../../src/evaluation/tuning/folds.js';
import { DEFAULT_SEARCH_SPACE, defaultSettings, sampleSettings } from '../../src/evaluation/tuning/search-space.js';
import { tune } from '../../src/evaluation/tuning/tune.js';
import { parseDuration } from '../../src/cli/args.js';
import { run } from '../cli/run-cli.js';
import { syntheticPapers } from '../models/synthetic.js';

const dir = mkdtempSync(join(tmpdir(), 'axc-tune-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

/** Uneven classes (60, 33, 17, 5 papers) so stratification has something to get wrong. */
function unevenPapers(): PaperRecord[] {
  const all = syntheticPapers(60, 11);
  const keep: Record<string, number> = { 'cs.CV': 60, 'hep-th': 33, 'math.NT': 17, 'q-bio.NC': 5 };
  const seen = new Map<string, number>();
  return all.filter((p) => {
    const n = seen.get(p.primary) ?? 0;
    seen.set(p.primary, n + 1);
    return n < keep[p.primary]!;
  });
}

test('stratified folds: every class spread evenly, sizes within one, seeded, a partition', () => {
  const papers = unevenPapers();
  const k = 5;
  const folds = stratifiedFolds(papers, k, 3);
  assert.deepEqual(stratifiedFolds(papers, k, 3), folds, 'same seed, same folds');
  assert.notDeepEqual(stratifiedFolds(papers, k, 4), folds);
  const sizes = Array.from({ length: k }, (_, f) => folds.filter((x) => x === f).length);
  assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, `fold sizes ${sizes}`);
  for (const code of ['cs.CV', 'hep-th', 'math.NT', 'q-bio.NC']) {
    const perFold = Array.from({ length: k }, (_, f) => papers.filter((p, i) => p.primary === code && folds[i] === f).length);
    const total = perFold.reduce((a, b) => a + b, 0);
    for (const n of perFold) assert.ok(Math.abs(n - total / k) < 1, `${code}: ${perFold}`);
  }
  const seen = new Set<string>();
  for (let f = 0; f < k; f++) {
    const { train, heldOut } = foldSplit(papers, folds, f);
    assert.equal(train.length + heldOut.length, papers.length);
    for (const p of heldOut) {
      assert.ok(!seen.has(p.id), `${p.id} held out twice`);
      seen.add(p.id);
    }
    assert.ok(!train.some((p) => heldOut.includes(p)), 'train and held-out are disjoint');
  }
  assert.equal(seen.size, papers.length, 'every paper held out exactly once');
  assert.throws(() => stratifiedFolds(papers, 1, 0), /folds/);
  assert.throws(() => stratifiedFolds(papers.slice(0, 2), 3, 0), /at least 3/);
});

test('search space: draws stay in range, are seeded, and the defaults are the learner defaults', () => {
  const rng = seededRng(9);
  const draws = Array.from({ length: 300 }, () => sampleSettings(DEFAULT_SEARCH_SPACE, rng));
  for (const spec of DEFAULT_SEARCH_SPACE) {
    const values = draws.map((d) => d[spec.key]);
    if (spec.kind === 'choice') {
      for (const v of values) assert.ok(spec.values.includes(v as string | number), `${spec.key}=${v}`);
      assert.equal(new Set(values).size, spec.values.length, `${spec.key}: every choice drawn`);
    } else {
      for (const v of values) assert.ok(typeof v === 'number' && v >= spec.min && v <= spec.max, `${spec.key}=${v}`);
      if (spec.kind === 'int') for (const v of values) assert.ok(Number.isInteger(v), `${spec.key}=${v} integer`);
    }
  }
  // Log-uniform maxFeatures: the geometric midpoint splits the draws about in half.
  const mid = Math.sqrt(20_000 * 300_000);
  const below = draws.filter((d) => d.maxFeatures! < mid).length;
  assert.ok(below > 110 && below < 190, `${below} of 300 below the geometric midpoint`);
  assert.deepEqual(sampleSettings(DEFAULT_SEARCH_SPACE, seededRng(9)), draws[0]);
  const d = defaultSettings(DEFAULT_SEARCH_SPACE);
  assert.equal(d.epochs, DEFAULT_TRAIN_OPTIONS.epochs);
  assert.equal(d.maxFeatures, DEFAULT_TRAIN_OPTIONS.maxFeatures);
});

test('durations', () => {
  assert.equal(parseDuration('10m'), 600);
  assert.equal(parseDuration('90s'), 90);
  assert.equal(parseDuration('1.5h'), 5400);
  assert.equal(parseDuration('45'), 45);
  assert.throws(() => parseDuration('ten minutes'), /duration/);
  assert.throws(() => parseDuration('0m'), /positive/);
});

test('tune: defaults first, every trial reported, best is the highest score, budget ends the search', async () => {
  const train = syntheticPapers(30, 21);
  const valid = syntheticPapers(10, 22);
  const seen: number[] = [];
  const r = await tune(train, valid, { scheme: { task: 'primary' }, seed: 2, budgetSeconds: 600, maxTrials: 3, threads: 1, onTrial: (t) => void seen.push(t.trial) });
  assert.equal(r.stoppedBecause, 'max-trials');
  assert.deepEqual(seen, [1, 2, 3], 'each trial reported as it finished');
  assert.deepEqual(r.trials[0]!.settings, defaultSettings(DEFAULT_SEARCH_SPACE));
  for (const t of r.trials) {
    assert.equal(t.status, 'ok', t.error);
    assert.ok(t.score! >= 0 && t.score! <= 1, `score ${t.score}`);
    assert.equal(t.foldScores.length, 1);
  }
  const top = Math.max(...r.trials.map((t) => t.score!));
  assert.equal(r.best!.score, top);
  assert.equal(r.config.task, 'primary');
  assert.equal(r.config.seed, 2);
  assert.equal(r.config.epochs, r.best!.settings.epochs);
  assert.equal('threads' in r.config, false, 'thread count is the machine’s, not the model’s');

  // A budget smaller than one trial: the defaults run (there is no estimate before them), nothing after.
  const tight = await tune(train, valid, { scheme: { task: 'primary' }, seed: 2, budgetSeconds: 0.01, threads: 1 });
  assert.equal(tight.trials.length, 1);
  assert.equal(tight.stoppedBecause, 'budget');
  assert.ok(tight.skippedOverBudget > 0, 'later draws were refused for time');

  await assert.rejects(tune(train, null, { scheme: { task: 'primary' }, seed: 1, budgetSeconds: 10 }), /validation papers or folds/);
});

test('tune with folds: one score per fold, mean is the trial score', async () => {
  const r = await tune(unevenPapers(), null, { scheme: { task: 'primary' }, seed: 1, budgetSeconds: 600, maxTrials: 1, folds: 3, threads: 1, metric: 'macroF1' });
  const t = r.trials[0]!;
  assert.equal(t.metric, 'macroF1');
  assert.equal(t.foldScores.length, 3);
  assert.ok(Math.abs(t.score! - t.foldScores.reduce((a, b) => a + b, 0) / 3) < 1e-12);
});

test('tune with --top scores only the papers of the kept classes', async () => {
  // Train has cs.CV and hep-th as its two largest classes; valid has all four in equal parts, so a
  // score over all of valid could not pass 0.5.
  const valid = syntheticPapers(10, 41);
  const r = await tune(unevenPapers(), valid, { scheme: { task: 'primary', top: 2 }, seed: 1, budgetSeconds: 600, maxTrials: 1, threads: 1 });
  assert.ok(r.trials[0]!.score! > 0.8, `accuracy on the kept classes ${r.trials[0]!.score}`);
  assert.equal(r.config.top, 2);
});

test('tune CLI → trials log and best config → train --config reads it back', async () => {
  const trainFile = join(dir, 'train.jsonl');
  const validFile = join(dir, 'valid.jsonl');
  writeFileSync(trainFile, syntheticPapers(30, 31).map((p) => JSON.stringify(p)).join('\n') + '\n');
  writeFileSync(validFile, syntheticPapers(10, 32).map((p) => JSON.stringify(p)).join('\n') + '\n');
  const trials = join(dir, 'trials.jsonl');
  const best = join(dir, 'best.json');
  const r = await run(['tune', '--data', trainFile, '--valid', validFile, '--time-budget', '10m', '--max-trials', '3', '--trials-out', trials, '--out', best, '--threads', '1', '--seed', '4', '--json']);
  assert.equal(r.code, 0, r.err);
  const summary = JSON.parse(r.out) as { trials: { trial: number; score: number }[]; best: { trial: number }; stoppedBecause: string };
  const lines = readFileSync(trials, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { trial: number; score: number; settings: Record<string, unknown> });
  assert.deepEqual(lines.map((l) => l.trial), [1, 2, 3]);
  assert.deepEqual(lines.map((l) => l.score), summary.trials.map((t) => t.score));
  const config = JSON.parse(readFileSync(best, 'utf8')) as Record<string, unknown>;
  assert.deepEqual({ ...config }, { task: 'primary', seed: 4, ...lines[summary.best.trial - 1]!.settings });

  const model = join(dir, 'tuned.axcm');
  const t = await run(['train', '--data', trainFile, '--config', best, '--out', model, '--threads', '1']);
  assert.equal(t.code, 0, t.err);
  const options = (await loadModel(model)).info.training.options;
  for (const [k, v] of Object.entries(config)) assert.deepEqual(options[k], v, `model trained with ${k} = ${JSON.stringify(options[k])}, config says ${JSON.stringify(v)}`);

  const bad = await run(['tune', '--data', trainFile, '--time-budget', '1m']);
  assert.equal(bad.code, 2, 'needs --valid or --folds');
  assert.match(bad.err, /--valid VALID or --folds K/);
  assert.equal((await run(['tune', '--data', trainFile, '--folds', '3'])).code, 2, 'needs --time-budget');
  assert.equal((await run(['tune', '--data', trainFile, '--folds', '1', '--time-budget', '1m'])).code, 2);
});
