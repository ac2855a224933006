import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';
import { run } from '../cli/run-cli.js';
import { UserError } from '../../src/base/errors.js';
import { ingest, type IngestResult } from '../../src/corpus/ingest.js';
import { lineAlignedChunks, type LineChunkBytes, type TooLongLine } from '../../src/sources/line-aligned-chunks.js';
import { processJsonlChunk } from '../../src/corpus/ingest-worker.js';
import type { PaperRecord } from '../../src/corpus/record.js';
import { MAX_RECORD_SIZE } from '../../src/sources/record-limit.js';

const dir = mkdtempSync(join(tmpdir(), 'axc-'));

function oai(id: string, categories: string, versions: number, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    id,
    submitter: 'A. Person',
    authors: 'A. Person and B. Person',
    title: `Title of ${id}\n  wrapped`,
    comments: '10 pages',
    'journal-ref': null,
    doi: null,
    'report-no': null,
    categories,
    license: null,
    abstract: `  Abstract of ${id}.\n  Second line.\n`,
    versions: Array.from({ length: versions }, (_, i) => ({ version: `v${i + 1}`, created: 'Mon, 2 Apr 2007 19:18:42 GMT' })),
    update_date: '2008-11-13',
    authors_parsed: [['Person', 'A.', '']],
    ...extra,
  });
}

// a.jsonl: OAI snapshot lines with every kind of trouble.
const aLines = [
  oai('0704.0001', 'hep-ph', 1), // 1: superseded later by b.jsonl.gz (v2)
  oai('0704.0002', 'math.CO cs.CG', 2), // 2
  '{"id": "0704.9999", "title": ', // 3: bad JSON
  oai('0704.0003', '', 1), // 4: no categories
  oai('0704.0004', 'cs.LG I.2.7 68T05', 1), // 5: ACM + MSC dropped
  oai('0704.0005', 'math.IT cs.IT', 1), // 6: alias collapses onto cs.IT
  oai('solv-int/9901001', 'solv-int', 1), // 7: retired archive
  oai('0704.0002', 'math.CO', 1), // 8: older version of line 2: dropped
  oai('0704.0006', 'foo.BAR cs.AI', 1), // 9: unknown code
  oai('0704.0008', '68T05', 1), // 10: only a foreign code
  '', // 11: blank
  oai('0704.0005', 'cs.IT', 1, { title: 'Same version, later' }), // 12: tie: replaces line 6
];
const aPath = join(dir, 'a.jsonl');
writeFileSync(aPath, aLines.join('\n') + '\n');

// b.jsonl.gz: a newer version of 0704.0001 and a new paper, CRLF line ends.
const bPath = join(dir, 'b.jsonl.gz');
writeFileSync(bPath, gzipSync(Buffer.from([oai('0704.0001', 'hep-ph hep-th', 2), oai('0704.0007', 'astro-ph.GA', 1)].join('\r\n') + '\r\n')));

// A Kaggle arxivData.json array and a Keras arxiv_data.csv.
const kagglePath = join(dir, 'arxivData.json');
writeFileSync(
  kagglePath,
  JSON.stringify([
    {
      author: "[{'name': 'Ahmed Osman'}, {'name': 'Wojciech Samek'}]",
      day: 1,
      id: '1802.00209v1',
      link: "[{'rel': 'alternate', 'href': 'http://arxiv.org/abs/1802.00209v1', 'type': 'text/html'}]",
      month: 2,
      summary: 'We propose an architecture for VQA.',
      tag: "[{'term': 'cs.AI', 'scheme': 'http://arxiv.org/schemas/atom', 'label': None}, {'term': 'cs.CL', 'scheme': 'http://arxiv.org/schemas/atom', 'label': None}]",
      title: 'Dual Recurrent Attention Units for Visual Question Answering',
      year: 2018,
    },
    { id: '0704.0007v3', title: 'Kaggle copy of 0704.0007', summary: 'Newer.', tag: "[{'term': 'astro-ph.GA', 'scheme': 'x', 'label': None}]", year: 2009, month: 1, day: 5 },
  ]),
);
const kerasPath = join(dir, 'arxiv_data.csv');
writeFileSync(kerasPath, 'titles,summaries,terms\n"Graph nets, revisited","We revisit graph nets.","[\'cs.LG\', \'stat.ML\']"\nNo terms here,Some abstract,[]\n');

function readCorpus(path: string): PaperRecord[] {
  const raw = readFileSync(path);
  const text = path.endsWith('.gz') ? gunzipSync(raw).toString('utf8') : raw.toString('utf8');
  assert.ok(text.endsWith('\n'));
  return text
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as PaperRecord);
}

function tempFiles(d: string): string[] {
  return readdirSync(d).filter((f) => f.endsWith('.tmp'));
}

const p = (id: string, categories: string[], title: string, abstract: string, source: string, date?: string): PaperRecord => ({
  id,
  title,
  abstract,
  categories,
  primary: categories[0]!,
  ...(date ? { date } : {}),
  source,
});
const t = (id: string) => `Title of ${id} wrapped`;
const a = (id: string) => `Abstract of ${id}. Second line.`;

const expectedJsonl: PaperRecord[] = [
  p('0704.0002', ['math.CO', 'cs.CG'], t('0704.0002'), a('0704.0002'), 'jsonl', '2008-11-13'),
  p('0704.0004', ['cs.LG'], t('0704.0004'), a('0704.0004'), 'jsonl', '2008-11-13'),
  p('solv-int/9901001', ['nlin.SI'], t('solv-int/9901001'), a('solv-int/9901001'), 'jsonl', '2008-11-13'),
  p('0704.0006', ['cs.AI'], t('0704.0006'), a('0704.0006'), 'jsonl', '2008-11-13'),
  p('0704.0005', ['cs.IT'], 'Same version, later', a('0704.0005'), 'jsonl', '2008-11-13'),
  p('0704.0001', ['hep-ph', 'hep-th'], t('0704.0001'), a('0704.0001'), 'jsonl', '2008-11-13'),
  p('0704.0007', ['astro-ph.GA'], t('0704.0007'), a('0704.0007'), 'jsonl', '2008-11-13'),
];

function checkJsonlReport(r: IngestResult): void {
  assert.equal(r.read, 13, 'lines 1-10 and 12 of a.jsonl, 2 of b.jsonl.gz');
  assert.equal(r.kept, 7);
  assert.equal(r.duplicates, 3);
  assert.deepEqual(r.skipped, { 'bad-json': 1, 'no-category': 1, 'no-valid-category': 1, duplicate: 3 });
  assert.equal(r.examples['bad-json']?.[0]?.line, 3);
  assert.equal(r.examples['bad-json']?.[0]?.file, aPath);
  assert.match(r.examples['bad-json']![0]!.detail, /^bad JSON/);
  assert.deepEqual(
    r.examples['no-category']?.map((e) => [e.file, e.line]),
    [[aPath, 4]],
  );
  assert.deepEqual(
    r.examples['no-valid-category']?.map((e) => [e.file, e.line]),
    [[aPath, 10]],
  );
  const dups = r.examples.duplicate!;
  assert.deepEqual(
    dups.map((e) => [e.file, e.line]),
    [
      [aPath, 8],
      [aPath, 12],
      [bPath, 1],
    ],
  );
  assert.match(dups[0]!.detail, /0704\.0002.*version 1 dropped.*version 2/);
  assert.match(dups[1]!.detail, /0704\.0005.*same version/);
  assert.match(dups[2]!.detail, /0704\.0001.*version 2 replaces.*version 1/);
  assert.deepEqual(r.foreignCodes, { acm: 1, msc: 2 });
  assert.deepEqual(r.unknownCodes, { 'foo.BAR': 1 });
  assert.deepEqual(r.remapped, { 'math.IT→cs.IT': 1, 'solv-int→nlin.SI': 1 });
  assert.equal(r.files.length, 2);
  assert.deepEqual(
    r.files.map((f) => [f.path, f.format, f.read]),
    [
      [aPath, 'jsonl', 11],
      [bPath, 'jsonl', 2],
    ],
  );
  assert.equal(r.bytes, readFileSync(aPath).length + gunzipSync(readFileSync(bPath)).length);
  assert.ok(r.seconds > 0 && r.mbPerSecond > 0);
}

test('ingest OAI JSON lines (plain + gzip): canonical records, dedupe by version, full report', async () => {
  const out = join(dir, 'oai.jsonl');
  const r = await ingest([aPath, bPath], out, { workers: 0 });
  assert.equal(r.written, true);
  assert.equal(r.workers, 0);
  assert.deepEqual(readCorpus(out), expectedJsonl);
  checkJsonlReport(r);
  assert.deepEqual(tempFiles(dir), []);
});

test('worker threads give byte-identical output and the same report, with file line numbers', async () => {
  const serial = join(dir, 'serial.jsonl');
  const parallel = join(dir, 'parallel.jsonl');
  // Tiny chunks: every line is its own chunk, so line numbers must be rebuilt across chunks.
  const r0 = await ingest([aPath, bPath], serial, { workers: 0, chunkBytes: 64 });
  const r2 = await ingest([aPath, bPath], parallel, { workers: 2, chunkBytes: 64 });
  assert.equal(r2.workers, 2);
  assert.deepEqual(readFileSync(parallel), readFileSync(serial));
  checkJsonlReport(r2);
  const strip = (r: IngestResult) => ({ ...r, out: '', seconds: 0, mbPerSecond: 0, workers: 0 });
  assert.deepEqual(strip(r2), strip(r0));
  assert.deepEqual(readCorpus(parallel), expectedJsonl);
});

test('a bigger JSONL through workers matches the main-thread path', async () => {
  const big = join(dir, 'big.jsonl');
  const lines: string[] = [];
  for (let i = 0; i < 3000; i++) {
    const id = `1001.${String(i % 2500).padStart(5, '0')}`; // the last 500 repeat earlier ids
    lines.push(i % 997 === 5 ? '{broken' : oai(id, i % 3 === 0 ? 'math.IT' : 'cs.LG stat.ML', 1 + (i % 4), { abstract: `Ünïcode ✓ ${'x'.repeat(i % 300)} ${i}` }));
  }
  writeFileSync(big, lines.join('\n'));
  const r0 = await ingest([big], join(dir, 'big0.jsonl'), { workers: 0, chunkBytes: 10_000 });
  const r2 = await ingest([big], join(dir, 'big2.jsonl'), { workers: 2, chunkBytes: 10_000 });
  assert.deepEqual(readFileSync(join(dir, 'big2.jsonl')), readFileSync(join(dir, 'big0.jsonl')));
  assert.deepEqual(r2.examples, r0.examples);
  assert.deepEqual(r2.skipped, r0.skipped);
  assert.equal(r2.read, 3000);
  assert.equal(r2.skipped['bad-json'], 4);
  assert.deepEqual(
    r2.examples['bad-json']!.map((e) => e.line),
    [6, 1003, 2000, 2997],
  );
  const recs = readCorpus(join(dir, 'big2.jsonl'));
  assert.equal(new Set(recs.map((x) => x.id)).size, recs.length, 'ids are unique');
  assert.equal(recs.length, r2.kept);
  assert.equal(r2.kept + r2.duplicates + 4, 3000);
  // Each kept record is the highest version, the later line on ties.
  const best = new Map<string, number>();
  lines.forEach((l, i) => {
    if (l.startsWith('{broken')) return;
    const id = `1001.${String(i % 2500).padStart(5, '0')}`;
    const prev = best.get(id);
    if (prev === undefined || 1 + (i % 4) >= 1 + (prev % 4)) best.set(id, i);
  });
  for (const rec of recs) assert.ok(rec.abstract.endsWith(` ${best.get(rec.id)}`), rec.id);
});

test('Kaggle JSON array, Keras CSV and OAI lines through one call; .gz output', async () => {
  const out = join(dir, 'mixed.jsonl.gz');
  const r = await ingest([kagglePath, kerasPath, bPath], out, { workers: 0 });
  assert.deepEqual(
    r.files.map((f) => f.format),
    ['json-array', 'csv', 'jsonl'],
  );
  assert.deepEqual(readCorpus(out), [
    p('1802.00209', ['cs.AI', 'cs.CL'], 'Dual Recurrent Attention Units for Visual Question Answering', 'We propose an architecture for VQA.', 'json-array', '2018-02-01'),
    // the Kaggle copy of 0704.0007 is v3: it beats the OAI v1 that comes later
    p('0704.0007', ['astro-ph.GA'], 'Kaggle copy of 0704.0007', 'Newer.', 'json-array', '2009-01-05'),
    p('arxiv_data.csv:2', ['cs.LG', 'stat.ML'], 'Graph nets, revisited', 'We revisit graph nets.', 'csv'),
    p('0704.0001', ['hep-ph', 'hep-th'], t('0704.0001'), a('0704.0001'), 'jsonl', '2008-11-13'),
  ]);
  assert.equal(r.read, 6);
  assert.equal(r.kept, 4);
  assert.deepEqual(r.skipped, { 'no-category': 1, duplicate: 1 });
  assert.deepEqual(r.examples['no-category']?.map((e) => [e.file, e.line]), [[kerasPath, 3]]);
  assert.deepEqual(r.examples.duplicate?.map((e) => [e.file, e.line]), [[bPath, 2]]);
  assert.deepEqual(tempFiles(dir), []);
});

test('forced --format applies to every file', async () => {
  const out = join(dir, 'forced.jsonl');
  const r = await ingest([aPath], out, { format: 'jsonl', workers: 0 });
  assert.equal(r.files[0]!.format, 'jsonl');
  // No duplicates: pass 1's file becomes the output as it is.
  const single = await ingest([bPath], out, { format: 'jsonl' });
  assert.equal(single.duplicates, 0);
  assert.deepEqual(readCorpus(out), expectedJsonl.slice(-2));
  // Forcing CSV on JSON lines reads nonsense rows: nothing usable, nothing written.
  const bad = await ingest([aPath], join(dir, 'forced-csv.jsonl'), { format: 'csv', workers: 0 });
  assert.equal(bad.written, false);
  assert.equal(bad.kept, 0);
  assert.equal(existsSync(join(dir, 'forced-csv.jsonl')), false);
});

/** A chunk's text, or `<N bytes dropped>` for a line over the limit. */
function chunkText(c: LineChunkBytes | TooLongLine): string {
  return 'tooLong' in c ? `<${c.tooLong} bytes dropped>` : Buffer.from(c.buffer, 0, c.length).toString('utf8');
}

test('lineAlignedChunks cuts at line ends, strips a BOM and gunzips', async () => {
  const f = join(dir, 'bom.jsonl.gz');
  const body = Array.from({ length: 50 }, (_, i) => `{"n":${i},"s":"${'é'.repeat(i)}"}`).join('\n');
  writeFileSync(f, gzipSync(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(body)])));
  const chunks: string[] = [];
  for await (const c of lineAlignedChunks(f, 100)) chunks.push(chunkText(c));
  assert.ok(chunks.length > 5);
  for (const c of chunks.slice(0, -1)) {
    assert.ok(c.endsWith('\n'));
    assert.ok(Buffer.byteLength(c) >= 100);
    // cut at the first line end at or past byte 100: without its last line the chunk is shorter
    assert.ok(Buffer.byteLength(c.slice(0, c.slice(0, -1).lastIndexOf('\n') + 1)) < 100);
  }
  assert.equal(chunks.join(''), body);

  // A plain file (read in place) with a line far longer than a pooled buffer, and no final newline.
  const plain = join(dir, 'long.jsonl');
  const long = ['{"a":1}', `{"b":"${'x'.repeat(400_000)}"}`, '{"c":3}', '{"d":4}'].join('\n');
  writeFileSync(plain, long);
  const got: string[] = [];
  for await (const c of lineAlignedChunks(plain, 5)) got.push(chunkText(c));
  assert.deepEqual(
    got.map((c) => c.length),
    [8, 400_009, 8, 7],
  );
  assert.equal(got.join(''), long);
});

test('failure leaves an existing output untouched and no temp file behind', async () => {
  const sub = join(dir, 'fail');
  mkdirSync(sub);
  const out = join(sub, 'corpus.jsonl');
  writeFileSync(out, 'OLD\n');
  // A missing input is found before anything is written.
  await assert.rejects(ingest([aPath, join(sub, 'missing.jsonl')], out), (e: unknown) => e instanceof UserError && /missing\.jsonl: no such file/.test(e.message));
  // A gzip file cut in half fails in the middle of pass 1, after output has been written.
  const whole = gzipSync(Buffer.from(Array.from({ length: 4000 }, (_, i) => oai(`0801.${String(i).padStart(4, '0')}`, 'cs.LG', 1)).join('\n')));
  const cut = join(sub, 'cut.jsonl.gz');
  writeFileSync(cut, whole.subarray(0, Math.floor(whole.length / 2)));
  for (const workers of [0, 2]) {
    await assert.rejects(ingest([aPath, cut], out, { workers, chunkBytes: 4096 }), /corrupt or truncated/);
    assert.equal(readFileSync(out, 'utf8'), 'OLD\n');
    assert.deepEqual(tempFiles(sub), []);
  }
  // Nothing kept: not written, old output stays.
  const empty = join(sub, 'empty.jsonl');
  writeFileSync(empty, '{"id": "1", "title": "t", "abstract": "a", "categories": "68T05"}\n');
  const r = await ingest([empty], out);
  assert.equal(r.written, false);
  assert.equal(readFileSync(out, 'utf8'), 'OLD\n');
  assert.deepEqual(tempFiles(sub), []);
  // Output directory that does not exist.
  await assert.rejects(ingest([aPath], join(sub, 'nope', 'x.jsonl')), /does not exist/);
});

const cli = run;

test('CLI: ingest exit codes, summary on stderr, --json on stdout', async () => {
  const out = join(dir, 'cli.jsonl');
  const ok = await cli(['ingest', aPath, bPath, '--out', out]);
  assert.equal(ok.code, 0, ok.err);
  assert.equal(ok.out, '');
  assert.match(ok.err, /13 records read from 2 files, 7 kept/);
  assert.match(ok.err, /duplicates dropped: 3/);
  assert.match(ok.err, /skipped: bad-json 1, no-category 1, no-valid-category 1/);
  assert.match(ok.err, new RegExp(`bad-json: ${aPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3: bad JSON`));
  assert.match(ok.err, /foreign codes dropped: ACM 1, MSC 2/);
  assert.match(ok.err, /unknown codes dropped: foo\.BAR ×1/);
  assert.match(ok.err, /remapped: math\.IT→cs\.IT ×1, solv-int→nlin\.SI ×1/);
  assert.match(ok.err, /MB\/s/);
  assert.deepEqual(readCorpus(out), expectedJsonl);

  const json = await cli(['ingest', aPath, '--out', join(dir, 'cli2.jsonl.gz'), '--json', '--format', 'jsonl', '--workers', '0']);
  assert.equal(json.code, 0, json.err);
  const parsed = JSON.parse(json.out) as IngestResult & { maxRssMB: number };
  assert.equal(parsed.read, 11);
  assert.equal(parsed.kept, 6);
  assert.equal(parsed.written, true);
  assert.ok(parsed.maxRssMB > 0);
  assert.equal(readCorpus(join(dir, 'cli2.jsonl.gz')).length, 6);

  assert.equal((await cli(['ingest', aPath])).code, 2, 'no --out');
  assert.equal((await cli(['ingest', '--out', out])).code, 2, 'no input');
  assert.equal((await cli(['ingest', aPath, '--out', out, '--format', 'xml'])).code, 2, 'bad format');
  assert.equal((await cli(['ingest', aPath, '--out', out, '--workers', 'two'])).code, 2, 'bad workers');
  assert.equal((await cli(['ingest', aPath, '--out', out, '--bogus'])).code, 2, 'unknown option');
  const missing = await cli(['ingest', join(dir, 'missing.jsonl'), '--out', out]);
  assert.equal(missing.code, 1);
  assert.match(missing.err, /missing\.jsonl: no such file/);
  const binary = join(dir, 'binary.bin');
  writeFileSync(binary, Buffer.from([0, 1, 2, 3, 0, 0, 7, 8]));
  assert.equal((await cli(['ingest', binary, '--out', out])).code, 1, 'unreadable format');
  const nothing = join(dir, 'nothing.jsonl');
  writeFileSync(nothing, '{"title": "only a title"}\n');
  const none = await cli(['ingest', nothing, '--out', out]);
  assert.equal(none.code, 1);
  assert.match(none.err, /no record was kept/);
  assert.deepEqual(readCorpus(out), expectedJsonl, 'failed runs left the earlier output alone');
  const help = await cli(['ingest', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.out, /Usage: arxiv-classifier ingest/);
});

test('lineAlignedChunks: a line found over the limit while being read is dropped, not held', async () => {
  const b = `{"b":"${'x'.repeat(100_000)}"}`;
  const d = `{"d":"${'y'.repeat(80_000)}"}`;
  const body = ['{"a":1}', b, '{"c":3}', d, '{"e":5}'].join('\n');
  const plain = join(dir, 'too-long.jsonl');
  writeFileSync(plain, body);
  const gz = join(dir, 'too-long.jsonl.gz');
  writeFileSync(gz, gzipSync(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(body)])));
  for (const f of [plain, gz]) {
    for (const minBytes of [5, 1000]) {
      const got: string[] = [];
      for await (const c of lineAlignedChunks(f, minBytes, undefined, 50_000)) got.push(chunkText(c));
      // b outgrew the limit while it was being read; d arrived whole in one read, so it comes
      // out in a chunk, where processJsonlChunk measures it (next test).
      assert.deepEqual(
        got.join('\n').split('\n').filter((l) => l),
        ['{"a":1}', `<${b.length} bytes dropped>`, '{"c":3}', d, '{"e":5}'],
        `${f}, min ${minBytes}`,
      );
    }
  }
});

test('processJsonlChunk: a line over the limit is counted as bad and never decoded', () => {
  const lines = [oai('0704.0001', 'hep-ph', 1), `{"id":"0704.0002","title":"${'x'.repeat(5000)}`, oai('0704.0003', 'cs.LG', 1)];
  const bytes = Buffer.from(lines.join('\n') + '\n');
  const buffer = new ArrayBuffer(bytes.length);
  new Uint8Array(buffer).set(bytes);
  const r = processJsonlChunk({ seq: 0, file: '/data/x.jsonl', format: 'jsonl', buffer, length: bytes.length, firstLine: 10, maxLineBytes: 4096 });
  assert.equal(r.count, 2);
  assert.deepEqual([...r.lines], [10, 12]);
  assert.equal(r.report.read, 3);
  assert.deepEqual(r.report.skipped, { 'bad-json': 1 });
  assert.deepEqual(r.report.examples['bad-json'], [{ file: '/data/x.jsonl', line: 11, detail: 'bad JSON: record too large: more than 4096 bytes (an unclosed string?); skipped' }]);
});

test('ingest: a line past the 16 MiB limit is skipped and reported, on every path', async () => {
  const sub = join(dir, 'huge');
  mkdirSync(sub);
  const text = [oai('0704.0001', 'hep-ph', 1), `{"id": "0704.0002", "title": "${'x'.repeat(MAX_RECORD_SIZE + 10)}`, oai('0704.0003', 'cs.LG', 1)].join('\n') + '\n';
  const plain = join(sub, 'huge.jsonl');
  writeFileSync(plain, text);
  const gz = join(sub, 'huge.jsonl.gz');
  writeFileSync(gz, gzipSync(Buffer.from(text), { level: 1 }));
  for (const [input, workers] of [[plain, 0], [plain, 2], [gz, 0]] as const) {
    const r = await ingest([input], join(sub, 'out.jsonl'), { workers });
    assert.equal(r.read, 3, `${input}, ${workers} workers`);
    assert.equal(r.kept, 2);
    assert.deepEqual(r.skipped, { 'bad-json': 1 });
    assert.deepEqual(r.examples['bad-json'], [{ file: input, line: 2, detail: 'bad JSON: record too large: more than 16 MiB (an unclosed string?); skipped' }]);
    assert.deepEqual(
      readCorpus(join(sub, 'out.jsonl')).map((p) => p.id),
      ['0704.0001', '0704.0003'],
    );
  }
});

test('ingest: --out naming a directory is a clear error before any work', async () => {
  const target = join(dir, 'out-dir');
  mkdirSync(target);
  await assert.rejects(ingest([aPath], target), (e: unknown) => e instanceof UserError && e.message.startsWith(`cannot write ${target}: it is a directory`));
  assert.deepEqual(readdirSync(target), []);
  const r = await cli(['ingest', aPath, '--out', target]);
  assert.equal(r.code, 1);
  assert.match(r.err, /it is a directory/);
  assert.doesNotMatch(r.err, /EISDIR/);
  assert.deepEqual(tempFiles(dir).filter((f) => f.includes('out-dir')), []);
});

test('ingest: a record with its own primary field counts each odd code once in the report', async () => {
  const withPrimary = join(dir, 'primary-field.jsonl');
  const rows = [
    { id: '2101.00041', title: 't1', abstract: 'a1', primary: 'math.IT', categories: 'math.IT cs.LG' },
    { id: '2101.00042', title: 't2', abstract: 'a2', primary: '68T05', categories: '68T05 cs.LG' },
    { id: '2101.00043', title: 't3', abstract: 'a3', primary: 'foo.BAR', categories: 'foo.BAR cs.LG' },
    // The primary listed, but not first: still once.
    { id: '2101.00044', title: 't4', abstract: 'a4', primary: 'solv-int', categories: 'cs.LG solv-int' },
  ];
  writeFileSync(withPrimary, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  for (const workers of [0, 2]) {
    const out = join(dir, `primary-field-${workers}.jsonl`);
    const r = await ingest([withPrimary], out, { workers, chunkBytes: 128 });
    assert.deepEqual(r.foreignCodes, { acm: 0, msc: 1 }, `workers ${workers}`);
    assert.deepEqual(r.unknownCodes, { 'foo.BAR': 1 }, `workers ${workers}`);
    assert.deepEqual(r.remapped, { 'math.IT→cs.IT': 1, 'solv-int→nlin.SI': 1 }, `workers ${workers}`);
    const papers = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as PaperRecord);
    assert.deepEqual(papers.map((p) => p.categories[0]), ['cs.IT', 'cs.LG', 'cs.LG', 'nlin.SI'], `workers ${workers}`);
  }
});

test('ingest: an old-style id with its subject class is the same paper as without it', async () => {
  const path = join(dir, 'old-ids.jsonl');
  writeFileSync(
    path,
    [
      oai('math/0309136', 'math.GT', 1),
      oai('math.GT/0309136', 'math.GT', 2),
      oai('hep-th/9901001', 'hep-th', 1),
    ].join('\n') + '\n',
  );
  for (const workers of [0, 2]) {
    const out = join(dir, `old-ids-${workers}.jsonl`);
    const r = await ingest([path], out, { workers, chunkBytes: 128 });
    assert.equal(r.kept, 2, `workers ${workers}`);
    const ids = readFileSync(out, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as PaperRecord).id);
    assert.deepEqual(ids.sort(), ['hep-th/9901001', 'math/0309136'], `workers ${workers}`);
  }
});

test('ingest with named fields: CSV and JSON lines on zero and two threads; a record without a named field is a bad row that names it', async () => {
  const csv = join(dir, 'named.csv');
  writeFileSync(csv, 'Heading,Summary Text,Label,abstract\n"Graph nets","Message passing on graphs.","cs.LG; stat.ML","usual abstract"\n"Halos","Halo profiles.",astro-ph.CO,\n');
  const jsonl = join(dir, 'named.jsonl');
  writeFileSync(jsonl, ['{"paper_id":"2101.00001","heading":"Graph nets","abstract":"Message passing.","label":["cs.LG"],"categories":"hep-th"}', '{"paper_id":"2101.00002","abstract":"No heading here.","label":"astro-ph.CO"}', '{"paper_id":"2101.00003","heading":"Halos","abstract":"Halo profiles.","label":"astro-ph.CO"}'].join('\n') + '\n');
  const columns = { title: 'heading', abstract: 'summary text', categories: 'LABEL' };
  const fromCsv = await ingest([csv], join(dir, 'named-csv.jsonl'), { columns });
  assert.deepEqual(
    readCorpus(join(dir, 'named-csv.jsonl')).map((p) => [p.title, p.abstract, p.categories]),
    [
      ['Graph nets', 'Message passing on graphs.', ['cs.LG', 'stat.ML']],
      ['Halos', 'Halo profiles.', ['astro-ph.CO']],
    ],
  );
  assert.equal(fromCsv.kept, 2);
  for (const workers of [0, 2]) {
    const out = join(dir, `named-${workers}.jsonl`);
    const r = await ingest([jsonl], out, { columns: { title: 'heading', categories: 'label' }, workers, chunkBytes: 64 });
    assert.deepEqual(
      readCorpus(out).map((p) => [p.id, p.title, p.categories]),
      [
        ['2101.00001', 'Graph nets', ['cs.LG']],
        ['2101.00003', 'Halos', ['astro-ph.CO']],
      ],
      `workers ${workers}`,
    );
    assert.deepEqual(r.skipped, { 'bad-row': 1 });
    assert.match(r.examples['bad-row']![0]!.detail, /^--title-col "heading": no such field/);
  }
});

test('ingest --title-col/--abstract-col/--categories-col on the command line; an empty name is a usage error', async () => {
  const csv = join(dir, 'named-cli.csv');
  writeFileSync(csv, 'Heading;Summary Text;Label\nGraph nets;Message passing on graphs.;cs.LG stat.ML\n');
  const out = join(dir, 'named-cli.jsonl');
  const r = await run(['ingest', csv, '--out', out, '--title-col', 'HEADING', '--abstract-col', 'summary text', '--categories-col', 'label']);
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(readCorpus(out).map((p) => [p.title, p.abstract, p.categories]), [['Graph nets', 'Message passing on graphs.', ['cs.LG', 'stat.ML']]]);
  const empty = await run(['ingest', csv, '--out', out, '--primary-col', ' ']);
  assert.equal(empty.code, 2);
  assert.match(empty.err, /--primary-col needs a field name/);
});
