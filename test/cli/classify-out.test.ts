import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { readRows } from '../../src/sources/read.js';
import { PREDICTION_COLUMNS } from '../../src/models/prediction-table.js';
import { run } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'axc-classify-out-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

const TITLES = ['Free electron trajectories in graphene', 'Graph coloring with few colors', 'Attention is all you need'];
/** Ids a spreadsheet would run as formulas, and papers with none. */
const IDS = ['=1+2', '@SUM(A1)', '+x', '-5', 'plain, "quoted"', undefined];
const papers = Array.from({ length: 30 }, (_, i) => ({ ...(IDS[i % IDS.length] !== undefined ? { id: `${IDS[i % IDS.length]}${i}` } : {}), title: `${TITLES[i % TITLES.length]} ${i}`, abstract: 'We study it.' }));
const input = join(dir, 'papers.jsonl');
writeFileSync(input, papers.map((p) => JSON.stringify(p)).join('\n') + '\n');

type Rec = { id?: string; row?: number; labels: { code: string; name: string; probability: number }[]; groups: { code: string; probability: number }[]; archive?: { code: string } };

async function classify(out: string, threads = '1'): Promise<{ code: number; err: string }> {
  return run(['classify', '--input', input, '--out', out, '--k', '3', '--threads', threads]);
}

let reference: Rec[];
test('classify --out .jsonl and .ndjson: JSON lines, as on stdout', async () => {
  const stdout = await run(['classify', '--input', input, '--k', '3', '--threads', '1', '--out', '-']);
  assert.equal(stdout.code, 0, stdout.err);
  reference = stdout.out.trim().split('\n').map((l) => JSON.parse(l) as Rec);
  assert.equal(reference.length, papers.length);
  assert.deepEqual(reference[5]!.row, 6);
  for (const name of ['p.jsonl', 'p.ndjson', 'P.JSONL']) {
    for (const threads of ['1', '2']) {
      const r = await classify(join(dir, name), threads);
      assert.equal(r.code, 0, r.err);
      assert.equal(readFileSync(join(dir, name), 'utf8'), stdout.out, `${name}, ${threads} thread(s)`);
    }
  }
});

test('classify --out .json: one JSON array of the same records, on one thread and on two; a run that classifies nothing writes no file', async () => {
  for (const threads of ['1', '2']) {
    const r = await classify(join(dir, 'p.json'), threads);
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(JSON.parse(readFileSync(join(dir, 'p.json'), 'utf8')), reference);
  }
  const empty = join(dir, 'empty.jsonl');
  writeFileSync(empty, '{"id": "x"}\n');
  const r = await run(['classify', '--input', empty, '--out', join(dir, 'empty.json'), '--threads', '1']);
  assert.equal(r.code, 1);
  assert.ok(!existsSync(join(dir, 'empty.json')));
});

test('classify --out .csv: a row per paper, the top label and every label, cells a spreadsheet would run as formulas made text', async () => {
  for (const threads of ['1', '2']) {
    const out = join(dir, 'p.csv');
    const r = await classify(out, threads);
    assert.equal(r.code, 0, r.err);
    const text = readFileSync(out, 'utf8');
    assert.equal(text.split('\r\n')[0], PREDICTION_COLUMNS.join(','));
    const rows: Record<string, unknown>[] = [];
    for await (const item of readRows(out)) if ('row' in item) rows.push(item.row);
    assert.equal(rows.length, papers.length);
    rows.forEach((row, i) => {
      const want = reference[i]!;
      const id = papers[i]!.id;
      assert.equal(row.id, id === undefined ? '' : /^[=+\-@]/.test(id) ? `'${id}` : id, `row ${i}`);
      assert.equal(row.row, id === undefined ? String(i + 1) : '');
      assert.equal(row.label, want.labels[0]!.code);
      assert.equal(row.name, want.labels[0]!.name);
      assert.equal(Number(row.probability), want.labels[0]!.probability);
      assert.equal(row.group, want.groups[0]!.code);
      assert.equal(row.archive, want.archive!.code);
      assert.equal(row.labels, want.labels.map((l) => `${l.code}:${l.probability.toFixed(4)}`).join(' '));
      assert.equal(row.uncertain, '');
    });
    assert.match(text, /\r\n'=1\+20,/);
    assert.match(text, /\r\n"plain, ""quoted""4",/);
  }
});

test('classify --out .parquet: the same columns, typed, read back by our own parquet reader', async () => {
  for (const threads of ['1', '2']) {
    const out = join(dir, 'p.parquet');
    const r = await classify(out, threads);
    assert.equal(r.code, 0, r.err);
    const rows: Record<string, unknown>[] = [];
    for await (const item of readRows(out)) if ('row' in item) rows.push(item.row);
    assert.equal(rows.length, papers.length);
    assert.deepEqual(Object.keys(rows[0]!), [...PREDICTION_COLUMNS]);
    rows.forEach((row, i) => {
      const want = reference[i]!;
      assert.equal(row.id, papers[i]!.id ?? null);
      assert.equal(row.row, papers[i]!.id === undefined ? i + 1 : null);
      assert.equal(row.label, want.labels[0]!.code);
      assert.equal(row.probability, want.labels[0]!.probability);
      assert.equal(row.uncertain, null);
    });
  }
});

test('classify --out with another extension: a usage error naming the ones it writes, before any work', async () => {
  for (const name of ['p.txt', 'p.jsonl.gz', 'predictions']) {
    const out = join(dir, name);
    const r = await classify(out);
    assert.equal(r.code, 2, name);
    assert.match(r.err, /\.jsonl or \.ndjson \(JSON lines\), \.json \(a JSON array\), \.csv or \.parquet/);
    assert.ok(!existsSync(out));
  }
});

test('classify --out: a run that classifies nothing leaves an existing file as it was; the input itself is refused as --out', async () => {
  const out = join(dir, 'kept.jsonl');
  writeFileSync(out, '{"earlier": "predictions"}\n');
  const wrongColumns = join(dir, 'wrong.csv');
  writeFileSync(wrongColumns, 'name,text\nFoo,bar\n');
  const allBad = join(dir, 'bad.jsonl');
  writeFileSync(allBad, '{"title": \n{"nope": 1}\n');
  for (const [input_, threads] of [[wrongColumns, '1'], [allBad, '1'], [allBad, '2']] as const) {
    const r = await run(['classify', '--input', input_, '--out', out, '--threads', threads]);
    assert.equal(r.code, 1, r.err);
    assert.match(r.err, /classified 0 papers, skipped \d+, so .*kept\.jsonl was not written/);
    assert.equal(readFileSync(out, 'utf8'), '{"earlier": "predictions"}\n', input_);
  }
  const before = readFileSync(input, 'utf8');
  const same = await run(['classify', '--input', input, '--out', input]);
  assert.equal(same.code, 2);
  assert.match(same.err, /is also an input of this command/);
  assert.equal(readFileSync(input, 'utf8'), before);
});
