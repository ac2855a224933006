import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { emptyReport } from '../../src/corpus/canonical.js';
import { buildLabelScheme, labelledPapers, labelsOf, OTHER_LABEL, schemeFromJSON, schemeToJSON } from '../../src/corpus/labels.js';
import { readPapers } from '../../src/corpus/load.js';
import type { PaperRecord } from '../../src/corpus/record.js';
import { splitRandom, splitTime, yymmOf } from '../../src/corpus/split.js';
import { computeStats } from '../../src/corpus/stats.js';
import { getCategory, GROUPS } from '../../src/taxonomy/taxonomy.js';

const DATA = resolve('..', 'shared/data/arxiv-papers.jsonl.gz');
const LIMIT = 5000;
const skip = existsSync(DATA) ? false : `shared corpus not found at ${DATA}`;

let slice: PaperRecord[] | undefined;
async function papers(): Promise<PaperRecord[]> {
  if (slice) return slice;
  const out: PaperRecord[] = [];
  const report = emptyReport();
  for await (const p of readPapers(DATA, { report })) {
    out.push(p);
    if (out.length >= LIMIT) break;
  }
  assert.ok(report.kept >= out.length);
  slice = out;
  return out;
}

test('shared slice: records are canonical', { skip }, async () => {
  const ps = await papers();
  assert.equal(ps.length, LIMIT);
  for (const p of ps) {
    assert.ok(p.categories.length > 0 && p.categories[0] === p.primary, p.id);
    for (const c of p.categories) assert.ok(getCategory(c), `${p.id}: ${c} is canonical`);
    assert.ok(p.title.length > 0 && p.abstract.length > 0, p.id);
  }
});

test('shared slice: every label scheme is sane', { skip }, async () => {
  const ps = await papers();
  const primary = buildLabelScheme(ps, { task: 'primary' });
  assert.equal(primary.labels.length, new Set(ps.map((p) => p.primary)).size);
  for (const p of ps) assert.deepEqual(labelsOf(p, primary), [primary.indexOf(p.primary)]);

  const folded = buildLabelScheme(ps, { task: 'primary', minCount: 50 });
  assert.ok(folded.labels.length < primary.labels.length);
  assert.equal(labelledPapers(ps, folded).length, ps.length, 'folding keeps every paper');
  const counts = new Int32Array(folded.labels.length);
  for (const p of ps) counts[labelsOf(p, folded)[0]!]!++;
  folded.labels.forEach((l, i) => {
    if (l !== OTHER_LABEL) assert.ok(counts[i]! >= 50, `${l} has ${counts[i]} papers`);
  });

  const top = buildLabelScheme(ps, { task: 'primary', top: 10 });
  assert.equal(top.labels.length, 10);
  const kept = labelledPapers(ps, top);
  assert.ok(kept.length > 0 && kept.length < ps.length);
  assert.ok(kept.every((p) => top.labels.includes(p.primary)));

  const multi = buildLabelScheme(ps, { task: 'multilabel', top: 20 });
  for (const p of labelledPapers(ps, multi)) {
    const ls = labelsOf(p, multi);
    assert.equal(new Set(ls).size, ls.length, 'no duplicate labels');
    assert.ok(ls.every((i) => i >= 0 && i < 20));
  }

  const group = buildLabelScheme(ps, { task: 'group' });
  assert.ok(group.labels.every((g) => (GROUPS as readonly string[]).includes(g)));
  assert.equal(labelledPapers(ps, group).length, ps.length);

  const balanced = labelledPapers(ps, buildLabelScheme(ps, { task: 'group', balance: 100, seed: 3 }));
  assert.ok(balanced.length <= 100 * group.labels.length);

  const rebuilt = schemeFromJSON(JSON.parse(JSON.stringify(schemeToJSON(folded))));
  for (const p of ps) assert.deepEqual(labelsOf(p, rebuilt), labelsOf(p, folded));
});

test('shared slice: time and random splits partition the papers', { skip }, async () => {
  const ps = await papers();
  const months = ps.map(yymmOf).filter((m): m is number => m !== undefined);
  assert.ok(months.length > ps.length * 0.9, 'most ids carry a month');
  const sorted = [...months].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  const t = splitTime(ps, { before: String(median) });
  assert.equal(t.train.length + t.valid.length + t.test.length + t.undated, ps.length);
  assert.ok(t.train.every((p) => yymmOf(p)! < median));
  assert.ok(t.test.every((p) => yymmOf(p)! >= median));
  assert.ok(t.train.length > 0 && t.test.length > 0);

  const r = splitRandom(ps, { test: 0.1, valid: 0.1, seed: 1 });
  assert.equal(r.train.length + r.valid.length + r.test.length, ps.length);
  assert.ok(Math.abs(r.test.length - ps.length * 0.1) < ps.length * 0.02);

  const s = await computeStats(ps, { top: 5 });
  assert.equal(s.records, ps.length);
  assert.equal(s.top.length, 5);
  assert.ok(s.lengths.abstract.words.p50 > 20);
});
