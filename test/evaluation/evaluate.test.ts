import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LabelTask } from '../../src/corpus/labels.js';
import type { PaperRecord } from '../../src/corpus/record.js';
import { evaluate, OTHER_ROW, UNSEEN_LABEL } from '../../src/evaluation/evaluate.js';
import type { Classifier, ModelInfo, PaperText, Prediction, SyncPath } from '../../src/models/model.js';

function close(actual: number, expected: number, tol = 1e-9, what = ''): void {
  assert.ok(Math.abs(actual - expected) <= tol, `${what} expected ${expected}, got ${actual}`);
}

/**
 * A classifier that answers fixed probabilities per title: the metrics below are then known by
 * hand, and every number evaluate reports can be checked against them.
 */
function fixedModel(task: LabelTask, labels: string[], rows: Record<string, number[]>): Classifier & SyncPath {
  const info: ModelInfo = {
    backend: 'fixed',
    task,
    labels,
    createdAt: '2026-01-01T00:00:00Z',
    training: { papers: 0, dataHash: '', seconds: 0, options: {} },
    validation: {},
    quantized: false,
  };
  const predictProba = (papers: readonly PaperText[]): Float32Array => {
    const out = new Float32Array(papers.length * labels.length);
    papers.forEach((p, i) => {
      const row = rows[p.title];
      if (!row) throw new Error(`no row for ${p.title}`);
      out.set(row, i * labels.length);
    });
    return out;
  };
  const unused = (): Prediction => {
    throw new Error('not used by evaluation');
  };
  return {
    info,
    labels,
    scheme: { task, labels, options: { task } },
    thresholds: null,
    predictProba,
    predictProbaAsync: async (papers) => predictProba(papers),
    predict: unused,
    predictBatch: () => [unused()],
    predictBatchAsync: async () => [unused()],
  };
}

const paper = (id: string, categories: string[]): PaperRecord => ({ id, title: id, abstract: '', categories, primary: categories[0]! });

// Classes 0 cs.CL, 1 cs.LG, 2 hep-ph, 3 hep-th; groups cs, cs, physics, physics; archives cs, cs,
// hep-ph, hep-th. Probabilities are exact in binary so confidences never sit on a bin edge.
//   paper  true        all cats          probabilities            argmax      conf
//   p0     cs.CL  (0)  cs.CL             .75   .125  .0625 .0625  0 ✓         .75
//   p1     cs.LG  (1)  cs.LG cs.CL       .5    .375  .0625 .0625  0 ✗         .5
//   p2     hep-ph (2)  hep-ph            .125  .0625 .375  .4375  3 ✗         .4375
//   p3     cs.LG  (1)  cs.LG             .3125 .3125 .375  0      2 ✗         .375
//   p4     hep-th (3)  hep-th hep-ph     0     .125  .25   .625   3 ✓         .625
//   p5     astro-ph.GA (unseen → class 4) .25 ×4                  0 ✗ (tie → lowest)  .25
const LABELS = ['cs.CL', 'cs.LG', 'hep-ph', 'hep-th'];
const ROWS: Record<string, number[]> = {
  p0: [0.75, 0.125, 0.0625, 0.0625],
  p1: [0.5, 0.375, 0.0625, 0.0625],
  p2: [0.125, 0.0625, 0.375, 0.4375],
  p3: [0.3125, 0.3125, 0.375, 0],
  p4: [0, 0.125, 0.25, 0.625],
  p5: [0.25, 0.25, 0.25, 0.25],
};
const PAPERS = [
  paper('p0', ['cs.CL']),
  paper('p1', ['cs.LG', 'cs.CL']),
  paper('p2', ['hep-ph']),
  paper('p3', ['cs.LG']),
  paper('p4', ['hep-th', 'hep-ph']),
  paper('p5', ['astro-ph.GA']),
];

test('single-label evaluation: every headline number by hand', async () => {
  const model = fixedModel('primary', LABELS, ROWS);
  const { summary: s, details: d } = await evaluate(model, PAPERS, { latencySamples: 3, confusionTop: 2 });
  assert.equal(s.task, 'primary');
  assert.equal(s.n, 6);
  assert.equal(s.unseenLabel, 1);
  // yTrue = [0,1,2,1,3,4], yPred = [0,0,3,2,3,0] → hits p0, p4.
  close(s.accuracy, 2 / 6);
  close(s.top1, 2 / 6);
  // rank(y) = #{p_j > p_y} + #{j > y : p_j = p_y}: p0 0, p1 1, p2 1, p3 1, p4 0 (all < 3);
  // p5's true class is the padded column with p = 0, below all 4 real classes: rank 4, never a hit
  // (k is capped at the 4 real classes, so top-5 and top-10 cannot include it either).
  close(s.top3, 5 / 6);
  close(s.top5, 5 / 6);
  close(s.top10, 5 / 6);
  // Per class (5 incl. unseen):   true pred tp   P    R   F1 = 2tp/(true+pred)
  //   cs.CL                         1    3   1   1/3  1   1/2
  //   cs.LG                         2    0   0   0    0   0
  //   hep-ph                        1    1   0   0    0   0
  //   hep-th                        1    2   1   1/2  1   2/3
  //   (unseen)                      1    0   0   0    0   0
  // macro over 5: P = (1/3 + 1/2)/5 = 1/6, R = 2/5, F1 = (7/6)/5 = 7/30.
  // weighted by support (1,2,1,1,1)/6: P = 5/36, R = 2/6 = 1/3, F1 = (7/6)/6 = 7/36.
  close(s.macroPrecision, 1 / 6);
  close(s.macroRecall, 2 / 5);
  close(s.macroF1, 7 / 30);
  close(s.weightedPrecision, 5 / 36);
  close(s.weightedRecall, 1 / 3);
  close(s.weightedF1, 7 / 36);
  close(s.microF1, 1 / 3);
  // In-category: p0 0∈{0} ✓, p1 0∈{1,0} ✓, p2 3∈{2} ✗, p3 2∈{1} ✗, p4 3∈{3,2} ✓, p5 ∅ ✗ → 1/2.
  close(s.inCategoryP1, 1 / 2);
  // Group sums (cs | physics): p0 .875|.125 ✓, p1 .875 ✓, p2 .1875|.8125 ✓, p3 .625|.375 ✓,
  // p4 .125|.875 ✓, p5 cs .5 but true group is the unseen one ✗ → 5/6.
  close(s.groupAccuracy, 5 / 6);
  // Any listed group: the same hits (every paper here is listed in one group only), and p5's
  // astro-ph.GA names physics although no class is astro-ph: cs .5 wins the tie → ✗. 5/6.
  close(s.anyGroupAccuracy, 5 / 6);
  // Archive sums (cs | hep-ph | hep-th): p2 .1875 | .375 | .4375 → hep-th ✗; the rest as groups → 4/6.
  close(s.archiveAccuracy, 4 / 6);
  // 15 bins of width 1/15: confidences .75, .5, .4375, .375, .625, .25 land in bins 11, 7, 6, 5, 9, 3,
  // one each, so ECE = mean |correct − conf| = (.25 + .5 + .4375 + .375 + .375 + .25)/6.
  close(s.ece, 2.1875 / 6, 1e-7);
  // Log loss: p(true) = .75, .375, .375, .3125, .625 and 0 (unseen) clipped to 1e-15.
  close(s.logLoss, -(Math.log(0.75) + 2 * Math.log(0.375) + Math.log(0.3125) + Math.log(0.625) + Math.log(1e-15)) / 6, 1e-9);
  assert.ok(s.papersPerSecond > 0);
  assert.equal(d.latency.calls, 3);
  assert.ok(d.latency.p50Ms >= 0 && d.latency.p99Ms >= d.latency.p50Ms);

  // Per-class rows: support first, then code ('(' sorts before letters).
  assert.deepEqual(
    d.classes.map((c) => [c.code, c.support, c.predicted, c.correct]),
    [
      ['cs.LG', 2, 0, 0],
      [UNSEEN_LABEL, 1, 0, 0],
      ['cs.CL', 1, 3, 1],
      ['hep-ph', 1, 1, 0],
      ['hep-th', 1, 2, 1],
    ],
  );
  const cl = d.classes.find((c) => c.code === 'cs.CL')!;
  close(cl.precision, 1 / 3);
  close(cl.recall, 1);
  close(cl.f1, 1 / 2);
  assert.equal(cl.name, 'Computation and Language');
  assert.equal(cl.group, 'cs');

  // Confusion view over the 2 largest classes by support: cs.LG (2), then cs.CL (1, lowest index
  // among the ties); everything else pooled. (true → pred): p0 CL→CL, p1 LG→CL, p2 rest→rest,
  // p3 LG→rest, p4 rest→rest, p5 rest→CL.
  assert.deepEqual(d.confusion, {
    labels: ['cs.LG', 'cs.CL', OTHER_ROW],
    counts: [
      [0, 1, 1],
      [0, 1, 0],
      [0, 1, 2],
    ],
  });

  // Off-diagonal cells, all count 1, ordered by true then predicted class index.
  assert.deepEqual(
    d.worstConfusions.map((w) => [w.trueLabel, w.predictedLabel, w.count, w.shareOfTrue, w.examples.map((e) => [e.id, e.probability])]),
    [
      ['cs.LG', 'cs.CL', 1, 0.5, [['p1', 0.5]]],
      ['cs.LG', 'hep-ph', 1, 0.5, [['p3', 0.375]]],
      ['hep-ph', 'hep-th', 1, 1, [['p2', 0.4375]]],
      [UNSEEN_LABEL, 'cs.CL', 1, 1, [['p5', 0.25]]],
    ],
  );

  const rel = d.reliability!;
  assert.equal(rel.length, 15);
  assert.deepEqual(rel.flatMap((b, i) => (b.count ? [i] : [])), [3, 5, 6, 7, 9, 11]);
  close(rel[11]!.confidence, 0.75);
  close(rel[11]!.accuracy, 1);
  close(rel[7]!.accuracy, 0);

  // The headline-only entry point returns the same numbers.
  const again = (await evaluate(model, PAPERS, { latencySamples: 0 })).summary;
  close(again.accuracy, s.accuracy);
  assert.equal(again.latencyP50Ms, undefined, 'not measured: absent, not 0');
});

test('group accuracy with cross-lists counts a predicted group that is any of the paper’s groups', async () => {
  // q0: a cs.LG paper cross-listed to hep-th, predicted physics (.75): wrong group, but listed.
  // q1: hep-ph only, predicted cs: wrong either way. q2: an astro-ph.GA paper cross-listed to cs.CL,
  // whose primary the model never saw, predicted cs: listed.
  const model = fixedModel('primary', LABELS, {
    q0: [0.125, 0.125, 0.25, 0.5],
    q1: [0.5, 0.25, 0.125, 0.125],
    q2: [0.5, 0.25, 0.125, 0.125],
  });
  const { summary: s, details } = await evaluate(model, [paper('q0', ['cs.LG', 'hep-th']), paper('q1', ['hep-ph']), paper('q2', ['astro-ph.GA', 'cs.CL'])], { latencySamples: 1 });
  assert.equal(s.task, 'primary');
  if (s.task !== 'primary') return;
  close(s.groupAccuracy, 0);
  close(s.anyGroupAccuracy, 2 / 3);
  // Each wrong paper once, by its true group (unseen labels apart, as groupAccuracy counts them),
  // ties in the model's group order; "cross-listed" are the papers anyGroupAccuracy forgives.
  assert.deepEqual(
    details.groupConfusions!.map((g) => [g.trueGroup, g.predictedGroup, g.count, g.crossListed]),
    [
      ['cs', 'physics', 1, 1],
      ['physics', 'cs', 1, 0],
      ['(unseen)', 'cs', 1, 1],
    ],
  );
  close(details.groupConfusions!.reduce((t, g) => t + g.shareOfErrors, 0), 1);
});

test('worst-confusion examples: most confident first, capped per pair', async () => {
  // Three cs.LG papers all predicted cs.CL with .5, .75, .625 → examples in order .75, .625.
  const rows = { a: [0.5, 0.5, 0, 0], b: [0.75, 0.25, 0, 0], c: [0.625, 0.375, 0, 0] };
  const model = fixedModel('primary', LABELS, rows);
  const d = (await evaluate(model, [paper('a', ['cs.LG']), paper('b', ['cs.LG']), paper('c', ['cs.LG'])], { examplesPerConfusion: 2, latencySamples: 0 })).details;
  assert.equal(d.worstConfusions.length, 1);
  assert.deepEqual(d.worstConfusions[0]!.examples.map((e) => e.id), ['b', 'c']);
  assert.equal(d.worstConfusions[0]!.count, 3);
});

test('multi-label evaluation by hand', async () => {
  // Labels 0 cs.CL, 1 cs.LG, 2 stat.ML; threshold 0.5; an empty answer becomes the argmax.
  //   paper  truth      scores          predicted
  //   q0     {0, 1}     .9  .6  .1      {0, 1}
  //   q1     {1, 2}     .2  .4  .7      {2}
  //   q2     {2}        .3  .2  .1      {} → {0}
  const labels = ['cs.CL', 'cs.LG', 'stat.ML'];
  const model = fixedModel('multilabel', labels, { q0: [0.9, 0.6, 0.1], q1: [0.2, 0.4, 0.7], q2: [0.3, 0.2, 0.1] });
  const papers = [paper('q0', ['cs.CL', 'cs.LG']), paper('q1', ['cs.LG', 'stat.ML']), paper('q2', ['stat.ML'])];
  const { summary: s, details: d } = await evaluate(model, papers, { latencySamples: 0 });
  assert.equal(s.task, 'multilabel');
  if (s.task !== 'multilabel') return;
  // micro: tp 2 + 1 + 0 = 3 of 4 predicted, 5 true → P 3/4, R 3/5, F1 6/9.
  close(s.precision, 3 / 4);
  close(s.recall, 3 / 5);
  close(s.microF1, 2 / 3);
  // samples: q0 (1, 1, 1), q1 (1, 1/2, 2/3), q2 (0, 0, 0) → P 2/3, R 1/2, F1 5/9.
  close(s.samplesPrecision, 2 / 3);
  close(s.samplesRecall, 1 / 2);
  close(s.samplesF1, 5 / 9);
  // per label: 0 (P 1/2, R 1), 1 (1, 1/2), 2 (1, 1/2), each F1 2/3.
  close(s.macroPrecision, 5 / 6);
  close(s.macroRecall, 2 / 3);
  close(s.macroF1, 2 / 3);
  // Hamming: cells differing 0 + 1 + 2 of 9; subset accuracy: only q0.
  close(s.hammingLoss, 1 / 3);
  close(s.subsetAccuracy, 1 / 3);
  close(s.predictedCardinality, 4 / 3);
  close(s.trueCardinality, 5 / 3);
  // Rankings: q0 0,1,2; q1 2,1,0; q2 0,1,2.
  // P@1: q0 ✓, q1 ✓, q2 ✗ → 2/3; R@1: 1/2, 1/2, 0 → 1/3; NDCG@1 = P@1 here (one slot) → 2/3.
  close(s.precisionAt1, 2 / 3);
  close(s.recallAt1, 1 / 3);
  close(s.ndcgAt1, 2 / 3);
  // k = 3 = L: every true label is in the top 3 → P@3 = (2 + 2 + 1)/9, R@3 = 1.
  close(s.precisionAt3, 5 / 9);
  close(s.recallAt3, 1);
  close(s.recallAt5, 1);
  // NDCG@3: q0 = 1 (both relevant on top); q1: relevant at ranks 0, 1 → 1; q2: relevant at rank 2:
  // DCG 1/log2(4) = 1/2, ideal 1 → 1/2. Mean (1 + 1 + 1/2)/3 = 5/6.
  close(s.ndcgAt3, 5 / 6);
  // Primary hits: q0 top 0 = cs.CL ✓, q1 top 2 ≠ cs.LG, q2 top 0 ≠ stat.ML → 1/3.
  close(s.accuracy, 1 / 3);
  close(s.top5, 1);
  assert.equal(d.confusion, null);
  assert.equal(d.reliability, null);
  assert.deepEqual(
    d.classes.map((c) => [c.code, c.support, c.predicted, c.correct]),
    [
      ['cs.LG', 2, 1, 1],
      ['stat.ML', 2, 1, 1],
      ['cs.CL', 1, 2, 1],
    ],
  );
});

test('top-k and accuracy agree with the predictions and scikit-learn on one-hot and tied rows; unseen labels always miss', async () => {
  // An LLM's one-hot answers: many classes tie at 0.
  const rows: Record<string, number[]> = { u: [1, 0, 0, 0], h: [1, 0, 0, 0], t: [0.5, 0.5, 0, 0] };
  const m = fixedModel('primary', LABELS, rows);
  const e = (await evaluate(m, [paper('u', ['astro-ph.GA']), paper('h', ['hep-ph']), paper('t', ['cs.LG'])])).summary;
  assert.equal(e.task, 'primary');
  if (e.task !== 'primary') return;
  // u: the model never saw astro-ph.GA, so no k makes it a hit. h: sklearn's top_k_accuracy_score
  // (k=3, 4 classes) ranks hep-ph third (1 > 0, then hep-th by index). t: a top-3 hit, but argmax
  // breaks the tie to cs.CL, so accuracy, like the confusion matrix and micro-F1, says wrong.
  close(e.top3, 2 / 3, 1e-9, 'top3');
  close(e.top5, 2 / 3, 1e-9, 'top5');
  close(e.accuracy, 0, 1e-9, 'accuracy');
  close(e.top1, e.accuracy, 1e-9, 'top1');
  close(e.microF1, e.accuracy, 1e-9, 'microF1');
});

test('group accuracy with cross-lists counts the true class\'s own group ("other" too)', async () => {
  const labels = ['cs.CL', 'cs.LG', 'other'];
  const m = { ...fixedModel('primary', labels, { x: [0.1, 0.1, 0.8] }), scheme: { task: 'primary', labels, options: { task: 'primary', minCount: 2 }, fold: { 'hep-th': 'other' } } } as const satisfies Classifier;
  const e = (await evaluate(m, [paper('x', ['hep-th'])])).summary;
  if (e.task !== 'primary') throw new Error('primary expected');
  close(e.accuracy, 1, 1e-9, 'accuracy');
  close(e.groupAccuracy, 1, 1e-9, 'groupAccuracy');
  close(e.anyGroupAccuracy!, 1, 1e-9, 'anyGroupAccuracy');
});

test('multi-label "top label is the primary" misses when the scheme drops the primary, never scores a cross-list', async () => {
  const labels = ['cs.CL', 'cs.LG'];
  const m = { ...fixedModel('multilabel', labels, { x: [0.1, 0.9] }), scheme: { task: 'multilabel', labels, options: { task: 'multilabel', top: 2 } } } as const satisfies Classifier;
  const e = (await evaluate(m, [paper('x', ['hep-th', 'cs.LG'])])).summary;
  if (e.task !== 'multilabel') throw new Error('multilabel expected');
  close(e.accuracy, 0, 1e-9, 'accuracy');
  close(e.top5, 0, 1e-9, 'top5');
  close(e.microF1, 1, 1e-9, 'microF1');
});

test('an all-zero row is no answer: wrong in every metric, shown as its own predicted class, and no labels for multi-label', async () => {
  const m = fixedModel('primary', LABELS, { z: [0, 0, 0, 0], a: [0.75, 0.125, 0.0625, 0.0625] });
  // z's true label is the first class, which argmax of zeros (ties to the lowest index) would pick.
  const d = await evaluate(m, [paper('z', ['cs.CL']), paper('a', ['cs.CL'])]);
  const e = d.summary;
  if (e.task !== 'primary') throw new Error('primary expected');
  close(e.accuracy, 0.5, 1e-9, 'accuracy');
  close(e.top3, 0.5, 1e-9, 'top3');
  close(e.groupAccuracy, 0.5, 1e-9, 'groupAccuracy');
  close(e.inCategoryP1, 0.5, 1e-9, 'inCategoryP1');
  const noAnswer = d.details.classes.find((c) => c.code === '(no answer)');
  assert.equal(noAnswer?.predicted, 1);
  assert.ok(noAnswer, 'a "(no answer)" row');
  const ml = fixedModel('multilabel', LABELS, { z: [0, 0, 0, 0] });
  const me = (await evaluate(ml, [paper('z', ['cs.CL'])])).summary;
  if (me.task !== 'multilabel') throw new Error('multilabel expected');
  close(me.predictedCardinality, 0, 1e-9, 'nothing predicted');
  close(me.accuracy, 0, 1e-9, 'top label is the primary');
});
