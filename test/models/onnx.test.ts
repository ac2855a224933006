import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { fitTinyModel, referenceLogits, writeTinyModel, type TinyModel } from '../../scripts/tiny-onnx.js';
import { OnnxClassifier, parseConfig } from '../../src/models/onnx/onnx-classifier.js';
import { importOptional, loadTokenizers, MissingPackageError } from '../../src/models/onnx/runtime.js';
import { run } from '../cli/run-cli.js';
import { onnxRuntimeMissing } from './onnx-runtime.js';
import { syntheticPapers } from './synthetic.js';

// The tests that run a model need the optional packages; without them they skip, saying so.
const missing = await onnxRuntimeMissing();

let dir: string;
let modelDir: string;
let tiny: TinyModel;
const train = syntheticPapers(40, 3);
const testPapers = syntheticPapers(15, 4);

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'axc-onnx-'));
  modelDir = join(dir, 'tiny');
  tiny = fitTinyModel(train);
  writeTinyModel(tiny, modelDir, 64);
});

test('onnxruntime runs the generated model and agrees with the same network in plain JS', { skip: missing }, async () => {
  const model = await OnnxClassifier.open({ modelDir, threads: 1 });
  assert.deepEqual(model.labels, ['cs.CV', 'hep-th', 'math.NT', 'q-bio.NC']);
  const { Tokenizer } = await loadTokenizers();
  const tokenizer = new Tokenizer(JSON.parse(readFileSync(join(modelDir, 'tokenizer.json'), 'utf8')) as object, {});
  // Papers of different lengths in one batch: padding must not change anyone's answer.
  const papers = [testPapers[0]!, { title: 'brane holography duality' }, testPapers[5]!, { title: 'prime zeta', abstract: 'galois congruence modular '.repeat(40) }];
  const proba = await model.predictProbaAsync(papers);
  const C = model.labels.length;
  for (let i = 0; i < papers.length; i++) {
    const p = papers[i]!;
    let ids = tokenizer.encode(p.abstract ? `${p.title} ${p.abstract}` : p.title).ids;
    if (ids.length > 64) ids = [...ids.slice(0, 63), ids[ids.length - 1]!];
    assert.deepEqual(model.encode(p), ids, 'truncated to max_position_embeddings, keeping [SEP]');
    const logits = referenceLogits(tiny, ids, ids.map(() => 1));
    const max = Math.max(...logits);
    const exp = [...logits].map((x) => Math.exp(x - max));
    const sum = exp.reduce((a, b) => a + b, 0);
    for (let c = 0; c < C; c++) assert.ok(Math.abs(proba[i * C + c]! - exp[c]! / sum) < 1e-5, `paper ${i} class ${c}: ${proba[i * C + c]} vs ${exp[c]! / sum}`);
  }
  await model.close();
});

test('the ONNX backend classifies and evaluates through the CLI', { skip: missing }, async () => {
  const data = join(dir, 'test.jsonl');
  writeFileSync(data, testPapers.map((p) => JSON.stringify({ id: p.id, title: p.title, abstract: p.abstract, categories: p.categories })).join('\n') + '\n');
  const ev = await run(['evaluate', '--backend', 'onnx', '--model-dir', modelDir, '--threads', '2', '--data', data, '--json']);
  assert.equal(ev.code, 0, ev.err);
  const e = JSON.parse(ev.out) as { backend: string; n: number; accuracy: number; macroF1: number };
  assert.equal(e.backend, 'onnx');
  assert.equal(e.n, testPapers.length);
  assert.ok(e.accuracy > 0.9, `accuracy ${e.accuracy}`);

  const one = await run(['classify', '--model-dir', modelDir, '--title', 'Spiking neurons in the cortex', '--k', '2', '--json']);
  assert.equal(one.code, 0, one.err);
  const p = JSON.parse(one.out) as { labels: { code: string; name: string; probability: number }[]; groups: { code: string }[] };
  assert.equal(p.labels.length, 2);
  assert.equal(p.labels[0]!.code, 'q-bio.NC');
  assert.equal(p.labels[0]!.name, 'Neurons and Cognition');
  assert.equal(p.groups[0]!.code, 'q-bio');
});

test('bad ONNX model folders give clear errors', { skip: missing }, async () => {
  const missing = await run(['classify', '--backend', 'onnx', '--model-dir', join(dir, 'nowhere'), '--title', 'x']);
  assert.equal(missing.code, 1);
  assert.match(missing.err, /model\.onnx is missing/);
  const noDir = await run(['classify', '--backend', 'onnx', '--title', 'x']);
  assert.equal(noDir.code, 2);
  assert.match(noDir.err, /--model-dir is required/);

  const broken = join(dir, 'broken');
  writeTinyModel(tiny, broken);
  writeFileSync(join(broken, 'config.json'), '{"id2label": {"0": "cs.CV"');
  const badJson = await run(['classify', '--model-dir', broken, '--title', 'x']);
  assert.equal(badJson.code, 1);
  assert.match(badJson.err, /broken\/config\.json: not valid JSON/);

  writeFileSync(join(broken, 'config.json'), JSON.stringify({ id2label: { '0': 'cs.CV', '1': 'hep-th', '2': 'math.NT' } }));
  const wrongCount = await run(['classify', '--model-dir', broken, '--title', 'image']);
  assert.equal(wrongCount.code, 1);
  assert.match(wrongCount.err, /has shape \[1, 4\], expected \[1, 3\]/);

  writeFileSync(join(broken, 'config.json'), JSON.stringify({ id2label: { '0': 'cs.CV', '1': 'hep-th', '2': 'math.NT', '3': 'q-bio.NC' } }));
  writeFileSync(join(broken, 'model.onnx'), 'not a model');
  const badModel = await run(['classify', '--model-dir', broken, '--title', 'image']);
  assert.equal(badModel.code, 1);
  assert.match(badModel.err, /model\.onnx: onnxruntime cannot load it/);
});

test('config.json: labels from id2label, aliases canonicalised, task from problem_type', () => {
  const c = parseConfig({ id2label: { '1': 'math.IT', '0': 'hep-th' }, max_position_embeddings: 128 }, 'c.json');
  assert.deepEqual(c.labels, ['hep-th', 'cs.IT']);
  assert.equal(c.task, 'primary');
  assert.equal(c.maxLength, 128);
  assert.equal(parseConfig({ id2label: { '0': 'cs', '1': 'physics' } }, 'c.json').task, 'group');
  assert.equal(parseConfig({ id2label: { '0': 'cs.CV', '1': 'cs.LG' }, problem_type: 'multi_label_classification' }, 'c.json').task, 'multilabel');
  assert.throws(() => parseConfig({ labels: [] }, 'c.json'), /c\.json: field "id2label" is missing/);
  assert.throws(() => parseConfig({ id2label: { '0': 'cs.IT', '1': 'math.IT' } }, 'c.json'), /names a class twice/);
  assert.throws(() => parseConfig({ id2label: { '0': 'a', '5': 'b' } }, 'c.json'), /key "5" is not an id in 0\.\.1/);
});

test('a missing optional package is named, with the command that installs it', async () => {
  await assert.rejects(
    () => importOptional('axc-no-such-package-for-tests'),
    (e: unknown) => e instanceof MissingPackageError && /optional package axc-no-such-package-for-tests, which is not installed: run `npm install onnxruntime-node @huggingface\/tokenizers`/.test(e.message),
  );
});

test('without the optional packages, --backend onnx fails with one line that says how to install them', () => {
  // hide-onnx-runtime.mjs makes the packages unresolvable, as on an install that lacks them.
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--import', './test/models/hide-onnx-runtime.mjs', 'src/cli/bin.ts', 'classify', '--backend', 'onnx', '--model-dir', modelDir, '--title', 'x'], { cwd: root, encoding: 'utf8' });
  assert.equal(r.status, 1, r.stderr);
  assert.equal(r.stdout, '');
  assert.match(r.stderr.trim(), /^[^\n]*needs the optional package (onnxruntime-node|@huggingface\/tokenizers), which is not installed: run `npm install onnxruntime-node @huggingface\/tokenizers`[^\n]*$/);
});
