import { test } from 'node:test';
import assert from 'node:assert/strict';
import { measureLatency, percentile, summarizeLatency } from '../../src/evaluation/latency.js';

test('percentile matches numpy.percentile (linear interpolation)', () => {
  // Sorted [1, 2, 4, 8, 16], n = 5: position q/100 · 4.
  //   q=50 → pos 2 → 4;  q=90 → pos 3.6 → 8 + .6·(16 − 8) = 12.8;  q=25 → pos 1 → 2;
  //   q=10 → pos .4 → 1 + .4·1 = 1.4;  q=0 → 1;  q=100 → 16.
  const v = [16, 4, 1, 8, 2];
  assert.equal(percentile(v, 50), 4);
  assert.ok(Math.abs(percentile(v, 90) - 12.8) < 1e-12);
  assert.equal(percentile(v, 25), 2);
  assert.ok(Math.abs(percentile(v, 10) - 1.4) < 1e-12);
  assert.equal(percentile(v, 0), 1);
  assert.equal(percentile(v, 100), 16);
  // Even count: median of [1, 2, 3, 4] is pos 1.5 → 2.5; one value is every percentile of itself.
  assert.equal(percentile([4, 3, 2, 1], 50), 2.5);
  assert.equal(percentile([7], 99), 7);
  assert.equal(percentile([], 50), 0);
  assert.throws(() => percentile(v, 101), RangeError);
});

test('summarizeLatency and measureLatency', () => {
  // [1, 2, 3, 4, 10]: mean 4, p50 3, p90 pos 3.6 → 4 + .6·6 = 7.6, p99 pos 3.96 → 4 + .96·6 = 9.76, max 10.
  const s = summarizeLatency([3, 1, 10, 2, 4]);
  assert.equal(s.calls, 5);
  assert.equal(s.meanMs, 4);
  assert.equal(s.p50Ms, 3);
  assert.ok(Math.abs(s.p90Ms - 7.6) < 1e-12);
  assert.ok(Math.abs(s.p99Ms - 9.76) < 1e-12);
  assert.equal(s.maxMs, 10);
  const seen: number[] = [];
  const m = measureLatency(4, (i) => seen.push(i));
  assert.deepEqual(seen, [0, 1, 2, 3]);
  assert.equal(m.calls, 4);
  assert.ok(m.maxMs >= m.p50Ms && m.p50Ms >= 0);
  assert.equal(summarizeLatency([]).meanMs, 0);
});
