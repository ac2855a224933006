import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FeatureCounter } from '../../src/text/feature-counter.js';
import { HashIndex } from '../../src/text/hash-index.js';
import { TermCounter, type TermOptions } from '../../src/text/terms.js';
import { Vocabulary, vectorizeTerms } from '../../src/text/vocabulary.js';
import { madeUpPapers } from '../made-up-papers.js';

test('FeatureCounter gives the rows of counting every term and then vectorising (prediction path = training path)', () => {
  const papers = madeUpPapers(300, 5);
  papers.push({ title: 'Graphene graphene GRAPHENE: $\\mathcal{O}(n^2)$ state-of-the-art 10GeV', abstract: '' });
  papers.push({ title: '', abstract: 'only an abstract, with the neural network and the neural network again' });
  papers.push({ title: 'no known words zzzq qqqz', abstract: 'xylophone wombat' });
  for (const options of [
    { ngrams: 2, titleWeight: 2 },
    { ngrams: 1, titleWeight: 1 },
    { ngrams: 3, titleWeight: 0.5 },
    { ngrams: 2, titleWeight: 2, charNgrams: 4 },
  ] satisfies TermOptions[]) {
    const counter = new TermCounter(options);
    const df = new HashIndex(1 << 12);
    for (const p of papers.slice(0, 200)) {
      const c = counter.count(p.title, p.abstract ?? '');
      for (let k = 0; k < c.size; k++) df.increment(c.hashes[k]!);
    }
    const vocab = Vocabulary.fromDocumentFrequencies(df, 200, { minDf: 2, maxFeatures: 500 });
    assert.ok(vocab.size > 100, 'a vocabulary worth testing');
    const features = new FeatureCounter(vocab, options);
    const idxA = new Int32Array(4096);
    const valA = new Float32Array(4096);
    const idxB = new Int32Array(4096);
    const valB = new Float32Array(4096);
    let nonEmpty = 0;
    for (const [i, p] of papers.entries()) {
      const c = counter.count(p.title, p.abstract ?? '');
      const a = vectorizeTerms(vocab, c.hashes, c.tf, c.size, idxA, valA);
      const b = features.vectorize(p.title, p.abstract ?? '', idxB, valB);
      assert.equal(b, a, `paper ${i}: number of features`);
      assert.deepEqual(idxB.subarray(0, b), idxA.subarray(0, a), `paper ${i}: features`);
      assert.deepEqual(valB.subarray(0, b), valA.subarray(0, a), `paper ${i}: values`);
      if (a > 0) nonEmpty++;
    }
    assert.ok(nonEmpty > 250, 'most papers have features');
    // A paper with more features than the output holds keeps its first ones.
    const long = papers.slice(0, 50).map((p) => `${p.title} ${p.abstract ?? ''}`).join(' ');
    const all = features.vectorize(long, '', idxA, valA);
    const cut = features.vectorize(long, '', idxB.subarray(0, 10), valB.subarray(0, 10));
    assert.ok(all > 10);
    assert.equal(cut, 10);
    assert.deepEqual(idxB.subarray(0, 10), idxA.subarray(0, 10));
  }
});
