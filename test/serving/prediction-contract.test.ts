/**
 * One prediction shape everywhere (issue 25): the CLI's single `--json` and `--input` lines (on
 * one thread and on prediction threads), the library's `predictionRecord`, and every HTTP answer
 * (single, JSON batch on one thread and split across threads, NDJSON, file upload) give the same
 * record for the same paper: id or row, labels, groups, archive.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { loadModel } from '../../src/index.js';
import { defaultModelPath } from '../../src/models/load-model.js';
import { predictionRecord } from '../../src/models/prediction-json.js';
import { DEFAULT_LIMITS, type ServeConfig } from '../../src/serving/app-state.js';
import { startServer, type RunningServer } from '../../src/serving/server.js';
import { run } from '../cli/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'axc-contract-'));
const modelPath = defaultModelPath()!;
const servers: RunningServer[] = [];
const logs: string[] = [];
after(async () => {
  for (const s of servers) await s.close();
  rmSync(dir, { recursive: true, force: true });
});

const TITLES = ['Free electron trajectories in graphene', 'Graph coloring with few colors', 'Attention is all you need', 'Dark matter halos of dwarf galaxies'];
/** 80 papers (more than a batch the server splits across threads), every third without an id. */
const papers = Array.from({ length: 80 }, (_, i) => ({ ...(i % 3 === 0 ? {} : { id: `2401.${String(i).padStart(5, '0')}` }), title: `${TITLES[i % TITLES.length]} ${i}`, abstract: 'We study it.' }));

type Rec = Record<string, unknown>;
let expected: (row: (i: number) => number) => Rec[];
let single: RunningServer;
let threaded: RunningServer;

before(async () => {
  const model = await loadModel(modelPath);
  expected = (row) => papers.map((p, i) => JSON.parse(JSON.stringify(predictionRecord(model.predict(p, { k: 3 }), p.id, row(i)))) as Rec);
  const config: ServeConfig = { modelPath, feedbackPath: null, corsOrigins: [], webDir: null, ...DEFAULT_LIMITS };
  single = await startServer({ ...config, batchThreads: 1 }, { port: 0, host: '127.0.0.1' }, (l) => logs.push(l));
  threaded = await startServer({ ...config, batchThreads: 2 }, { port: 0, host: '127.0.0.1' }, (l) => logs.push(l));
  servers.push(single, threaded);
});

/** The record of an answer, without what the transport adds around it. */
function bare(r: Rec): Rec {
  const { line: _line, type: _type, title: _title, ...rest } = r;
  return rest;
}

test('CLI classify --input lines: id, or the row the paper is on; the same on one thread and on two', async () => {
  const input = join(dir, 'papers.jsonl');
  writeFileSync(input, papers.map((p) => JSON.stringify(p)).join('\n') + '\n');
  for (const threads of ['1', '2']) {
    const out = join(dir, `out-${threads}.jsonl`);
    const r = await run(['classify', '--model', modelPath, '--input', input, '--out', out, '--k', '3', '--threads', threads]);
    assert.equal(r.code, 0, r.err);
    const lines = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Rec);
    assert.deepEqual(lines, expected((i) => i + 1), `${threads} thread(s)`);
  }
  // CSV: the header is line 1, so the first paper is row 2.
  const csv = join(dir, 'papers.csv');
  writeFileSync(csv, 'id,title,abstract\n' + papers.map((p) => `${p.id ?? ''},${p.title},${p.abstract}`).join('\n') + '\n');
  const r = await run(['classify', '--model', modelPath, '--input', csv, '--k', '3', '--threads', '1']);
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(r.out.trim().split('\n').map((l) => JSON.parse(l) as Rec), expected((i) => i + 2));
});

test('CLI classify --json: the same record, with no id or row', async () => {
  const r = await run(['classify', '--model', modelPath, '--title', papers[0]!.title, '--abstract', papers[0]!.abstract, '--k', '3', '--json']);
  assert.equal(r.code, 0, r.err);
  const { row: _row, ...want } = expected((i) => i + 1)[0]!;
  assert.deepEqual(JSON.parse(r.out), want);
  assert.ok('archive' in want && 'groups' in want);
});

test('HTTP: single, JSON batch (one thread and split across two), NDJSON and file upload give the same records', async () => {
  const post = (srv: RunningServer, path: string, body: string, type: string) => fetch(srv.url + path, { method: 'POST', headers: { 'content-type': type }, body });
  const one = (await (await post(single, '/v1/classify', JSON.stringify({ ...papers[1], k: 3 }), 'application/json')).json()) as Rec;
  assert.deepEqual(one, expected((i) => i + 1)[1], logs.join('\n'));
  for (const srv of [single, threaded]) {
    const batch = (await (await post(srv, '/v1/classify/batch?k=3', JSON.stringify(papers), 'application/json')).json()) as { predictions: Rec[] };
    assert.deepEqual(batch.predictions, expected((i) => i + 1));
  }
  const ndjson = await (await post(single, '/v1/classify/batch?k=3', papers.map((p) => JSON.stringify(p)).join('\n') + '\n', 'application/x-ndjson')).text();
  assert.deepEqual(ndjson.trim().split('\n').map((l) => bare(JSON.parse(l) as Rec)), expected((i) => i + 1));
  const csv = 'id,title,abstract\n' + papers.map((p) => `${p.id ?? ''},${p.title},${p.abstract}`).join('\n') + '\n';
  const events = (await (await post(single, '/v1/classify/file?filename=p.csv&k=3', csv, 'text/csv')).text()).trim().split('\n').map((l) => JSON.parse(l) as Rec);
  assert.deepEqual(events.filter((e) => e.type === 'prediction').map(bare), expected((i) => i + 2));
});
