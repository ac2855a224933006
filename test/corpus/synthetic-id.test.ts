import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ingest } from '../../src/corpus/ingest.js';
import { loadPapers } from '../../src/corpus/load.js';
import type { PaperRecord } from '../../src/corpus/record.js';
import { idPrefixes } from '../../src/corpus/synthetic-id.js';

const dir = mkdtempSync(join(tmpdir(), 'axc-'));

function corpus(path: string): PaperRecord[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l)
    .map((l) => JSON.parse(l) as PaperRecord);
}

test('records without an id get file:line, the same from ingest and from loadPapers (CSV)', async () => {
  const csv = join(dir, 'arxiv_data.csv');
  writeFileSync(csv, 'titles,summaries,terms\nFirst,One,"[\'cs.LG\']"\nSecond,Two,"[\'cs.CV\', \'cs.LG\']"\n,,[]\nFourth,Four,"[\'math.CO\']"\n');
  const { papers } = await loadPapers(csv);
  const out = join(dir, 'csv.jsonl');
  await ingest([csv], out);
  const ingested = corpus(out);
  assert.deepEqual(
    papers.map((p) => [p.id, p.title]),
    [
      ['arxiv_data.csv:2', 'First'],
      ['arxiv_data.csv:3', 'Second'],
      ['arxiv_data.csv:5', 'Fourth'],
    ],
  );
  assert.deepEqual(
    ingested.map((p) => p.id),
    papers.map((p) => p.id),
  );
});

test('id-less JSON lines get their file line across chunks and worker threads', async () => {
  const path = join(dir, 'noid.jsonl');
  const lines: string[] = [];
  for (let line = 1; line <= 400; line++) {
    if (line % 50 === 7) lines.push(''); // blank lines still count
    else lines.push(JSON.stringify({ title: `Paper on line ${line}`, abstract: 'Text.', categories: 'cs.LG' }));
  }
  writeFileSync(path, lines.join('\n') + '\n');
  const { papers } = await loadPapers(path);
  for (const workers of [0, 2]) {
    const out = join(dir, `noid-${workers}.jsonl`);
    const r = await ingest([path], out, { workers, chunkBytes: 1000 });
    assert.equal(r.kept, 392);
    assert.equal(r.duplicates, 0, 'no two records share a synthetic id');
    const recs = corpus(out);
    for (const rec of recs) assert.equal(rec.id, `noid.jsonl:${/line (\d+)/.exec(rec.title)![1]}`);
    assert.deepEqual(
      recs.map((p) => p.id),
      papers.map((p) => p.id),
    );
  }
});

test('id-less records of two files with the same name do not replace one another (ingest and loadPapers)', async () => {
  const csv = 'titles,summaries,terms\nFirst,One,"[\'cs.LG\']"\nSecond,Two,"[\'cs.CV\']"\n';
  mkdirSync(join(dir, 'a'));
  mkdirSync(join(dir, 'b'));
  const a = join(dir, 'a', 'arxiv_data.csv');
  const b = join(dir, 'b', 'arxiv_data.csv');
  writeFileSync(a, csv);
  writeFileSync(b, csv);
  const out = join(dir, 'same-name.jsonl');
  const r = await ingest([a, b], out);
  assert.equal(r.read, 4);
  assert.equal(r.kept, 4);
  assert.equal(r.duplicates, 0);
  const ids = ['a/arxiv_data.csv:2', 'a/arxiv_data.csv:3', 'b/arxiv_data.csv:2', 'b/arxiv_data.csv:3'];
  assert.deepEqual(
    corpus(out).map((p) => p.id),
    ids,
  );
  const { papers, report } = await loadPapers([a, b]);
  assert.equal(report.kept, 4);
  assert.deepEqual(
    papers.map((p) => p.id),
    ids,
  );
  // The same file given twice holds the same papers: those are duplicates.
  assert.equal((await ingest([a, `${dir}/b/../a/arxiv_data.csv`], out)).duplicates, 2);
});

test('id-less JSON lines of same-named files stay apart on every path (fast path, general path, workers)', async () => {
  const lines = (tag: string) =>
    [
      JSON.stringify({ title: `${tag} fast`, abstract: 'Text.', categories: 'cs.LG' }),
      JSON.stringify({ title: `${tag} general`, summary: 'Text.', categories: 'cs.AI' }), // `summary`: the fast path declines
    ].join('\n') + '\n';
  for (const sub of ['x', 'y']) mkdirSync(join(dir, sub, 'data'), { recursive: true });
  const x = join(dir, 'x', 'data', 'noid.jsonl');
  const y = join(dir, 'y', 'data', 'noid.jsonl');
  writeFileSync(x, lines('x'));
  writeFileSync(y, lines('y'));
  const expected = ['x/data/noid.jsonl:1', 'x/data/noid.jsonl:2', 'y/data/noid.jsonl:1', 'y/data/noid.jsonl:2'];
  for (const workers of [0, 2]) {
    const out = join(dir, `same-name-${workers}.jsonl`);
    const r = await ingest([x, y], out, { workers });
    assert.equal(r.kept, 4, `workers ${workers}`);
    assert.deepEqual(
      corpus(out).map((p) => p.id),
      expected,
    );
  }
  assert.deepEqual(
    (await loadPapers([x, y])).papers.map((p) => p.id),
    expected,
  );
});

test('idPrefixes: base names, lengthened only as far as needed, whatever the order or spelling of paths', () => {
  assert.deepEqual(idPrefixes(['/d/arxiv_data.csv']), ['arxiv_data.csv']);
  assert.deepEqual(idPrefixes(['/d/a.csv', '/d/b.csv']), ['a.csv', 'b.csv']);
  assert.deepEqual(idPrefixes(['/d/a/x.csv', '/d/b/x.csv', '/d/c.csv']), ['a/x.csv', 'b/x.csv', 'c.csv']);
  assert.deepEqual(idPrefixes(['/p/a/x.csv', '/q/a/x.csv']), ['p/a/x.csv', 'q/a/x.csv']);
  assert.deepEqual(idPrefixes(['/q/a/x.csv', '/p/a/x.csv']), ['q/a/x.csv', 'p/a/x.csv'], 'order does not change a prefix');
  assert.deepEqual(idPrefixes(['/x.csv', '/a/x.csv']), ['x.csv', 'a/x.csv']);
  assert.deepEqual(idPrefixes(['/d/x.csv', '/d/./x.csv', '/e/x.csv']), ['d/x.csv', 'd/x.csv', 'e/x.csv'], 'one file, however spelled, one prefix');
});
