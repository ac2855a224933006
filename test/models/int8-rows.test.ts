import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { LinearModel } from '../../src/models/linear/linear.js';
import { loadModel } from '../../src/models/load-model.js';
import { madeUpPapers } from '../made-up-papers.js';

const MODEL = fileURLToPath(new URL('../../models/primary.axcm', import.meta.url));

test('int8 models score on their int8 rows with the probabilities of the float32 rows they stand for, whatever the order of papers', async () => {
  const quantized = await loadModel(MODEL);
  assert.equal(quantized.weights.kind, 'i8', 'the shipped model is expected to be quantized');
  if (quantized.weights.kind !== 'i8') return;
  const { q, scales } = quantized.weights;
  const F = quantized.vocab.size;
  const C = quantized.classes;
  const w = new Float32Array(F * C);
  for (let f = 0; f < F; f++) for (let c = 0; c < C; c++) w[f * C + c] = q[f * C + c]! * scales[f]!;
  const dense = new LinearModel(quantized.spec, quantized.vocab, { kind: 'f32', w }, quantized.bias);

  const papers = madeUpPapers(60, 11);
  const reversed = await loadModel(MODEL);
  const backwards = reversed.predictProba([...papers].reverse());
  const forwards = quantized.predictProba(papers);
  const expected = dense.predictProba(papers);
  let worst = 0;
  for (let i = 0; i < forwards.length; i++) worst = Math.max(worst, Math.abs(forwards[i]! - expected[i]!));
  // Only float rounding differs (q·(scale·x) against (q·scale)·x, summed in another order).
  assert.ok(worst < 1e-5, `largest probability difference ${worst}`);
  for (let i = 0; i < papers.length; i++) {
    const row = forwards.subarray(i * C, (i + 1) * C);
    assert.deepEqual(backwards.subarray((papers.length - 1 - i) * C, (papers.length - i) * C), row, `paper ${i}: same answer in any order`);
    const top = (p: Float32Array) => p.indexOf(Math.max(...p));
    assert.equal(top(row), top(expected.subarray(i * C, (i + 1) * C)), `paper ${i}: same top label`);
  }
});
