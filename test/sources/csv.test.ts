import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RowItem } from '../../src/sources/source.js';
import { DelimitedParser, readDelimitedRows, sniffDelimiter, type DelimitedRecord } from '../../src/sources/csv.js';
import { detectFormat } from '../../src/sources/detect.js';
import { readRows } from '../../src/sources/read.js';
import { MAX_RECORD_SIZE } from '../../src/sources/record-limit.js';
import { collect, errorsOf, rowsOf, tempDir, writeFixture, writeGzFixture } from './text-fixtures.js';

/** The message of a record whose quoted field ran into the lines after it. */
const RUNS_ON = 'a quoted field runs past the end of this line into a malformed record (an unclosed quote?); the lines after this one were read on their own';

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
  assert.deepEqual(items, [
    { row: { a: '1', b: '2' }, line: 2 },
    { error: `bad row: ${RUNS_ON}`, line: 3 },
    // The line the quote ran into is read on its own.
    { error: 'bad row: expected 2 fields, found 1', line: 4 },
  ]);
  const single = await collect(readDelimitedRows(writeFixture(dir, 'last.csv', 'a,b\n1,2\n3,"never closed'), ','));
  assert.deepEqual(single[1], { error: 'bad row: unclosed quoted field', line: 3 });
});

/** Parse `text` fed in the given pieces. */
function parseIn(delimiter: ',' | '\t', parts: string[], maxRecordChars?: number): DelimitedRecord[] {
  const p = new DelimitedParser(delimiter, maxRecordChars);
  const out: DelimitedRecord[] = [];
  for (const part of parts) p.feed(part, out);
  p.end(out);
  return out;
}

/** The records of `text`, checked to be the same wherever the text is cut in two. */
function parseAnywhere(delimiter: ',' | '\t', text: string, maxRecordChars?: number): DelimitedRecord[] {
  const whole = parseIn(delimiter, [text], maxRecordChars);
  for (let cut = 1; cut < text.length; cut++) {
    assert.deepEqual(parseIn(delimiter, [text.slice(0, cut), text.slice(cut)], maxRecordChars), whole, `split at ${cut}`);
  }
  return whole;
}

test('CSV: an unclosed quote costs its own line, not the good records after it', () => {
  const text = [
    'titles,summaries,terms',
    'Good one,Fine,"[\'cs.LG\']"',
    'Bad,"Unclosed summary,[\'cs.AI\']',
    'Next good,Kept,"[\'cs.CL\']"',
    'Another,"Also kept, with a\nline break","[\'cs.CV\']"',
    'Third,"runs on',
    'and on",x,y,z',
    'Last,Kept too,"[\'math.PR\']"',
    '',
  ].join('\r\n');
  assert.deepEqual(parseAnywhere(',', text), [
    { fields: ['titles', 'summaries', 'terms'], line: 1 },
    { fields: ['Good one', 'Fine', "['cs.LG']"], line: 2 },
    { fields: [], line: 3, error: RUNS_ON },
    { fields: ['Next good', 'Kept', "['cs.CL']"], line: 4 },
    { fields: ['Another', 'Also kept, with a\nline break', "['cs.CV']"], line: 5 },
    // Closed on the next line, but with one field too many: that line is read on its own.
    { fields: [], line: 7, error: RUNS_ON },
    { fields: ['and on"', 'x', 'y', 'z'], line: 8 },
    { fields: ['Last', 'Kept too', "['math.PR']"], line: 9 },
  ]);
});

test('CSV: a quote that runs to the end of the file, or past the record limit, gives back the lines it ran over', () => {
  assert.deepEqual(parseAnywhere(',', 'a,b\n1,"open\n2,3\n4,5'), [
    { fields: ['a', 'b'], line: 1 },
    { fields: [], line: 2, error: RUNS_ON },
    { fields: ['2', '3'], line: 3 },
    { fields: ['4', '5'], line: 4 },
  ]);
  const tooLarge = 'record too large: more than 40 bytes (an unclosed quote?); skipped';
  const lines = Array.from({ length: 8 }, (_, k) => `${k},ok`);
  assert.deepEqual(parseAnywhere(',', `a,b\n1,"open\n${lines.join('\n')}\n`, 40), [
    { fields: ['a', 'b'], line: 1 },
    { fields: [], line: 2, error: tooLarge },
    ...lines.map((l, k) => ({ fields: l.split(','), line: 3 + k })),
  ]);
});

test('TSV: a field opening with a quote is text, unless the file quotes its fields', async () => {
  const dir = tempDir();
  const plain = 'id\ttitle\tabstract\tcategories\n1\t"Quantum computing\tAbstract\tcs.LG\n2\tNext\tKept\tcs.AI\n3\t"Quoted" word\tText\tmath.PR\n';
  assert.deepEqual(await collect(readDelimitedRows(writeFixture(dir, 'plain.tsv', plain), '\t')), [
    { row: { id: '1', title: '"Quantum computing', abstract: 'Abstract', categories: 'cs.LG' }, line: 2 },
    { row: { id: '2', title: 'Next', abstract: 'Kept', categories: 'cs.AI' }, line: 3 },
    { row: { id: '3', title: '"Quoted" word', abstract: 'Text', categories: 'math.PR' }, line: 4 },
  ]);
  parseAnywhere('\t', plain);
  // A file whose first quoted field is one (as pandas writes them) keeps quoting, and an unclosed
  // quote later costs its own line.
  const quoted = 'id\ttitle\n1\t"Tab\tand\nline break"\n2\t"never closed\n3\tKept\n';
  assert.deepEqual(await collect(readDelimitedRows(writeFixture(dir, 'quoted.tsv', quoted), '\t')), [
    { row: { id: '1', title: 'Tab\tand\nline break' }, line: 2 },
    { error: `bad row: ${RUNS_ON}`, line: 4 },
    { row: { id: '3', title: 'Kept' }, line: 5 },
  ]);
});

test('DelimitedParser: lines that each restart a long quoted run are read in linear time', () => {
  // Each `x","` line closes one quoted field and opens the next, from inside a quote or not, so
  // with a wide header every line starts a run to the end of the file.
  const header = Array.from({ length: 20_000 }, (_, k) => `h${k}`).join(',');
  const text = `${header}\nx,"\n${'x","\n'.repeat(50_000)}`;
  const started = performance.now();
  const records = parseIn(',', [text]);
  assert.ok(performance.now() - started < 5000, `took ${Math.round(performance.now() - started)} ms`);
  assert.equal(records[0]!.fields.length, 20_000);
  assert.ok(records.length > 1);
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
  const whole = parseAnywhere(',', text);
  assert.equal(whole.length, 6);
  assert.deepEqual(whole[5], { fields: ['x"y', ',', ''], line: 11 });
  assert.deepEqual(parseIn(',', [...text]), whole);
});

test('DelimitedParser: a record over the limit is reported and skipped, wherever the text is split', () => {
  // Line 3: an unquoted field past the limit; line 5: a quoted one; the rest are ordinary.
  const text = `a,b\n1,2\n${'x'.repeat(50)},y\n3,4\n"${'q'.repeat(50)}",z\n5,6\n`;
  const tooLarge = 'record too large: more than 40 bytes (an unclosed quote?); skipped';
  assert.deepEqual(parseAnywhere(',', text, 40), [
    { fields: ['a', 'b'], line: 1 },
    { fields: ['1', '2'], line: 2 },
    { fields: [], line: 3, error: tooLarge },
    { fields: ['3', '4'], line: 4 },
    { fields: [], line: 5, error: tooLarge },
    { fields: ['5', '6'], line: 6 },
  ]);
  // A line that never ends is reported once it passes the limit, not held until its end.
  const p = new DelimitedParser(',', 40);
  const early: DelimitedRecord[] = [];
  for (let k = 0; k < 5; k++) p.feed('x'.repeat(20), early);
  assert.deepEqual(early, [{ fields: [], line: 1, error: tooLarge }]);
  // Many short fields add up to a record too.
  assert.deepEqual(parseIn(',', ['a\n', 'b,'.repeat(30), '\nc\n'], 40), [
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

test('sniffDelimiter: the most frequent of comma, tab and semicolon outside quotes in the header line; comma on a tie or none', () => {
  assert.equal(sniffDelimiter('id;title;abstract\n1;a,b;c').delimiter, ';');
  assert.equal(sniffDelimiter('"id,x";"title, with commas";abstract\n').delimiter, ';');
  assert.equal(sniffDelimiter('"a;b;c",title\n').delimiter, ',');
  assert.equal(sniffDelimiter('id\ttitle\tabstract, notes\n').delimiter, '\t');
  assert.equal(sniffDelimiter('title\n').delimiter, ',');
  assert.equal(sniffDelimiter('a;b,c\n').delimiter, ',');
  assert.equal(sniffDelimiter('\ufeffid;title\r\n').delimiter, ';');
  // A quoted header field with a line break in it: the header goes on past it.
  assert.equal(sniffDelimiter('"multi\nline";title;abstract\n').delimiter, ';');
  assert.deepEqual(sniffDelimiter('id;tit', false), { delimiter: ';', complete: false });
});

test('readDelimitedRows: a semicolon-separated CSV (as European spreadsheets save it) is read by its header, whatever the chunking', async () => {
  const dir = tempDir();
  const text = '\ufeffID;Title;Abstract\r\n2101.00001;"Graphene; a review";"Electrons, holes\nand more"\r\n2101.00002;Plain;x,y\r\n';
  const path = writeFixture(dir, 'semi.csv', text);
  const rows = rowsOf(await collect(readDelimitedRows(path, 'sniff'))).map((r) => r.row);
  assert.deepEqual(rows, [
    { ID: '2101.00001', Title: 'Graphene; a review', Abstract: 'Electrons, holes\nand more' },
    { ID: '2101.00002', Title: 'Plain', Abstract: 'x,y' },
  ]);
  assert.deepEqual(rowsOf(await collect(readRows(path))).map((r) => r.row), rows);
  assert.equal(await detectFormat(path), 'csv');
  const gz = writeGzFixture(dir, 'semi.csv.gz', text);
  assert.deepEqual(rowsOf(await collect(readRows(gz))).map((r) => r.row), rows);
  // A header longer than one read of the file.
  const wide = Array.from({ length: 20_000 }, (_, i) => `column${i}`);
  const long = writeFixture(dir, 'wide.csv', `${wide.join(';')}\n${wide.map((_, i) => i).join(';')}\n`);
  const [row] = rowsOf(await collect(readRows(long)));
  assert.equal(row!.row.column19999, '19999');
  // Tab wins on its count, even with commas in a header name.
  const tsv = writeFixture(dir, 'x.csv', 'id\ttitle\tabstract, notes\n1\tA\tB\n');
  assert.equal(await detectFormat(tsv), 'tsv');
});
