import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TermRows, type TermCounts } from '../../src/text/term-rows.js';
import { Vocabulary, vectorizeTerms } from '../../src/text/vocabulary.js';

function counts(pairs: [number, number][]): TermCounts {
  return { hashes: Uint32Array.from(pairs, (p) => p[0]), tf: Float32Array.from(pairs, (p) => p[1]), size: pairs.length };
}

/** Papers of random terms: some in the vocabulary (hashes 1..40), most not (hashes 1000+). */
function papers(n: number, seed: number): TermCounts[] {
  let s = seed;
  const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  return Array.from({ length: n }, () => {
    const size = Math.floor(rnd() * 30);
    const seen = new Set<number>();
    const pairs: [number, number][] = [];
    while (pairs.length < size) {
      const h = rnd() < 0.4 ? 1 + Math.floor(rnd() * 40) : 1000 + Math.floor(rnd() * 1e6);
      if (seen.has(h)) continue;
      seen.add(h);
      pairs.push([h, 1 + Math.floor(rnd() * 4)]);
    }
    return counts(pairs);
  });
}

const vocab = new Vocabulary(Uint32Array.from({ length: 40 }, (_, i) => i + 1), Float32Array.from({ length: 40 }, (_, i) => 1 + i / 10));

// The first growth takes 65,536 terms at least, so a reservation of exactly that many makes a later growth move.
for (const [name, reserve, n] of [['within its reservation', undefined, 500], ['starting past a tiny reservation', 64, 500], ['moving past a full reservation', 1 << 18, 6000]] as const) {
  test(`TermRows turns its rows into the same TF-IDF rows as vectorising each paper alone (${name})`, () => {
    const docs = papers(n, reserve ?? 7);
    const rows = new TermRows(reserve);
    for (const d of docs) rows.add(d);
    assert.equal(rows.rows, n);
    const total = docs.reduce((a, d) => a + d.size, 0);
    assert.equal(rows.size, total);
    assert.deepEqual([...rows.hashes()], docs.flatMap((d) => [...d.hashes]));
    const m = rows.toCsr(vocab);
    assert.equal(m.rows, n);
    assert.equal(m.cols, 40);
    const idx = new Int32Array(64);
    const val = new Float32Array(64);
    let at = 0;
    for (const [i, d] of docs.entries()) {
      const k = vectorizeTerms(vocab, d.hashes, d.tf, d.size, idx, val);
      assert.equal(m.indptr[i], at, `row ${i} start`);
      assert.deepEqual([...m.indices.subarray(at, at + k)], [...idx.subarray(0, k)], `row ${i} features`);
      assert.deepEqual([...m.values.subarray(at, at + k)], [...val.subarray(0, k)], `row ${i} values`);
      at += k;
    }
    assert.equal(m.indptr[n], at);
    assert.equal(m.indices.length, at, 'the matrix holds exactly the features kept');
    assert.ok(at < total, 'the fixture drops out-of-vocabulary terms');
    assert.throws(() => rows.hashes(), /already turned into a matrix/);
    assert.throws(() => rows.add(docs[0]!), /already turned into a matrix/);
  });
}

test('TermRows keeps empty rows and rows with no known term as empty matrix rows', () => {
  const rows = new TermRows();
  rows.add(counts([]));
  rows.add(counts([[5000, 2]]));
  rows.add(counts([[3, 1], [9999, 1]]));
  const m = rows.toCsr(vocab);
  assert.deepEqual([...m.indptr], [0, 0, 0, 1]);
  assert.deepEqual([...m.indices], [2]);
  assert.ok(Math.abs(m.values[0]! - 1) < 1e-6, 'a lone feature is L2-normalised to 1');
});

test('toCsr keeps a row\'s first features up to a cap, normalised over those, as prediction does', async () => {
  const { FeatureCounter } = await import('../../src/text/feature-counter.js');
  const { TermCounter } = await import('../../src/text/terms.js');
  const options = { ngrams: 2, titleWeight: 2 };
  const words = Array.from({ length: 60 }, (_, i) => `word${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + Math.floor(i / 26))}`);
  const papersText = [
    { title: 'a long paper', abstract: words.join(' ') },
    { title: 'a short one', abstract: words.slice(0, 5).join(' ') },
  ];
  const counter = new TermCounter(options);
  const df = new Map<number, number>();
  for (const p of papersText) {
    const c = counter.count(p.title, p.abstract);
    for (let k = 0; k < c.size; k++) df.set(c.hashes[k]!, (df.get(c.hashes[k]!) ?? 0) + 1);
  }
  const keys = Uint32Array.from(df.keys());
  const vocab = new Vocabulary(keys, Float32Array.from(keys, (k) => 1 + 1 / df.get(k)!));
  const rows = new TermRows();
  for (const p of papersText) rows.add(counter.count(p.title, p.abstract));
  const cap = 17;
  const m = rows.toCsr(vocab, cap);
  assert.equal(m.indptr[1], cap, 'the long paper keeps exactly the cap');
  assert.ok(m.indptr[2]! - m.indptr[1]! < cap, 'the short one keeps all of its features');
  const idx = new Int32Array(cap);
  const val = new Float32Array(cap);
  for (const backend of ['auto', 'js'] as const) {
    const n = new FeatureCounter(vocab, options, backend).vectorize(papersText[0]!.title, papersText[0]!.abstract, idx, val);
    assert.equal(n, cap);
    assert.deepEqual(m.indices.subarray(0, cap), idx, `${backend}: same first features`);
    assert.deepEqual(m.values.subarray(0, cap), val, `${backend}: same values, normalised over the kept features`);
  }
});
