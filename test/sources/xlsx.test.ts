import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readXlsxRows } from '../../src/sources/xlsx.js';
import type { RowItem } from '../../src/sources/source.js';
import { FIXTURE_SHARED_STRINGS, FIXTURE_SHEET_DATA, writeXlsx, xlsxParts, zipXlsx } from './xlsx-fixture.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'axc-'));

async function collect(rows: AsyncIterable<RowItem>): Promise<RowItem[]> {
  const out: RowItem[] = [];
  for await (const item of rows) out.push(item);
  return out;
}

const EXPECTED: RowItem[] = [
  {
    line: 2,
    row: {
      aid: 'http://arxiv.org/abs/2101.00001v2',
      categories: 'cs.LG stat.ML',
      main_category: 'cs.LG',
      published: 44197.5,
      summary: 'We study graphs <fast>\n in depth',
      title: 'Deep nets & friends',
    },
  },
  {
    line: 4,
    row: {
      aid: '2102.00002',
      categories: 'math.CO',
      main_category: 'math.CO',
      published: null,
      summary: '  spaced & kept  ',
      title: null,
    },
  },
  {
    line: 5,
    row: {
      aid: 123,
      categories: null,
      main_category: null,
      published: null,
      summary: null,
      title: 'λ-calculus λ "q" \'a\'',
      H: true,
    },
  },
];

test('xlsx: first sheet rows with shared, inline, formula, rich-text strings and entities', async () => {
  const file = path.join(dir, 'papers.xlsx');
  writeXlsx(file, xlsxParts({ sheetData: FIXTURE_SHEET_DATA, sharedStrings: FIXTURE_SHARED_STRINGS }));
  assert.deepEqual(await collect(readXlsxRows(file)), EXPECTED);
});

test('xlsx: stored (uncompressed) entries read the same', async () => {
  const file = path.join(dir, 'stored.xlsx');
  writeXlsx(file, xlsxParts({ sheetData: FIXTURE_SHEET_DATA, sharedStrings: FIXTURE_SHARED_STRINGS }), true);
  assert.deepEqual(await collect(readXlsxRows(file)), EXPECTED);
});

test('xlsx: the first sheet is the first tab of the workbook, not sheet1.xml', async () => {
  const file = path.join(dir, 'two-sheets.xlsx');
  const other = '<row r="1"><c r="A1" t="inlineStr"><is><t>wrong</t></is></c></row><row r="2"><c r="A2"><v>1</v></c></row>';
  writeXlsx(file, xlsxParts({ sheetData: FIXTURE_SHEET_DATA, sharedStrings: FIXTURE_SHARED_STRINGS, secondSheetData: other }));
  assert.deepEqual(await collect(readXlsxRows(file)), EXPECTED);
});

test('xlsx: namespace prefixes, cells without references, no shared strings, comments and CDATA', async () => {
  const files = xlsxParts({ sheetData: '' });
  files['xl/worksheets/sheet1.xml'] =
    '<?xml version="1.0"?><x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>' +
    '<!-- header --><x:row><x:c t="inlineStr"><x:is><x:t>title</x:t></x:is></x:c><x:c t="inlineStr"><x:is><x:t>n</x:t></x:is></x:c></x:row>' +
    '<x:row><x:c t="inlineStr"><x:is><x:t><![CDATA[a <b> & c]]></x:t></x:is></x:c><x:c><x:v>-1.5E3</x:v></x:c></x:row>' +
    '<x:row><x:c t="e"><x:v>#N/A</x:v></x:c><x:c t="inlineStr"><x:is><x:t>line_x000D_break</x:t></x:is></x:c></x:row>' +
    '</x:sheetData></x:worksheet>';
  const file = path.join(dir, 'prefixed.xlsx');
  writeXlsx(file, files);
  assert.deepEqual(await collect(readXlsxRows(file)), [
    { line: 2, row: { title: 'a <b> & c', n: -1500 } },
    { line: 3, row: { title: null, n: 'line\rbreak' } },
  ]);
});

test('xlsx: a bad shared-string index is a row error, not a fatal one', async () => {
  const sheet =
    '<row r="1"><c r="A1" t="s"><v>5</v></c></row>' +
    '<row r="2"><c r="A2" t="s"><v>99</v></c></row>' +
    '<row r="3"><c r="A3" t="s"><v>9</v></c></row>';
  const file = path.join(dir, 'bad-index.xlsx');
  writeXlsx(file, xlsxParts({ sheetData: sheet, sharedStrings: FIXTURE_SHARED_STRINGS }));
  const items = await collect(readXlsxRows(file));
  assert.equal(items.length, 2);
  assert.equal(items[0]!.line, 2);
  assert.ok('error' in items[0]! && /A2/.test(items[0].error));
  assert.deepEqual(items[1], { line: 3, row: { title: 'Deep nets & friends' } });
});

test('xlsx: a large sheet streams through many chunks, multi-byte characters split across them', async () => {
  const n = 10_000;
  const summary = (r: number): string => `abstract ${r} & é€😀λ ${'x'.repeat(r % 7)}.`;
  const rows: string[] = ['<row r="1"><c r="A1" t="inlineStr"><is><t>id</t></is></c><c r="B1" t="inlineStr"><is><t>summary</t></is></c></row>'];
  for (let r = 2; r <= n + 1; r++) {
    rows.push(`<row r="${r}"><c r="A${r}"><v>${r}</v></c><c r="B${r}" t="inlineStr"><is><t>${summary(r).replace('&', '&amp;')}</t></is></c></row>`);
  }
  for (const stored of [false, true]) {
    const file = path.join(dir, stored ? 'large-stored.xlsx' : 'large.xlsx');
    writeXlsx(file, xlsxParts({ sheetData: rows.join('') }), stored);
    let count = 0;
    for await (const item of readXlsxRows(file)) {
      count++;
      assert.deepEqual(item, { line: count + 1, row: { id: count + 1, summary: summary(count + 1) } });
    }
    assert.equal(count, n);
  }
});

async function assertFails(file: string, pattern?: RegExp): Promise<void> {
  await assert.rejects(collect(readXlsxRows(file)), (err: unknown) => {
    assert.ok(err instanceof Error);
    assert.ok(err.message.includes(file), `message should name the file: ${err.message}`);
    if (pattern) assert.match(err.message, pattern);
    return true;
  });
}

test('xlsx: truncated, non-zip, non-xlsx, corrupt and missing files fail naming the file', async () => {
  const bytes = zipXlsx(xlsxParts({ sheetData: FIXTURE_SHEET_DATA, sharedStrings: FIXTURE_SHARED_STRINGS }));

  const truncated = path.join(dir, 'truncated.xlsx');
  fs.writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
  await assertFails(truncated, /zip/);

  const text = path.join(dir, 'text.xlsx');
  fs.writeFileSync(text, 'aid,title\n1,hello\n');
  await assertFails(text, /zip/);

  const empty = path.join(dir, 'empty.xlsx');
  fs.writeFileSync(empty, '');
  await assertFails(empty);

  const notWorkbook = path.join(dir, 'not-workbook.xlsx');
  writeXlsx(notWorkbook, { 'readme.txt': 'hello' });
  await assertFails(notWorkbook, /workbook/);

  // Stored entries let us flip a byte inside the sheet XML: the CRC check must catch it.
  const stored = zipXlsx(xlsxParts({ sheetData: FIXTURE_SHEET_DATA, sharedStrings: FIXTURE_SHARED_STRINGS }), true);
  const at = Buffer.from(stored).indexOf('2102.00002');
  assert.ok(at > 0);
  const corrupt = Uint8Array.from(stored);
  corrupt[at] = 0x39; // '2' → '9'
  const corruptFile = path.join(dir, 'corrupt.xlsx');
  fs.writeFileSync(corruptFile, corrupt);
  await assertFails(corruptFile, /CRC/);

  // Garbage inside a deflated entry.
  const deflated = Uint8Array.from(bytes);
  const sheetName = Buffer.from(deflated).indexOf('xl/worksheets/sheet1.xml');
  for (let i = sheetName + 30; i < sheetName + 60; i++) deflated[i] = 0xff;
  const garbled = path.join(dir, 'garbled.xlsx');
  fs.writeFileSync(garbled, deflated);
  await assertFails(garbled);

  await assertFails(path.join(dir, 'missing.xlsx'));
});
