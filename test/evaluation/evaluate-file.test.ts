import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emptyReport } from '../../src/corpus/canonical.js';
import { loadPapers } from '../../src/corpus/load.js';
import type { PaperRecord } from '../../src/corpus/record.js';
import { evaluateFile } from '../../src/evaluation/evaluate-file.js';
import { evaluate, type DetailedEvaluation } from '../../src/evaluation/evaluate.js';
import { defaultModelPath, loadModel } from '../../src/models/load-model.js';
import { PredictPool } from '../../src/models/predict-pool.js';
import { madeUpOaiSnapshot } from '../made-up-papers.js';
import { run } from '../cli/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'axc-evaluate-file-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const modelPath = defaultModelPath()!;

/** Everything but the timings, which differ from run to run. */
function untimed(d: DetailedEvaluation): unknown {
  const { papersPerSecond: _s, latencyP50Ms: _p50, latencyP99Ms: _p99, ...summary } = d.summary;
  const { latency: _l, ...details } = d.details;
  return { summary, details };
}

// The OAI snapshot format (versions, update_date, …), with bad lines and ids met twice. A file of
// ids met once scores as loadPapers + evaluate scores it.
const snapshot = madeUpOaiSnapshot(600);
const clean = join(dir, 'clean.jsonl');
writeFileSync(clean, snapshot);
const lines = snapshot.trimEnd().split('\n');
const messy = join(dir, 'messy.jsonl');
// Line 3: bad JSON; line 5: blank; line 7 repeats line 1's id with a later version; line 9 repeats line 2 as is.
const later = JSON.stringify({ ...JSON.parse(lines[0]!), title: 'a later version', versions: [{ version: 'v1' }, { version: 'v2' }] });
writeFileSync(messy, [lines[0], lines[1], '{"id": "broken', lines[2], '', lines[3], later, lines[4], lines[1], ...lines.slice(5)].join('\n') + '\n');

test('evaluateFile scores a file as evaluate scores it loaded, in this thread and on threads', async () => {
  const model = await loadModel(modelPath);
  const { papers } = await loadPapers(clean);
  const expected = untimed(await evaluate(model, papers));
  const report = emptyReport();
  assert.deepStrictEqual(untimed(await evaluateFile(model, clean, { report })), expected);
  assert.equal(report.kept, papers.length);
  const pool = await PredictPool.open(modelPath, 2);
  try {
    assert.deepStrictEqual(untimed(await evaluateFile(model, clean, { pool })), expected);
    const titles = await evaluate(model, papers, { titleOnly: true });
    const streamed = await evaluateFile(model, clean, { pool, titleOnly: true });
    assert.deepStrictEqual(untimed(streamed), untimed(titles));
    assert.equal(streamed.details.latency.calls, 100, 'single calls timed after the pass');
  } finally {
    await pool.close();
  }
});

test('evaluateFile keeps the first record of an id, reports the rest with their lines, and skips bad lines', async () => {
  const model = await loadModel(modelPath);
  const first = (await loadPapers(clean)).papers;
  const expected = untimed(await evaluate(model, first));
  const pool = await PredictPool.open(modelPath, 2);
  try {
    for (const options of [{}, { pool }]) {
      const report = emptyReport();
      const result = await evaluateFile(model, messy, { ...options, report });
      assert.deepStrictEqual(untimed(result), expected);
      assert.equal(report.skipped.duplicate, 2);
      assert.equal(report.skipped['bad-json'], 1);
      assert.equal(report.kept, first.length);
      assert.deepEqual(
        report.examples.duplicate!.map((e) => [e.file, e.line, e.detail]),
        [
          [messy, 7, `duplicate id ${first[0]!.id}: left out, the record on line 1 was scored`],
          [messy, 9, `duplicate id ${first[1]!.id}: left out, the record on line 2 was scored`],
        ],
      );
      assert.deepEqual(report.examples['bad-json']!.map((e) => [e.file, e.line]), [[messy, 3]]);
    }
  } finally {
    await pool.close();
  }
});

test('evaluateFile reads any format ingest reads: a CSV file scores as loaded', async () => {
  const model = await loadModel(modelPath);
  const papers: PaperRecord[] = (await loadPapers(clean)).papers.slice(0, 200);
  const csv = join(dir, 'papers.csv');
  const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;
  writeFileSync(csv, ['id,title,abstract,categories', ...papers.map((p) => [p.id, p.title, p.abstract, p.categories.join(' ')].map(quote).join(','))].join('\n') + '\n');
  const loaded = (await loadPapers(csv)).papers;
  assert.equal(loaded.length, 200);
  assert.deepStrictEqual(untimed(await evaluateFile(model, csv)), untimed(await evaluate(model, loaded)));
});

test('evaluateFile and evaluate --data read fields of other names (--title-col, --categories-col), in this thread and on threads', async () => {
  const model = await loadModel(modelPath);
  const { papers } = await loadPapers(clean);
  const expected = untimed(await evaluate(model, papers));
  const renamed = join(dir, 'renamed.jsonl');
  writeFileSync(
    renamed,
    lines
      .map((l) => {
        const { title, categories, ...rest } = JSON.parse(l) as Record<string, unknown>;
        // A decoy under a usual name: the named field must win over it.
        return JSON.stringify({ ...rest, Heading: title, subjects: categories, categories: 'hep-th' });
      })
      .join('\n') + '\n',
  );
  const columns = { title: 'heading', categories: 'SUBJECTS' };
  assert.deepStrictEqual(untimed(await evaluateFile(model, renamed, { columns })), expected);
  const pool = await PredictPool.open(modelPath, 2);
  try {
    assert.deepStrictEqual(untimed(await evaluateFile(model, renamed, { pool, columns })), expected);
  } finally {
    await pool.close();
  }
  const cli = await run(['evaluate', '--data', renamed, '--title-col', 'heading', '--categories-col', 'subjects', '--json']);
  assert.equal(cli.code, 0, cli.err);
  const out = JSON.parse(cli.out) as { n: number; top1: number };
  const want = (expected as { summary: { n: number; top1: number } }).summary;
  assert.equal(typeof want.top1, 'number');
  assert.deepEqual([out.n, out.top1], [want.n, want.top1]);
});
