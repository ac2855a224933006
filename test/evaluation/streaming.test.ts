import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LabelTask } from '../../src/corpus/labels.js';
import { seededRng } from '../../src/corpus/random.js';
import type { PaperRecord } from '../../src/corpus/record.js';
import { evaluationAccumulator } from '../../src/evaluation/accumulator.js';
import type { ClassifierLabels, EvaluateOptions } from '../../src/evaluation/evaluate.js';
import { summarizeLatency } from '../../src/evaluation/latency.js';
import { batchScores } from './batch-reference.js';

/**
 * A made-up test set built to hit every special case of the metrics: labels the model never saw,
 * rows of all zeros (no answer), rows of equal values (ties everywhere), one-hot rows, values on
 * a coarse grid (ties between some classes), cross-lists into other groups and archives.
 */
function madeUpSet(task: LabelTask, n: number, seed: number): { model: ClassifierLabels; papers: PaperRecord[]; proba: Float32Array } {
  const rng = seededRng(seed);
  const labels = task === 'group' ? ['cs', 'math', 'physics', 'q-bio'] : ['cs.CL', 'cs.LG', 'hep-ph', 'hep-th', 'math.CO', 'math.NT', 'q-bio.NC'];
  const codes = ['cs.CL', 'cs.LG', 'hep-ph', 'hep-th', 'math.CO', 'math.NT', 'q-bio.NC', 'astro-ph.GA', 'q-fin.PR', 'cond-mat.str-el'];
  const C = labels.length;
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rng() * xs.length)]!;
  const papers: PaperRecord[] = [];
  const proba = new Float32Array(n * C);
  for (let i = 0; i < n; i++) {
    const primary = pick(codes);
    const categories = [primary];
    for (let k = Math.floor(rng() * 3); k > 0; k--) {
      const c = pick(codes);
      if (!categories.includes(c)) categories.push(c);
    }
    papers.push({ id: `p${i}`, title: `paper ${i}`, abstract: '', categories, primary });
    const row = proba.subarray(i * C, (i + 1) * C);
    const kind = rng();
    if (kind < 0.05) continue; // no answer
    if (kind < 0.1) row.fill(1 / C);
    else if (kind < 0.15) row[Math.floor(rng() * C)] = 1;
    else if (kind < 0.4) {
      for (let c = 0; c < C; c++) row[c] = Math.floor(rng() * 4) / 8;
    } else {
      let sum = 0;
      for (let c = 0; c < C; c++) sum += row[c] = rng() ** 3;
      for (let c = 0; c < C; c++) row[c] = row[c]! / sum;
    }
  }
  const thresholds = task === 'multilabel' ? Float32Array.from(labels, () => 0.1 + rng() * 0.5) : null;
  return { model: { labels, scheme: { task, labels, options: { task } }, thresholds }, papers, proba };
}

/** The accumulator fed the papers in batches of `size`, each batch's rows in an array of its own. */
function streamed(model: ClassifierLabels, papers: PaperRecord[], proba: Float32Array, size: number, options: EvaluateOptions) {
  const C = model.labels.length;
  const scores = evaluationAccumulator(model, options);
  for (let start = 0; start < papers.length; start += size) {
    const end = Math.min(papers.length, start + size);
    const batch = proba.slice(start * C, end * C);
    for (let i = start; i < end; i++) scores.add(papers[i]!, batch, i - start);
  }
  return scores.finish(2.5, summarizeLatency([1, 2, 3]));
}

const OPTION_SETS: EvaluateOptions[] = [{}, { confusionTop: 3, worstConfusions: 60, examplesPerConfusion: 1, reliabilityBins: 7 }, { examplesPerConfusion: 0, worstConfusions: 0 }, { examplesPerConfusion: 10 }];

for (const task of ['primary', 'group', 'multilabel'] as const) {
  test(`${task}: streamed in batches of any size, evaluation is the all-in-memory one to the last bit`, () => {
    const { model, papers, proba } = madeUpSet(task, 997, task.length);
    for (const options of OPTION_SETS) {
      const expected = batchScores(model, papers, proba, 2.5, summarizeLatency([1, 2, 3]), options);
      for (const size of [1, 7, 100, papers.length]) {
        assert.deepStrictEqual(streamed(model, papers, proba, size, options), expected, `batches of ${size}, options ${JSON.stringify(options)}`);
      }
    }
  });
}

test('the made-up set reaches the special cases it is for', () => {
  const { model, papers, proba } = madeUpSet('primary', 997, 'primary'.length);
  const { summary, details } = batchScores(model, papers, proba, 1, summarizeLatency([]), {});
  assert.ok(summary.task === 'primary' && summary.unseenLabel > 50, 'unseen labels');
  assert.ok(details.classes.some((c) => c.code === '(no answer)' && c.predicted > 20), 'rows with no answer');
  assert.ok(details.worstConfusions.length === 15 && details.worstConfusions.every((w) => w.examples.length === 3), 'full example lists');
  assert.ok(details.groupConfusions!.some((g) => g.crossListed > 0), 'group errors a cross-list explains');
  // Ties among the confidences the examples are ranked by: the order between equals is tested too.
  const probabilities = details.worstConfusions.flatMap((w) => w.examples.map((e) => e.probability));
  assert.ok(new Set(probabilities).size < probabilities.length, 'tied example probabilities');
});

test('an empty stream gives zeros, not NaN', () => {
  const { model } = madeUpSet('primary', 1, 1);
  const { summary, details } = evaluationAccumulator(model).finish(0, summarizeLatency([]));
  assert.equal(summary.n, 0);
  for (const [k, v] of Object.entries(summary)) if (typeof v === 'number' && k !== 'papersPerSecond') assert.equal(v, 0, k);
  assert.deepEqual(details.worstConfusions, []);
});
