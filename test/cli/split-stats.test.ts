import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { run } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'axc-'));
const corpus = join(dir, 'corpus.jsonl');
const rows: object[] = [];
const classes: [string, string[], number][] = [
  ['cs.LG', ['cs.LG', 'stat.ML'], 60],
  ['math.CO', ['math.CO'], 30],
  ['hep-th', ['hep-th', 'gr-qc'], 10],
];
let n = 0;
for (const [, cats, count] of classes) {
  for (let i = 0; i < count; i++) {
    n++;
    // first half of every class from 2022, the rest from 2023; a few old-style ids
    const id = n % 25 === 0 ? `hep-th/99${String((n % 12) + 1).padStart(2, '0')}${String(n).padStart(3, '0')}` : `${i < count / 2 ? '2206' : '2303'}.${String(n).padStart(5, '0')}`;
    rows.push({ id, title: `Paper number ${n} about ${cats[0]}`, abstract: `We study problem ${n} in ${cats.join(' and ')} with some words.`, categories: cats.join(' ') });
  }
}
writeFileSync(corpus, rows.map((r) => JSON.stringify(r)).join('\n') + '\n{not json\n');
const total = n;

function readJsonl(path: string): { id: string; primary: string }[] {
  const text = path.endsWith('.gz') ? gunzipSync(readFileSync(path)).toString('utf8') : readFileSync(path, 'utf8');
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));
}

test('stats: text report and --json', async () => {
  const text = await run(['stats', corpus, '--top', '2']);
  assert.equal(text.code, 0, text.err);
  assert.match(text.out, new RegExp(`${total} records`));
  assert.match(text.out, /top 2 categories/);
  assert.match(text.out, /cs\.LG\s+Machine Learning\s+60\s+60/);
  assert.match(text.out, /bad-json 1/);

  const json = await run(['stats', corpus, '--json']);
  assert.equal(json.code, 0, json.err);
  const s = JSON.parse(json.out);
  assert.equal(s.records, total);
  assert.equal(s.distinctPrimary, 3);
  assert.equal(s.distinctCategories, 5);
  assert.equal(s.groups.cs, 60);
  assert.equal(s.groups.physics, 10);
  assert.equal(s.ingest.skipped['bad-json'], 1);
  assert.equal(s.top.length, 5);
  assert.equal(s.months.min, '1999-02');
  assert.equal(s.months.max, '2023-03');
});

test('stats: bad usage exits 2, unreadable data exits 1', async () => {
  assert.equal((await run(['stats'])).code, 2);
  assert.equal((await run(['stats', corpus, '--top', 'x'])).code, 2);
  assert.equal((await run(['stats', corpus, '--format', 'docx'])).code, 2);
  assert.equal((await run(['stats', corpus, '--bogus'])).code, 2);
  const missing = await run(['stats', join(dir, 'missing.jsonl')]);
  assert.equal(missing.code, 1);
  assert.match(missing.err, /missing\.jsonl/);
  const junk = join(dir, 'junk.jsonl');
  writeFileSync(junk, '{"nothing": 1}\n{"title": "t"}\n');
  const j = await run(['stats', junk, '--format', 'jsonl']);
  assert.equal(j.code, 1);
  assert.match(j.err, /no usable records/);
  assert.equal((await run(['stats', '--help'])).code, 0);
});

test('split --by random writes three canonical files, stratified and reproducible', async () => {
  const out = join(dir, 'random');
  const r = await run(['split', corpus, '--by', 'random', '--test', '0.2', '--valid', '0.1', '--seed', '7', '--out-dir', out, '--json']);
  assert.equal(r.code, 0, r.err);
  const summary = JSON.parse(r.out);
  assert.equal(summary.counts.train + summary.counts.valid + summary.counts.test, total);
  const train = readJsonl(join(out, 'train.jsonl'));
  const valid = readJsonl(join(out, 'valid.jsonl'));
  const test_ = readJsonl(join(out, 'test.jsonl'));
  assert.deepEqual([train.length, valid.length, test_.length], [summary.counts.train, summary.counts.valid, summary.counts.test]);
  assert.equal(new Set([...train, ...valid, ...test_].map((p) => p.id)).size, total);
  assert.ok(Math.abs(test_.filter((p) => p.primary === 'cs.LG').length - 12) <= 1);
  assert.ok(Math.abs(test_.filter((p) => p.primary === 'hep-th').length - 2) <= 1);
  assert.deepEqual(Object.keys(train[0]!).slice(0, 5), ['id', 'title', 'abstract', 'categories', 'primary']);

  const again = join(dir, 'random2');
  assert.equal((await run(['split', corpus, '--test', '0.2', '--valid', '0.1', '--seed', '7', '--out-dir', again])).code, 0);
  assert.equal(readFileSync(join(again, 'test.jsonl'), 'utf8'), readFileSync(join(out, 'test.jsonl'), 'utf8'));
});

test('split reports skipped records with file:line, and --workers gives the same files', async () => {
  const out = join(dir, 'workers0');
  const r = await run(['split', corpus, '--out-dir', out, '--workers', '0']);
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, new RegExp(`skipped 1 of ${total + 1} records in .*corpus\\.jsonl: bad-json 1 \\(first: .*corpus\\.jsonl:${total + 1}: `));
  const threaded = join(dir, 'workers2');
  assert.equal((await run(['split', corpus, '--out-dir', threaded, '--workers', '2'])).code, 0);
  for (const part of ['train', 'valid', 'test']) assert.equal(readFileSync(join(threaded, `${part}.jsonl`), 'utf8'), readFileSync(join(out, `${part}.jsonl`), 'utf8'));
  assert.equal((await run(['split', corpus, '--out-dir', out, '--workers', '-1'])).code, 2);
});

test('split --by time on id months, with --valid-from and --gzip', async () => {
  const out = join(dir, 'time');
  const r = await run(['split', corpus, '--by', 'time', '--before', '2303', '--valid-from', '2206', '--gzip', '--out-dir', out, '--json']);
  assert.equal(r.code, 0, r.err);
  const summary = JSON.parse(r.out);
  assert.equal(summary.undated, 0);
  const train = readJsonl(join(out, 'train.jsonl.gz'));
  const valid = readJsonl(join(out, 'valid.jsonl.gz'));
  const test_ = readJsonl(join(out, 'test.jsonl.gz'));
  assert.ok(train.length > 0 && train.every((p) => p.id.startsWith('hep-th/')), 'only 1999 papers are before 2206');
  assert.ok(valid.length > 0 && valid.every((p) => p.id.startsWith('2206.')));
  assert.ok(test_.length > 0 && test_.every((p) => p.id.startsWith('2303.')));
  assert.equal(train.length + valid.length + test_.length, total);
  assert.ok(!existsSync(join(out, 'train.jsonl')));

  const text = await run(['split', corpus, '--by', 'time', '--before', '2023-01', '--valid', '0', '--out-dir', join(dir, 'time2')]);
  assert.equal(text.code, 0, text.err);
  assert.match(text.out, /test\s+\d+/);
  assert.equal(readJsonl(join(dir, 'time2', 'valid.jsonl')).length, 0);
});

test('split --by time on papers with no month: an error, and an earlier split in the folder is left as it was', async () => {
  const out = join(dir, 'undated');
  assert.equal((await run(['split', corpus, '--out-dir', out])).code, 0);
  const before = readFileSync(join(out, 'train.jsonl'), 'utf8');
  // The Keras CSV's shape: no ids, no dates.
  const keras = join(dir, 'keras.csv');
  writeFileSync(keras, 'titles,summaries,terms\nA paper,About graphs,"[\'math.CO\']"\nAnother,About nets,"[\'cs.LG\']"\n');
  const r = await run(['split', keras, '--by', 'time', '--before', '2101', '--out-dir', out]);
  assert.equal(r.code, 1, r.err);
  assert.match(r.err, /keras\.csv: none of its 2 papers has a month .*nothing was written/);
  assert.equal(readFileSync(join(out, 'train.jsonl'), 'utf8'), before);
  assert.ok(readFileSync(join(out, 'test.jsonl'), 'utf8').length > 0);
});

test('split: bad usage exits 2, unreadable data exits 1', async () => {
  const out = join(dir, 'bad');
  assert.equal((await run(['split', corpus])).code, 2, 'no --out-dir');
  assert.equal((await run(['split', corpus, '--out-dir', out, '--by', 'alphabet'])).code, 2);
  assert.equal((await run(['split', corpus, '--out-dir', out, '--by', 'time'])).code, 2, 'no --before');
  assert.equal((await run(['split', corpus, '--out-dir', out, '--by', 'time', '--before', '2313'])).code, 2);
  assert.equal((await run(['split', corpus, '--out-dir', out, '--test', '0.7', '--valid', '0.5'])).code, 2);
  assert.equal((await run(['split', corpus, '--out-dir', out, '--test', '1.5'])).code, 2);
  assert.equal((await run(['split', corpus, '--out-dir', out, '--before', '2301'])).code, 2, '--before needs --by time');
  const missing = await run(['split', join(dir, 'nope.jsonl'), '--out-dir', out]);
  assert.equal(missing.code, 1);
  assert.match(missing.err, /nope\.jsonl/);
  assert.ok(!existsSync(out), 'nothing written on failure');
});

test('stats and split take --format auto, as ingest does', async () => {
  const stats = await run(['stats', corpus, '--json', '--format', 'auto']);
  assert.equal(stats.code, 0, stats.err);
  assert.equal(JSON.parse(stats.out).records, total);
  const out = join(dir, 'auto');
  const split = await run(['split', corpus, '--out-dir', out, '--format', 'auto', '--json']);
  assert.equal(split.code, 0, split.err);
  assert.equal(readJsonl(join(out, 'train.jsonl')).length + readJsonl(join(out, 'valid.jsonl')).length + readJsonl(join(out, 'test.jsonl')).length, total);
  const bad = await run(['split', corpus, '--out-dir', out, '--format', 'docx']);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--format must be auto or one of jsonl,/);
});
