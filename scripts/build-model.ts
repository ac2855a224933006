/**
 * `npm run build:model`: train the default model shipped in models/ from the shared corpus.
 * Deterministic: the same data and seed give the same bytes (no wall-clock values are stored).
 *
 * Train on ids ≤ 2603, hold out 2604–2605 as a time-split test whose metrics go into the model
 * card, then save the int8-quantized model.
 */
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadPapers } from '../src/corpus/load.js';
import { splitTime } from '../src/corpus/split.js';
import { evaluateClassifier } from '../src/evaluation/evaluate.js';
import { loadModel } from '../src/models/load-model.js';
import { trainLinear } from '../src/models/train.js';

const DATA = resolve('..', 'shared/data/arxiv-papers.jsonl.gz');
const OUT = resolve('models/primary.axcm');
/** Small enough to ship (≤ 16 MB quantized) with most of the accuracy of the full vocabulary. */
const OPTIONS = { task: 'primary' as const, seed: 1, threads: 2, maxFeatures: 90_000, epochs: 5 };

if (!existsSync(DATA)) {
  console.error(`build:model needs ${DATA} (the shared corpus); it is not on this machine`);
  process.exit(1);
}
const { papers } = await loadPapers(DATA);
const { train, test } = splitTime(papers, { before: '2604', valid: 0 });
console.error(`train ${train.length}, test ${test.length}`);
const { model, report } = await trainLinear(train, null, OPTIONS, (p) => p.phase === 'epoch' && console.error(`epoch ${p.epoch}: valid accuracy ${p.validAccuracy!.toFixed(4)}`));
const dates = train.map((p) => p.date ?? '').filter(Boolean).sort();
model.spec.info.createdAt = dates[dates.length - 1] ?? '1970-01-01';
model.spec.info.training.seconds = 0;
mkdirSync('models', { recursive: true });
await model.save(OUT, { quantize: true });
const shipped = await loadModel(OUT);
const full = evaluateClassifier(shipped, test);
const titleOnly = evaluateClassifier(shipped, test, { titleOnly: true });
const result = { bytes: statSync(OUT).size, train: { papers: report.papers, classes: report.classes, features: report.features, bestEpoch: report.bestEpoch, seconds: report.seconds }, test: full, titleOnly };
writeFileSync('models/metrics.json', JSON.stringify(result, null, 2) + '\n');
console.log(JSON.stringify(result, null, 2));
