import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { LinearModel } from '../../src/models/linear.js';
import { loadModel } from '../../src/models/load-model.js';
import { madeUpPapers } from '../made-up-papers.js';

const MODEL = fileURLToPath(new URL('../../models/primary.axcm', import.meta.url));

test('int8 models expand weight rows on demand with the values a full expansion gives, whatever the order of papers', async () => {
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
  assert.deepEqual(forwards, expected);
  for (let i = 0; i < papers.length; i++) {
    assert.deepEqual(backwards.subarray((papers.length - 1 - i) * C, (papers.length - i) * C), expected.subarray(i * C, (i + 1) * C), `paper ${i}`);
  }
});
