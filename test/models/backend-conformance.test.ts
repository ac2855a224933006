import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fitTinyModel, writeTinyModel } from '../../scripts/tiny-onnx.js';
import { openBackend, type BackendName, type BackendOptions } from '../../src/models/backends.js';
import { trainLinear } from '../../src/models/linear/train.js';
import { hasSyncPath, type Classifier, type PaperText } from '../../src/models/model.js';
import { startMockServer, type MockServer } from './mock-llm-server.js';
import { onnxRuntimeMissing } from './onnx-runtime.js';
import { syntheticPapers, TOPICS } from './synthetic.js';

/**
 * The contract every backend keeps, checked on each one opened through the registry as the CLI
 * and the server open them: a new model kind proves itself by joining CASES.
 */
const LABELS = Object.keys(TOPICS);
const train = syntheticPapers(40, 3);
const papers: PaperText[] = [...syntheticPapers(2, 11).map((p) => ({ title: p.title, abstract: p.abstract })), { title: 'brane holography' }];

let dir: string;
let server: MockServer;
const files = { linear: '', other: '', onnx: '' };

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'axc-conformance-'));
  files.linear = join(dir, 'a.axcm');
  files.other = join(dir, 'b.axcm');
  files.onnx = join(dir, 'tiny');
  const quick = { epochs: 3, minDf: 1, lr: 0.5 };
  await (await trainLinear(train, null, { ...quick, seed: 1 }, () => {}, { threads: 1 })).model.save(files.linear);
  await (await trainLinear(train, null, { ...quick, seed: 2, ngrams: 1 }, () => {}, { threads: 1 })).model.save(files.other);
  writeTinyModel(fitTinyModel(train), files.onnx, 64);
  server = await startMockServer();
});

after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const CASES: { backend: BackendName; options: () => BackendOptions; missing?: () => Promise<string | undefined> }[] = [
  { backend: 'linear', options: () => ({ backend: 'linear', model: files.linear }) },
  { backend: 'ensemble', options: () => ({ backend: 'ensemble', ensemble: { members: [files.linear, files.other] } }) },
  { backend: 'llm', options: () => ({ backend: 'llm', llm: { baseUrl: server.url, model: 'mock', labels: LABELS, cacheDir: null, apiKeyEnv: 'AXC_CONFORMANCE_NO_KEY' } }) },
  {
    backend: 'onnx',
    options: () => ({ backend: 'onnx', onnx: { modelDir: files.onnx, threads: 1 } }),
    missing: onnxRuntimeMissing,
  },
];

async function checkContract(model: Classifier): Promise<void> {
  const C = model.labels.length;
  assert.ok(C > 0, 'labels');
  assert.deepEqual([...model.labels], [...model.info.labels], 'labels are the info labels');
  assert.equal(model.scheme.task, model.info.task, 'the scheme carries the task');
  const single = model.info.task !== 'multilabel';

  const proba = await model.predictProbaAsync(papers);
  assert.equal(proba.length, papers.length * C, 'n × C probabilities');
  for (let i = 0; i < papers.length; i++) {
    let sum = 0;
    for (let c = 0; c < C; c++) {
      const v = proba[i * C + c]!;
      assert.ok(Number.isFinite(v) && v >= 0 && v <= 1, `probability ${v} of paper ${i}, class ${c}`);
      sum += v;
    }
    if (single) assert.ok(Math.abs(sum - 1) < 1e-3, `paper ${i}: probabilities sum to ${sum}`);
  }

  const k = Math.min(2, C);
  const predictions = await model.predictBatchAsync(papers, { k });
  assert.equal(predictions.length, papers.length, 'one prediction per paper');
  predictions.forEach((p, i) => {
    if (p.unparsed !== undefined) return assert.equal(p.labels.length, 0, 'an unparsed answer has no labels');
    assert.ok(p.labels.length >= 1 && p.labels.length <= k, `paper ${i}: ${p.labels.length} labels for k = ${k}`);
    if (single) assert.equal(p.labels.length, k, `paper ${i}: a single-label model returns k labels`);
    for (let j = 0; j < p.labels.length; j++) {
      const l = p.labels[j]!;
      assert.ok(model.labels.includes(l.code), `paper ${i}: ${l.code} is one of the model's labels`);
      assert.ok(l.name && l.group && l.groupName, `paper ${i}: ${l.code} has a name and a group`);
      if (j > 0) assert.ok(l.probability <= p.labels[j - 1]!.probability, `paper ${i}: labels best first`);
    }
    // The top label is the best class of the probabilities the same backend gives.
    const row = proba.subarray(i * C, (i + 1) * C);
    const best = Math.max(...row);
    assert.ok(Math.abs(row[model.labels.indexOf(p.labels[0]!.code)]! - best) < 1e-4, `paper ${i}: top label ${p.labels[0]!.code} is the most probable class`);
    for (let j = 1; j < p.groups.length; j++) assert.ok(p.groups[j]!.probability <= p.groups[j - 1]!.probability, `paper ${i}: groups best first`);
    if (single) assert.ok(Math.abs(p.groups.reduce((s, g) => s + g.probability, 0) - 1) < 1e-3, `paper ${i}: group probabilities sum to 1`);
  });

  assert.equal((await model.predictProbaAsync([])).length, 0, 'no papers, no probabilities');
  assert.deepEqual(await model.predictBatchAsync([]), [], 'no papers, no predictions');

  // Bad options are refused in the same words by every backend (and the CLI, with dashes).
  await assert.rejects(() => model.predictBatchAsync(papers, { k: 0 }), /^RangeError: k must be an integer >= 1, got 0$/);
  await assert.rejects(() => model.predictBatchAsync(papers, { k: 'a' as unknown as number }), /k must be an integer >= 1, got "a"/);
  await assert.rejects(() => model.predictBatchAsync(papers, { threshold: 2 }), /threshold must be a number from 0 to 1, got 2/);

  // Bad papers too, the whole batch before any work (an LLM's answers are paid for), naming the paper's place.
  const requestsBefore = server.requests;
  await assert.rejects(() => model.predictBatchAsync([papers[0]!, { title: '  ', abstract: '' }]), /^RangeError: papers\[1\]: a paper needs a title or an abstract$/);
  await assert.rejects(() => model.predictBatchAsync([{ title: 42 } as unknown as PaperText]), /papers\[0\]: a paper's title must be a string, got 42/);
  await assert.rejects(() => model.predictProbaAsync([papers[0]!, null as unknown as PaperText]), /papers\[1\]: a paper must be an object/);
  await assert.rejects(() => model.predictBatchAsync({ title: 'x' } as unknown as PaperText[]), /papers must be an array, got an object/);
  assert.equal(server.requests, requestsBefore, 'a refused batch sent nothing');

  // The synchronous path, where a backend has one, gives the same answers without waiting.
  if (hasSyncPath(model)) {
    assert.deepEqual(model.predictProba(papers), proba, 'predictProba is predictProbaAsync');
    assert.deepEqual(model.predictBatch(papers, { k }), predictions, 'predictBatch is predictBatchAsync');
    assert.deepEqual(model.predict(papers[0]!, { k }), predictions[0], 'predict is one paper of predictBatch');
    assert.throws(() => model.predict(null as unknown as PaperText), /a paper must be an object with a title or an abstract, got null/);
    assert.throws(() => model.predict({ title: 5 } as unknown as PaperText), /a paper's title must be a string, got 5/);
  }
}

for (const c of CASES) {
  test(`the ${c.backend} backend keeps the classifier contract`, async (t) => {
    const missing = await c.missing?.();
    if (missing) return t.skip(missing);
    const model = await openBackend(c.options());
    try {
      assert.equal(model.info.backend, c.backend, 'info names the backend');
      // Batch threads and in-process evaluation rely on it.
      if (c.backend === 'linear') assert.ok(hasSyncPath(model), 'a linear model answers in-process');
      await checkContract(model);
    } finally {
      await model.close?.();
    }
  });
}
