import { test } from 'node:test';
import assert from 'node:assert/strict';
import { recentPriorShift } from '../../src/models/linear/prior-shift.js';

/** `n` papers of month `m` with class `c`. */
function papers(spec: [month: number | undefined, cls: number, n: number][]): { months: (number | undefined)[]; labels: number[] } {
  const months: (number | undefined)[] = [];
  const labels: number[] = [];
  for (const [m, c, n] of spec) {
    for (let i = 0; i < n; i++) {
      months.push(m);
      labels.push(c);
    }
  }
  return { months, labels };
}

test('the shift moves each class logit by strength × the log ratio of recent to overall prior', () => {
  // Old months: classes 0 and 1 equally common; the last 3 months: class 1 three times as common.
  const { months, labels } = papers([
    [202301, 0, 1000],
    [202301, 1, 1000],
    [202310, 0, 300],
    [202312, 1, 900],
  ]);
  const r = recentPriorShift(months, labels, 2, { months: 3, strength: 0.5 });
  assert.ok('shift' in r, JSON.stringify(r));
  assert.equal(r.papers, 1200);
  assert.equal(r.from, 202310);
  assert.equal(r.to, 202312);
  const recent = [(300 + 1) / (1200 + 2), (900 + 1) / (1200 + 2)];
  const all = [(1300 + 1) / (3200 + 2), (1900 + 1) / (3200 + 2)];
  for (let c = 0; c < 2; c++) assert.ok(Math.abs(r.shift[c]! - 0.5 * Math.log(recent[c]! / all[c]!)) < 1e-6, `class ${c}: ${r.shift[c]}`);
  assert.ok(r.shift[1]! > 0 && r.shift[0]! < 0);
  const full = recentPriorShift(months, labels, 2, { months: 3, strength: 1 });
  assert.ok('shift' in full);
  assert.ok(Math.abs(full.shift[1]! - 2 * r.shift[1]!) < 1e-6);
});

test('the window counts calendar months back across a year boundary; undated papers stay out of it', () => {
  const { months, labels } = papers([
    [202311, 0, 500],
    [202312, 0, 600],
    [202401, 1, 300],
    [202402, 1, 300],
    [undefined, 1, 5000],
  ]);
  const r = recentPriorShift(months, labels, 2, { months: 3, strength: 0.5 });
  assert.ok('shift' in r, JSON.stringify(r));
  assert.equal(r.from, 202312);
  assert.equal(r.to, 202402);
  assert.equal(r.papers, 1200);
  // Undated papers count in the overall prior (mostly class 1), so class 0 gains in the window.
  assert.ok(r.shift[0]! > 0);
});

test('no shift when turned off, when nothing is dated, or when the window is too small to trust', () => {
  const dated = papers([
    [202301, 0, 2000],
    [202312, 1, 1500],
  ]);
  assert.deepEqual(recentPriorShift(dated.months, dated.labels, 2, { months: 0, strength: 0.5 }), { skipped: 'turned off' });
  assert.deepEqual(recentPriorShift(dated.months, dated.labels, 2, { months: 3, strength: 0 }), { skipped: 'turned off' });
  const undated = papers([[undefined, 0, 3000]]);
  const u = recentPriorShift(undated.months, undated.labels, 2, { months: 3, strength: 0.5 });
  assert.ok('skipped' in u && /no training paper has a date/.test(u.skipped));
  const thin = papers([
    [202301, 0, 5000],
    [202312, 1, 999],
  ]);
  const t = recentPriorShift(thin.months, thin.labels, 2, { months: 3, strength: 0.5 });
  assert.ok('skipped' in t && /only 999 papers in the last 3 months \(needs 1000\)/.test(t.skipped), JSON.stringify(t));
  // Ten papers a class at least: 200 classes need 2000.
  const many = recentPriorShift(dated.months, dated.labels, 200, { months: 3, strength: 0.5 });
  assert.ok('skipped' in many && /needs 2000/.test(many.skipped));
});

test('a window covering every paper shifts nothing', () => {
  const { months, labels } = papers([
    [202312, 0, 700],
    [202312, 1, 500],
  ]);
  const r = recentPriorShift(months, labels, 2, { months: 3, strength: 1 });
  assert.ok('shift' in r);
  assert.deepEqual(Array.from(r.shift), [0, 0]);
});
