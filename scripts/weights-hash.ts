/**
 * Fingerprints of what training makes, for refactors that must not change a model: trains on the
 * first N papers of a corpus (default 20,000 of ../shared/data/arxiv-papers.jsonl.gz) in a few
 * settings, on 1 and 2 threads, and prints a hash of each model's weights, biases, thresholds,
 * class prior, validation metrics and probabilities on the next 300 papers. Run it before and
 * after a change (e.g. on a `git worktree` of the old commit) and compare the output:
 *
 *   npx tsx scripts/weights-hash.ts [CORPUS] [N]
 */
import { createHash } from 'node:crypto';
import { readPapers, train, type TrainOptions } from '../src/index.js';
import type { PaperRecord } from '../src/corpus/record.js';

const corpus = process.argv[2] ?? new URL('../../shared/data/arxiv-papers.jsonl.gz', import.meta.url).pathname;
const n = Number(process.argv[3] ?? 20_000);
const PROBE = 300;

const papers: PaperRecord[] = [];
for await (const p of readPapers(corpus)) {
  papers.push(p);
  if (papers.length >= n + PROBE) break;
}
const trainSet = papers.slice(0, n);
const probe = papers.slice(n, n + PROBE);

function hash(...parts: (ArrayBufferView | string | null)[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p === null ? '' : typeof p === 'string' ? p : new Uint8Array(p.buffer, p.byteOffset, p.byteLength));
  return h.digest('hex').slice(0, 16);
}

const SETTINGS: [string, Partial<TrainOptions>][] = [
  ['primary', { task: 'primary' }],
  ['multilabel', { task: 'multilabel' }],
  ['primary, no extra losses, class weights, l2', { task: 'primary', classWeight: 'sqrt', crossListLoss: 0, archiveShare: 0, l2: 1e-5 }],
  ['multilabel, class weights, l2', { task: 'multilabel', classWeight: 'balanced', l2: 1e-5 }],
  ['primary, char 4-grams', { task: 'primary', charNgrams: 4 }],
];

for (const [name, settings] of SETTINGS) {
  for (const threads of [1, 2]) {
    const model = await train(trainSet, { ...settings, seed: 3, epochs: 2, threads });
    const weights = model.weights.kind === 'f32' ? model.weights.w : model.weights.q;
    const predictions = JSON.stringify(probe.slice(0, 100).map((p) => model.predict(p, { k: 3 })));
    console.log(
      `${name}, ${threads} thread(s): weights ${hash(weights)} bias ${hash(model.bias)} thresholds ${hash(model.spec.thresholds)} ` +
        `prior ${hash(model.spec.priorShift ?? null)} validation ${hash(JSON.stringify(model.info.validation))} ` +
        `proba ${hash(model.predictProba(probe))} predictions ${hash(predictions)}`,
    );
  }
}
