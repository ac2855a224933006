import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TokenSpans, tokenize } from '../../src/text/tokenize.js';
import { TermCounter, TermHasher, termStrings } from '../../src/text/terms.js';
import { HashIndex } from '../../src/text/hash-index.js';
import { Vocabulary, vectorizeTerms } from '../../src/text/vocabulary.js';
import { combineHash, hashString } from '../../src/text/hash.js';

test('words are case-folded and punctuation splits them', () => {
  assert.deepEqual(tokenize('Deep Learning, for Graphs!'), ['deep', 'learning', 'for', 'graphs']);
});

test('NFKC folds ligatures and full-width forms', () => {
  assert.deepEqual(tokenize('ﬁnite Ｑｕａｎｔｕｍ'), ['finite', 'quantum']);
});

test('LaTeX math keeps command names and marks the span', () => {
  assert.deepEqual(tokenize('cost $\\mathcal{O}(n^2)$ with \\alpha'), ['cost', '$math$', 'mathcal', '#', 'with', 'alpha']);
  assert.deepEqual(tokenize('a \\emph{robust} method'), ['robust', 'method']);
  assert.deepEqual(tokenize('\\(x_\\mu\\) field'), ['$math$', 'mu', 'field']);
});

test('hyphenated compounds give the whole and the parts', () => {
  assert.deepEqual(tokenize('state-of-the-art graph-based'), ['state', 'of', 'the', 'art', 'state-of-the-art', 'graph', 'based', 'graph-based']);
});

test('numbers become shapes, units survive, alphanumerics stay words', () => {
  assert.deepEqual(tokenize('13 TeV and 10GeV in 3D with 5G'), ['#', 'tev', 'and', '#', 'gev', 'in', '3d', 'with', '5g']);
});

test('possessives drop the tail', () => {
  assert.deepEqual(tokenize("Schrödinger's equation"), ['schrödinger', 'equation']);
});

test('term counter counts unigrams and bigrams with title weight, and resets between papers', () => {
  const c = new TermCounter({ ngrams: 2, titleWeight: 3 });
  c.count('graph networks', 'graph networks learn graph');
  const got = new Map<number, number>();
  for (let k = 0; k < c.size; k++) got.set(c.hashes[k]!, c.tf[k]!);
  const g = hashString('graph');
  const n = hashString('networks');
  assert.equal(got.get(g), 3 + 2);
  assert.equal(got.get(n), 3 + 1);
  assert.equal(got.get(combineHash(g, n)), 3 + 1);
  c.count('other', '');
  assert.equal(c.size, 1);
  assert.equal(c.hashes[0], hashString('other'));
  // Many papers in a row: the table must not fill up with stale slots.
  for (let i = 0; i < 2000; i++) c.count(`paper ${i} word${i}`, `abstract text number${i} more${i} words`);
  assert.ok(c.size > 0 && c.size < 20);
});

test('termStrings maps hashes back to n-gram text for explanations', () => {
  const m = termStrings('Graph networks', '', { ngrams: 2, titleWeight: 1 });
  assert.equal(m.get(combineHash(hashString('graph'), hashString('networks'))), 'graph networks');
});

test('character n-grams: each spelled word with its ends marked, named the same way for explanations', () => {
  const options = { ngrams: 1, titleWeight: 1, charNgrams: 4 };
  const text = 'Graph of 12 $x$ nets';
  const names = termStrings(text, '', options);
  const hasher = new TermHasher(1, 4);
  const n = hasher.hash(text);
  const got = [...hasher.hashes.subarray(0, n)].map((h) => names.get(h));
  // Words first, as without char n-grams; then the grams of the words long enough ("of" and "x" are
  // too short; "#" and "$math$" are not spelled in the text).
  assert.deepEqual(got, ['graph', 'of', '#', '$math$', 'nets', '<gra', 'grap', 'raph', 'aph>', '<net', 'nets', 'ets>']);
  // A gram never shares a hash with the word it spells ("nets" the word and "nets" the gram).
  assert.notEqual(hasher.hashes[4], hasher.hashes[10]);
  assert.equal(new TermHasher(1).hash(text), 5, 'off by default');
  const counter = new TermCounter(options).count(text, '');
  assert.equal(counter.size, 12);
});

test('hash index grows and keeps every key', () => {
  const h = new HashIndex(4);
  for (let i = 0; i < 10000; i++) h.increment((i * 2654435761) >>> 0, i % 3 === 0 ? 2 : 1);
  assert.equal(h.size, 10000);
  assert.equal(h.get((3 * 2654435761) >>> 0), 2);
  assert.equal(h.get((4 * 2654435761) >>> 0), 1);
  assert.equal(h.get(12345), -1);
});

test('vocabulary keeps terms by document frequency and vectors are L2-normalised TF-IDF', () => {
  const df = new HashIndex();
  df.increment(1, 10);
  df.increment(2, 5);
  df.increment(3, 1);
  const v = Vocabulary.fromDocumentFrequencies(df, 10, { minDf: 2, maxFeatures: 10 });
  assert.deepEqual([...v.terms], [1, 2]);
  assert.ok(Math.abs(v.idf[0]! - (Math.log(11 / 11) + 1)) < 1e-6);
  const idx = new Int32Array(4);
  const val = new Float32Array(4);
  const n = vectorizeTerms(v, Uint32Array.of(2, 3, 1), Float32Array.of(1, 1, 4), 3, idx, val);
  assert.equal(n, 2);
  let norm = 0;
  for (let k = 0; k < n; k++) norm += val[k]! ** 2;
  assert.ok(Math.abs(norm - 1) < 1e-6);
  const capped = Vocabulary.fromDocumentFrequencies(df, 10, { minDf: 1, maxFeatures: 1 });
  assert.deepEqual([...capped.terms], [1]);
});

test('vocabulary selection equals sorting every term by df (descending) then hash, under heavy ties', () => {
  let seed = 3;
  const rnd = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  for (const [terms, maxDf] of [[5000, 20], [3000, 3], [200, 1000]] as const) {
    const df = new HashIndex();
    const all = new Map<number, number>();
    for (let i = 0; i < terms; i++) {
      const key = Math.floor(rnd() * 2 ** 32) >>> 0;
      const v = 1 + Math.floor(rnd() * maxDf);
      df.increment(key, v);
      all.set(key, (all.get(key) ?? 0) + v);
    }
    for (const [minDf, maxFeatures] of [[1, 100], [2, 1000], [3, 10], [1, 100000], [5, 1]]) {
      const want = [...all.entries()].filter(([, v]) => v >= minDf!).sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, maxFeatures).map(([k]) => k);
      const got = Vocabulary.fromDocumentFrequencies(df, 1000, { minDf: minDf!, maxFeatures: maxFeatures! });
      assert.deepEqual([...got.terms], want, `terms=${terms} maxDf=${maxDf} minDf=${minDf} maxFeatures=${maxFeatures}`);
    }
  }
});

test('token spans hash exactly like hashing the token strings', () => {
  const texts = [
    'State-of-the-art 10GeV jets in $\\mathcal{O}(n^2)$ \\emph{graph-based} Schrödinger’s ﬁeld, 3d h2o 100nm x-ray',
    'ＡＢＣ full-width, a-b-c-d-e-f compounds, 2024 and 1e-5, \\(x\\) \\[y\\] $$z$$ don\'t',
    '',
  ];
  const spans = new TokenSpans();
  for (const text of texts) {
    const tokens = tokenize(text);
    spans.scan(text);
    assert.equal(spans.size, tokens.length);
    for (let t = 0; t < spans.size; t++) {
      assert.equal(spans.token(t), tokens[t]);
      assert.equal(spans.hash(t), hashString(tokens[t]!), `token ${t} "${tokens[t]}"`);
    }
  }
  assert.ok(tokenize(texts[0]!).includes('#') && tokenize(texts[0]!).includes('$math$'));
});

test('a hash index with a membership filter answers exactly like one without', () => {
  const plain = new HashIndex(16);
  const filtered = new HashIndex(16).withFilter(10);
  for (let i = 0; i < 3000; i++) {
    const key = hashString(`term-${i}`);
    plain.set(key, i);
    filtered.set(key, i);
  }
  // Keys added after withFilter are marked too; with 3000 keys in 1024 bits most bits are set,
  // and with 12 bits few are: both must still agree with the plain index on every key.
  const sparse = HashIndex.from(Uint32Array.from({ length: 3000 }, (_, i) => hashString(`term-${i}`)), Int32Array.from({ length: 3000 }, (_, i) => i)).withFilter(16);
  for (let i = 0; i < 6000; i++) {
    const key = hashString(`term-${i}`);
    const want = i < 3000 ? i : -1;
    assert.equal(plain.get(key), want);
    assert.equal(filtered.get(key), want);
    assert.equal(sparse.get(key), want);
  }
});
