import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defaultModelPath, loadModel, SHIPPED_MODELS } from '../../src/models/load-model.js';

/** A shipped file's ceiling: 16 MB, in millions of bytes (issue 24; models/README.md, "Why 95,000 features"). */
const MAX_BYTES = 16_000_000;
const METRICS = fileURLToPath(new URL('../../models/metrics.json', import.meta.url));

test('every shipped model is an int8 file under 16 MB, and models/metrics.json describes the file that is there', async () => {
  const metrics = JSON.parse(readFileSync(METRICS, 'utf8')) as Record<string, { bytes: number }>;
  for (const name of SHIPPED_MODELS) {
    const path = defaultModelPath(name);
    assert.ok(path, `models/${name}.axcm is missing`);
    const bytes = statSync(path).size;
    assert.ok(bytes <= MAX_BYTES, `models/${name}.axcm weighs ${bytes} bytes, over ${MAX_BYTES}`);
    assert.equal(metrics[`models/${name}.axcm`]?.bytes, bytes, `models/metrics.json was written for another models/${name}.axcm: run npm run build:model${name === 'primary' ? '' : ` -- ${name}`}`);
    const model = await loadModel(path);
    assert.equal(model.weights.kind, 'i8', `models/${name}.axcm is not quantized`);
  }
});
