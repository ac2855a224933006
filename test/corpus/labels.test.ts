import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyBalance, buildLabelScheme, labelledPapers, labelsOf, OTHER_LABEL, schemeFromJSON, schemeToJSON, type LabelScheme } from '../../src/corpus/labels.js';
import { seededRng, shuffle } from '../../src/corpus/random.js';
import type { PaperRecord } from '../../src/corpus/record.js';
import { CATEGORIES } from '../../src/taxonomy/taxonomy.js';

let nextId = 0;
function paper(...categories: string[]): PaperRecord {
  nextId++;
  return { id: `2401.${String(nextId).padStart(5, '0')}`, title: `t${nextId}`, abstract: `a${nextId}`, categories, primary: categories[0]! };
}
function many(n: number, ...categories: string[]): PaperRecord[] {
  return Array.from({ length: n }, () => paper(...categories));
}
function names(scheme: LabelScheme, p: PaperRecord): string[] {
  return labelsOf(p, scheme).map((i) => scheme.labels[i]!);
}

test('primary: one class per primary code, sorted, labelsOf gives the primary', () => {
  const papers = [...many(3, 'cs.LG', 'stat.ML'), ...many(2, 'cs.CL', 'cs.LG'), paper('hep-th')];
  const s = buildLabelScheme(papers, { task: 'primary' });
  assert.deepEqual(s.labels, ['cs.CL', 'cs.LG', 'hep-th']);
  assert.deepEqual(names(s, papers[0]!), ['cs.LG']);
  assert.deepEqual(names(s, papers[3]!), ['cs.CL']);
  assert.equal(s.map('stat.ML'), undefined, 'never a primary here, so not a class');
  assert.equal(s.map('math.IT'), undefined);
  assert.equal(s.indexOf('hep-th'), 2);
  assert.equal(s.indexOf('nope'), -1);
});

test('primary --top keeps the most frequent classes, ties by code, and drops the rest', () => {
  const papers = [...many(5, 'cs.LG'), ...many(3, 'math.CO'), ...many(3, 'cs.CL'), ...many(1, 'hep-th')];
  const s = buildLabelScheme(papers, { task: 'primary', top: 2 });
  assert.deepEqual(s.labels, ['cs.CL', 'cs.LG'], 'cs.CL beats math.CO on the tie by code');
  assert.deepEqual(labelsOf(papers.at(-1)!, s), []);
  assert.equal(labelledPapers(papers, s).length, 8);
});

test('primary with includeCrossLists counts every category and falls back to a kept cross-list', () => {
  const papers = [...many(2, 'cs.LG'), ...many(3, 'stat.ML', 'cs.LG'), ...many(1, 'math.OC', 'cs.LG')];
  const plain = buildLabelScheme(papers, { task: 'primary', top: 1 });
  assert.deepEqual(plain.labels, ['stat.ML']);
  const cross = buildLabelScheme(papers, { task: 'primary', top: 1, includeCrossLists: true });
  assert.deepEqual(cross.labels, ['cs.LG']);
  assert.deepEqual(names(cross, papers.at(-1)!), ['cs.LG'], 'math.OC dropped, its cross-list cs.LG used');
  assert.equal(labelledPapers(papers, cross).length, 6);
});

test('--min-count folds small categories into their archive, then into other (notebook 002)', () => {
  const papers = [
    ...many(10, 'cs.LG'),
    ...many(3, 'cond-mat.other'), // alone < 5 → cond-mat, archive total 3 + 2 = 5 → class cond-mat
    ...many(2, 'cond-mat.soft'),
    ...many(6, 'cond-mat.str-el'), // big enough to stay
    ...many(2, 'math.KT'), // → math, total 2 < 5 → other
    ...many(2, 'hep-th'), // one-category archive: → hep-th, still < 5 → other
    ...many(1, 'nucl-th'),
  ];
  const s = buildLabelScheme(papers, { task: 'primary', minCount: 5 });
  assert.deepEqual(s.labels, ['cond-mat', 'cond-mat.str-el', 'cs.LG', OTHER_LABEL]);
  assert.equal(s.map('cond-mat.other'), 'cond-mat');
  assert.equal(s.map('cond-mat.soft'), 'cond-mat');
  assert.equal(s.map('cond-mat.str-el'), 'cond-mat.str-el');
  assert.equal(s.map('math.KT'), OTHER_LABEL);
  assert.equal(s.map('hep-th'), OTHER_LABEL);
  assert.equal(s.fold['cond-mat.other'], 'cond-mat');
  assert.equal(s.fold['hep-th'], OTHER_LABEL);
  // A code never seen has 0 papers: it folds like any rare one, so new data still maps.
  assert.equal(s.map('cond-mat.supr-con'), 'cond-mat');
  assert.equal(s.map('astro-ph.CO'), OTHER_LABEL);
  assert.equal(s.map('cs.CL'), OTHER_LABEL, 'the cs archive itself is too small');
  assert.equal(labelledPapers(papers, s).length, papers.length);
});

test('--min-count renames rather than creating a tiny class', () => {
  // cond-mat.other is small but the rest of cond-mat is big: the folded class is just cond-mat.other renamed.
  const papers = [...many(6, 'cond-mat.soft'), ...many(5, 'cond-mat.other')];
  const s = buildLabelScheme(papers, { task: 'primary', minCount: 6 });
  assert.deepEqual(s.labels, ['cond-mat.soft', OTHER_LABEL]);
  const t = buildLabelScheme([...papers, ...many(1, 'cond-mat.dis-nn')], { task: 'primary', minCount: 6 });
  assert.deepEqual(t.labels, ['cond-mat', 'cond-mat.soft']);
});

test('multilabel: every category, primary first, deduplicated after folding; top drops labels and then papers', () => {
  const papers = [...many(4, 'cs.LG', 'stat.ML', 'cs.AI'), ...many(2, 'math.KT', 'math.AT'), ...many(1, 'math.CT'), ...many(1, 'hep-th')];
  const s = buildLabelScheme(papers, { task: 'multilabel' });
  assert.deepEqual(s.labels, ['cs.AI', 'cs.LG', 'hep-th', 'math.AT', 'math.CT', 'math.KT', 'stat.ML']);
  assert.deepEqual(names(s, papers[0]!), ['cs.LG', 'stat.ML', 'cs.AI']);
  const folded = buildLabelScheme(papers, { task: 'multilabel', minCount: 3 });
  assert.deepEqual(names(folded, papers[4]!), ['math'], 'math.KT and math.AT both fold to math, kept once');
  assert.deepEqual(names(folded, papers.at(-1)!), [OTHER_LABEL]);
  const top = buildLabelScheme(papers, { task: 'multilabel', top: 2 });
  assert.deepEqual(top.labels, ['cs.AI', 'cs.LG']);
  assert.deepEqual(names(top, papers[0]!), ['cs.LG', 'cs.AI']);
  assert.deepEqual(labelsOf(papers.at(-1)!, top), []);
  assert.equal(labelledPapers(papers, top).length, 4);
});

test('group: the eight groups, from the primary', () => {
  const papers = [paper('cs.LG', 'stat.ML'), paper('hep-th'), paper('math.CO'), paper('q-fin.ST'), paper('econ.EM'), paper('eess.SP'), paper('q-bio.NC'), paper('stat.ME'), paper('cond-mat.soft')];
  const s = buildLabelScheme(papers, { task: 'group' });
  assert.deepEqual(s.labels, ['cs', 'econ', 'eess', 'math', 'physics', 'q-bio', 'q-fin', 'stat']);
  assert.deepEqual(names(s, papers[0]!), ['cs']);
  assert.deepEqual(names(s, papers.at(-1)!), ['physics']);
  assert.equal(s.map('math-ph'), 'physics');
  assert.equal(s.map('math.IT'), 'cs', 'aliases resolve before grouping');
  const small = buildLabelScheme(papers, { task: 'group', minCount: 2 });
  assert.deepEqual(small.labels, ['physics', OTHER_LABEL]);
});

test('applyBalance: at most N per class, deterministic for a seed, different for another', () => {
  const papers = [...many(50, 'cs.LG'), ...many(30, 'math.CO'), ...many(3, 'hep-th')];
  const s = buildLabelScheme(papers, { task: 'primary' });
  const a = applyBalance(papers, s, 10, 1);
  const b = applyBalance(papers, s, 10, 1);
  const c = applyBalance(papers, s, 10, 2);
  assert.deepEqual(a.map((p) => p.id), b.map((p) => p.id));
  assert.notDeepEqual(a.map((p) => p.id), c.map((p) => p.id));
  const counts = new Map<string, number>();
  for (const p of a) counts.set(p.primary, (counts.get(p.primary) ?? 0) + 1);
  assert.deepEqual(Object.fromEntries(counts), { 'cs.LG': 10, 'math.CO': 10, 'hep-th': 3 });
  // corpus order is kept
  const positions = a.map((p) => papers.indexOf(p));
  assert.deepEqual(positions, [...positions].sort((x, y) => x - y));
  const viaOptions = labelledPapers(papers, buildLabelScheme(papers, { task: 'primary', balance: 10, seed: 1 }));
  assert.deepEqual(viaOptions.map((p) => p.id), a.map((p) => p.id));
});

test('schemeToJSON / schemeFromJSON round-trip gives the same map on every code', () => {
  const papers = [...many(10, 'cs.LG', 'cs.AI'), ...many(3, 'cond-mat.other'), ...many(3, 'cond-mat.soft'), ...many(2, 'hep-th'), ...many(8, 'math.AP')];
  for (const options of [
    { task: 'primary', minCount: 5 },
    { task: 'primary', top: 2 },
    { task: 'multilabel', minCount: 4, top: 3 },
    { task: 'group', minCount: 5 },
  ] as const) {
    const s = buildLabelScheme(papers, options);
    const json = JSON.parse(JSON.stringify(schemeToJSON(s)));
    const r = schemeFromJSON(json);
    assert.deepEqual(r.labels, s.labels);
    assert.equal(r.task, s.task);
    assert.deepEqual(r.options, s.options);
    for (const c of CATEGORIES) assert.equal(r.map(c.code), s.map(c.code), `${options.task} ${c.code}`);
    for (const p of papers) assert.deepEqual(labelsOf(p, r), labelsOf(p, s));
  }
  assert.throws(() => schemeFromJSON({ task: 'bogus', labels: [], options: {} } as never), /unknown task/);
  assert.throws(() => schemeFromJSON({ task: 'primary', labels: ['a', 'a'], options: { task: 'primary' } }), /duplicate/);
  assert.throws(() => schemeFromJSON({ task: 'primary', labels: [1], options: { task: 'primary' } } as never), /labels/);
});

test('bad options throw RangeError', () => {
  assert.throws(() => buildLabelScheme([], { task: 'primary', top: 0 }), RangeError);
  assert.throws(() => buildLabelScheme([], { task: 'primary', minCount: 1.5 }), RangeError);
  assert.throws(() => buildLabelScheme([], { task: 'nope' as never }), RangeError);
  assert.deepEqual(buildLabelScheme([], { task: 'primary' }).labels, []);
});

test('seeded shuffle is a deterministic permutation', () => {
  const a = shuffle([...Array(20).keys()], seededRng(7));
  const b = shuffle([...Array(20).keys()], seededRng(7));
  const c = shuffle([...Array(20).keys()], seededRng(8));
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
  assert.deepEqual([...a].sort((x, y) => x - y), [...Array(20).keys()]);
  const r = seededRng(123);
  for (let i = 0; i < 1000; i++) {
    const v = r();
    assert.ok(v >= 0 && v < 1);
  }
});

test('--min-count counts a paper once per folded class: three rare math categories on one paper are one math paper', () => {
  const papers = [paper('math.KT', 'math.AT', 'math.CT'), ...many(3, 'cs.CL')];
  const s = buildLabelScheme(papers, { task: 'multilabel', minCount: 2 });
  assert.deepEqual(s.labels, ['cs.CL', OTHER_LABEL]);
  assert.deepEqual(names(s, papers[0]!), [OTHER_LABEL]);
});
