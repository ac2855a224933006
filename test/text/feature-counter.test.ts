import { test } from 'node:test';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import { FeatureCounter } from '../../src/text/feature-counter.js';
import { FEATURE_COUNTER_SOURCE_SHA256 } from '../../src/text/feature-counter-wasm.js';
import { combineHash, hashString } from '../../src/text/hash.js';
import { HashIndex } from '../../src/text/hash-index.js';
import { KnownWords, type WordCounts } from '../../src/text/known-words.js';
import { TermCounter, type TermOptions } from '../../src/text/terms.js';
import { Vocabulary, vectorizeTerms } from '../../src/text/vocabulary.js';
import { madeUpPapers } from '../made-up-papers.js';

/** A vocabulary of every term the training counter makes of `papers`, plus any `extra` hashes. */
function vocabularyOf(papers: readonly { title: string; abstract?: string }[], options: TermOptions, vocabOptions: { minDf: number; maxFeatures: number }, extra: (p: { title: string; abstract?: string }) => number[] = () => []): Vocabulary {
  const counter = new TermCounter(options);
  const df = new HashIndex(1 << 12);
  for (const p of papers) {
    const c = counter.count(p.title, p.abstract ?? '');
    for (let k = 0; k < c.size; k++) df.increment(c.hashes[k]!);
    for (const h of extra(p)) df.increment(h);
  }
  return Vocabulary.fromDocumentFrequencies(df, papers.length, vocabOptions);
}

const rowsA = { idx: new Int32Array(1 << 16), val: new Float32Array(1 << 16) };
const rowsB = { idx: new Int32Array(1 << 16), val: new Float32Array(1 << 16) };

const wordsCounted = { yes: 0, no: 0 };

/**
 * Asserts both counters give `paper` the same row, and that the words the WebAssembly counter
 * counted on the way are those KnownWords counts in a second pass; returns the number of features.
 */
function assertSameRows(js: FeatureCounter, wasm: FeatureCounter, paper: { title: string; abstract: string }, what: string): number {
  const a = js.vectorize(paper.title, paper.abstract, rowsA.idx, rowsA.val);
  const b = wasm.vectorize(paper.title, paper.abstract, rowsB.idx, rowsB.val);
  assert.equal(b, a, `${what}: number of features`);
  assert.deepEqual(rowsB.idx.subarray(0, b), rowsA.idx.subarray(0, a), `${what}: features`);
  assert.deepEqual(rowsB.val.subarray(0, b), rowsA.val.subarray(0, a), `${what}: values`);
  const counts: WordCounts = { words: -1, functionWords: -1, content: -1, known: -1 };
  assert.equal(js.wordCounts(counts), false, `${what}: the TypeScript path leaves the words to KnownWords`);
  if (wasm.wordCounts(counts)) {
    wordsCounted.yes++;
    assert.deepEqual(counts, new KnownWords(wasm.vocab.index).count(paper.title, paper.abstract), `${what}: word counts`);
  } else {
    wordsCounted.no++;
    const tooLong = paper.title.normalize('NFKC').length > 1 << 15 || paper.abstract.normalize('NFKC').length > 1 << 15;
    assert.ok(tooLong || (paper.title !== '' && wasm.options.titleWeight <= 0), `${what}: the WebAssembly counter saw all of it, so it counted its words`);
  }
  return a;
}

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
    const vocab = vocabularyOf(papers.slice(0, 200), options, { minDf: 2, maxFeatures: 500 });
    assert.ok(vocab.size > 100, 'a vocabulary worth testing');
    const features = new FeatureCounter(vocab, options);
    // Word counts are checked against a vocabulary small enough that most papers have unknown words too.
    const small = vocabularyOf(papers.slice(0, 200), options, { minDf: 2, maxFeatures: 40 });
    const smallFeatures = new FeatureCounter(small, options);
    const known = new KnownWords(small.index);
    const counts: WordCounts = { words: -1, functionWords: -1, content: -1, known: -1 };
    let partlyKnown = 0;
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
      // The words counted on the way are those a second pass counts.
      smallFeatures.vectorize(p.title, p.abstract ?? '', idxB, valB);
      assert.ok(smallFeatures.wordCounts(counts), `paper ${i}: words counted`);
      assert.deepEqual(counts, known.count(p.title, p.abstract), `paper ${i}: word counts`);
      if (counts.known > 0 && counts.known < counts.content) partlyKnown++;
    }
    assert.ok(nonEmpty > 250, 'most papers have features');
    assert.ok(partlyKnown > 250, `most papers have known and unknown words (${partlyKnown})`);
    // A paper with more features than the output holds keeps its first ones.
    const long = papers.slice(0, 50).map((p) => `${p.title} ${p.abstract ?? ''}`).join(' ');
    const all = features.vectorize(long, '', idxA, valA);
    const cut = features.vectorize(long, '', idxB.subarray(0, 10), valB.subarray(0, 10));
    assert.ok(all > 10);
    assert.equal(cut, 10);
    assert.deepEqual(idxB.subarray(0, 10), idxA.subarray(0, 10));
  }
});

test('the WebAssembly counter gives the TypeScript path\'s rows, edge cases included', () => {
  const long = 'graphene lattice '.repeat(2000); // 34,000 characters: over what the module takes
  // NFKC turns each of these into 18 characters: short before folding, too long after.
  const expands = '\ufdfa '.repeat(2000);
  const texts: [string, string][] = [
    ['Graphene GRAPHENE graphene: $\\mathcal{O}(n^2)$ and $$x$$ state-of-the-art 10GeV', 'We show \\emph{strong} \\textbf{bounds} \\emphx \\alpha \\(a+b\\) \\[c\\] \\) done.'],
    ['Schrödinger’s cat, don\'t a-b-c-d-e-f multi-part-compound-word-here', 'ﬁnite Ｆｕｌｌ-width ΑΒΓ αβγ café naïve 3d 5g h2o 1-2 12-34 100nm 10 gev x y z'],
    ['Emoji 🙂 and a lone \ud800 surrogate', 'tab\tnew\nline  spaces, commas;semi:colons "quotes" (parens) [brackets] {braces}'],
    ['', 'only an abstract about graphene lattice phonons'],
    ['only a title about graphene lattice phonons', ''],
    [long, 'graphene'],
    ['graphene lattice', long],
    ['graphene lattice', expands],
    [expands, 'graphene lattice'],
    ['lattice '.repeat(37), 'graphene '.repeat(23)],
    ['Rule of l’hôpital and d\'alembert', 'hôpital alembert'],
    ['\\[x\\] post-hoc analysis of \\zeta at 5gev', 'in $foo-bar$ math, words join-not, 10ge5v'],
    ['\\cite{x} \\ref \\quad \\qquad \\ldots \\mathrm{d} \\mathbb{R} \\textsc{abc} \\it \\bf', '$\\alpha$-stable $\\beta$ decay \\$ 5\\% \\\\ end'],
  ];
  const corpus = texts.map(([t, a]) => ({ title: t, abstract: a }));
  wordsCounted.yes = 0;
  wordsCounted.no = 0;
  for (const options of [
    { ngrams: 2, titleWeight: 2 },
    { ngrams: 1, titleWeight: 1 },
    { ngrams: 3, titleWeight: 0.3 },
    // 1.1 is not a float32: adding it in float32 rather than float64 gives other counts from 3 on.
    { ngrams: 2, titleWeight: 1.1 },
    { ngrams: 2, titleWeight: 0 },
    { ngrams: 2, titleWeight: 2, charNgrams: 4 },
    { ngrams: 1, titleWeight: 1, charNgrams: 3 },
    { ngrams: 2, titleWeight: 2, charNgrams: 1 },
  ] satisfies TermOptions[]) {
    // Also terms the tokenizer should never make (whole runs between spaces, and their pairs), so
    // a counter that made them would find them in the vocabulary and differ.
    const neverMade = (p: { title: string; abstract?: string }) => {
      const runs = `${p.title} ${p.abstract}`.toLowerCase().split(/\s+/).filter((w) => w.length > 0 && w.length < 100);
      const hashes = runs.flatMap((w) => [w, w.replace(/^\W+|\W+$/g, ''), w.replace(/^\\/, '')]).map(hashString);
      return [...hashes, ...hashes.slice(1).map((h, k) => combineHash(hashes[k]!, h))];
    };
    const vocab = vocabularyOf(corpus, options, { minDf: 1, maxFeatures: 5000 }, neverMade);
    const wasm = new FeatureCounter(vocab, options);
    const js = new FeatureCounter(vocab, options, 'js');
    assert.equal(wasm.backend, 'wasm');
    assert.equal(js.backend, 'js');
    // Twice over, in turn, so that counts left behind by one paper would show in the next.
    for (const round of [1, 2]) {
      for (const [i, p] of corpus.entries()) {
        const what = `${JSON.stringify(options)}, text ${i}, round ${round}`;
        const n = assertSameRows(js, wasm, p, what);
        if (options.titleWeight > 0 || p.abstract) assert.ok(n > 0, `${what}: has features`);
      }
    }
  }
  // The word counts were compared for most texts; the too-long ones and titles weighted 0 were left to KnownWords.
  assert.ok(wordsCounted.yes > 100 && wordsCounted.no > 50, JSON.stringify(wordsCounted));
});

test('the WebAssembly and TypeScript counters agree on random text made of awkward pieces', () => {
  const pieces = ['a', 'b', 'z', 'A', 'Z', 'ab', 'gev', '1', '10', '0', '-', '--', "'", '’', '$', '$$', '\\', '\\(', '\\)', '\\[', '\\]', '\\emph', '\\alpha', '\\it', '{', '}', ' ', '  ', '\n', '\t', 'é', 'É', 'ﬁ', 'Ｆ', 'ß', 'İ', '🙂', '\ud800', '\udc00', '\u00a0', '\ufdfa', 'Σ', 'ς', '\u0301', '_', '.', ',', 'x-y', 'state-of-the-art'];
  let seed = 12345;
  const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const text = () => Array.from({ length: Math.floor(random() * 40) }, () => pieces[Math.floor(random() * pieces.length)]!).join('');
  for (const options of [
    { ngrams: 2, titleWeight: 2 },
    { ngrams: 3, titleWeight: 1.1, charNgrams: 3 },
    { ngrams: 1, titleWeight: 0.5, charNgrams: 1 },
  ] satisfies TermOptions[]) {
    const corpus = Array.from({ length: 600 }, () => ({ title: text(), abstract: text() }));
    const vocab = vocabularyOf(corpus, options, { minDf: 1, maxFeatures: 100_000 });
    const wasm = new FeatureCounter(vocab, options);
    const js = new FeatureCounter(vocab, options, 'js');
    assert.equal(wasm.backend, 'wasm');
    let nonEmpty = 0;
    for (const [i, p] of corpus.entries()) {
      if (assertSameRows(js, wasm, p, `${JSON.stringify(options)}, ${JSON.stringify(p)} (${i})`) > 0) nonEmpty++;
    }
    assert.ok(nonEmpty > 500, `${JSON.stringify(options)}: most random texts have features (${nonEmpty})`);
  }
});

test('every model counts in WebAssembly unless told not to', () => {
  const vocab = Vocabulary.fromDocumentFrequencies(new HashIndex(16), 1, { minDf: 1, maxFeatures: 10 });
  assert.equal(new FeatureCounter(vocab, { ngrams: 2, titleWeight: 2, charNgrams: 4 }).backend, 'wasm');
  assert.equal(new FeatureCounter(vocab, { ngrams: 2, titleWeight: 2 }).backend, 'wasm');
  assert.equal(new FeatureCounter(vocab, { ngrams: 2, titleWeight: 2 }, 'js').backend, 'js');
  // Lengths the module cannot take as int32 stay in TypeScript (2^32 + 4 would wrap to 4).
  assert.equal(new FeatureCounter(vocab, { ngrams: 2, titleWeight: 2, charNgrams: 2 ** 32 + 4 }).backend, 'js');
  assert.equal(new FeatureCounter(vocab, { ngrams: 2, titleWeight: 2, charNgrams: 2.5 }).backend, 'js');
  assert.equal(new FeatureCounter(vocab, { ngrams: 5, titleWeight: 2 }).backend, 'js');
});

test('the generated module is built from the current tools/feature-counter.as.ts', () => {
  const source = readFileSync(new URL('../../tools/feature-counter.as.ts', import.meta.url), 'utf8');
  const sha = createHash('sha256').update(source).digest('hex');
  assert.equal(sha, FEATURE_COUNTER_SOURCE_SHA256, 'tools/feature-counter.as.ts changed: run node scripts/build-kernels.mjs');
});
