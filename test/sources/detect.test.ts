import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { UserError } from '../../src/base/errors.js';
import { loadPapers } from '../../src/corpus/load.js';
import { detectFormat } from '../../src/sources/detect.js';
import { OAI_LINE_1, OAI_LINE_2, KAGGLE_ELEMENTS, tempDir, writeFixture, writeGzFixture } from './text-fixtures.js';

test('detectFormat: text formats by content, whatever the extension', async () => {
  const dir = tempDir();
  const cases: [string, string | Buffer, string][] = [
    ['oai.csv', OAI_LINE_1 + '\n', 'jsonl'],
    ['arxivData.txt', '\n  ' + JSON.stringify(KAGGLE_ELEMENTS, null, 2), 'json-array'],
    ['arxiv_data.json', "titles,summaries,terms\nA,B,\"['cs.LG']\"\n", 'csv'],
    ['papers.csv', 'id\ttitle\tabstract\tcategories\n1\tT\tA\tcs.AI\n', 'tsv'],
    ['bom.dat', '\ufefftitle,abstract\nT,A\n', 'csv'],
    ['bom.jsonl', '\ufeff{"a":1}\n', 'jsonl'],
    ['one-column', 'title\nT\n', 'csv'],
  ];
  for (const [name, content, expected] of cases) {
    assert.equal(await detectFormat(writeFixture(dir, name, content)), expected, name);
    assert.equal(await detectFormat(writeGzFixture(dir, name + '.bin', content)), expected, `${name} gzipped`);
  }
});

test('JSON lines whose first line is cut or stray stay JSON lines: only that line is lost', async () => {
  const dir = tempDir();
  const lines = [OAI_LINE_1, OAI_LINE_2, OAI_LINE_1.replace('"0704.0001"', '"0704.0003"')].join('\n') + '\n';
  // A piece of a bigger file (split -b) starts mid-record; a comment line is no better.
  const cut = lines.slice(40);
  for (const [name, content, kept] of [['cut.txt', cut, 2], ['comment.dat', '# exported 2026-12-07\n' + lines, 3]] as const) {
    assert.equal(await detectFormat(writeFixture(dir, name, content)), 'jsonl', name);
    assert.equal(await detectFormat(writeGzFixture(dir, name + '.gz', content)), 'jsonl', `${name} gzipped`);
    const { papers, report } = await loadPapers(writeFixture(dir, name + '.again', content));
    assert.equal(papers.length, kept, name);
    assert.equal(report.read - report.kept, 1, JSON.stringify(report));
  }
  // One cut line and nothing after it to go by: the name decides.
  assert.equal(await detectFormat(writeFixture(dir, 'piece.jsonl', cut.split('\n')[0]! + '\n')), 'jsonl');
  assert.equal(await detectFormat(writeFixture(dir, 'piece.ndjson.gz', cut.split('\n')[0]! + '\n')), 'jsonl');
  assert.equal(await detectFormat(writeFixture(dir, 'piece.txt', cut.split('\n')[0]! + '\n')), 'csv');
  // A CSV stays a CSV, also with a field that holds JSON.
  assert.equal(await detectFormat(writeFixture(dir, 'meta.csv', 'title,extra\nT,"{""a"": 1}"\nU,"{""b"": 2}"\n')), 'csv');
});

test('detectFormat: parquet and xlsx by magic bytes, also inside gzip', async () => {
  const dir = tempDir();
  const parquet = Buffer.concat([Buffer.from('PAR1'), randomBytes(64), Buffer.from('PAR1')]);
  const xlsx = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), randomBytes(64)]);
  assert.equal(await detectFormat(writeFixture(dir, 'data.csv', parquet)), 'parquet');
  assert.equal(await detectFormat(writeFixture(dir, 'sheet.jsonl', xlsx)), 'xlsx');
  assert.equal(await detectFormat(writeFixture(dir, 'data.parquet.gz', gzipSync(parquet))), 'parquet');
});

async function rejectsWith(p: string, pattern: RegExp): Promise<void> {
  await assert.rejects(detectFormat(p), (err: unknown) => {
    assert.ok(err instanceof UserError, String(err));
    assert.ok(err.message.includes(path.basename(p)), `message names the file: ${err.message}`);
    assert.match(err.message, pattern);
    return true;
  });
}

test('detectFormat: empty, blank, binary, UTF-16 and missing files are clear errors', async () => {
  const dir = tempDir();
  await rejectsWith(writeFixture(dir, 'empty.jsonl', ''), /empty/);
  await rejectsWith(writeGzFixture(dir, 'empty.gz', ''), /empty/);
  await rejectsWith(writeFixture(dir, 'blank.csv', '  \n\n \r\n'), /empty/);
  // Random bytes without a known magic (first byte forced away from gzip/PAR1/PK).
  const garbage = randomBytes(4096);
  garbage[0] = 0x00;
  await rejectsWith(writeFixture(dir, 'garbage.bin', garbage), /unrecognised format/);
  const controls = Buffer.from('ab\x01\x02\x03\x04cd'.repeat(50), 'latin1');
  await rejectsWith(writeFixture(dir, 'controls.csv', controls), /binary/);
  await rejectsWith(writeFixture(dir, 'utf16.csv', Buffer.from('\ufefftitle,abstract\n', 'utf16le')), /UTF-16/);
  await rejectsWith(path.join(dir, 'missing.jsonl'), /no such file/);
  await rejectsWith(writeFixture(dir, 'corrupt.gz', Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0xff, 0xff, 0xff, 0xff, 0x00, 0x03, 0xde, 0xad])), /gzip/);
});

test("one stray NUL byte in a record is that record's problem, not the whole file's", async () => {
  const dir = tempDir();
  const lines = ['{"id":"1","title":"Good one"}', '{"id":"2","title":"Bad\u0000one"}', '{"id":"3","title":"Good two"}'];
  const file = writeFixture(dir, 'nul.jsonl', lines.join('\n') + '\n');
  assert.equal(await detectFormat(file), 'jsonl');
  const csv = writeFixture(dir, 'nul.csv', 'title,abstract\nGood,one\nBad\u0000,two\nGood,three\n');
  assert.equal(await detectFormat(csv), 'csv');
  // UTF-16 without a byte-order mark holds a NUL in every other byte: still refused.
  await rejectsWith(writeFixture(dir, 'utf16-no-bom.csv', Buffer.from('title,abstract\nT,A\n'.repeat(20), 'utf16le')), /binary/);
});
