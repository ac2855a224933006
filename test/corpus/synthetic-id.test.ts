import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ingest } from '../../src/corpus/ingest.js';
import { loadPapers } from '../../src/corpus/load.js';
import type { PaperRecord } from '../../src/corpus/record.js';

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
