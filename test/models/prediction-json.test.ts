import { test } from 'node:test';
import assert from 'node:assert/strict';
import { predictionLine, predictionRecord } from '../../src/models/prediction-json.js';
import { describeLabel, labelPrediction } from '../../src/models/labels-info.js';
import { PredictionBuilder } from '../../src/models/prediction.js';
import type { Prediction } from '../../src/models/model.js';

/** The line must be the JSON of the record, byte for byte, and read back as the record does. */
function assertSame(id: string | undefined, p: Prediction, row: number | undefined, what: string): void {
  const line = predictionLine(id, p, row);
  const record = predictionRecord(p, id, row);
  assert.equal(line, JSON.stringify(record), what);
  assert.deepEqual(JSON.parse(line), JSON.parse(JSON.stringify(record)), what);
}

test('batch output lines are exactly the JSON of the prediction record: id or row, labels, groups, archive, unparsed, uncertain', () => {
  const probabilities = [0.5, 1, 0, -0, 1e-7, 0.1 + 0.2, 1 / 3, 5e-324, 0.999999999, NaN, Infinity];
  const codes = ['cs.CV', 'hep-th', 'math.NT', 'other', 'physics', 'cond-mat', 'not-a-category'];
  for (const task of ['primary', 'group', 'multilabel'] as const) {
    for (let i = 0; i < 60; i++) {
      const labels = codes.slice(i % 3, 1 + (i % codes.length)).map((c, j) => labelPrediction(describeLabel(c, task), probabilities[(i + j) % probabilities.length]!));
      const groups = i % 4 === 0 ? [] : labels.map((l, j) => ({ code: l.group, name: l.groupName, probability: probabilities[(i + 2 * j) % probabilities.length]! }));
      const p: Prediction = { labels, groups };
      if (i % 5 === 0) p.unparsed = 'the model said "cs.CV"\n(probably)';
      if (i % 7 === 0 && labels[0]) labels[0].reasons = [{ term: 'im"age', weight: 0.25 }];
      if (i % 6 === 1) p.uncertain = { reason: 'Few of these words are known to the model.', knownWords: i % 12 === 1 ? NaN : 0.25 };
      const id = i % 3 === 0 ? undefined : `2401.${String(i).padStart(5, '0')}`;
      const row = i % 2 === 0 ? i + 2 : undefined;
      assertSame(id, p, row, `task ${task}, case ${i}`);
    }
  }
});

test('the record has id, or row when there is no id, then labels, groups, archive, unparsed and uncertain', () => {
  const label = labelPrediction(describeLabel('cs.CV', 'primary'), 0.75);
  const p: Prediction = { labels: [label], groups: [{ code: 'cs', name: 'Computer Science', probability: 0.9 }], uncertain: { reason: 'r', knownWords: 0.1 } };
  assert.deepEqual(Object.keys(predictionRecord(p, 'x', 3)), ['id', 'labels', 'groups', 'archive', 'uncertain']);
  assert.deepEqual(Object.keys(predictionRecord(p, undefined, 3)), ['row', 'labels', 'groups', 'archive', 'uncertain']);
  assert.deepEqual(Object.keys(predictionRecord(p)), ['labels', 'groups', 'archive', 'uncertain']);
  assert.deepEqual(predictionRecord(p).archive, { code: 'cs', name: 'Computer Science' });
  assert.deepEqual(JSON.parse(predictionLine(undefined, { labels: [], groups: [], unparsed: 'no idea' }, 7)), { row: 7, labels: [], groups: [], unparsed: 'no idea' });
});

test('a label or group whose name differs from the one first seen for its code is written as it is', () => {
  const base = { code: 'x.Y', name: 'First "name"', group: 'g', groupName: 'G' };
  const a = labelPrediction(base, 0.5);
  const b = labelPrediction({ ...base, name: 'Other name \u2028' }, 0.25);
  const c = labelPrediction({ ...base, group: 'h' }, 0.25);
  const d = labelPrediction({ ...base, groupName: 'H' }, 0.25);
  for (const l of [a, b, a, c, a, d, a]) {
    const p: Prediction = { labels: [l], groups: [{ code: 'g', name: l.groupName, probability: 0.5 }] };
    assertSame('id\\"', p, undefined, l.name);
  }
});

test('predictions from the shared builder serialise the same way', () => {
  const b = new PredictionBuilder(['cs.CV', 'hep-th', 'math.NT'], 'primary');
  const rows = new Float32Array([0.2, 0.7, 0.1, 0.6, 0.3, 0.1]);
  for (const p of b.fromMatrix(rows, 2, { k: 2 })) {
    assertSame('1', p, undefined, 'with id');
    assertSame(undefined, p, 5, 'with row');
  }
});
