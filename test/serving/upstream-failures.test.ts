import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DEFAULT_LIMITS, type ServeConfig } from '../../src/serving/app-state.js';
import { startServer, type RunningServer } from '../../src/serving/server.js';
import { startMockServer, type MockServer } from '../models/mock-llm-server.js';
import { TOPICS } from '../models/synthetic.js';

// An LLM endpoint that refuses every request (a wrong key: 401) must never take the server down.
const KEY = 'sk-upstream-failure-key';
let llm: MockServer;
const servers: RunningServer[] = [];

function config(): ServeConfig {
  const backend = { backend: 'llm' as const, llm: { baseUrl: llm.url, model: 'mock', labels: Object.keys(TOPICS), cacheDir: null, retries: 0 } };
  return { modelPath: '', backend: { backend, description: `llm:mock@${llm.url}` }, feedbackPath: null, corsOrigins: [], webDir: null, ...DEFAULT_LIMITS, batchThreads: 1 };
}

before(async () => {
  llm = await startMockServer({ requireKey: 'a-different-key' });
  process.env.ARXIV_CLASSIFIER_LLM_KEY = KEY;
});

after(async () => {
  for (const s of servers) await s.close();
  await llm.close();
  delete process.env.ARXIV_CLASSIFIER_LLM_KEY;
});

test('an NDJSON batch against an endpoint that answers 401 does not kill the server', async () => {
  const logged: string[] = [];
  const s = await startServer(config(), { port: 0, host: '127.0.0.1' }, (l) => logged.push(l));
  servers.push(s);
  // The answer itself may be cut short; what matters here is the server after it.
  await fetch(`${s.url}/v1/classify/batch`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: '{"title":"a paper"}\n' })
    .then((r) => r.text())
    .catch(() => '');
  const health = await fetch(`${s.url}/healthz`);
  assert.equal(health.status, 200);
  assert.ok(!logged.join('\n').includes(KEY), 'the key reached the log');
});
