import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DfCounter } from '../../src/text/df-counter.js';
import { seededRng } from '../../src/corpus/random.js';

/** Rows of distinct hashes: hash 1000+k in every k-th row (frequent terms), and fresh rare ones. */
function rows(n: number, seed: number): Uint32Array[] {
  const rng = seededRng(seed);
  let fresh = 1 << 20;
  const out: Uint32Array[] = [];
  for (let i = 0; i < n; i++) {
    const row: number[] = [];
    for (let k = 1; k <= 8; k++) if (i % k === 0) row.push(1000 + k);
    for (let j = 0; j < 20; j++) row.push(rng() < 0.5 ? fresh++ : 5000 + Math.floor(rng() * 50));
    out.push(Uint32Array.from(new Set(row)));
  }
  return out;
}

function exact(data: Uint32Array[]): Map<number, number> {
  const m = new Map<number, number>();
  for (const r of data) for (const h of r) m.set(h, (m.get(h) ?? 0) + 1);
  return m;
}

test('shares of the hash space: together they count every term once, exactly', () => {
  const data = rows(3000, 1);
  const truth = exact(data);
  const shares = [0, 1, 2].map((s) => new DfCounter(s, 3));
  for (const r of data) for (const c of shares) c.addRow(r);
  const seen = new Map<number, number>();
  for (const c of shares) {
    const { keys, counts } = c.candidates(1);
    keys.forEach((k, i) => {
      assert.ok(!seen.has(k), `hash ${k} counted by two shares`);
      seen.set(k, counts[i]!);
    });
    assert.equal(c.prunes, 0);
  }
  assert.deepEqual(seen, truth);
  const sizes = shares.reduce((s, c) => s + c.size, 0);
  assert.equal(sizes, truth.size);
});

test('past its bound the table drops its rarest terms, and the frequent ones keep exact counts', () => {
  const data = rows(3000, 2);
  const truth = exact(data);
  const bounded = new DfCounter(0, 1, 4096);
  for (const r of data) bounded.addRow(r);
  assert.ok(bounded.size <= 4096);
  assert.ok(bounded.prunes > 0, 'it pruned');
  const { keys, counts } = bounded.candidates(40);
  const got = new Map(Array.from(keys, (k, i) => [k, counts[i]!]));
  for (const [h, n] of truth) if (n >= 300) assert.equal(got.get(h), n, `frequent hash ${h}`);
});
