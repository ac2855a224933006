/**
 * What a library caller can get wrong is refused at the edge with a RangeError that names the
 * option, the paper or the field, before any work: never a TypeError from deep inside, a silent
 * default, or plausible-looking numbers from a malformed input.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evaluate, heldOutTerms, openBackend, scoreProbabilities, splitTime, train } from '../../src/index.js';
import type { PaperRecord } from '../../src/corpus/record.js';
import { syntheticPapers } from './synthetic.js';

const papers = syntheticPapers(12, 5);
const quick = { epochs: 2, minDf: 1, lr: 0.5, threads: 1 } as const;

test('train: a misspelt option, options that are not an object, and papers that are not papers', async () => {
  await assert.rejects(train(papers, { ...quick, epoch: 1 } as unknown as Parameters<typeof train>[1]), /^RangeError: unknown training option "epoch"; the options are .*\bepochs\b/);
  await assert.rejects(train(papers, null as unknown as Parameters<typeof train>[1]), /^RangeError: options must be an object, got null/);
  const cases: [unknown, RegExp][] = [
    [null, /papers must be an array of papers or a file path, got null/],
    [[123], /papers\[0\] must be a paper object, got number/],
    [[papers[0], { ...papers[1], title: 7 }], /papers\[1\]\.title must be a string, got number/],
    [[{ ...papers[0], categories: undefined }], /papers\[0\]\.categories must be a non-empty array/],
    [[{ ...papers[0], id: undefined }], /papers\[0\]\.id must be a string, got nothing/],
  ];
  for (const [data, message] of cases) await assert.rejects(train(data as PaperRecord[], quick), message, String(message));
  await assert.rejects(train(papers, { ...quick, valid: [{ title: 'x' }] as unknown as PaperRecord[] }), /valid\[0\]\.id must be a string/);
});

test('evaluate and scoreProbabilities: a probability matrix of the wrong shape, a bad option', async () => {
  const model = await train(papers, quick);
  const test_ = syntheticPapers(3, 9);
  const C = model.labels.length;
  assert.throws(() => scoreProbabilities(model, test_, new Float32Array(3), 0), new RegExp(`papers × classes = ${test_.length} × ${C}`));
  assert.equal(scoreProbabilities(model, test_, model.predictProba(test_), 0).summary.n, test_.length);
  await assert.rejects(evaluate(model, test_, { latencySamples: -1 }), /latencySamples must be an integer >= 0, got -1/);
  await assert.rejects(evaluate(model, test_, { latencySamples: 'x' as unknown as number }), /latencySamples must be an integer >= 0, got "x"/);
  assert.throws(() => model.predictBatch({ title: 'x' } as unknown as PaperRecord[]), /papers must be an array/);
  // Held-out labels outside the model's classes would fit the temperature to nonsense.
  const terms = model.spec.termOptions;
  assert.throws(() => model.recalibrated(heldOutTerms(test_, test_.map(() => [C + 5]), terms)), new RegExp(`held-out label ${C + 5} is not a class index of this model \\(0 to ${C - 1}\\)`));
  assert.throws(() => heldOutTerms(test_, [[0]], terms), /one list of label indices per paper: 1 for/);
  assert.throws(() => heldOutTerms(test_, test_.map(() => [1.5]), terms), /a label index must be an integer, got 1\.5/);
  const fine = model.recalibrated(heldOutTerms(test_, test_.map((p) => [model.labels.indexOf(p.primary)]), terms));
  assert.ok(Number.isFinite(fine.spec.temperature) && fine.spec.temperature > 0);
});

test('openBackend names the backends there are; splitTime refuses a validation share outside [0, 1)', async () => {
  await assert.rejects(openBackend({ backend: 'bogus' } as unknown as Parameters<typeof openBackend>[0]), /^RangeError: backend must be one of linear, llm, onnx, ensemble, got "bogus"/);
  for (const valid of [-1, Number.NaN, 1]) assert.throws(() => splitTime(papers, { before: '2604', valid }), /valid must be a fraction in \[0, 1\)/, String(valid));
});
