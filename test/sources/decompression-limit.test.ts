import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { DecompressionLimitError } from '../../src/base/errors.js';
import { DecompressionLimit } from '../../src/sources/decompression-limit.js';
import { readRows } from '../../src/sources/read.js';
import type { RowItem } from '../../src/sources/source.js';
import { readXlsxRows } from '../../src/sources/xlsx.js';
import { writeXlsx, xlsxParts, zipXlsx } from './xlsx-fixture.js';

// Zip bombs: a few hundred kilobytes that inflate to hundreds of megabytes. Every decompression
// an input goes through counts against one limit, and a cell's text is held only up to the
// record limit, so neither a reader nor the server holds what a bomb inflates to.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'axc-bomb-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

async function collect(rows: AsyncIterable<RowItem>): Promise<RowItem[]> {
  const out: RowItem[] = [];
  for await (const item of rows) out.push(item);
  return out;
}

/** A workbook whose second row's title is `title` (inline, or a shared string), then a good row. */
function bombParts(title: string, shared: boolean): Record<string, string> {
  const cell = shared ? '<c r="A2" t="s"><v>1</v></c>' : `<c r="A2" t="inlineStr"><is><t>${title}</t></is></c>`;
  return xlsxParts({
    sheetData: '<row r="1"><c r="A1" t="s"><v>0</v></c></row>' + `<row r="2">${cell}</row>` + '<row r="3"><c r="A3" t="inlineStr"><is><t>A good title</t></is></c></row>',
    sharedStrings: `<si><t>title</t></si><si><t>${shared ? title : 'unused'}</t></si>`,
  });
}

test('a cell longer than the record limit is a bad row, never held whole; the next row is read', async () => {
  for (const shared of [false, true]) {
    const file = path.join(dir, `long-cell-${shared}.xlsx`);
    writeXlsx(file, bombParts('a'.repeat(200_000), shared));
    const items = await collect(readXlsxRows(file, { maxRecordSize: 10_000 }));
    assert.equal(items.length, 2, `shared: ${shared}`);
    assert.equal(items[0]!.line, 2);
    assert.match(String((items[0] as { error: string }).error), /cell A2: .*record too large: more than 10000 bytes/);
    assert.deepEqual(items[1], { row: { title: 'A good title' }, line: 3 });
  }
});

test('text split across chunks keeps its entities and line ends', async () => {
  // 100 KiB of text between tags reaches the scanner in several chunks.
  const title = 'x&amp;y\r\n'.repeat(12_000);
  const file = path.join(dir, 'entities.xlsx');
  writeXlsx(file, bombParts(title, false));
  const items = await collect(readXlsxRows(file));
  assert.deepEqual(items[0], { row: { title: 'x&y\n'.repeat(12_000).trim() }, line: 2 });
});

test('zip entries count against the decompression limit', async () => {
  const file = path.join(dir, 'bomb.xlsx');
  writeXlsx(file, bombParts('a'.repeat(4_000_000), false));
  assert.ok(fs.statSync(file).size < 40_000);
  await assert.rejects(collect(readRows(file, 'xlsx', new DecompressionLimit(1_000_000, 'bomb.xlsx'))), (e: unknown) => e instanceof DecompressionLimitError && /bomb\.xlsx: decompresses to more than the limit of 1000000 bytes/.test(e.message));
});

test('gzip and the zip entries inside it count against the same limit', async () => {
  // Text that deflates poorly: the gunzipped zip (about 46 KB) and its inflated entries (about
  // 61 KB) each fit in 100 KB, together they do not.
  const zip = zipXlsx(bombParts(randomBytes(45_000).toString('base64'), false));
  assert.ok(zip.length > 40_000 && zip.length < 100_000);
  const file = path.join(dir, 'layers.xlsx.gz');
  fs.writeFileSync(file, gzipSync(zip));
  assert.equal((await collect(readRows(file, 'xlsx', new DecompressionLimit(200_000, 'layers')))).length, 2);
  await assert.rejects(collect(readRows(file, 'xlsx', new DecompressionLimit(100_000, 'layers'))), DecompressionLimitError);
});

test('parquet pages count against the decompression limit, before they are allocated', async () => {
  const file = path.join(dir, 'bomb.parquet');
  const bytes = parquetWriteBuffer({ columnData: [{ name: 'title', data: ['a'.repeat(2_000_000), 'A good title'] }] });
  fs.writeFileSync(file, new Uint8Array(bytes));
  assert.ok(fs.statSync(file).size < 200_000);
  await assert.rejects(collect(readRows(file, 'parquet', new DecompressionLimit(1_000_000, 'bomb.parquet'))), DecompressionLimitError);
  assert.equal((await collect(readRows(file, 'parquet', new DecompressionLimit(4_000_000, 'bomb.parquet')))).length, 2);
});
