import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BitSet, hashId, IdTable } from '../../src/corpus/id-table.js';

function hash(id: string): [number, number] {
  const out = new Uint32Array(2);
  hashId(id, out);
  return [out[0]!, out[1]!];
}

test('hashId is deterministic, writes at an offset, and separates close ids', () => {
  assert.deepEqual(hash('0704.0001'), hash('0704.0001'));
  const out = new Uint32Array(6);
  hashId('0704.0001', out, 2);
  assert.deepEqual([out[2], out[3]], hash('0704.0001'));
  assert.equal(out[0], 0);
  assert.equal(out[4], 0);
  const seen = new Set<string>();
  for (let i = 0; i < 200_000; i++) {
    const [h1, h2] = hash(`${String(1000 + (i % 9000)).padStart(4, '0')}.${String(i).padStart(5, '0')}`);
    seen.add(`${h1}:${h2}`);
  }
  assert.equal(seen.size, 200_000, 'no 64-bit collisions among 200k arXiv-like ids');
  // The two halves are not the same function.
  const [a1, a2] = hash('hep-th/9901001');
  assert.notEqual(a1, a2);
});

test('IdTable.offer: new ids, higher versions win, ties go to the later record', () => {
  const t = new IdTable(4);
  const [a1, a2] = hash('a');
  const [b1, b2] = hash('b');
  assert.equal(t.offer(a1, a2, 0, 1), -1);
  assert.equal(t.offer(b1, b2, 1, 0), -1);
  assert.equal(t.size, 2);
  // a again with a lower version: the new record (2) loses.
  assert.equal(t.offer(a1, a2, 2, 0), 2);
  assert.equal(t.previousVersion, 1);
  assert.equal(t.get(a1, a2), 0);
  // a again with a higher version: the old best (0) loses.
  assert.equal(t.offer(a1, a2, 3, 3), 0);
  assert.equal(t.previousVersion, 1);
  assert.equal(t.get(a1, a2), 3);
  // a tie: the later record wins.
  assert.equal(t.offer(a1, a2, 4, 3), 3);
  assert.equal(t.get(a1, a2), 4);
  // b tie at version 0.
  assert.equal(t.offer(b1, b2, 5, 0), 1);
  assert.equal(t.get(b1, b2), 5);
  assert.equal(t.size, 2);
  assert.equal(t.get(...hash('c')), -1);
});

test('IdTable grows by doubling and keeps every entry', () => {
  const t = new IdTable(16);
  const n = 100_000;
  for (let i = 0; i < n; i++) assert.equal(t.offer(...hash(`id${i}`), i, 1), -1);
  assert.equal(t.size, n);
  assert.ok(t.capacity >= n / 0.75 && t.capacity <= (4 * n) / 0.75, `capacity ${t.capacity}`);
  assert.equal((t.capacity & (t.capacity - 1)) === 0, true, 'power of two');
  for (let i = 0; i < n; i++) assert.equal(t.get(...hash(`id${i}`)), i);
  // Second pass with higher versions supersedes every first-pass record.
  for (let i = 0; i < n; i++) assert.equal(t.offer(...hash(`id${i}`), n + i, 2), i);
  assert.equal(t.size, n);
  assert.equal(t.bytes, t.capacity * 14);
});

test('IdTable clamps versions to 0..65535', () => {
  const t = new IdTable();
  const [h1, h2] = hash('x');
  t.offer(h1, h2, 0, 1e9);
  assert.equal(t.offer(h1, h2, 1, 70_000), 0, 'clamped tie: later wins');
  assert.equal(t.offer(h1, h2, 2, -5), 2, 'negative is 0, loses');
});

test('BitSet grows and counts distinct members', () => {
  const s = new BitSet(8);
  assert.equal(s.has(0), false);
  assert.equal(s.has(1_000_000), false);
  for (const i of [0, 31, 32, 63, 64, 1000, 999_999, 31]) s.add(i);
  assert.equal(s.count, 7);
  for (const i of [0, 31, 32, 63, 64, 1000, 999_999]) assert.equal(s.has(i), true);
  for (const i of [1, 30, 33, 65, 999, 999_998, 1_000_000]) assert.equal(s.has(i), false);
});
