import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { COMMITTED_MODEL, writeTestSet } from '../report/fixtures.js';
import { run } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'axc-'));
const { path: data, n } = writeTestSet(dir);

/** True when the page would fetch anything: scripts, styles, images or fonts from elsewhere. */
function referencesOutside(html: string): string[] {
  const found: string[] = [];
  for (const m of html.matchAll(/(?:src|href)\s*=\s*["']?([^"'\s>]+)/gi)) found.push(m[1]!);
  for (const m of html.matchAll(/url\(([^)]*)\)/gi)) found.push(m[1]!);
  for (const m of html.matchAll(/@import/gi)) found.push(m[0]);
  return found;
}

test('evaluate --report writes HTML, JSON, Markdown and CSV; stdout stays the same', async () => {
  const plain = await run(['evaluate', '--model', COMMITTED_MODEL, '--data', data, '--json']);
  assert.equal(plain.code, 0, plain.err);
  const html = join(dir, 'r.html');
  const withReport = await run(['evaluate', '--model', COMMITTED_MODEL, '--data', data, '--json', '--report', html]);
  assert.equal(withReport.code, 0, withReport.err);
  const a = JSON.parse(plain.out) as Record<string, unknown>;
  const b = JSON.parse(withReport.out) as Record<string, unknown>;
  // Same keys and the same quality numbers (timings differ run to run).
  assert.deepEqual(Object.keys(b), Object.keys(a));
  for (const k of ['n', 'accuracy', 'top5', 'macroF1', 'microF1', 'weightedF1', 'inCategoryP1', 'groupAccuracy']) assert.equal(b[k], a[k], k);
  assert.equal(b.n, n);

  const page = readFileSync(html, 'utf8');
  assert.match(page, /^<!DOCTYPE html>/);
  for (const chart of ['chart-bar', 'chart-heatmap', 'chart-reliability']) assert.ok(page.includes(`class="chart ${chart}"`), chart);
  assert.deepEqual(referencesOutside(page), [], 'the report must not load anything');
  assert.ok(page.includes('<table id="classes" class="sortable">'));
  assert.ok(page.includes('Spiking &lt;b&gt;neurons&lt;/b&gt; &amp; &quot;cortex&quot;'), 'the confusion example, escaped');
  assert.ok(!page.includes('<b>neurons</b>'));
  assert.ok(page.includes('q-bio.NC') && page.includes('Neurons and Cognition'));

  const json = join(dir, 'r.json');
  assert.equal((await run(['evaluate', '--model', COMMITTED_MODEL, '--data', data, '--report', json, '--name', 'committed'])).code, 0);
  const report = JSON.parse(readFileSync(json, 'utf8')) as {
    format: string;
    name: string;
    summary: { n: number; accuracy: number };
    details: { classes: { code: string; support: number; predicted: number; correct: number }[]; confusion: { counts: number[][] } };
  };
  assert.equal(report.format, 'arxiv-classifier/evaluation-report');
  assert.equal(report.name, 'committed');
  assert.equal(report.summary.n, n);
  // Supports and predictions each add up to n; correct predictions add up to accuracy · n.
  const sum = (f: (c: (typeof report.details.classes)[number]) => number) => report.details.classes.reduce((s, c) => s + f(c), 0);
  assert.equal(sum((c) => c.support), n);
  assert.equal(sum((c) => c.predicted), n);
  assert.equal(sum((c) => c.correct), Math.round(report.summary.accuracy * n));
  assert.equal(report.details.confusion.counts.flat().reduce((s, v) => s + v, 0), n);

  const md = join(dir, 'r.md');
  assert.equal((await run(['evaluate', '--model', COMMITTED_MODEL, '--data', data, '--report', md])).code, 0);
  const mdText = readFileSync(md, 'utf8');
  assert.match(mdText, /^# Evaluation: primary/);
  assert.match(mdText, /\| accuracy \(top-1\) \| \d+\.\d\d% \|/);
  assert.match(mdText, /## Per-class report/);
  assert.ok(mdText.includes('Spiking &lt;b>neurons&lt;/b> &amp; "cortex" \\| dynamics'), 'pipes and markup in titles are escaped');

  const csv = join(dir, 'r.out');
  assert.equal((await run(['evaluate', '--model', COMMITTED_MODEL, '--data', data, '--report', csv, '--report-format', 'csv'])).code, 0);
  const lines = readFileSync(csv, 'utf8').trimEnd().split('\r\n');
  assert.equal(lines[0], 'class,name,group,support,predicted,correct,precision,recall,f1');
  assert.equal(lines.length - 1, report.details.classes.length);
});

test('evaluate --report: bad report options exit 2, unwritable path exits 1', async () => {
  const noExt = await run(['evaluate', '--model', COMMITTED_MODEL, '--data', data, '--report', join(dir, 'r.txt')]);
  assert.equal(noExt.code, 2);
  assert.match(noExt.err, /cannot tell the report format from ".*r\.txt"/);
  const badFormat = await run(['evaluate', '--model', COMMITTED_MODEL, '--data', data, '--report', join(dir, 'r.html'), '--report-format', 'xml']);
  assert.equal(badFormat.code, 2);
  assert.match(badFormat.err, /--report-format must be one of html, md, json, csv/);
  assert.equal((await run(['evaluate', '--model', COMMITTED_MODEL, '--data', data, '--report-format', 'md'])).code, 2);
  const unwritable = await run(['evaluate', '--model', COMMITTED_MODEL, '--data', data, '--report', join(dir, 'missing-dir', 'r.html')]);
  assert.equal(unwritable.code, 1);
  assert.match(unwritable.err, /--report .*missing-dir.*does not exist/);
});

test('compare puts reports side by side and marks the best', async () => {
  const full = join(dir, 'full.json');
  const titles = join(dir, 'titles.json');
  assert.equal((await run(['evaluate', '--model', COMMITTED_MODEL, '--data', data, '--report', full, '--name', 'full'])).code, 0);
  const t = await run(['evaluate', '--model', COMMITTED_MODEL, '--data', data, '--report', titles, '--name', 'titles', '--title-only', '--json']);
  assert.equal(t.code, 0, t.err);
  const plainJson = join(dir, 'plain.json');
  writeFileSync(plainJson, t.out);
  const a = JSON.parse(readFileSync(full, 'utf8')) as { summary: Record<string, number> };
  const b = JSON.parse(readFileSync(titles, 'utf8')) as { summary: Record<string, number> };

  const j = await run(['compare', full, titles, plainJson, '--json', '--classes', '2']);
  assert.equal(j.code, 0, j.err);
  const c = JSON.parse(j.out) as { models: { name: string }[]; rows: { key: string; values: (number | null)[]; best: number | null }[] };
  assert.deepEqual(c.models.map((m) => m.name), ['full', 'titles', 'primary']);
  const acc = c.rows.find((r) => r.key === 'accuracy')!;
  assert.deepEqual(acc.values, [a.summary.accuracy, b.summary.accuracy, b.summary.accuracy]);
  // The titles-only numbers appear twice (its report and its --json output): when they are the
  // best, the best is shared and no column is marked.
  assert.equal(acc.best, a.summary.accuracy! > b.summary.accuracy! ? 0 : null);
  const ece = c.rows.find((r) => r.key === 'ece')!;
  assert.equal(ece.best, a.summary.ece! < b.summary.ece! ? 0 : null, 'lower ECE is better');
  // Per-class rows come from reports with a class table; the plain --json output has none.
  const classRows = c.rows.filter((r) => r.key.startsWith('f1:'));
  assert.equal(classRows.length, 2);
  assert.equal(classRows[0]!.values[2], null);

  const text = await run(['compare', full, titles]);
  assert.equal(text.code, 0);
  assert.match(text.out, /^metric\s+full\s+titles\n/);
  assert.match(text.out, /accuracy \(top-1\)\s+\d+\.\d\d%\*?\s+\d+\.\d\d%\*?\n/);
  const md = await run(['compare', full, titles, '--format', 'md', '--names', 'A,B']);
  assert.match(md.out, /^\| metric \| A \| B \|\n\|---\|---:\|---:\|\n/);
  assert.match(md.out, /\*\*/);
});

test('compare: unreadable or foreign files are named in the error', async () => {
  const missing = await run(['compare', join(dir, 'nope.json')]);
  assert.equal(missing.code, 1);
  assert.match(missing.err, /nope\.json: no such file/);
  const notJson = join(dir, 'bad.json');
  writeFileSync(notJson, '{"n": 1,');
  const bad = await run(['compare', notJson]);
  assert.equal(bad.code, 1);
  assert.match(bad.err, /bad\.json: not JSON/);
  const foreign = join(dir, 'foreign.json');
  writeFileSync(foreign, '{"hello": 1}');
  const f = await run(['compare', foreign]);
  assert.equal(f.code, 1);
  assert.match(f.err, /foreign\.json: neither an evaluation report/);
  assert.equal((await run(['compare'])).code, 2);
  assert.equal((await run(['compare', foreign, '--format', 'xml'])).code, 2);
});

test('stats --report: charts and every category; the printed output is unchanged', async () => {
  const before = await run(['stats', data, '--top', '2']);
  const html = join(dir, 's.html');
  const after = await run(['stats', data, '--top', '2', '--report', html]);
  assert.equal(after.code, 0, after.err);
  assert.equal(after.out, before.out);
  const beforeJson = await run(['stats', data, '--json']);
  const afterJson = await run(['stats', data, '--json', '--report', join(dir, 's.md')]);
  assert.equal(afterJson.out, beforeJson.out);

  const page = readFileSync(html, 'utf8');
  assert.ok(page.includes('class="chart chart-bar"') && page.includes('class="chart chart-histogram"'));
  assert.deepEqual(referencesOutside(page), []);
  // All 4 primary categories are in the table although --top was 2.
  for (const code of ['cs.CV', 'hep-th', 'math.NT', 'q-bio.NC']) assert.ok(page.includes(`<td>${code}</td>`), code);
  const md = readFileSync(join(dir, 's.md'), 'utf8');
  assert.match(md, /## Categories per paper/);
  // 15 papers per class, every third (i = 0, 3, …, 12 → 5 per class) cross-listed; plus one single-label paper.
  assert.match(md, /\| 1 \| 41 \|/);
  assert.match(md, /\| 2 \| 20 \|/);
});

test('evaluate, stats and quantize name an output in a missing folder before any work, not after it', async () => {
  const nowhere = join(dir, 'no-such-folder');
  for (const argv of [
    ['evaluate', '--model', COMMITTED_MODEL, '--data', data, '--report', join(nowhere, 'r.html')],
    ['stats', data, '--report', join(nowhere, 'r.md')],
    ['quantize', '--model', COMMITTED_MODEL, '--out', join(nowhere, 'q.axcm')],
  ]) {
    const r = await run(argv);
    assert.equal(r.code, 1, `${argv[0]}: ${r.err}`);
    assert.match(r.err, /(--report|--out) .*no-such-folder.*does not exist/, argv[0]);
    // Nothing was scored or read: no metrics on stdout, no temporary file named.
    assert.equal(r.out, '', argv[0]);
    assert.doesNotMatch(r.err, /\.tmp/, argv[0]);
  }
});
