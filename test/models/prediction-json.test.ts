import { test } from 'node:test';
import assert from 'node:assert/strict';
import { predictionLine } from '../../src/models/prediction-json.js';
import { describeLabel, labelPrediction } from '../../src/models/labels-info.js';
import { PredictionBuilder } from '../../src/models/prediction.js';
import type { Prediction } from '../../src/models/model.js';

/** What the line must be: plain JSON of these fields, undefined ones left out. */
const reference = (id: string | undefined, p: Prediction) =>
  JSON.stringify({ id, labels: p.labels, group: p.groups[0]?.code, ...(p.unparsed !== undefined ? { unparsed: p.unparsed } : {}) });

test('batch output lines are exactly the JSON of id, labels, top group and unparsed answer', () => {
  const probabilities = [0.5, 1, 0, -0, 1e-7, 0.1 + 0.2, 1 / 3, 5e-324, 0.999999999];
  const codes = ['cs.CV', 'hep-th', 'math.NT', 'other', 'physics', 'cond-mat', 'not-a-category'];
  for (const task of ['primary', 'group', 'multilabel'] as const) {
    for (let i = 0; i < 40; i++) {
      const labels = codes.slice(0, 1 + (i % codes.length)).map((c, j) => labelPrediction(describeLabel(c, task), probabilities[(i + j) % probabilities.length]!));
      const p: Prediction = { labels, groups: i % 4 === 0 ? [] : [{ code: labels[0]!.group, name: labels[0]!.groupName, probability: 0.9 }] };
      if (i % 5 === 0) p.unparsed = 'the model said "cs.CV"\n(probably)';
      if (i % 7 === 0) labels[0]!.reasons = [{ term: 'im"age', weight: 0.25 }];
      const id = i % 3 === 0 ? undefined : `2401.${String(i).padStart(5, '0')}`;
      assert.equal(predictionLine(id, p), reference(id, p), `task ${task}, case ${i}`);
    }
  }
});

test('a label whose name or group differs from the one first seen for its code is written as it is', () => {
  const base = { code: 'x.Y', name: 'First "name"', group: 'g', groupName: 'G' };
  const a = labelPrediction(base, 0.5);
  const b = labelPrediction({ ...base, name: 'Other name \u2028' }, 0.25);
  const c = labelPrediction({ ...base, group: 'h' }, 0.25);
  const d = labelPrediction({ ...base, groupName: 'H' }, 0.25);
  for (const l of [a, b, a, c, a, d, a]) {
    const p: Prediction = { labels: [l], groups: [] };
    assert.equal(predictionLine('id\\"', p), reference('id\\"', p));
  }
});

test('predictions from the shared builder serialise the same way', () => {
  const b = new PredictionBuilder(['cs.CV', 'hep-th', 'math.NT'], 'primary');
  const rows = new Float32Array([0.2, 0.7, 0.1, 0.6, 0.3, 0.1]);
  for (const p of b.fromMatrix(rows, 2, { k: 2 })) assert.equal(predictionLine('1', p), reference('1', p));
});
