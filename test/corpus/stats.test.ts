import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PaperRecord } from '../../src/corpus/record.js';
import { computeStats } from '../../src/corpus/stats.js';

function paper(id: string, categories: string[], title: string, abstract: string, date?: string): PaperRecord {
  const p: PaperRecord = { id, title, abstract, categories, primary: categories[0]! };
  if (date) p.date = date;
  return p;
}

const papers: PaperRecord[] = [
  paper('2301.00001', ['cs.LG', 'stat.ML'], 'Deep nets', 'one two three four', '2023-01-05'),
  paper('2301.00002', ['cs.LG'], 'More deep nets', 'one two', '2023-01-09'),
  paper('2302.00003', ['cs.CL', 'cs.LG', 'cs.AI'], 'Language', 'a b c d e f', '2023-02-01'),
  paper('hep-th/9901001', ['hep-th'], 'Strings', '  spaced\tout\nwords  '),
  paper('csv:5', ['math.CO', 'cs.DM'], 'Graphs and things', 'x'),
];

test('computeStats counts records, categories, groups and labels per paper', async () => {
  const s = await computeStats(papers);
  assert.equal(s.records, 5);
  assert.equal(s.distinctPrimary, 4);
  assert.equal(s.distinctCategories, 7);
  assert.equal(s.groups.cs, 3);
  assert.equal(s.groups.physics, 1);
  assert.equal(s.groups.math, 1);
  assert.equal(s.groups.stat, 0);
  assert.deepEqual(s.categoriesPerPaper, [
    { categories: 1, papers: 2 },
    { categories: 2, papers: 2 },
    { categories: 3, papers: 1 },
  ]);
  assert.equal(s.multiLabelShare, 0.6);
  assert.equal(s.meanCategories, 9 / 5);
  assert.deepEqual(s.dates, { min: '2023-01-05', max: '2023-02-01', missing: 2 });
  assert.deepEqual(s.months, { min: '1999-01', max: '2023-02', missing: 1 });
  assert.deepEqual(s.top[0], { code: 'cs.LG', name: 'Machine Learning', primary: 2, all: 3 });
  assert.deepEqual(
    s.top.map((r) => r.code),
    ['cs.LG', 'cs.CL', 'hep-th', 'math.CO', 'cs.AI', 'cs.DM', 'stat.ML'],
  );
});

test('computeStats: top-N table order is primary count, then all count, then code', async () => {
  const s = await computeStats(papers, { top: 3 });
  assert.deepEqual(
    s.top.map((r) => [r.code, r.primary, r.all]),
    [
      ['cs.LG', 2, 3],
      ['cs.CL', 1, 1],
      ['hep-th', 1, 1],
    ],
  );
});

test('computeStats length percentiles (words and chars)', async () => {
  const s = await computeStats(papers);
  // abstract words: 4, 2, 6, 3, 1 → sorted 1 2 3 4 6
  assert.deepEqual(s.lengths.abstract.words, { p5: 1, p25: 2, p50: 3, p75: 4, p95: 6, max: 6, mean: 3.2 });
  // title chars: 9, 14, 8, 7, 17 → sorted 7 8 9 14 17
  assert.equal(s.lengths.title.chars.p50, 9);
  assert.equal(s.lengths.title.chars.max, 17);
  assert.equal(s.lengths.title.words.max, 3);
});

test('computeStats streams from an async iterable and handles an empty corpus', async () => {
  async function* gen() {
    for (const p of papers) yield p;
  }
  const s = await computeStats(gen(), { top: 2 });
  assert.equal(s.records, 5);
  assert.equal(s.top.length, 2);
  const empty = await computeStats([]);
  assert.equal(empty.records, 0);
  assert.deepEqual(empty.dates, { min: null, max: null, missing: 0 });
  assert.deepEqual(empty.months, { min: null, max: null, missing: 0 });
  assert.equal(empty.lengths.title.words.p50, 0);
});

test('computeStats percentiles beyond the histogram cap report the cap, max stays exact', async () => {
  const long = 'w '.repeat(10000);
  const s = await computeStats([paper('2301.00001', ['cs.LG'], 'T', long)]);
  assert.equal(s.lengths.abstract.words.max, 10000);
  assert.equal(s.lengths.abstract.words.p50, 8192);
  assert.equal(s.lengths.abstract.chars.max, 20000);
  assert.equal(s.lengths.abstract.chars.p50, 20000);
});
