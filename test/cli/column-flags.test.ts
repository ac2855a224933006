import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { emptyReport } from '../../src/corpus/canonical.js';
import { loadPaperSample } from '../../src/evaluation/experiments/sample.js';
import { loadModel } from '../../src/models/load-model.js';
import type { PaperRecord } from '../../src/corpus/record.js';
import { syntheticPapers } from '../models/synthetic.js';
import { run } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'axc-column-flags-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const papers = syntheticPapers(15, 5);
const valid = syntheticPapers(4, 6).map((p) => ({ ...p, id: p.id.replace('2401.', '2402.') }));
const quick = ['--epochs', '2', '--min-df', '1', '--threads', '1'];
const flags = ['--id-col', 'Paper ID', '--title-col', 'heading', '--abstract-col', 'summary text', '--categories-col', 'SUBJECT CODES'];

const renamed = (p: PaperRecord) => ({ 'Paper ID': p.id, Heading: p.title, 'Summary Text': p.abstract, 'Subject Codes': p.categories.join(' ') });
const usual = (p: PaperRecord) => ({ id: p.id, title: p.title, abstract: p.abstract, categories: p.categories.join(' ') });
const jsonl = (rows: object[]) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
const csvCell = (v: string) => `"${v.replace(/"/g, '""')}"`;
const csv = (rows: Record<string, string>[]) => [Object.keys(rows[0]!).map(csvCell).join(','), ...rows.map((r) => Object.values(r).map(csvCell).join(','))].join('\n') + '\n';

async function probabilities(path: string): Promise<number[]> {
  const model = await loadModel(path);
  return papers.slice(0, 8).flatMap((p) => Array.from(model.predictProba([{ title: p.title, abstract: p.abstract }])));
}

test('train --title-col … reads fields of other names, from JSON lines and CSV, for TRAIN and --valid alike', async () => {
  const base = join(dir, 'usual.jsonl');
  const baseValid = join(dir, 'usual-valid.jsonl');
  writeFileSync(base, jsonl(papers.map(usual)));
  writeFileSync(baseValid, jsonl(valid.map(usual)));
  const reference = join(dir, 'usual.axcm');
  const r0 = await run(['train', '--data', base, '--valid', baseValid, '--out', reference, ...quick]);
  assert.equal(r0.code, 0, r0.err);
  const want = await probabilities(reference);

  for (const [ext, write] of [['jsonl', (rows: Record<string, string>[]) => jsonl(rows)], ['csv', csv]] as const) {
    const data = join(dir, `renamed.${ext}`);
    const validFile = join(dir, `renamed-valid.${ext}`);
    writeFileSync(data, write(papers.map(renamed)));
    writeFileSync(validFile, write(valid.map(renamed)));
    const out = join(dir, `renamed-${ext}.axcm`);
    const r = await run(['train', '--data', data, '--valid', validFile, '--out', out, ...quick, ...flags, '--json']);
    assert.equal(r.code, 0, `${ext}: ${r.err}`);
    const summary = JSON.parse(r.out) as { skipped: Record<string, number> };
    assert.deepEqual(summary.skipped, {}, ext);
    // The same papers under other names train the same model.
    assert.deepEqual(await probabilities(out), want, ext);
  }
});

test('train without the column flags, or naming a field the data lacks, stops with what it skipped and why', async () => {
  const data = join(dir, 'only-renamed.jsonl');
  writeFileSync(data, jsonl(papers.map(renamed)));
  const plain = await run(['train', '--data', data, '--out', join(dir, 'x.axcm'), ...quick]);
  assert.equal(plain.code, 1, plain.err);
  assert.match(plain.err, new RegExp(`no usable papers in .*only-renamed\\.jsonl: skipped ${papers.length} of ${papers.length} records`));
  const wrong = await run(['train', '--data', data, '--out', join(dir, 'y.axcm'), ...quick, ...flags.slice(0, 6), '--categories-col', 'tags']);
  assert.equal(wrong.code, 1, wrong.err);
  assert.match(wrong.err, /no usable papers in .*bad-row \d+ \(first: .*only-renamed\.jsonl:1: --categories-col "tags": no such field/);
});

test('split and stats read fields of other names with the same flags, and give what the usual names give', async () => {
  const base = join(dir, 'corpus-usual.jsonl');
  writeFileSync(base, jsonl(papers.map(usual)));
  for (const [ext, write] of [['jsonl', (rows: Record<string, string>[]) => jsonl(rows)], ['csv', csv]] as const) {
    const data = join(dir, `corpus-renamed.${ext}`);
    writeFileSync(data, write(papers.map(renamed)));
    const want = await run(['stats', base, '--json']);
    const got = await run(['stats', data, '--json', ...flags]);
    assert.equal(got.code, 0, got.err);
    const strip = (s: string) => ({ ...(JSON.parse(s) as Record<string, unknown>), corpus: null });
    assert.deepEqual(strip(got.out), strip(want.out), `stats ${ext}`);
    const wantSplit = await run(['split', base, '--out-dir', join(dir, 'split-usual'), '--json']);
    const gotSplit = await run(['split', data, '--out-dir', join(dir, `split-${ext}`), '--json', ...flags]);
    assert.equal(gotSplit.code, 0, gotSplit.err);
    const counts = (s: string) => (JSON.parse(s) as { counts: Record<string, number> }).counts;
    assert.deepEqual(counts(gotSplit.out), counts(wantSplit.out), `split ${ext}`);
    assert.equal(counts(gotSplit.out).train! + counts(gotSplit.out).valid! + counts(gotSplit.out).test!, papers.length);
    // The same records in the same parts; only the source format each says it came from differs.
    const records = (folder: string, part: string) => readFileSync(join(dir, folder, `${part}.jsonl`), 'utf8').trim().split('\n').filter(Boolean).map((l) => ({ ...(JSON.parse(l) as object), source: null }));
    for (const part of ['train', 'valid', 'test']) assert.deepEqual(records(`split-${ext}`, part), records('split-usual', part), `split ${ext} ${part}`);
  }
});

test('a sample for tune, experiment and train --time-budget reads the named fields too', async () => {
  const data = join(dir, 'sample-renamed.csv');
  writeFileSync(data, csv(papers.map(renamed)));
  const columns = { id: 'paper id', title: 'HEADING', abstract: 'Summary Text', categories: 'subject codes' };
  const { papers: got } = await loadPaperSample([data], 1000, 1, { columns });
  assert.deepEqual(got.map((p) => [p.id, p.title, p.primary]).sort(), papers.map((p) => [p.id, p.title, p.primary]).sort());
  const report = emptyReport();
  const { papers: none } = await loadPaperSample([data], 1000, 1, { report });
  assert.equal(none.length, 0);
  assert.equal(report.read, papers.length);
});

test('quantize --valid reads fields of other names too, and recalibrates as the usual names do', async () => {
  const base = join(dir, 'q-train.jsonl');
  const validUsual = join(dir, 'q-valid.jsonl');
  const validRenamed = join(dir, 'q-valid-renamed.csv');
  writeFileSync(base, jsonl(papers.map(usual)));
  writeFileSync(validUsual, jsonl(valid.map(usual)));
  writeFileSync(validRenamed, csv(valid.map(renamed)));
  const model = join(dir, 'q.axcm');
  assert.equal((await run(['train', '--data', base, '--out', model, ...quick])).code, 0);
  const temperature = async (args: string[]) => {
    const r = await run(['quantize', '--model', model, '--out', join(dir, 'q-small.axcm'), '--prune', '10', '--json', ...args]);
    assert.equal(r.code, 0, r.err);
    return (JSON.parse(r.out) as { recalibratedOn: number; temperature: number });
  };
  const want = await temperature(['--valid', validUsual]);
  assert.equal(want.recalibratedOn, valid.length);
  assert.deepEqual(await temperature(['--valid', validRenamed, ...flags]), want);
  const plain = await run(['quantize', '--model', model, '--out', join(dir, 'q-small.axcm'), '--prune', '10', '--valid', validRenamed]);
  assert.equal(plain.code, 1);
  assert.match(plain.err, new RegExp(`nothing to calibrate on \\(skipped ${valid.length} of ${valid.length} records`));
  const noValid = await run(['quantize', '--model', model, '--out', join(dir, 'q-small.axcm'), '--prune', '10', ...flags]);
  assert.equal(noValid.code, 2);
  assert.match(noValid.err, /describe --valid/);
});
