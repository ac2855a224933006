import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { DEFAULT_LIMITS, type ServeConfig } from '../../src/serving/app-state.js';
import { run } from '../cli/run-cli.js';
import { TOPICS } from '../models/synthetic.js';
import { llmServing } from './llm-fixture.js';

// An LLM endpoint that refuses every request (a wrong key: 401), or is not there at all, must
// never take the server down, and its failure reaches clients as 502/503/504, never as a 500 or
// as a 200 with no labels, and never with the endpoint's address.
const KEY = 'sk-upstream-failure-key';
const LABELS = Object.keys(TOPICS);
const dir = mkdtempSync(join(tmpdir(), 'axc-upstream-'));
const serving = llmServing(KEY, { requireKey: 'a-different-key' });
let downUrl = '';

function config(baseUrl: string, timeoutMs?: number): ServeConfig {
  const backend = { backend: 'llm' as const, llm: { baseUrl, model: 'mock', labels: LABELS, cacheDir: null, retries: 0, ...(timeoutMs ? { timeoutMs } : {}) } };
  return { modelPath: '', backend: { backend, description: `llm:mock@${baseUrl}` }, feedbackPath: null, corsOrigins: [], webDir: null, ...DEFAULT_LIMITS, batchThreads: 1 };
}

const start = (baseUrl: string, log: string[] = [], timeoutMs?: number): Promise<string> => serving.start(config(baseUrl, timeoutMs), (l) => log.push(l));

const post = (url: string, body: string, type = 'application/json') => fetch(url, { method: 'POST', headers: { 'content-type': type }, body });

before(async () => {
  // A port that was just freed: connections to it are refused, as to an endpoint that is down.
  const gone = createServer();
  await new Promise<void>((resolve) => gone.listen(0, '127.0.0.1', resolve));
  downUrl = `http://127.0.0.1:${(gone.address() as AddressInfo).port}/v1`;
  await new Promise<void>((resolve) => gone.close(() => resolve()));
});

after(() => rmSync(dir, { recursive: true, force: true }));

test('an NDJSON batch against an endpoint that answers 401 does not kill the server', async () => {
  const logged: string[] = [];
  const url = await start(serving.llm().url, logged);
  const res = await post(`${url}/v1/classify/batch`, '{"title":"a paper"}\n', 'application/x-ndjson');
  const lines = (await res.text()).trim().split('\n');
  // The stream ends with why it stopped.
  assert.match(lines[lines.length - 1]!, /"code":"backend_refused".*HTTP 401/);
  assert.equal((await fetch(`${url}/healthz`)).status, 200);
  assert.ok(!logged.join('\n').includes(KEY), 'the key reached the log');
});

test('an endpoint that is down: 503 on every classify route, /readyz and /metrics say so', async () => {
  const url = await start(downUrl);
  assert.equal((await fetch(`${url}/readyz`)).status, 200);
  for (const [path, body] of [
    ['/v1/classify', '{"title":"graphene"}'],
    ['/v1/classify/batch', '[{"title":"graphene"},{"title":"quarks"}]'],
  ] as const) {
    const res = await post(url + path, body);
    const text = await res.text();
    assert.equal(res.status, 503, `${path}: ${text}`);
    const e = (JSON.parse(text) as { error: { code: string; message: string } }).error;
    assert.equal(e.code, 'backend_unavailable');
    assert.match(e.message, /the model backend failed: the model endpoint cannot be reached/);
    assert.ok(!text.includes(downUrl) && !text.includes('127.0.0.1'), 'the endpoint address reached a client');
  }
  const file = await post(`${url}/v1/classify/file?filename=a.csv`, 'title,abstract\ngraphene,electrons\n', 'text/csv');
  const events = (await file.text()).trim().split('\n').map((l) => JSON.parse(l) as { type: string; error?: { code: string } });
  assert.equal(events[0]!.type, 'start');
  assert.deepEqual(events.at(-1), { type: 'error', error: events.at(-1)!.error });
  assert.equal(events.at(-1)!.error!.code, 'backend_unavailable');
  const ready = await fetch(`${url}/readyz`);
  assert.equal(ready.status, 503);
  assert.match(((await ready.json()) as { reason: string }).reason, /the model backend is failing: the model endpoint cannot be reached/);
  const metrics = await (await fetch(`${url}/metrics`)).text();
  assert.match(metrics, /axc_backend_errors_total\{failure="unavailable"\} 3/);
  assert.match(metrics, /axc_backend_failing 1/);
  assert.doesNotMatch(metrics, /axc_http_requests_total\{[^}]*status="500"\}/);
});

test('an endpoint that refuses is a 502, one that does not answer in time a 504', async () => {
  const refused = await post(`${await start(serving.llm().url)}/v1/classify`, '{"title":"graphene"}');
  assert.equal(refused.status, 502);
  assert.equal(((await refused.json()) as { error: { code: string } }).error.code, 'backend_refused');
  const hang = createServer(() => {});
  await new Promise<void>((resolve) => hang.listen(0, '127.0.0.1', resolve));
  try {
    const slow = await post(`${await start(`http://127.0.0.1:${(hang.address() as AddressInfo).port}/v1`, [], 200)}/v1/classify`, '{"title":"graphene"}');
    assert.equal(slow.status, 504);
    assert.match(((await slow.json()) as { error: { message: string } }).error.message, /no answer within 200 ms/);
  } finally {
    hang.closeAllConnections();
    hang.close();
  }
});

test('classify and evaluate exit 1 with the reason when the endpoint is down, instead of scoring 0%', async () => {
  const data = join(dir, 'papers.jsonl');
  writeFileSync(data, LABELS.map((code, i) => JSON.stringify({ id: `p${i}`, title: TOPICS[code]!.slice(0, 3).join(' '), abstract: 'x', categories: [code] })).join('\n') + '\n');
  const common = ['--backend', 'llm', '--base-url', downUrl, '--llm-model', 'm', '--labels', LABELS.join(','), '--llm-cache', 'off', '--llm-retries', '0'];
  for (const argv of [
    ['evaluate', ...common, '--data', data],
    ['classify', ...common, '--input', data, '--out', join(dir, 'out.jsonl')],
    ['classify', ...common, '--title', 'graphene'],
  ]) {
    const r = await run(argv);
    assert.equal(r.code, 1, `${argv[0]}: ${r.out}${r.err}`);
    assert.match(r.err, /cannot be reached|ECONNREFUSED/);
    assert.doesNotMatch(r.err, /\n\s+at /);
  }
});
