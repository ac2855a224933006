import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countDistinct } from '../../src/text/distinct-counts.js';

function reference(hashes: Uint32Array): Map<number, number> {
  const m = new Map<number, number>();
  for (const h of hashes) m.set(h, (m.get(h) ?? 0) + 1);
  return m;
}

test('countDistinct finds every distinct hash once with its count, whatever the skew', () => {
  let seed = 9;
  const rnd = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const cases: Uint32Array[] = [
    new Uint32Array(0),
    Uint32Array.of(0, 0xffffffff, 0, 0x80000000, 0xffffffff, 0),
    // Many repeats of few values, all in one partition (same top bits).
    Uint32Array.from({ length: 5000 }, () => 0x12300000 + Math.floor(rnd() * 50)),
    // Mostly distinct values across all partitions, some repeated (like terms in papers).
    Uint32Array.from({ length: 200_000 }, () => (rnd() < 0.3 ? Math.floor(rnd() * 1000) * 2654435761 : Math.floor(rnd() * 2 ** 32)) >>> 0),
  ];
  for (const [i, hashes] of cases.entries()) {
    const got = countDistinct(hashes);
    const want = reference(hashes);
    assert.equal(got.keys.length, want.size, `case ${i}: distinct count`);
    assert.equal(got.counts.length, want.size);
    const seen = new Set<number>();
    for (let k = 0; k < got.keys.length; k++) {
      const key = got.keys[k]!;
      assert.ok(!seen.has(key), `case ${i}: ${key} listed twice`);
      seen.add(key);
      assert.equal(got.counts[k], want.get(key), `case ${i}: count of ${key}`);
    }
  }
});

test('countDistinct gives the same keys in the same order whatever share of the input its scratch may hold', () => {
  let seed = 21;
  const rnd = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const hashes = Uint32Array.from({ length: 100_000 }, () => (rnd() < 0.5 ? Math.floor(rnd() * 3000) * 2654435761 : Math.floor(rnd() * 2 ** 32)) >>> 0);
  const whole = countDistinct(hashes, 1);
  const want = reference(hashes);
  assert.equal(whole.keys.length, want.size);
  for (const share of [0.25, 0.01, 1e-9]) {
    const got = countDistinct(hashes, share);
    assert.deepEqual(got.keys, whole.keys, `share ${share}: keys`);
    assert.deepEqual(got.counts, whole.counts, `share ${share}: counts`);
  }
});
