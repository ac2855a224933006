import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ChatClient, ChatError } from '../../src/models/llm/chat-client.js';
import { LlmClassifier } from '../../src/models/llm/llm-classifier.js';
import { parseAnswer } from '../../src/models/llm/parse-answer.js';
import { pickExamples, PromptBuilder } from '../../src/models/llm/prompt.js';
import { ResponseCache } from '../../src/models/llm/response-cache.js';
import { run } from '../cli/run-cli.js';
import { startMockServer, type MockServer } from './mock-llm-server.js';
import { syntheticPapers, TOPICS } from './synthetic.js';

const LABELS = Object.keys(TOPICS);
const KEY = 'sk-test-SECRET-0123456789abcdef';
let server: MockServer;
let dir: string;

before(async () => {
  server = await startMockServer({ slowMs: 1500 });
  dir = mkdtempSync(join(tmpdir(), 'axc-llm-'));
});
after(async () => {
  await server.close();
});

/** Every file under a folder, as text. */
function allFiles(root: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(root)) {
    const p = join(root, name);
    if (statSync(p).isDirectory()) out.push(...allFiles(p));
    else out.push(readFileSync(p, 'utf8'));
  }
  return out;
}

test('parseAnswer reads JSON, prose, fences, aliases and names, and refuses garbage', () => {
  const allowed = new Set(['cs.CV', 'cs.IT', 'hep-th', 'math.NT']);
  assert.deepEqual(parseAnswer('{"category": "hep-th", "confidence": 0.7}', allowed), { code: 'hep-th', confidence: 0.7 });
  assert.deepEqual(parseAnswer('```json\n{"label": "cs.CV", "probability": "85%"}\n```', allowed), { code: 'cs.CV', confidence: 0.85 });
  assert.deepEqual(parseAnswer('The primary category is math.NT.', allowed), { code: 'math.NT', confidence: null });
  // math.IT is an alias of cs.IT.
  assert.deepEqual(parseAnswer('math.IT', allowed), { code: 'cs.IT', confidence: null });
  assert.deepEqual(parseAnswer('"Computer Vision and Pattern Recognition"', allowed), { code: 'cs.CV', confidence: null });
  // A category outside the allowed set is not an answer; neither is prose.
  const r1 = parseAnswer('{"category": "astro-ph.GA"}', allowed);
  assert.ok('unparsed' in r1);
  const r2 = parseAnswer('It is about physics and math in general.', allowed);
  assert.ok('unparsed' in r2 && r2.unparsed.startsWith('It is about physics'));
  assert.deepEqual(parseAnswer('{"category": "cs.CV", "confidence": 7}', allowed), { code: 'cs.CV', confidence: 0.07 });
  assert.deepEqual(parseAnswer('{"category": "cs.CV", "confidence": 1.5}', allowed), { code: 'cs.CV', confidence: null });
  // Never a guess: a JSON answer that names no label is final; two codes in prose are no answer;
  // a one-word category name in prose is not an answer, a code is.
  assert.ok('unparsed' in parseAnswer('{"category": "unknown", "reason": "could be cs.CV or hep-th"}', allowed));
  assert.ok('unparsed' in parseAnswer('Could be cs.CV or hep-th.', allowed));
  const withLogic = new Set([...allowed, 'math.LO']);
  assert.ok('unparsed' in parseAnswer('I cannot decide; Logic alone is not enough.', withLogic));
  assert.deepEqual(parseAnswer('Logic alone is not enough, but cs.CV seems right', withLogic), { code: 'cs.CV', confidence: null });
});

test('an unreadable answer is no answer, scored wrong and never as the first label; a stated confidence below chance keeps the named label on top', async () => {
  const data = join(dir, 'garbage.jsonl');
  // Both papers' true label is the first one, which a uniform row would have "predicted" by its tie.
  writeFileSync(data, ['GARBAGE a', 'GARBAGE b'].map((t, i) => JSON.stringify({ id: `g${i}`, title: t, abstract: 'x', categories: [LABELS[0]] })).join('\n') + '\n');
  const r = await run(['evaluate', '--backend', 'llm', '--base-url', server.url, '--llm-model', 'mock-1', '--labels', LABELS.join(','), '--llm-cache', 'off', '--data', data, '--json']);
  assert.equal(r.code, 0, r.err);
  const ev = JSON.parse(r.out) as { accuracy: number; top3: number; macroF1: number; usage: Record<string, number> };
  assert.equal(ev.usage.unparsed, 2);
  assert.equal(ev.accuracy, 0);
  assert.equal(ev.top3, 0);
  const normal = await run(['classify', '--backend', 'llm', '--base-url', server.url, '--llm-model', 'mock-1', '--labels', LABELS.join(','), '--llm-cache', 'off', '--title', 'image pixel camera', '--json']);
  const low = await run(['classify', '--backend', 'llm', '--base-url', server.url, '--llm-model', 'mock-1', '--labels', LABELS.join(','), '--llm-cache', 'off', '--title', 'LOWCONF image pixel camera', '--json']);
  const top = (out: string) => (JSON.parse(out) as { labels: { code: string; probability: number }[] }).labels[0]!;
  assert.equal(top(low.out).code, top(normal.out).code, low.out);
  assert.ok(top(low.out).probability < 0.5);
});

test('the prompt lists every allowed code with its official name, and few-shot examples cover labels in turn', () => {
  const papers = syntheticPapers(3, 5);
  const examples = pickExamples(papers, LABELS, 6);
  assert.equal(examples.length, 6);
  assert.deepEqual(examples.slice(0, 4).map((e) => e.code), LABELS);
  const messages = new PromptBuilder(LABELS, examples).messages({ title: 'T', abstract: 'A' });
  assert.equal(messages[0]!.role, 'system');
  assert.match(messages[0]!.content, /cs\.CV: Computer Vision and Pattern Recognition/);
  assert.match(messages[0]!.content, /hep-th: High Energy Physics - Theory/);
  assert.equal(messages.length, 1 + 2 * 6 + 1);
  assert.equal(messages[messages.length - 1]!.content, 'Title: T\nAbstract: A');
  assert.deepEqual(JSON.parse(messages[2]!.content), { category: examples[0]!.code, confidence: 1 });
});

test('the client retries 429 and 500, honours the timeout, and caps concurrency', async () => {
  const cache = new ResponseCache(join(dir, 'client-cache'));
  const client = new ChatClient({ baseUrl: server.url, model: 'm', apiKey: KEY, concurrency: 3, timeoutMs: 400, retries: 3, backoffMs: 5, cache });
  const ask = (title: string) => client.complete([{ role: 'user', content: `Title: ${title}\nAbstract: image pixel` }]);
  const answers = await Promise.all(['FAIL429x2 a', 'FAIL500x1 b', 'NOTJSON c', ...Array.from({ length: 9 }, (_, i) => `plain ${i}`)].map(ask));
  for (const a of answers) assert.equal(JSON.parse(a).category, 'cs.CV');
  assert.equal(server.attempts.get('FAIL429x2 a'), 3);
  assert.equal(server.attempts.get('FAIL500x1 b'), 2);
  assert.equal(server.attempts.get('NOTJSON c'), 2);
  assert.ok(server.maxConcurrent <= 3, `at most 3 requests in flight, saw ${server.maxConcurrent}`);
  assert.ok(server.maxConcurrent >= 2, 'requests overlap');
  assert.equal(client.usage.retries, 4);
  assert.equal(client.usage.failed, 0);
  assert.ok(client.usage.promptTokens > 0);
  assert.equal(client.usage.completionTokens, 12 * 12);

  // A slow answer times out on every try and fails for good, with a message that says so.
  const slow = new ChatClient({ baseUrl: server.url, model: 'm', apiKey: KEY, timeoutMs: 200, retries: 1, backoffMs: 5, cache: null });
  const t0 = performance.now();
  await assert.rejects(
    () => slow.complete([{ role: 'user', content: 'Title: SLOW s' }]),
    (e: unknown) => e instanceof ChatError && e.retryable && /no answer within 200 ms/.test(e.message),
  );
  assert.ok(performance.now() - t0 < 1400, 'gave up before the server answered');
  assert.equal(slow.usage.failed, 1);

  // The cache answers a repeated request without a new one.
  const before = server.requests;
  assert.equal(JSON.parse(await ask('plain 0')).category, 'cs.CV');
  assert.equal(server.requests, before);
  assert.equal(client.usage.cached, 1);
});

test('an endless answer is cut off at the cap and fails as a bad answer, never held whole', async () => {
  const client = new ChatClient({ baseUrl: server.url, model: 'm', apiKey: KEY, timeoutMs: 20_000, retries: 0, cache: null });
  await assert.rejects(
    () => client.complete([{ role: 'user', content: 'Title: HUGE h' }]),
    (e: unknown) => e instanceof ChatError && e.failure === 'bad_answer' && /longer than 4194304 bytes/.test(e.message) && !e.message.includes(KEY),
  );
  assert.ok(server.hugeSent < 16 << 20, `the client stopped reading after ${server.hugeSent} of 64 MiB`);
});

test('the API key never reaches errors, cache files or CLI output, even when the server echoes it', async () => {
  const cacheDir = join(dir, 'secret-cache');
  const client = new ChatClient({ baseUrl: server.url, model: 'm', apiKey: KEY, retries: 1, backoffMs: 1, cache: new ResponseCache(cacheDir) });
  let message = '';
  try {
    await client.complete([{ role: 'user', content: 'Title: ALWAYS500 x' }]);
  } catch (e) {
    message = `${(e as Error).message} ${(e as Error).stack} ${JSON.stringify(e)}`;
  }
  assert.match(message, /HTTP 500/);
  assert.match(message, /\[redacted\]/, 'the echoed header is shown redacted');
  assert.ok(!message.includes(KEY));
  assert.ok(!JSON.stringify(client).includes(KEY));
  const garbage = await client.complete([{ role: 'user', content: 'Title: GARBAGE g' }]);
  assert.ok(!garbage.includes(KEY) && garbage.includes('[redacted]'));
  assert.ok([...server.authorizations].includes(`Bearer ${KEY}`), 'the key was sent');

  // Through the CLI: a 401 from a server that wants another key, and a full run with garbage answers.
  const strict = await startMockServer({ requireKey: 'other-key' });
  const env = process.env.ARXIV_CLASSIFIER_LLM_KEY;
  process.env.ARXIV_CLASSIFIER_LLM_KEY = KEY;
  try {
    const denied = await run(['classify', '--backend', 'llm', '--base-url', strict.url, '--llm-model', 'm', '--labels', LABELS.join(','), '--llm-cache', cacheDir, '--title', 'image pixel']);
    assert.equal(denied.code, 1);
    assert.match(denied.err, /HTTP 401 \(check the API key/);
    assert.ok(!denied.err.includes(KEY) && !denied.out.includes(KEY));

    const input = join(dir, 'in.jsonl');
    writeFileSync(input, ['GARBAGE one', 'image pixel camera', 'ALWAYS500 two'].map((t, i) => JSON.stringify({ id: `p${i}`, title: t, abstract: 'segmentation' })).join('\n') + '\n');
    const r = await run(['classify', '--backend', 'llm', '--base-url', server.url, '--llm-model', 'm', '--labels', LABELS.join(','), '--llm-cache', cacheDir, '--llm-retries', '1', '--input', input]);
    assert.equal(r.code, 0, r.err);
    const lines = r.out.trim().split('\n').map((l) => JSON.parse(l) as { id: string; labels: { code: string }[]; unparsed?: string });
    assert.equal(lines.length, 3);
    assert.ok(lines[0]!.unparsed !== undefined && lines[0]!.labels.length === 0);
    assert.equal(lines[1]!.labels[0]!.code, 'cs.CV');
    assert.match(lines[2]!.unparsed!, /request failed: .*HTTP 500/);
    assert.match(r.err, /2 unparsed/);
    for (const text of [r.out, r.err, ...allFiles(cacheDir)]) assert.ok(!text.includes(KEY), 'no key in output or cache');
  } finally {
    if (env === undefined) delete process.env.ARXIV_CLASSIFIER_LLM_KEY;
    else process.env.ARXIV_CLASSIFIER_LLM_KEY = env;
    await strict.close();
  }
});

test('the LLM backend classifies, evaluates, caches and counts tokens and cost through the CLI', async () => {
  const papers = syntheticPapers(6, 11);
  const data = join(dir, 'test.jsonl');
  // Mark some papers so the run meets every kind of answer on its way.
  const marked = papers.map((p, i) => ({ ...p, title: `${['', 'PROSE ', 'FENCED ', 'FAIL429x1 '][i % 4]}${p.title} #${i}` }));
  writeFileSync(data, marked.map((p) => JSON.stringify({ id: p.id, title: p.title, abstract: p.abstract, categories: p.categories })).join('\n') + '\n');
  const fewShot = join(dir, 'few.jsonl');
  writeFileSync(fewShot, syntheticPapers(2, 99).map((p) => JSON.stringify({ id: `x${p.id}`, title: p.title, abstract: p.abstract, categories: p.categories })).join('\n') + '\n');
  const cacheDir = join(dir, 'eval-cache');
  const args = ['evaluate', '--backend', 'llm', '--base-url', server.url, '--llm-model', 'mock-1', '--labels', LABELS.join(','), '--few-shot', fewShot, '--few-shot-count', '4', '--llm-cache', cacheDir, '--llm-price', '0.15,0.6', '--data', data, '--json'];
  const first = await run(args);
  assert.equal(first.code, 0, first.err);
  const ev = JSON.parse(first.out) as { backend: string; n: number; accuracy: number; usage: Record<string, number> };
  assert.equal(ev.backend, 'llm');
  assert.equal(ev.n, papers.length);
  // The mock answers with the dominant topic, which is the primary for nearly every synthetic paper.
  assert.ok(ev.accuracy > 0.9, `accuracy ${ev.accuracy}`);
  assert.equal(ev.usage.unparsed, 0);
  assert.equal(ev.usage.answers, papers.length);
  assert.equal(ev.usage.cached, 0);
  assert.equal(ev.usage.completionTokens, 12 * papers.length);
  const expectedCost = (ev.usage.promptTokens! * 0.15 + ev.usage.completionTokens! * 0.6) / 1e6;
  assert.ok(Math.abs(ev.usage.costUsd! - expectedCost) < 1e-12);
  assert.match(first.err, new RegExp(`llm mock-1: ${papers.length} answers \\(0 from cache`));

  const before = server.requests;
  const second = await run(args);
  assert.equal(second.code, 0, second.err);
  assert.equal(server.requests, before, 'the second run is served from the cache');
  const ev2 = JSON.parse(second.out) as { accuracy: number; usage: Record<string, number> };
  assert.equal(ev2.accuracy, ev.accuracy);
  assert.equal(ev2.usage.cached, papers.length);
  assert.equal(ev2.usage.promptTokens, 0);
});

test('LLM backend settings are checked before any request', async () => {
  const noUrl = await run(['classify', '--backend', 'llm', '--llm-model', 'm', '--title', 'x']);
  assert.equal(noUrl.code, 2);
  assert.match(noUrl.err, /--base-url is required/);
  const badUrl = await run(['classify', '--backend', 'llm', '--base-url', 'ftp://x', '--llm-model', 'm', '--title', 'x']);
  assert.equal(badUrl.code, 1);
  assert.match(badUrl.err, /must be http or https/);
  const badLabel = await run(['classify', '--backend', 'llm', '--base-url', server.url, '--llm-model', 'm', '--labels', 'cs.CV,nope.XX', '--title', 'x']);
  assert.equal(badLabel.code, 1);
  assert.match(badLabel.err, /unknown arXiv category "nope.XX"/);
  await assert.rejects(() => LlmClassifier.open({ baseUrl: 'http://user:pw@127.0.0.1:1/v1', model: 'm' }), /must not carry credentials/);
});

test('the key comes from the environment variable named by apiKeyEnv, and no header is sent without one', async () => {
  const local = await startMockServer();
  const saved = { ARXIV_CLASSIFIER_LLM_KEY: process.env.ARXIV_CLASSIFIER_LLM_KEY, OPENAI_API_KEY: process.env.OPENAI_API_KEY };
  delete process.env.ARXIV_CLASSIFIER_LLM_KEY;
  delete process.env.OPENAI_API_KEY;
  process.env.AXC_TEST_OTHER_KEY = 'sk-other-777';
  try {
    const named = await LlmClassifier.open({ baseUrl: local.url, model: 'm', labels: LABELS, cacheDir: null, apiKeyEnv: 'AXC_TEST_OTHER_KEY' });
    await named.predictProbaAsync([{ title: 'image pixel' }]);
    assert.deepEqual([...local.authorizations], ['Bearer sk-other-777']);
    const none = await LlmClassifier.open({ baseUrl: local.url, model: 'm', labels: LABELS, cacheDir: null });
    const [p] = await none.predictBatchAsync([{ title: 'brane string gauge' }]);
    assert.equal(p!.labels[0]!.code, 'hep-th');
    assert.equal(local.requests, 2);
    assert.equal(local.authorizations.size, 1, 'the second request had no Authorization header');
  } finally {
    for (const [k, v] of Object.entries(saved)) if (v !== undefined) process.env[k] = v;
    delete process.env.AXC_TEST_OTHER_KEY;
    await local.close();
  }
});
