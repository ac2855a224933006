import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { train } from '../../src/index.js';
import { DEFAULT_LIMITS } from '../../src/serving/app-state.js';
import { startServer, type RunningServer } from '../../src/serving/server.js';
import { syntheticPapers } from '../models/synthetic.js';

const dir = mkdtempSync(join(tmpdir(), 'axc-prior-http-'));
let srv: RunningServer;

before(async () => {
  const model = await train(syntheticPapers(60, 12), { task: 'primary', epochs: 3, lr: 0.5, minDf: 1, threads: 1 });
  const path = join(dir, 'primary.axcm');
  await model.save(path);
  srv = await startServer({ modelPath: path, feedbackPath: null, corsOrigins: [], webDir: null, ...DEFAULT_LIMITS, batchThreads: 1 }, { port: 0, host: '127.0.0.1' }, () => {});
});

after(async () => {
  await srv?.close();
  rmSync(dir, { recursive: true, force: true });
});

const post = (path: string, body: unknown) => fetch(`${srv.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const paper = { title: 'we study the model', abstract: 'our approach and results show that' };

test('a request names the prior in the body or the query string; the answer moves with it', async () => {
  const top = async (prior: unknown) => {
    const r = await post('/v1/classify', { ...paper, prior });
    assert.equal(r.status, 200, await r.clone().text());
    return ((await r.json()) as { labels: { code: string; probability: number }[] }).labels;
  };
  assert.equal((await top({ shares: { 'math.NT': 1 } }))[0]!.code, 'math.NT');
  assert.equal((await top({ shares: { 'q-bio': 1 } }))[0]!.code, 'q-bio.NC');
  assert.ok((await top('balanced')).length > 0);
  const batch = await post('/v1/classify/batch?prior=balanced:0.4', [paper]);
  assert.equal(batch.status, 200, await batch.clone().text());
  // The strength within groups, by body or query, gives the same answer either way.
  const byBody = await top({ balanced: 1, within: 1 });
  const byQuery = await post('/v1/classify/batch?prior=balanced:1:1', [paper]);
  assert.equal(byQuery.status, 200, await byQuery.clone().text());
  const queried = ((await byQuery.json()) as { predictions: { labels: { code: string; probability: number }[] }[] }).predictions[0]!.labels;
  assert.deepEqual(queried.map((l) => l.code), byBody.map((l) => l.code));
  assert.deepEqual(queried.map((l) => l.probability.toFixed(6)), byBody.map((l) => l.probability.toFixed(6)));
  // Shares go in the query string as JSON, for the batch, NDJSON and file routes.
  const shares = { shares: { 'math.NT': 1 } };
  const byShares = await post(`/v1/classify/batch?prior=${encodeURIComponent(JSON.stringify(shares))}`, [paper]);
  assert.equal(byShares.status, 200, await byShares.clone().text());
  const sharesTop = ((await byShares.json()) as { predictions: { labels: { code: string; probability: number }[] }[] }).predictions[0]!.labels;
  assert.deepEqual(sharesTop.map((l) => l.probability.toFixed(6)), (await top(shares)).map((l) => l.probability.toFixed(6)));
  const broken = await post(`/v1/classify/batch?prior=${encodeURIComponent('{"shares":')}`, [paper]);
  assert.equal(broken.status, 400);
  assert.match(await broken.text(), /query\.prior.*not valid JSON/);
});

test('a prior the model cannot take is a 400 that names the field', async () => {
  for (const [prior, message] of [
    ['uniform', /must be "corpus", "recent", "balanced"/],
    [{ balanced: 7 }, /from 0 to 2/],
    [{ balanced: 0.5, within: 'half' }, /within strength must be a number from 0 to 2, got "half"/],
    [{ shares: { 'q-fin.ST': 1 } }, /"q-fin.ST" is not a category, archive or group this model predicts/],
  ] as const) {
    const r = await post('/v1/classify', { ...paper, prior });
    assert.equal(r.status, 400);
    const body = (await r.json()) as { error: { problems: { field: string; message: string }[] } };
    const detail = body.error.problems.find((d) => d.field === 'prior');
    assert.ok(detail && message.test(detail.message), JSON.stringify(body));
  }
  for (const word of ['balanced:x', 'balanced:0.5:x', 'balanced:0.5:3']) {
    const q = await post(`/v1/classify/batch?prior=${word}`, [paper]);
    assert.equal(q.status, 400, word);
  }
});
