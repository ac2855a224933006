import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { parquetWriteBuffer, type ColumnSource, type SchemaElement } from 'hyparquet-writer';
import { readParquetRows } from '../../src/sources/parquet.js';
import type { RowItem } from '../../src/sources/source.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'axc-'));

async function collect(rows: AsyncIterable<RowItem>): Promise<RowItem[]> {
  const out: RowItem[] = [];
  for await (const item of rows) out.push(item);
  return out;
}

const IDS = ['2101.00001', '2101.00002', '2101.00003', '2101.00004', '2101.00005'];
const TITLES = ['Deep nets', null, 'Graph colourings', 'Quantum walks', 'Dark matter halos'];
const ABSTRACTS = ['We train deep nets.', 'An untitled abstract.', 'We colour graphs.', 'Walks, quantum.', 'Halos of dark matter.'];
const PRIMARY = ['cs.LG', 'math.CO', 'math.CO', 'quant-ph', 'astro-ph.CO'];
const CATEGORY_LISTS = [['cs.LG', 'stat.ML'], ['math.CO'], ['math.CO', 'cs.DM'], ['quant-ph'], null];
const CATEGORY_STRINGS = ["['cs.LG', 'stat.ML']", 'math.CO', 'math.CO cs.DM', 'quant-ph', null];
const DATES = IDS.map((_, i) => new Date(Date.UTC(2021, 0, 1 + i, 12)));

/** An arXiver-like table; `categories` as a parquet LIST of strings or as a plain string. */
function arxiverColumns(listCategories: boolean): ColumnSource[] {
  return [
    { name: 'id', data: IDS },
    { name: 'title', data: TITLES },
    { name: 'abstract', data: ABSTRACTS },
    { name: 'authors', data: IDS.map((_, i) => `Author ${i + 1}, Coauthor`) },
    { name: 'published_date', data: DATES },
    { name: 'link', data: IDS.map((id) => `https://arxiv.org/abs/${id}`) },
    { name: 'markdown', data: IDS.map((id) => `# ${id}\n\nFull text of ${id}.`) },
    { name: 'primary_category', data: PRIMARY },
    { name: 'categories', data: listCategories ? CATEGORY_LISTS : CATEGORY_STRINGS },
    { name: 'citations', data: [1n, 2n, 0n, 9007199254740993n, null] },
  ];
}

function arxiverSchema(listCategories: boolean): SchemaElement[] {
  const string = (name: string): SchemaElement => ({ name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' });
  return [
    { name: 'root', num_children: 10 },
    string('id'),
    string('title'),
    string('abstract'),
    string('authors'),
    { name: 'published_date', type: 'INT64', converted_type: 'TIMESTAMP_MILLIS', repetition_type: 'OPTIONAL' },
    string('link'),
    string('markdown'),
    string('primary_category'),
    ...(listCategories
      ? [
          { name: 'categories', repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 } satisfies SchemaElement,
          { name: 'list', repetition_type: 'REPEATED', num_children: 1 } satisfies SchemaElement,
          string('element'),
        ]
      : [string('categories')]),
    { name: 'citations', type: 'INT64', repetition_type: 'OPTIONAL' },
  ];
}

function writeArxiver(file: string, options: { listCategories: boolean; gzip?: boolean; rowGroupSize?: number }): void {
  const bytes = parquetWriteBuffer({
    columnData: arxiverColumns(options.listCategories),
    schema: arxiverSchema(options.listCategories),
    rowGroupSize: options.rowGroupSize ?? 2,
    ...(options.gzip ? { codec: 'GZIP' as const, compressors: { GZIP: (input: Uint8Array) => zlib.gzipSync(input) } } : {}),
  });
  fs.writeFileSync(file, new Uint8Array(bytes));
}

function expectedRows(listCategories: boolean): RowItem[] {
  return IDS.map((id, i) => ({
    line: i + 1,
    row: {
      id,
      title: TITLES[i],
      abstract: ABSTRACTS[i],
      authors: `Author ${i + 1}, Coauthor`,
      published_date: DATES[i].toISOString(),
      link: `https://arxiv.org/abs/${id}`,
      markdown: `# ${id}\n\nFull text of ${id}.`,
      primary_category: PRIMARY[i],
      categories: listCategories ? CATEGORY_LISTS[i] : CATEGORY_STRINGS[i],
      citations: [1, 2, 0, '9007199254740993', null][i],
    },
  }));
}

test('parquet: arXiver rows across row groups, list categories, null title, plain values', async () => {
  const file = path.join(dir, 'arxiver-list.parquet');
  writeArxiver(file, { listCategories: true });
  const items = await collect(readParquetRows(file));
  assert.deepEqual(items, expectedRows(true));
  // Plain JSON values only: a round trip through JSON changes nothing.
  assert.deepEqual(JSON.parse(JSON.stringify(items)), items);
});

test('parquet: categories as a string column', async () => {
  const file = path.join(dir, 'arxiver-string.parquet');
  writeArxiver(file, { listCategories: false, rowGroupSize: 3 });
  assert.deepEqual(await collect(readParquetRows(file)), expectedRows(false));
});

test('parquet: gzip-compressed file', async () => {
  const file = path.join(dir, 'arxiver-gzip.parquet');
  writeArxiver(file, { listCategories: true, gzip: true });
  assert.deepEqual(await collect(readParquetRows(file)), expectedRows(true));
});

test('parquet: column selection skips columns and ignores names the file lacks', async () => {
  const file = path.join(dir, 'arxiver-columns.parquet');
  writeArxiver(file, { listCategories: true });
  const items = await collect(readParquetRows(file, { columns: ['id', 'title', 'no_such_column'] }));
  assert.deepEqual(
    items,
    IDS.map((id, i) => ({ line: i + 1, row: { id, title: TITLES[i] } })),
  );
});

test('parquet: many row groups stream in order', async () => {
  const n = 5000;
  const file = path.join(dir, 'many.parquet');
  const bytes = parquetWriteBuffer({
    columnData: [
      { name: 'id', data: Array.from({ length: n }, (_, i) => `id-${i}`), type: 'STRING' },
      { name: 'n', data: Int32Array.from({ length: n }, (_, i) => i), type: 'INT32' },
    ],
    rowGroupSize: 700,
  });
  fs.writeFileSync(file, new Uint8Array(bytes));
  let count = 0;
  for await (const item of readParquetRows(file)) {
    assert.deepEqual(item, { line: count + 1, row: { id: `id-${count}`, n: count } });
    count++;
  }
  assert.equal(count, n);
});

async function assertFails(file: string): Promise<void> {
  await assert.rejects(collect(readParquetRows(file)), (err: unknown) => {
    assert.ok(err instanceof Error);
    assert.ok(err.message.includes(file), `message should name the file: ${err.message}`);
    return true;
  });
}

test('parquet: truncated, corrupt, non-parquet and missing files fail naming the file', async () => {
  const good = path.join(dir, 'good.parquet');
  writeArxiver(good, { listCategories: true });
  const bytes = fs.readFileSync(good);

  const truncated = path.join(dir, 'truncated.parquet');
  fs.writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
  await assertFails(truncated);

  // Footer intact, data pages overwritten: the failure comes while reading a row group.
  const corrupt = Buffer.from(bytes);
  corrupt.fill(0xff, 4, Math.min(400, corrupt.length - 8));
  const corruptFile = path.join(dir, 'corrupt.parquet');
  fs.writeFileSync(corruptFile, corrupt);
  await assertFails(corruptFile);

  const text = path.join(dir, 'text.parquet');
  fs.writeFileSync(text, '{"id": "2101.00001"}\n');
  await assertFails(text);

  const empty = path.join(dir, 'empty.parquet');
  fs.writeFileSync(empty, '');
  await assertFails(empty);

  await assertFails(path.join(dir, 'missing.parquet'));
});

test('parquet: a page whose runs claim more values than it holds is refused before it is decoded', async () => {
  // Dictionary indices of 50 × alpha then 50 × beta: bit width 1, a run of 50 zeros (header 0x64)
  // and a run of 50 ones. The first run is made to claim 63: 113 values in a page of 100. A run
  // claiming millions (a damaged page) once made the decoder write past its array until V8
  // aborted the process.
  const data = [...Array<string>(50).fill('alpha'), ...Array<string>(50).fill('beta')];
  const bytes = Buffer.from(parquetWriteBuffer({ columnData: [{ name: 'title', type: 'STRING', data }], codec: 'UNCOMPRESSED' }));
  const runs = bytes.indexOf(Buffer.from([0x01, 0x64, 0x00, 0x64, 0x01]));
  assert.ok(runs > 0, 'the dictionary indices are where this test expects them');
  const file = path.join(dir, 'long-run.parquet');
  fs.writeFileSync(file, bytes);
  assert.equal((await collect(readParquetRows(file))).length, 100);
  bytes[runs + 1] = 0x7e;
  fs.writeFileSync(file, bytes);
  await assert.rejects(collect(readParquetRows(file)), /long-run\.parquet: cannot read parquet row group 1 \(rows 1-100\): a page claims a run of 50 values where 37 remain \(damaged data\?\)/);
});
