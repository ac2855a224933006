import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { UserError } from '../../src/base/errors.js';
import { toRawRecord } from '../../src/sources/fields.js';
import { readRows } from '../../src/sources/read.js';
import { readSeekable } from '../../src/sources/seekable.js';
import type { RawRecord, RowItem } from '../../src/sources/source.js';
import { KAGGLE_ELEMENTS, OAI_LINE_1, OAI_LINE_2, collect, tempDir, writeFixture, writeGzFixture } from './text-fixtures.js';
import { xlsxParts, zipXlsx } from './xlsx-fixture.js';

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

test('readRows: gzipped parquet and xlsx are read through a temp copy that is removed afterwards', async () => {
  const dir = tempDir();
  const parquet = parquetWriteBuffer({
    columnData: [
      { name: 'id', data: ['2101.00001', '2101.00002'] },
      { name: 'title', data: ['Deep nets', 'Graph colourings'] },
      { name: 'categories', data: ['cs.LG stat.ML', 'math.CO'] },
    ],
  });
  const parquetGz = writeGzFixture(dir, 'arxiver.parquet.gz', Buffer.from(parquet));
  const text = (ref: string, value: string) => `<c r="${ref}" t="inlineStr"><is><t>${value}</t></is></c>`;
  // The id is a number cell, as Excel keeps 0704.0001 typed in by hand.
  const sheet = `<row r="1">${text('A1', 'id')}${text('B1', 'title')}${text('C1', 'categories')}</row><row r="2"><c r="A2"><v>704.0001</v></c>${text('B2', 'Diphotons')}${text('C2', 'hep-ph')}</row>`;
  const xlsxGz = writeGzFixture(dir, 'papers.xlsx.gz', Buffer.from(zipXlsx(xlsxParts({ sheetData: sheet }))));

  const p = summarize(await collect(readRows(parquetGz)));
  assert.deepEqual(p.records.map((r) => [r.id, r.categories]), [
    ['2101.00001', ['cs.LG', 'stat.ML']],
    ['2101.00002', ['math.CO']],
  ]);
  const x = summarize(await collect(readRows(xlsxGz)));
  assert.deepEqual(x.records.map((r) => [r.id, r.title]), [['0704.0001', 'Diphotons']]);
  // Forced formats take the same way.
  assert.equal((await collect(readRows(parquetGz, 'parquet'))).length, 2);
  assert.equal((await collect(readRows(xlsxGz, 'xlsx'))).length, 1);
});

test('readSeekable: the gunzipped copy goes however reading ends, and messages name the user file', async () => {
  const dir = tempDir();
  const root = path.join(dir, 'tmp');
  fs.mkdirSync(root);
  const plain = writeFixture(dir, 'plain.bin', 'abc');
  const gz = writeGzFixture(dir, 'packed.bin.gz', 'hello');
  const copies: string[] = [];
  async function* readWhole(file: string, name: string): AsyncGenerator<string> {
    copies.push(file);
    yield `${name}=${fs.readFileSync(file, 'utf8')}`;
  }
  async function* failing(file: string): AsyncGenerator<string> {
    copies.push(file);
    throw new Error('boom');
  }
  async function* two(file: string): AsyncGenerator<number> {
    copies.push(file);
    yield 1;
    yield 2;
  }
  assert.deepEqual(await collect(readSeekable(plain, readWhole, { tempRoot: root })), [`${plain}=abc`]);
  assert.deepEqual(copies, [plain], 'a plain file is read in place');
  assert.deepEqual(await collect(readSeekable(gz, readWhole, { tempRoot: root })), [`${gz} (gunzipped)=hello`]);
  assert.ok(copies[1]!.startsWith(root + path.sep), 'a gzipped one through a copy under the temp root');
  assert.deepEqual(fs.readdirSync(root), []);
  // The reader fails.
  await assert.rejects(collect(readSeekable(gz, failing, { tempRoot: root })), /boom/);
  assert.deepEqual(fs.readdirSync(root), []);
  // The consumer stops early.
  for await (const first of readSeekable(gz, two, { tempRoot: root })) {
    assert.equal(first, 1);
    assert.equal(fs.readdirSync(root).length, 1, 'the copy exists while it is read');
    break;
  }
  assert.deepEqual(fs.readdirSync(root), []);
  // The gzip data is corrupt: the reader is never called.
  const whole = gzipSync(Buffer.from(Array.from({ length: 100_000 }, (_, i) => `line ${i}\n`).join('')));
  const cut = writeFixture(dir, 'cut.gz', whole.subarray(0, whole.length >> 1));
  await assert.rejects(collect(readSeekable(cut, two, { tempRoot: root })), (e: unknown) => e instanceof UserError && e.message.startsWith(`${cut}: gzip data is corrupt`));
  assert.deepEqual(fs.readdirSync(root), []);
  assert.equal(copies.length, 4);

  // A gzipped file that is not what its content promised: the message names it, not the copy.
  const fake = writeGzFixture(dir, 'fake.parquet.gz', Buffer.concat([Buffer.from('PAR1'), Buffer.alloc(64, 1)]));
  await assert.rejects(collect(readRows(fake)), (e: unknown) => e instanceof UserError && e.message.startsWith(`${fake} (gunzipped): not a readable parquet file`));
  const fakeXlsx = writeGzFixture(dir, 'fake.xlsx.gz', Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(64, 1)]));
  await assert.rejects(collect(readRows(fakeXlsx)), (e: unknown) => e instanceof UserError && e.message.startsWith(`${fakeXlsx} (gunzipped): not a readable xlsx file`));
});
