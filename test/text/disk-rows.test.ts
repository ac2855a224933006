import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seededRng } from '../../src/corpus/random.js';
import { BLOCK_ROWS, RowCacheWriter } from '../../src/text/row-cache.js';
import { TermSpillReader, TermSpillWriter } from '../../src/text/term-spill.js';

const dir = mkdtempSync(join(tmpdir(), 'axc-disk-rows-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

/** Rows of random lengths, a few longer than a reader's buffer holds at once. */
function randomRows(n: number, seed: number): { hashes: Uint32Array; tf: Float32Array; titleTf: Float32Array }[] {
  const rng = seededRng(seed);
  return Array.from({ length: n }, (_, i) => {
    const size = i % 97 === 5 ? 700_000 : Math.floor(rng() * 300);
    const hashes = Uint32Array.from({ length: size }, () => Math.floor(rng() * 2 ** 32));
    const tf = Float32Array.from({ length: size }, () => 1 + Math.floor(rng() * 5) * 0.5);
    const titleTf = tf.slice(0, Math.floor(rng() * Math.min(size, 12)));
    return { hashes, tf, titleTf };
  });
}

test('term rows spilled to disk read back the same, row by row and skipping', () => {
  const rows = randomRows(400, 1);
  const file = join(dir, 'terms.bin');
  const w = new TermSpillWriter(file);
  for (const r of rows) w.add({ hashes: r.hashes, tf: r.tf, size: r.hashes.length }, r.titleTf, r.titleTf.length);
  w.close();
  assert.equal(w.rows, rows.length);
  const r = new TermSpillReader(file);
  for (let i = 0; i < rows.length; i += 1 + (i % 3)) {
    r.skipTo(i);
    r.next();
    assert.deepEqual(r.hashes, rows[i]!.hashes, `row ${i}`);
    assert.deepEqual(r.tf, rows[i]!.tf);
    assert.deepEqual(r.titleTf, rows[i]!.titleTf);
  }
  assert.throws(() => r.skipTo(rows.length + 1), /ended after/);
  r.close();
});

test('the row cache gives back, block by block in any order, the rows written', () => {
  const rng = seededRng(2);
  const n = BLOCK_ROWS * 2 + 123;
  const rows = Array.from({ length: n }, () => {
    const k = Math.floor(rng() * 20);
    const idx = Int32Array.from({ length: k }, () => Math.floor(rng() * 1000));
    return { idx, val: Float32Array.from(idx, () => rng()), tIdx: idx.slice(0, k >> 1), tVal: Float32Array.from({ length: k >> 1 }, () => rng()) };
  });
  const w = new RowCacheWriter(join(dir, 'rows.bin'));
  for (const r of rows) w.add(r.idx, r.val, r.idx.length, r.tIdx, r.tVal, r.tIdx.length);
  const cache = w.finish();
  assert.equal(cache.rows, n);
  assert.equal(cache.blocks, 3);
  const win = cache.load([2, 0], 1000);
  assert.deepEqual(win.blocks, [2 * BLOCK_ROWS, 0]);
  assert.equal(win.x.rows, 123 + BLOCK_ROWS);
  const expect = [...rows.slice(2 * BLOCK_ROWS), ...rows.slice(0, BLOCK_ROWS)];
  expect.forEach((r, i) => {
    const a = win.x.indptr[i]!;
    const z = win.x.indptr[i + 1]!;
    assert.deepEqual(win.x.indices.subarray(a, z), r.idx, `row ${i}`);
    assert.deepEqual(win.x.values.subarray(a, z), r.val);
    assert.deepEqual(win.xTitle.indices.subarray(win.xTitle.indptr[i]!, win.xTitle.indptr[i + 1]!), r.tIdx);
    assert.deepEqual(win.xTitle.values.subarray(win.xTitle.indptr[i]!, win.xTitle.indptr[i + 1]!), r.tVal);
  });
  cache.close();
  assert.throws(() => cache.load([0], 1000), /closed/);
});
