import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PaperRecord } from '../../src/corpus/record.js';
import { parseYearMonth, splitRandom, splitTime, yymmOf } from '../../src/corpus/split.js';

function paper(id: string, primary: string, date?: string): PaperRecord {
  const p: PaperRecord = { id, title: `title ${id}`, abstract: `abstract ${id}`, categories: [primary], primary };
  if (date) p.date = date;
  return p;
}

function corpus(): PaperRecord[] {
  const out: PaperRecord[] = [];
  const sizes: [string, number][] = [['cs.LG', 400], ['math.CO', 200], ['hep-th', 100], ['q-bio.NC', 30], ['econ.EM', 1]];
  let n = 0;
  for (const [code, size] of sizes) for (let i = 0; i < size; i++) out.push(paper(`2301.${String(++n).padStart(5, '0')}`, code));
  return out;
}

function countBy(papers: readonly PaperRecord[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const p of papers) m.set(p.primary, (m.get(p.primary) ?? 0) + 1);
  return m;
}

test('splitRandom is stratified by primary category', () => {
  const papers = corpus();
  const s = splitRandom(papers, { test: 0.1, valid: 0.2, seed: 1 });
  assert.equal(s.train.length + s.valid.length + s.test.length, papers.length);
  assert.equal(new Set([...s.train, ...s.valid, ...s.test].map((p) => p.id)).size, papers.length, 'a partition');
  const test_ = countBy(s.test);
  const valid = countBy(s.valid);
  for (const [code, total] of countBy(papers)) {
    if (total < 10) continue;
    assert.ok(Math.abs((test_.get(code) ?? 0) - total * 0.1) <= 1, `${code} test ${test_.get(code)} of ${total}`);
    assert.ok(Math.abs((valid.get(code) ?? 0) - total * 0.2) <= 1, `${code} valid ${valid.get(code)} of ${total}`);
  }
  assert.ok(s.train.some((p) => p.primary === 'econ.EM'), 'a one-paper class stays in train');
  assert.ok(!s.test.some((p) => p.primary === 'econ.EM') && !s.valid.some((p) => p.primary === 'econ.EM'));
  const pos = new Map(papers.map((p, i) => [p.id, i]));
  for (const part of [s.train, s.valid, s.test]) {
    const idx = part.map((p) => pos.get(p.id)!);
    assert.deepEqual(idx, [...idx].sort((a, b) => a - b), 'each part keeps corpus order');
  }
});

test('splitRandom is deterministic for a seed and differs for another seed', () => {
  const papers = corpus();
  const ids = (s: ReturnType<typeof splitRandom>) => s.test.map((p) => p.id).join(',');
  const a = splitRandom(papers, { test: 0.1, valid: 0.1, seed: 42 });
  const b = splitRandom(papers, { test: 0.1, valid: 0.1, seed: 42 });
  const c = splitRandom(papers, { test: 0.1, valid: 0.1, seed: 43 });
  assert.equal(ids(a), ids(b));
  assert.notEqual(ids(a), ids(c));
});

test('splitRandom keeps overall proportions with many small classes', () => {
  const papers: PaperRecord[] = [];
  for (let c = 0; c < 200; c++) for (let i = 0; i < 4; i++) papers.push(paper(`x${c}-${i}`, `cls${c}`));
  const s = splitRandom(papers, { test: 0.1, valid: 0, seed: 3 });
  assert.ok(s.test.length > 40 && s.test.length < 120, `test ${s.test.length} of 800`);
  for (const [code, n] of countBy(s.train)) assert.ok(n >= 1, code);
});

test('splitRandom rejects bad fractions', () => {
  assert.throws(() => splitRandom([], { test: 0.6, valid: 0.5, seed: 1 }), RangeError);
  assert.throws(() => splitRandom([], { test: -0.1, valid: 0, seed: 1 }), RangeError);
  assert.throws(() => splitRandom([], { test: 0.1, valid: 0.1, seed: 1.5 }), RangeError);
});

test('yymmOf reads new ids, old ids (19xx and 20xx), then the date', () => {
  assert.equal(yymmOf(paper('2604.01234', 'cs.LG')), 202604);
  assert.equal(yymmOf(paper('0704.0001', 'cs.LG')), 200704);
  assert.equal(yymmOf(paper('2301.12345v2', 'cs.LG')), 202301);
  assert.equal(yymmOf(paper('hep-th/9901001', 'hep-th')), 199901);
  assert.equal(yymmOf(paper('math.AG/0102003', 'math.AG')), 200102);
  assert.equal(yymmOf(paper('astro-ph/9605151v1', 'astro-ph.CO', '2026-06-19')), 199605, 'id wins over an update date');
  assert.equal(yymmOf(paper('csv:17', 'cs.LG', '2019-03-04')), 201903);
  assert.equal(yymmOf(paper('csv:17', 'cs.LG')), undefined);
  assert.equal(yymmOf(paper('2613.00001', 'cs.LG')), undefined, 'month 13 is not a month');
  // A date that cannot be a submission's leaves its paper undated, rather than newest or oldest of the corpus.
  for (const date of ['2099-01-01', '1850-01-01', '2024-02-30', '2023-13-01', '0001-01-01']) assert.equal(yymmOf(paper('csv:1', 'cs.LG', date)), undefined, date);
  assert.equal(yymmOf(paper('csv:1', 'cs.LG', '2024-02-29')), 202402, 'a leap day is a day');
  assert.equal(yymmOf(paper('csv:1', 'cs.LG', '1991-08-14')), 199108, "arXiv's first month");
  assert.equal(yymmOf(paper('csv:1', 'cs.LG', '2019-03')), 201903, 'a month alone');
});

test('parseYearMonth accepts YYMM, YYYYMM and YYYY-MM', () => {
  assert.equal(parseYearMonth('2301'), 202301);
  assert.equal(parseYearMonth('9901'), 199901);
  assert.equal(parseYearMonth('202301'), 202301);
  assert.equal(parseYearMonth('2023-01'), 202301);
  assert.equal(parseYearMonth(2301), 202301);
  assert.throws(() => parseYearMonth('2313'), RangeError);
  assert.throws(() => parseYearMonth('jan'), RangeError);
});

test('splitTime splits on old and new ids, compares full year-months, counts undated papers', () => {
  const papers = [
    paper('hep-th/9901001', 'hep-th'), // 1999-01: before 2001 in time even though 99 > 01
    paper('hep-th/0012001', 'hep-th'), // 2000-12
    paper('math/0101001', 'math.AG'), // 2001-01
    paper('0704.0001', 'cs.LG'), // 2007-04
    paper('2212.00001', 'cs.LG'), // 2022-12
    paper('2301.00001', 'cs.LG'), // 2023-01
    paper('2604.01234', 'cs.CL'), // 2026-04
    paper('csv:1', 'cs.CL', '2022-11-30'),
    paper('csv:2', 'cs.CL'),
  ];
  const s = splitTime(papers, { before: '0101' });
  assert.deepEqual(s.train.map((p) => p.id), ['hep-th/9901001', 'hep-th/0012001']);
  assert.equal(s.test.length, 6);
  assert.equal(s.valid.length, 0);
  assert.equal(s.undated, 1);

  const t = splitTime(papers, { before: '2301', validFrom: '2211' });
  assert.deepEqual(t.test.map((p) => p.id), ['2301.00001', '2604.01234']);
  assert.deepEqual(t.valid.map((p) => p.id), ['2212.00001', 'csv:1']);
  assert.deepEqual(t.train.map((p) => p.id), ['hep-th/9901001', 'hep-th/0012001', 'math/0101001', '0704.0001']);
  assert.throws(() => splitTime(papers, { before: '2301', validFrom: '2302' }), RangeError);
});

test('splitTime without validFrom takes a seeded random valid fraction of train', () => {
  const papers = corpus().map((p, i) => ({ ...p, id: `${i % 2 ? '2201' : '2302'}.${String(i).padStart(5, '0')}` }));
  const a = splitTime(papers, { before: '2301', valid: 0.25, seed: 5 });
  const b = splitTime(papers, { before: '2301', valid: 0.25, seed: 5 });
  assert.deepEqual(a.valid.map((p) => p.id), b.valid.map((p) => p.id));
  assert.ok(a.valid.length > 0);
  for (const p of [...a.train, ...a.valid]) assert.equal(yymmOf(p), 202201);
  for (const p of a.test) assert.equal(yymmOf(p), 202302);
  assert.equal(a.train.length + a.valid.length + a.test.length, papers.length);
});
