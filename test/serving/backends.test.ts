import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { DEFAULT_LIMITS, type ServeConfig } from '../../src/serving/app-state.js';
import { defaultModelPath } from '../../src/models/load-model.js';
import { TOPICS } from '../models/synthetic.js';
import { llmServing } from './llm-fixture.js';

// Every backend is served through the same routes: an ensemble of model files, and an LLM
// behind an OpenAI-compatible endpoint (a stand-in on loopback).
const dir = mkdtempSync(join(tmpdir(), 'axc-serve-backends-'));
const KEY = 'sk-serve-test-key';
const serving = llmServing(KEY);
const start = (c: ServeConfig): Promise<string> => serving.start(c);

function config(backend: ServeConfig['backend']): ServeConfig {
  return { modelPath: '', backend, feedbackPath: null, corsOrigins: [], webDir: null, ...DEFAULT_LIMITS, batchThreads: 1 };
}

const postJson = (url: string, body: unknown) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

after(() => rmSync(dir, { recursive: true, force: true }));

test('an ensemble is served: classify, batch, models; no model file to hand to a browser', async () => {
  const shipped = defaultModelPath()!;
  const url = await start(config({ backend: { backend: 'ensemble', model: undefined, ensemble: { members: [shipped, shipped], weights: [1, 1] } }, description: 'ensemble:shipped,shipped' }));
  const one = await postJson(`${url}/v1/classify`, { title: 'Free electron trajectories in graphene', k: 3 });
  assert.equal(one.status, 200);
  const p = (await one.json()) as { labels: { code: string; probability: number }[]; archive?: { code: string } };
  assert.equal(p.labels[0]!.code, 'cond-mat.mes-hall');
  assert.equal(p.labels.length, 3);
  assert.equal(p.archive?.code, 'cond-mat');
  const batch = await postJson(`${url}/v1/classify/batch`, [{ title: 'Free electron trajectories in graphene' }, { id: 'b', title: 'Attention is all you need', abstract: 'A transformer for machine translation.' }]);
  assert.equal(batch.status, 200);
  const b = (await batch.json()) as { predictions: { id?: string; labels: { code: string }[] }[] };
  assert.equal(b.predictions.length, 2);
  assert.equal(b.predictions[1]!.id, 'b');
  const models = (await (await fetch(`${url}/v1/models`)).json()) as { current: { backend: string; file: string } };
  assert.equal(models.current.backend, 'ensemble');
  assert.equal(models.current.file, 'ensemble:shipped,shipped');
  const file = await fetch(`${url}/v1/models/current/file`);
  assert.equal(file.status, 404);
  assert.match(((await file.json()) as { error: { message: string } }).error.message, /ensemble/);
});

test('an LLM backend is served; an unparsed answer says so; the key is nowhere in the answers', async () => {
  const labels = Object.keys(TOPICS);
  const url = await start(
    config({ backend: { backend: 'llm', llm: { baseUrl: serving.llm().url, model: 'mock', labels, cacheDir: null, retries: 1 } }, description: `llm:mock@${serving.llm().url}` }),
  );
  const topic = labels[0]!;
  const good = await postJson(`${url}/v1/classify`, { title: TOPICS[topic]!.slice(0, 4).join(' ') });
  assert.equal(good.status, 200);
  const g = (await good.json()) as { labels: { code: string }[] };
  assert.equal(g.labels[0]!.code, topic);
  const garbage = await postJson(`${url}/v1/classify`, { title: 'GARBAGE answer please' });
  const text = await garbage.text();
  assert.equal(garbage.status, 200);
  const body = JSON.parse(text) as { labels: unknown[]; unparsed?: string };
  assert.equal(body.labels.length, 0);
  assert.equal(typeof body.unparsed, 'string');
  assert.ok(!text.includes(KEY), 'the API key leaked into an answer');
  const metrics = await (await fetch(`${url}/metrics`)).text();
  assert.ok(!metrics.includes(KEY));
  assert.match(metrics, /axc_model_info\{path="llm:mock@/);
});
