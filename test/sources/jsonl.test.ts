import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { UserError } from '../../src/base/errors.js';
import { parseJsonlChunk, readJsonlRows } from '../../src/sources/jsonl.js';
import { forEachLine, readLineByteChunks, readLineChunks, readLines } from '../../src/sources/lines.js';
import { openText, sniff } from '../../src/sources/open.js';
import { MAX_RECORD_SIZE } from '../../src/sources/record-limit.js';
import type { RowItem } from '../../src/sources/source.js';
import { OAI_LINE_1, OAI_LINE_2, collect, errorsOf, rowsOf, tempDir, writeFixture, writeGzFixture } from './text-fixtures.js';

const CANONICAL =
  '{"id":"2101.00001","title":"A canonical paper","abstract":"Text.","categories":["cs.LG","stat.ML"],"primary":"cs.LG","date":"2021-01-01","source":"oai"}';

// Line 1 OAI, 2 blank, 3 bad JSON, 4 OAI, 5 an array (not an object), 6 canonical, 7 whitespace only.
const MIXED = [OAI_LINE_1, '', '{"id": "0704.0002", "title": "broken', OAI_LINE_2, '[1, 2]', CANONICAL, '   ', ''].join('\n');

function checkMixed(items: RowItem[]): void {
  const rows = rowsOf(items);
  const errors = errorsOf(items);
  assert.deepEqual(
    rows.map((r) => [r.line, r.row.id]),
    [
      [1, '0704.0001'],
      [4, 'hep-th/9901001'],
      [6, '2101.00001'],
    ],
  );
  assert.equal(errors.length, 2);
  assert.equal(errors[0]!.line, 3);
  assert.match(errors[0]!.error, /^bad JSON: /);
  assert.ok(errors[0]!.error.length < 140, 'error message is kept short');
  assert.equal(errors[1]!.line, 5);
  assert.match(errors[1]!.error, /^bad JSON: expected an object, got an array/);
  // Items come in file order.
  assert.deepEqual(
    items.map((i) => i.line),
    [1, 3, 4, 5, 6],
  );
}

test('readJsonlRows: OAI lines, canonical lines, a bad line in the middle, blank lines', async () => {
  const dir = tempDir();
  checkMixed(await collect(readJsonlRows(writeFixture(dir, 'oai.jsonl', MIXED))));
});

test('readJsonlRows: gzip is detected by content, not by the file name', async () => {
  const dir = tempDir();
  checkMixed(await collect(readJsonlRows(writeGzFixture(dir, 'oai-no-gz-extension.jsonl', MIXED))));
  // And a plain file named .gz is read as plain text.
  checkMixed(await collect(readJsonlRows(writeFixture(dir, 'plain.jsonl.gz', MIXED))));
});

test('readJsonlRows: CRLF line endings and a UTF-8 BOM', async () => {
  const dir = tempDir();
  const p = writeFixture(dir, 'crlf.jsonl', '\ufeff' + [OAI_LINE_1, OAI_LINE_2].join('\r\n') + '\r\n');
  const items = await collect(readJsonlRows(p));
  assert.deepEqual(
    items.map((i) => ('row' in i ? [i.line, i.row.id] : [i.line, i.error])),
    [
      [1, '0704.0001'],
      [2, 'hep-th/9901001'],
    ],
  );
});

test('parseJsonlChunk: numbers lines from firstLine and handles a chunk without final newline', () => {
  const items: RowItem[] = [];
  parseJsonlChunk(Buffer.from('{"a":1}\n\n{"a":\n"x"\n{"a":2}'), 41, (item) => items.push(item));
  assert.deepEqual(
    items.map((i) => ('row' in i ? ['row', i.line, i.row.a] : ['error', i.line])),
    [
      ['row', 41, 1],
      ['error', 43],
      ['error', 44],
      ['row', 45, 2],
    ],
  );
  const scalar: RowItem[] = [];
  parseJsonlChunk(Buffer.from('"just a string"\nnull\n'), 1, (item) => scalar.push(item));
  assert.deepEqual(
    scalar.map((i) => ('error' in i ? i.error : 'row')),
    ['bad JSON: expected an object, got a string', 'bad JSON: expected an object, got null'],
  );
});

test('parseJsonlChunk: decoding line by line gives the text decoding the whole chunk gives', () => {
  // CRLF ends, blank and whitespace-only lines, multi-byte text, and invalid UTF-8 (a truncated
  // sequence just before a line end, a lone continuation byte): each becomes U+FFFD either way.
  const parts = [
    Buffer.from('{"t":"Ωμέγα 🙂"}\r\n'),
    Buffer.from('\r\n   \n'),
    Buffer.from('{"t":"cut '),
    Buffer.from([0xe2, 0x82]),
    Buffer.from('"}\n{"t":"lone '),
    Buffer.from([0x80]),
    Buffer.from('"}\n'),
    Buffer.from([0xe2, 0x82]),
    Buffer.from('\n{"t":"last"}'),
  ];
  const bytes = Buffer.concat(parts);
  const items: RowItem[] = [];
  parseJsonlChunk(bytes, 7, (item) => items.push(item));
  const expected = bytes
    .toString('utf8')
    .split('\n')
    .map((text, k) => ({ text: text.replace(/\r$/, ''), line: 7 + k }))
    .filter(({ text }) => text.trim().length > 0)
    .map(({ text, line }) => {
      try {
        return { row: JSON.parse(text), line };
      } catch {
        return { error: true, line };
      }
    });
  assert.deepEqual(
    items.map((i) => ('row' in i ? { row: i.row, line: i.line } : { error: true, line: i.line })),
    expected,
  );
  assert.equal(items.length, 5);
});

test('readLineChunks: large file is cut only at line ends, with correct first line numbers', async () => {
  const dir = tempDir();
  const lines: string[] = [];
  // Multi-byte characters everywhere so that byte reads split UTF-8 sequences.
  for (let i = 0; i < 30_000; i++) lines.push(`{"n":${i},"t":"Ωμέγα ${'é'.repeat(i % 97)} 🙂"}`);
  const text = lines.join('\n') + '\n';
  assert.ok(Buffer.byteLength(text) > 3 * (1 << 20), 'fixture spans several read chunks');
  for (const p of [writeFixture(dir, 'big.jsonl', text), writeGzFixture(dir, 'big.jsonl.gz', text)]) {
    const chunks = await collect(readLineChunks(p));
    assert.ok(chunks.length >= 2, 'more than one chunk');
    let expectedLine = 1;
    for (const c of chunks) {
      assert.ok(c.chunk.endsWith('\n'), 'chunk ends at a line boundary');
      assert.equal(c.firstLine, expectedLine);
      expectedLine += c.chunk.split('\n').length - 1;
    }
    assert.equal(chunks.map((c) => c.chunk).join(''), text);
    const byteChunks = await collect(readLineByteChunks(p));
    const items: RowItem[] = [];
    for (const c of byteChunks) parseJsonlChunk(c.bytes, c.firstLine, (i) => items.push(i));
    assert.equal(items.length, 30_000);
    assert.ok(items.every((i, k) => 'row' in i && i.line === k + 1 && i.row.n === k && i.row.t === JSON.parse(lines[k]!).t));
    assert.deepEqual(
      byteChunks.map((c) => c.firstLine),
      chunks.map((c) => c.firstLine),
    );
    assert.ok(byteChunks.every((c) => c.bytes[c.bytes.length - 1] === 0x0a));
    assert.ok(Buffer.concat(byteChunks.map((c) => c.bytes)).equals(Buffer.from(text, 'utf8')));
  }
});

test('readLineChunks: small minimum chunk size still gives whole lines', async () => {
  const dir = tempDir();
  const text = 'a\nbb\nccc\ndddd\n' + 'x'.repeat(5000) + '\nlast';
  const chunks = await collect(readLineChunks(writeFixture(dir, 't.txt', text), 1));
  assert.equal(chunks.map((c) => c.chunk).join(''), text);
  assert.equal(chunks[chunks.length - 1]!.chunk.endsWith('last'), true);
});

test('readLines: strips \\r, numbers lines, keeps empty lines, no phantom last line', async () => {
  const dir = tempDir();
  const p = writeFixture(dir, 'lines.txt', 'one\r\n\r\nthree\nfour');
  assert.deepEqual(await collect(readLines(p)), [
    { text: 'one', line: 1 },
    { text: '', line: 2 },
    { text: 'three', line: 3 },
    { text: 'four', line: 4 },
  ]);
  const q = writeGzFixture(dir, 'lines.gz', 'a\nb\n');
  assert.deepEqual(
    (await collect(readLines(q))).map((l) => l.text),
    ['a', 'b'],
  );
  assert.deepEqual(await collect(readLines(writeFixture(dir, 'empty.txt', ''))), []);
});

test('openText and sniff: transparent gunzip, decompressed head, gzip flag', async () => {
  const dir = tempDir();
  const text = 'héllo wörld\n'.repeat(10_000);
  const gz = writeGzFixture(dir, 'h.bin', text);
  const plain = writeFixture(dir, 'h.txt', text);
  assert.equal((await collect(openText(gz))).join(''), text);
  assert.equal((await collect(openText(plain))).join(''), text);
  const s1 = await sniff(gz, 16);
  assert.equal(s1.gzipped, true);
  assert.deepEqual(s1.bytes, Buffer.from(text, 'utf8').subarray(0, 16));
  const s2 = await sniff(plain);
  assert.equal(s2.gzipped, false);
  assert.equal(s2.bytes.length, 4096);
  const s3 = await sniff(writeFixture(dir, 'short.txt', 'abc'));
  assert.equal(s3.bytes.toString(), 'abc');
});

test('readJsonlRows: a truncated gzip file yields what it can, then fails naming the file', async () => {
  const dir = tempDir();
  const full = fs.readFileSync(writeGzFixture(dir, 'full.gz', (OAI_LINE_1 + '\n').repeat(2000)));
  const p = writeFixture(dir, 'truncated.jsonl.gz', full.subarray(0, Math.floor(full.length / 2)));
  let seen = 0;
  await assert.rejects(
    async () => {
      for await (const item of readJsonlRows(p)) if ('row' in item) seen++;
    },
    (err: unknown) => err instanceof UserError && err.message.includes('truncated.jsonl.gz') && /gzip/.test(err.message),
  );
  assert.ok(seen > 0, `rows before the truncation are read (got ${seen})`);
});

test('readJsonlRows: a missing file is a UserError naming it', async () => {
  const dir = tempDir();
  await assert.rejects(
    collect(readJsonlRows(`${dir}/nope.jsonl`)),
    (err: unknown) => err instanceof UserError && err.message === `${dir}/nope.jsonl: no such file`,
  );
});

/** What line chunks hold, line by line: [line number, text], or [line, `<N>`] for a too-long line. */
function linesOf(chunks: { bytes: Buffer; firstLine: number; tooLong?: number }[]): [number, string][] {
  const out: [number, string][] = [];
  for (const c of chunks) {
    if (c.tooLong !== undefined) {
      assert.equal(c.bytes.toString(), '\n', 'a too-long line stands as one empty line');
      out.push([c.firstLine, `<${c.tooLong}>`]);
      continue;
    }
    forEachLine(c.bytes.toString('utf8'), c.firstLine, (text, line) => out.push([line, text]));
  }
  return out;
}

test('readLineByteChunks: lines over the limit are dropped as read and stand as one empty line each', async () => {
  const dir = tempDir();
  const small = `short1\n${'L'.repeat(100)}\nshort3\n${'x'.repeat(50)}\n${'M'.repeat(80)}`;
  const expected: [number, string][] = [
    [1, 'short1'],
    [2, '<100>'],
    [3, 'short3'],
    [4, 'x'.repeat(50)], // exactly at the limit: kept
    [5, '<80>'],
  ];
  for (const p of [writeFixture(dir, 'long-lines.txt', small), writeGzFixture(dir, 'long-lines.txt.gz', small)]) {
    for (const minChunk of [1, 1 << 20]) assert.deepEqual(linesOf(await collect(readLineByteChunks(p, minChunk, 50))), expected, `${p}, min chunk ${minChunk}`);
  }
  // Lines spanning several reads (1 MiB each; gunzip hands out less at a time).
  const mib = 1 << 20;
  const big = `a\n${'b'.repeat(3 * mib)}\nc\n${'d'.repeat(mib + mib / 2)}\n${'e'.repeat(mib - 5)}\nf`;
  const bigExpected: [number, string][] = [
    [1, 'a'],
    [2, `<${3 * mib}>`],
    [3, 'c'],
    [4, `<${mib + mib / 2}>`],
    [5, 'e'.repeat(mib - 5)],
    [6, 'f'],
  ];
  for (const p of [writeFixture(dir, 'big-lines.txt', big), writeGzFixture(dir, 'big-lines.txt.gz', big)]) {
    assert.deepEqual(linesOf(await collect(readLineByteChunks(p, 1000, mib))), bigExpected, p);
  }
});

test('readJsonlRows: a line past the 16 MiB limit (an unclosed string) is a bad line, and reading goes on', async () => {
  const dir = tempDir();
  const text = `${OAI_LINE_1}\n{"id": "2101.00001", "title": "${'x'.repeat(MAX_RECORD_SIZE + 10)}\n${OAI_LINE_2}\n`;
  const items = await collect(readJsonlRows(writeFixture(dir, 'huge-line.jsonl', text)));
  assert.deepEqual(
    items.map((i) => ('row' in i ? [i.line, i.row.id] : [i.line, i.error])),
    [
      [1, '0704.0001'],
      [2, 'bad JSON: record too large: more than 16 MiB (an unclosed string?); skipped'],
      [3, 'hep-th/9901001'],
    ],
  );
});
