import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toRawRecord } from '../../src/sources/fields.js';
import { readRows } from '../../src/sources/read.js';
import type { RawRecord, RowItem } from '../../src/sources/source.js';
import { KAGGLE_ELEMENTS, OAI_LINE_1, OAI_LINE_2, collect, tempDir, writeFixture, writeGzFixture } from './text-fixtures.js';

/** What the corpus stage will do: rows → records, keeping line numbers of skips. */
function summarize(items: RowItem[]): { records: RawRecord[]; skips: [number, string][] } {
  const records: RawRecord[] = [];
  const skips: [number, string][] = [];
  for (const item of items) {
    if ('error' in item) {
      skips.push([item.line, item.error.startsWith('bad JSON') ? 'bad-json' : 'bad-row']);
      continue;
    }
    const r = toRawRecord(item.row);
    if ('reason' in r) skips.push([item.line, r.reason]);
    else records.push(r.record);
  }
  return { records, skips };
}

test('readRows: every text format end to end, detected from content', async () => {
  const dir = tempDir();
  const oai = [OAI_LINE_1, '{oops', JSON.stringify({ id: '9', title: '', abstract: '', categories: 'cs.AI' }), OAI_LINE_2].join('\n');
  const kaggle = JSON.stringify([KAGGLE_ELEMENTS[0], { ...KAGGLE_ELEMENTS[1], tag: "[{'term': 'cs.CL'" }]);
  const keras = "titles,summaries,terms\nT1,S1,\"['cs.LG', 'cs.AI']\"\nT2,S2\nT3,S3,[]\n";
  const tsv = 'id\ttitle\tabstract\tcategories\n2101.00001v2\tT\tA\tcs.LG stat.ML\n';

  const o = summarize(await collect(readRows(writeGzFixture(dir, 'snapshot', oai))));
  assert.deepEqual(
    o.records.map((r) => r.id),
    ['0704.0001', 'hep-th/9901001'],
  );
  assert.deepEqual(o.skips, [
    [2, 'bad-json'],
    [3, 'no-text'],
  ]);

  const k = summarize(await collect(readRows(writeFixture(dir, 'arxivData.json', kaggle))));
  assert.deepEqual(k.records.map((r) => r.categories), [['cs.AI', 'cs.CL', 'cs.CV']]);
  assert.deepEqual(k.skips, [[2, 'bad-row']]);

  const c = summarize(await collect(readRows(writeFixture(dir, 'arxiv_data.csv', keras))));
  assert.deepEqual(c.records.map((r) => [r.title, r.categories]), [['T1', ['cs.LG', 'cs.AI']]]);
  assert.deepEqual(c.skips, [
    [3, 'bad-row'],
    [4, 'no-category'],
  ]);

  const t = summarize(await collect(readRows(writeFixture(dir, 'papers.tsv', tsv))));
  assert.deepEqual(t.records, [{ id: '2101.00001', version: 2, title: 'T', abstract: 'A', categories: ['cs.LG', 'stat.ML'] }]);
});

test('readRows: a forced format overrides detection', async () => {
  const dir = tempDir();
  // Detection would say CSV (no tab in the header), but the caller knows it is TSV.
  const p = writeFixture(dir, 'one-col.txt', 'title\nA, with comma\n');
  const asCsv = await collect(readRows(p));
  assert.deepEqual(asCsv, [{ error: 'bad row: expected 1 fields, found 2', line: 2 }]);
  const asTsv = await collect(readRows(p, 'tsv'));
  assert.deepEqual(asTsv, [{ row: { title: 'A, with comma' }, line: 2 }]);
});
