import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  accuracy,
  argmaxRows,
  classificationReport,
  confusionMatrix,
  expectedCalibrationError,
  groupedAccuracy,
  topGroups,
  inCategoryP1,
  logLoss,
  multilabelMetrics,
  ndcgAtK,
  precisionAtK,
  precisionRecallF1,
  recallAtK,
  reliabilityBins,
  topConfusions,
  topKAccuracy,
  topKIndices,
} from '../../src/evaluation/metrics.js';

function close(actual: number, expected: number, tol = 1e-12, what = ''): void {
  assert.ok(Math.abs(actual - expected) <= tol, `${what} expected ${expected}, got ${actual}`);
}

function closeAll(actual: ArrayLike<number>, expected: readonly number[], tol = 1e-12, what = ''): void {
  assert.equal(actual.length, expected.length, `${what} length`);
  for (let i = 0; i < expected.length; i++) close(actual[i]!, expected[i]!, tol, `${what}[${i}]`);
}

const i32 = (v: number[]): Int32Array => Int32Array.from(v);
const f32 = (rows: number[][]): Float32Array => Float32Array.from(rows.flat());
const u8 = (rows: number[][]): Uint8Array => Uint8Array.from(rows.flat());

// Rows with ties, C = 4.
//   r0 = [0.1, 0.4, 0.4, 0.1]   classes 1 and 2 tie for first, 0 and 3 tie for third
//   r1 = [0.25 × 4]              all tied
//   r2 = [0.0, 0.1, 0.2, 0.7]    no ties
const tieProba = f32([
  [0.1, 0.4, 0.4, 0.1],
  [0.25, 0.25, 0.25, 0.25],
  [0.0, 0.1, 0.2, 0.7],
]);

test('argmaxRows and topKIndices break ties by the lower index', () => {
  // r0: argmax 1 (1 beats 2), r1: 0, r2: 3.
  assert.deepEqual([...argmaxRows(tieProba, 4)], [1, 0, 3]);
  // top-3, descending: r0 → 1, 2 (tie, lower first), 0 (ties 3, lower first); r1 → 0, 1, 2; r2 → 3, 2, 1.
  assert.deepEqual([...topKIndices(tieProba, 4, 3)], [1, 2, 0, 0, 1, 2, 3, 2, 1]);
  assert.deepEqual([...topKIndices(tieProba, 4, 1)], [1, 0, 3]);
  assert.deepEqual([...topKIndices(tieProba, 4, 4)], [1, 2, 0, 3, 0, 1, 2, 3, 3, 2, 1, 0]);
  assert.throws(() => topKIndices(tieProba, 4, 5), RangeError);
});

test('topKAccuracy follows sklearn: among ties the higher class index ranks first', () => {
  const yTrue = i32([2, 0, 1]);
  // rank(y) = #{j: p_j > p_y} + #{j > y: p_j = p_y}; hit when rank < k.
  //   r0, y=2 (0.4): greater none; equal with j>2: none        → rank 0
  //   r1, y=0 (0.25): greater none; equal with j>0: 1, 2, 3     → rank 3
  //   r2, y=1 (0.1): greater 0.2, 0.7; equal with j>1: none     → rank 2
  // k=1: r0 → 1/3; k=2: r0 → 1/3; k=3: r0, r2 → 2/3; k=4: all → 1.
  close(topKAccuracy(yTrue, tieProba, 4, 1), 1 / 3);
  close(topKAccuracy(yTrue, tieProba, 4, 2), 1 / 3);
  close(topKAccuracy(yTrue, tieProba, 4, 3), 2 / 3);
  close(topKAccuracy(yTrue, tieProba, 4, 4), 1);
  close(topKAccuracy(yTrue, tieProba, 4, 9), 1);
  // Plain accuracy of the argmax (lower index wins ties): preds [1, 0, 3] vs [2, 0, 1] → only r1 hits.
  // Same 1/3 as top-1 above, but from a different sample: the tie rule matters.
  close(accuracy(yTrue, argmaxRows(tieProba, 4)), 1 / 3);
});

test('topKAccuracy without ties', () => {
  // sklearn docs example: y = [0, 1, 2, 2]; top-2 sets {0,1}, {1,0}, {1,2}, {0,1} → 3 of 4.
  const proba = f32([
    [0.5, 0.2, 0.2],
    [0.3, 0.4, 0.2],
    [0.2, 0.4, 0.3],
    [0.7, 0.2, 0.1],
  ]);
  close(topKAccuracy(i32([0, 1, 2, 2]), proba, 3, 2), 0.75);
});

test('accuracy and confusionMatrix', () => {
  const yTrue = i32([0, 0, 1, 2, 2, 2]);
  const yPred = i32([0, 1, 1, 2, 0, 2]);
  // Hits at 0, 2, 3, 5 → 4/6.
  close(accuracy(yTrue, yPred), 4 / 6);
  // Rows = true: t0 → p0, p1; t1 → p1; t2 → p2, p0, p2.
  assert.deepEqual([...confusionMatrix(yTrue, yPred, 3)], [1, 1, 0, 0, 1, 0, 1, 0, 2]);
  assert.throws(() => confusionMatrix(yTrue, i32([0, 1, 1, 2, 0, 3]), 3), RangeError);
  assert.equal(accuracy(new Int32Array(0), new Int32Array(0)), 0);
});

test('precisionRecallF1: prediction-only classes count in macro, absent classes do not', () => {
  // C = 5; class 3 appears only in predictions, class 4 nowhere.
  const yTrue = i32([0, 0, 0, 1, 1, 2]);
  const yPred = i32([0, 0, 1, 1, 3, 2]);
  // class  true pred tp   P      R     F1 = 2tp/(true+pred)
  //   0     3    2    2   1      2/3   4/5
  //   1     2    2    1   1/2    1/2   1/2
  //   2     1    1    1   1      1     1
  //   3     0    1    0   0      0(0/0) 0
  //   4     0    0    0   — excluded (sklearn labels = yTrue ∪ yPred) —
  const s = precisionRecallF1(yTrue, yPred, 5);
  assert.deepEqual([...s.presentClasses], [0, 1, 2, 3]);
  closeAll(s.perClass.precision, [1, 0.5, 1, 0, 0], 1e-12, 'P');
  closeAll(s.perClass.recall, [2 / 3, 0.5, 1, 0, 0], 1e-12, 'R');
  closeAll(s.perClass.f1, [0.8, 0.5, 1, 0, 0], 1e-12, 'F1');
  assert.deepEqual([...s.perClass.support], [3, 2, 1, 0, 0]);
  // macro over 4 classes: P = (1 + .5 + 1 + 0)/4 = .625; R = (2/3 + 1/2 + 1 + 0)/4 = 13/24;
  // F1 = (.8 + .5 + 1 + 0)/4 = .575 (it would be 2.3/3 if class 3 were left out).
  close(s.macro.precision, 0.625);
  close(s.macro.recall, 13 / 24);
  close(s.macro.f1, 0.575);
  // micro: tp = 4 of 6 predictions and 6 truths → 2/3 for all three (= accuracy).
  close(s.micro.precision, 2 / 3);
  close(s.micro.recall, 2 / 3);
  close(s.micro.f1, 2 / 3);
  // weighted by support 3, 2, 1, 0 over 6:
  //   P = (3·1 + 2·.5 + 1·1)/6 = 5/6; R = (3·2/3 + 2·.5 + 1)/6 = 2/3; F1 = (3·.8 + 2·.5 + 1)/6 = 11/15.
  close(s.weighted.precision, 5 / 6);
  close(s.weighted.recall, 2 / 3);
  close(s.weighted.f1, 11 / 15);
});

test('precisionRecallF1: zero division gives 0 for a never-predicted class', () => {
  // yTrue = [0, 1], yPred = [0, 0].
  //   class 0: true 1, pred 2, tp 1 → P = 1/2, R = 1, F1 = 2/3
  //   class 1: true 1, pred 0, tp 0 → P = 0/0 → 0, R = 0, F1 = 0
  // macro = (1/4, 1/2, 1/3); weighted (supports 1, 1) = same; micro = 1/2.
  const s = precisionRecallF1(i32([0, 1]), i32([0, 0]), 2);
  closeAll(s.perClass.precision, [0.5, 0]);
  closeAll(s.perClass.f1, [2 / 3, 0]);
  close(s.macro.precision, 0.25);
  close(s.macro.recall, 0.5);
  close(s.macro.f1, 1 / 3);
  close(s.weighted.precision, 0.25);
  close(s.weighted.f1, 1 / 3);
  close(s.micro.f1, 0.5);
  // Empty input: everything 0, nothing present.
  const e = precisionRecallF1(new Int32Array(0), new Int32Array(0), 3);
  assert.equal(e.presentClasses.length, 0);
  assert.deepEqual([e.macro.f1, e.micro.f1, e.weighted.f1], [0, 0, 0]);
});

test('classificationReport has sklearn classification_report layout', () => {
  // The example from sklearn's classification_report documentation.
  // class 0: P 1/2 R 1 F 2/3; class 1: 0 0 0; class 2: P 1 R 2/3 F 4/5; acc 3/5;
  // macro (.50, .56, .49); weighted (.70, .60, .61).
  const report = classificationReport(i32([0, 1, 2, 2, 2]), i32([0, 0, 2, 2, 1]), 3, ['class 0', 'class 1', 'class 2']);
  const expected = [
    '              precision    recall  f1-score   support',
    '',
    '     class 0       0.50      1.00      0.67         1',
    '     class 1       0.00      0.00      0.00         1',
    '     class 2       1.00      0.67      0.80         3',
    '',
    '    accuracy                           0.60         5',
    '   macro avg       0.50      0.56      0.49         5',
    'weighted avg       0.70      0.60      0.61         5',
    '',
  ].join('\n');
  assert.equal(report, expected);
  assert.throws(() => classificationReport(i32([0]), i32([0]), 3, ['a']), RangeError);
});

test('expectedCalibrationError and reliabilityBins on 4 samples', () => {
  // C = 2, bins = 4 → edges 0, .25, .5, .75, 1 (exact in binary); bin b = (edges[b], edges[b+1]].
  //   s0 [.875, .125] y=0: conf .875, pred 0, correct → bin 3
  //   s1 [.25, .75]   y=0: conf .75,  pred 1, wrong   → bin 2 (.75 is the upper edge, inclusive)
  //   s2 [.625, .375] y=0: conf .625, pred 0, correct → bin 2
  //   s3 [.5, .5]     y=1: conf .5,   pred 0 (tie),   wrong → bin 1
  // bin 1: n 1, conf .5,     acc 0  → |0 − .5|     · 1/4 = .125
  // bin 2: n 2, conf .6875,  acc .5 → |.5 − .6875| · 2/4 = .09375
  // bin 3: n 1, conf .875,   acc 1  → |1 − .875|   · 1/4 = .03125
  // ECE = .25
  const proba = f32([
    [0.875, 0.125],
    [0.25, 0.75],
    [0.625, 0.375],
    [0.5, 0.5],
  ]);
  const yTrue = i32([0, 0, 0, 1]);
  const r = reliabilityBins(yTrue, proba, 2, 4);
  closeAll(r.edges, [0, 0.25, 0.5, 0.75, 1]);
  assert.deepEqual([...r.count], [0, 1, 2, 1]);
  closeAll(r.meanConfidence, [0, 0.5, 0.6875, 0.875]);
  closeAll(r.accuracy, [0, 0, 0.5, 1]);
  close(expectedCalibrationError(yTrue, proba, 2, 4), 0.25);
  // Default 15 bins: .875 → bin 13, .75 → 11, .625 → 9, .5 → 7; every sample alone:
  // ECE = (|1 − .875| + |0 − .75| + |1 − .625| + |0 − .5|)/4 = 1.75/4 = .4375.
  close(expectedCalibrationError(yTrue, proba, 2), 0.4375);
  const r15 = reliabilityBins(yTrue, proba, 2);
  assert.equal(r15.count.length, 15);
  assert.deepEqual([7, 9, 11, 13].map((b) => r15.count[b]), [1, 1, 1, 1]);
  assert.equal(expectedCalibrationError(new Int32Array(0), new Float32Array(0), 2), 0);
});

test('groupedAccuracy sums probabilities per group rather than mapping the argmax', () => {
  // classes 0, 1 → group 0; classes 2, 3 → group 1.
  //   s0 [.4, 0, .3, .3]  y=2 (g1): sums g0 .4, g1 .6 → g1 ✓; argmax class 0 → g0 ✗
  //   s1 [.1, .2, .6, .1] y=1 (g0): sums g0 .3, g1 .7 → g1 ✗; argmax 2 → g1 ✗
  //   s2 [.5, .1, .2, .2] y=3 (g1): sums g0 .6, g1 .4 → g0 ✗; argmax 0 → g0 ✗
  //   s3 [.7, .1, .1, .1] y=1 (g0): sums g0 .8        → g0 ✓; argmax 0 → g0 ✓
  // summed: 2/4 = .5; mapped argmax: 1/4.
  const proba = f32([
    [0.4, 0, 0.3, 0.3],
    [0.1, 0.2, 0.6, 0.1],
    [0.5, 0.1, 0.2, 0.2],
    [0.7, 0.1, 0.1, 0.1],
  ]);
  const yTrue = i32([2, 1, 3, 1]);
  const classToGroup = i32([0, 0, 1, 1]);
  close(groupedAccuracy(yTrue, proba, 4, classToGroup, 2), 0.5);
  const mapped = argmaxRows(proba, 4).map((c) => classToGroup[c]!);
  const trueGroups = yTrue.map((c) => classToGroup[c]!);
  close(accuracy(trueGroups, mapped), 0.25);
  assert.throws(() => groupedAccuracy(yTrue, proba, 4, i32([0, 0, 1, 2]), 2), RangeError);
  // The groups it compares: per sample, the largest summed group.
  assert.deepEqual(Array.from(topGroups(proba, 4, classToGroup, 2)), [1, 1, 0, 0]);
  // A tie goes to the lower group.
  assert.deepEqual(Array.from(topGroups(f32([[0.25, 0.25, 0.25, 0.25]]), 4, classToGroup, 2)), [0]);
});

test('inCategoryP1 uses CSR true-category sets', () => {
  // s0 top 2 ∈ {1, 2} ✓; s1 top 0 ∉ {1} ✗; s2 top 1 ∉ {} ✗; s3 top 3 ∈ {3, 0} ✓ → 2/4.
  const offsets = i32([0, 2, 3, 3, 5]);
  const indices = i32([1, 2, 1, 3, 0]);
  close(inCategoryP1(i32([2, 0, 1, 3]), offsets, indices), 0.5);
  assert.throws(() => inCategoryP1(i32([2, 0]), offsets, indices), RangeError);
});

test('logLoss clips at 1e-15 by default', () => {
  // p(true) = .75, 0 (clipped to 1e-15), .5 → (−ln .75 − ln 1e-15 + ln 2)/3.
  const proba = f32([
    [0.25, 0.75],
    [1, 0],
    [0.5, 0.5],
  ]);
  const yTrue = i32([1, 1, 0]);
  close(logLoss(yTrue, proba, 2), (-Math.log(0.75) - Math.log(1e-15) + Math.LN2) / 3, 1e-12);
  // With eps = 2^-23 (sklearn ≥ 1.2 on float32 input) the zero is clipped to 2^-23 instead.
  close(logLoss(yTrue, proba, 2, 2 ** -23), (-Math.log(0.75) + 23 * Math.LN2 + Math.LN2) / 3, 1e-12);
  // sklearn docs: log_loss(["spam","ham","ham","spam"], [[.1,.9],[.9,.1],[.8,.2],[.35,.65]]) = 0.21616…
  // p(true) = .9, .9, .8, .65 → −(2 ln .9 + ln .8 + ln .65)/4. (float32 inputs: tolerance 1e-7.)
  const docs = logLoss(i32([1, 0, 0, 1]), f32([[0.1, 0.9], [0.9, 0.1], [0.8, 0.2], [0.35, 0.65]]), 2);
  close(docs, -(2 * Math.log(0.9) + Math.log(0.8) + Math.log(0.65)) / 4, 1e-7);
  close(docs, 0.21616, 1e-5);
});

test('multilabelMetrics including empty-truth and empty-prediction samples', () => {
  // n = 5, L = 4; label 3 is never true nor predicted.
  //           truth        pred        |T| |P| |T∩P|  P     R    F1 = 2|T∩P|/(|T|+|P|)
  //   s0   [1,0,1,0]    [1,0,0,0]      2   1    1     1     1/2  2/3
  //   s1   [0,1,0,0]    [0,1,1,0]      1   2    1     1/2   1    2/3
  //   s2   [0,0,0,0]    [0,0,0,0]      0   0    0     0     0    0   (0/0 → 0 under zero_division=0)
  //   s3   [1,1,0,0]    [0,0,0,0]      2   0    0     0     0    0
  //   s4   [0,0,0,0]    [0,0,1,0]      0   1    0     0     0    0
  // samples: P = 1.5/5 = .3, R = 1.5/5 = .3, F1 = (4/3)/5 = 4/15.
  const truth = u8([
    [1, 0, 1, 0],
    [0, 1, 0, 0],
    [0, 0, 0, 0],
    [1, 1, 0, 0],
    [0, 0, 0, 0],
  ]);
  const pred = u8([
    [1, 0, 0, 0],
    [0, 1, 1, 0],
    [0, 0, 0, 0],
    [0, 0, 0, 0],
    [0, 0, 1, 0],
  ]);
  const m = multilabelMetrics(truth, pred, 5, 4);
  close(m.samples.precision, 0.3);
  close(m.samples.recall, 0.3);
  close(m.samples.f1, 4 / 15);
  // per label:  true pred tp   P   R    F1
  //   0          2    1    1   1   1/2  2/3
  //   1          2    1    1   1   1/2  2/3
  //   2          1    2    0   0   0    0
  //   3          0    0    0   0   0    0
  closeAll(m.perLabel.precision, [1, 1, 0, 0]);
  closeAll(m.perLabel.recall, [0.5, 0.5, 0, 0]);
  closeAll(m.perLabel.f1, [2 / 3, 2 / 3, 0, 0]);
  assert.deepEqual([...m.perLabel.support], [2, 2, 1, 0]);
  // macro over all 4 labels (label 3 counts): P = 2/4, R = 1/4, F1 = (4/3)/4 = 1/3.
  close(m.macro.precision, 0.5);
  close(m.macro.recall, 0.25);
  close(m.macro.f1, 1 / 3);
  // micro: tp 2, pred 4, true 5 → P = .5, R = .4, F1 = 4/9.
  close(m.micro.precision, 0.5);
  close(m.micro.recall, 0.4);
  close(m.micro.f1, 4 / 9);
  // Hamming: differing cells 1 + 1 + 0 + 2 + 1 = 5 of 20 → .25. Subset accuracy: only s2 → 1/5.
  close(m.hammingLoss, 0.25);
  close(m.subsetAccuracy, 0.2);
  // Cardinality: pred (1+2+0+0+1)/5 = .8; truth (2+1+0+2+0)/5 = 1.
  close(m.predictedCardinality, 0.8);
  close(m.trueCardinality, 1);
  assert.throws(() => multilabelMetrics(truth, pred, 5, 3), RangeError);
  assert.throws(() => multilabelMetrics(u8([[2, 0]]), u8([[0, 0]]), 1, 2), RangeError);
});

test('precisionAtK, recallAtK and ndcgAtK', () => {
  // n = 4, L = 4.
  //   s0 truth [1,0,1,0] scores [.9,.8,.1,.3]   ranking 0, 1, 3, 2
  //   s1 truth [0,0,0,1] scores [.5,.5,.5,.5]   one tie group
  //   s2 truth [0,0,0,0] scores [.2,.1,.4,.3]   no true labels
  //   s3 truth [0,1,0,1] scores [.9,.5,.5,.5]   0, then a tie group {1,2,3} straddling k = 2
  const truth = u8([
    [1, 0, 1, 0],
    [0, 0, 0, 1],
    [0, 0, 0, 0],
    [0, 1, 0, 1],
  ]);
  const scores = f32([
    [0.9, 0.8, 0.1, 0.3],
    [0.5, 0.5, 0.5, 0.5],
    [0.2, 0.1, 0.4, 0.3],
    [0.9, 0.5, 0.5, 0.5],
  ]);
  // P@k / R@k take the top k with ties → lower index.
  // k = 2: tops s0 {0,1} 1 hit; s1 {0,1} 0; s2 0; s3 {0,1} 1 hit.
  //   P@2 = (1/2 + 0 + 0 + 1/2)/4 = .25; R@2 = (1/2 + 0/1 + 0 + 1/2)/4 = .25
  // k = 3: s0 {0,1,3} 1 hit; s1 {0,1,2} 0; s3 {0,1,2} 1 hit.
  //   P@3 = (1/3 + 1/3)/4 = 1/6; R@3 = (1/2 + 1/2)/4 = .25
  close(precisionAtK(truth, scores, 4, 4, 2), 0.25);
  close(recallAtK(truth, scores, 4, 4, 2), 0.25);
  close(precisionAtK(truth, scores, 4, 4, 3), 1 / 6);
  close(recallAtK(truth, scores, 4, 4, 3), 0.25);

  // NDCG@2 (sklearn ndcg_score, ties averaged). d1 = 1/log2(3) is the rank-1 discount.
  //   s0: DCG = 1 (rank 0 relevant); ideal = 1 + d1 (2 true) → 1/(1 + d1)
  //   s1: one group of 4, mean gain 1/4, ranks 0..3 of which 0, 1 are inside k:
  //       DCG = (1/4)(1 + d1); ideal = 1 (1 true) → (1 + d1)/4
  //   s2: no true labels → 0 (still counted)
  //   s3: rank 0 gain 0; group {1,2,3} mean gain 2/3 over ranks 1..3, only rank 1 inside k:
  //       DCG = (2/3)·d1; ideal = 1 + d1 → (2/3)·d1/(1 + d1)
  const d1 = 1 / Math.log2(3);
  const expected = (1 / (1 + d1) + (1 + d1) / 4 + 0 + ((2 / 3) * d1) / (1 + d1)) / 4;
  close(ndcgAtK(truth, scores, 4, 4, 2), expected);
  close(expected, 0.319695375662, 1e-12); // (0.613147 + 0.407732 + 0 + 0.257903)/4
  // k beyond L uses all L ranks. s0 alone: ranks 0 and 3 relevant:
  //   DCG = 1 + 1/log2(5); ideal = 1 + 1/log2(3).
  const s0t = truth.subarray(0, 4);
  const s0s = scores.subarray(0, 4);
  close(ndcgAtK(s0t, s0s, 1, 4, 10), (1 + 1 / Math.log2(5)) / (1 + d1));
  // A perfect ranking scores 1.
  close(ndcgAtK(s0t, f32([[1, 0, 1, 0]]), 1, 4, 2), 1);
  assert.throws(() => ndcgAtK(truth, scores, 4, 4, 0), RangeError);
});

test('topKAccuracy at k = 1, 3, 5, 10 over 12 classes', () => {
  // Every row scores class j with (12 − j)/78, so class y sits at rank y (0-based), no ties.
  // yTrue = [0, 2, 4, 9, 11] → ranks 0, 2, 4, 9, 11; a hit at k when rank < k:
  //   k=1: {0} → 1/5; k=3: {0, 2} → 2/5; k=5: {0, 2, 4} → 3/5; k=10: {0, 2, 4, 9} → 4/5; k=12: 5/5.
  const row = Array.from({ length: 12 }, (_, j) => (12 - j) / 78);
  const proba = f32([row, row, row, row, row]);
  const yTrue = i32([0, 2, 4, 9, 11]);
  close(topKAccuracy(yTrue, proba, 12, 1), 1 / 5);
  close(topKAccuracy(yTrue, proba, 12, 3), 2 / 5);
  close(topKAccuracy(yTrue, proba, 12, 5), 3 / 5);
  close(topKAccuracy(yTrue, proba, 12, 10), 4 / 5);
  close(topKAccuracy(yTrue, proba, 12, 12), 1);
  // Top-1 agrees with accuracy of the argmax when there are no ties: argmax is class 0 everywhere.
  close(accuracy(yTrue, argmaxRows(proba, 12)), 1 / 5);
});

test('topConfusions: off-diagonal cells, largest first, ties by true then predicted class', () => {
  // C = 3, rows = true:
  //   [5, 2, 0]
  //   [3, 4, 2]
  //   [0, 2, 1]
  // off-diagonal non-zero: (1→0) 3, (0→1) 2, (1→2) 2, (2→1) 2; the diagonal (5, 4, 1) never appears.
  const cm = i32([5, 2, 0, 3, 4, 2, 0, 2, 1]);
  assert.deepEqual(
    topConfusions(cm, 3, 10).map((c) => [c.trueClass, c.predictedClass, c.count]),
    [
      [1, 0, 3],
      [0, 1, 2],
      [1, 2, 2],
      [2, 1, 2],
    ],
  );
  assert.equal(topConfusions(cm, 3, 2).length, 2);
  assert.deepEqual(topConfusions(i32([1, 0, 0, 1]), 2, 5), []);
  assert.throws(() => topConfusions(cm, 2, 1), RangeError);
});
