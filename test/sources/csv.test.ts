import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RowItem } from '../../src/sources/source.js';
import { DelimitedParser, readDelimitedRows, type DelimitedRecord } from '../../src/sources/csv.js';
import { MAX_RECORD_SIZE } from '../../src/sources/record-limit.js';
import { collect, errorsOf, rowsOf, tempDir, writeFixture, writeGzFixture } from './text-fixtures.js';

/** Keras "arxiv_data.csv": titles, summaries, terms (a Python list literal), as pandas writes it. */
const KERAS_CSV = [
  'titles,summaries,terms',
  'Survey on Semantic Stereo Matching / Semantic Depth Estimation,"Stereo matching is one of the widely used techniques for inferring depth from\nstereo images owing to its robustness and speed. It has become one of the\nmajor topics of research.","[\'cs.CV\', \'cs.LG\']"',
  '"Towards a ""Robust"", Fair Model","We study, with care, the ""robustness""\nof models.\n\nSecond paragraph.","[\'cs.LG\', \'cs.AI\', \'stat.ML\']"',
  'Only two fields,oops',
  'Plain title,Plain summary,"[\'cs.CL\']"',
].join('\n');

function checkKeras(items: RowItem[]): void {
  const rows = rowsOf(items);
  assert.equal(rows.length, 3);
  assert.deepEqual(rows[0]!.row, {
    titles: 'Survey on Semantic Stereo Matching / Semantic Depth Estimation',
    summaries:
      'Stereo matching is one of the widely used techniques for inferring depth from\nstereo images owing to its robustness and speed. It has become one of the\nmajor topics of research.',
    terms: "['cs.CV', 'cs.LG']",
  });
  assert.equal(rows[1]!.row.titles, 'Towards a "Robust", Fair Model');
  assert.equal(rows[1]!.row.summaries, 'We study, with care, the "robustness"\nof models.\n\nSecond paragraph.');
  // Physical lines: header 1, record 2 spans 2-4, record 3 spans 5-8, bad row 9, last 10.
  assert.deepEqual(
    rows.map((r) => r.line),
    [2, 5, 10],
  );
  const errors = errorsOf(items);
  assert.equal(errors.length, 1);
  assert.equal(errors[0]!.line, 9);
  assert.equal(errors[0]!.error, 'bad row: expected 3 fields, found 2');
}

test('readDelimitedRows: Keras arxiv_data.csv with quoted newlines, doubled quotes and a short row', async () => {
  const dir = tempDir();
  checkKeras(await collect(readDelimitedRows(writeFixture(dir, 'arxiv_data.csv', KERAS_CSV + '\n'), ',')));
});

test('readDelimitedRows: CRLF, BOM, no final newline, gzipped', async () => {
  const dir = tempDir();
  const crlf = '\ufeff' + KERAS_CSV.replace(/\n/g, '\r\n');
  const items = await collect(readDelimitedRows(writeGzFixture(dir, 'arxiv_data.csv', crlf), ','));
  const rows = rowsOf(items);
  assert.ok('titles' in rows[0]!.row, 'BOM is not part of the first header name');
  // Quoted line breaks are kept as written (CRLF inside the field).
  assert.equal(rows[1]!.row.summaries, 'We study, with care, the "robustness"\r\nof models.\r\n\r\nSecond paragraph.');
  assert.deepEqual(
    items.map((i) => i.line),
    [2, 5, 9, 10],
  );
  assert.equal(rows[2]!.row.terms, "['cs.CL']");
});

test('readDelimitedRows: TSV with trimmed header names, blank lines skipped, quoted tab', async () => {
  const dir = tempDir();
  const tsv = ' id \ttitle\tabstract\tcategories\n\n2101.00001\tA title\tAn abstract with, commas\tcs.LG stat.ML\n2101.00002\t"Tab\tinside"\tText\tmath.PR\n\n';
  const items = await collect(readDelimitedRows(writeFixture(dir, 'papers.tsv', tsv), '\t'));
  assert.deepEqual(items, [
    { row: { id: '2101.00001', title: 'A title', abstract: 'An abstract with, commas', categories: 'cs.LG stat.ML' }, line: 3 },
    { row: { id: '2101.00002', title: 'Tab\tinside', abstract: 'Text', categories: 'math.PR' }, line: 4 },
  ]);
});

test('readDelimitedRows: unclosed quote at end of file is an error item, not a crash', async () => {
  const dir = tempDir();
  const items = await collect(readDelimitedRows(writeFixture(dir, 'open.csv', 'a,b\n1,2\n3,"never closed\nmore\n'), ','));
  assert.deepEqual(items[0], { row: { a: '1', b: '2' }, line: 2 });
  assert.deepEqual(items[1], { error: 'bad row: unclosed quoted field', line: 3 });
  assert.equal(items.length, 2);
});

test('readDelimitedRows: empty fields, trailing delimiter, lenient quotes, bare CR line ends', async () => {
  const dir = tempDir();
  const items = await collect(readDelimitedRows(writeFixture(dir, 'misc.csv', 'a,b,c\r,,\r5 "inch",x"y"z,"q"r\r'), ','));
  assert.deepEqual(items, [
    { row: { a: '', b: '', c: '' }, line: 2 },
    { row: { a: '5 "inch"', b: 'x"y"z', c: 'qr' }, line: 3 },
  ]);
});

test('DelimitedParser: identical records wherever the text is split', () => {
  const text = '\ufeff' + KERAS_CSV.replace(/\n/g, '\r\n') + '\r\n"x""y",",",\r\n';
  const parseIn = (parts: string[]): DelimitedRecord[] => {
    const p = new DelimitedParser(',');
    const out: DelimitedRecord[] = [];
    for (const part of parts) p.feed(part, out);
    p.end(out);
    return out;
  };
  const whole = parseIn([text]);
  assert.equal(whole.length, 6);
  assert.deepEqual(whole[5], { fields: ['x"y', ',', ''], line: 11 });
  for (let cut = 1; cut < text.length; cut++) {
    assert.deepEqual(parseIn([text.slice(0, cut), text.slice(cut)]), whole, `split at ${cut}`);
  }
  assert.deepEqual(parseIn([...text]), whole);
});

test('DelimitedParser: a record over the limit is reported and skipped, wherever the text is split', () => {
  // Line 3: an unquoted field past the limit; line 5: a quoted one; the rest are ordinary.
  const text = `a,b\n1,2\n${'x'.repeat(50)},y\n3,4\n"${'q'.repeat(50)}",z\n5,6\n`;
  const parseIn = (parts: string[]): DelimitedRecord[] => {
    const p = new DelimitedParser(',', 40);
    const out: DelimitedRecord[] = [];
    for (const part of parts) p.feed(part, out);
    p.end(out);
    return out;
  };
  const tooLarge = 'record too large: more than 40 bytes (an unclosed quote?); skipped';
  const whole = parseIn([text]);
  assert.deepEqual(whole, [
    { fields: ['a', 'b'], line: 1 },
    { fields: ['1', '2'], line: 2 },
    { fields: [], line: 3, error: tooLarge },
    { fields: ['3', '4'], line: 4 },
    { fields: [], line: 5, error: tooLarge },
    { fields: ['5', '6'], line: 6 },
  ]);
  for (let cut = 1; cut < text.length; cut++) {
    assert.deepEqual(parseIn([text.slice(0, cut), text.slice(cut)]), whole, `split at ${cut}`);
  }
  // A line that never ends is reported once it passes the limit, not held until its end.
  const p = new DelimitedParser(',', 40);
  const early: DelimitedRecord[] = [];
  for (let k = 0; k < 5; k++) p.feed('x'.repeat(20), early);
  assert.deepEqual(early, [{ fields: [], line: 1, error: tooLarge }]);
  // Many short fields add up to a record too.
  assert.deepEqual(parseIn(['a\n', 'b,'.repeat(30), '\nc\n']), [
    { fields: ['a'], line: 1 },
    { fields: [], line: 2, error: tooLarge },
    { fields: ['c'], line: 3 },
  ]);
});

test('readDelimitedRows: an unquoted field past the 16 MiB limit is a bad row, and reading goes on', async () => {
  const dir = tempDir();
  const csv = `titles,summaries,terms\nT,${'x'.repeat(MAX_RECORD_SIZE + 10)},"['cs.LG']"\nOK,Fine,"['cs.AI']"\n`;
  const items = await collect(readDelimitedRows(writeFixture(dir, 'huge-field.csv', csv), ','));
  assert.deepEqual(items, [
    { error: 'bad row: record too large: more than 16 MiB (an unclosed quote?); skipped', line: 2 },
    { row: { titles: 'OK', summaries: 'Fine', terms: "['cs.AI']" }, line: 3 },
  ]);
});
