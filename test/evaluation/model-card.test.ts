import { test } from 'node:test';
import assert from 'node:assert/strict';
import { train } from '../../src/index.js';
import { evaluate } from '../../src/evaluation/evaluate.js';
import { buildModelCard, buildMultiLabelModelCard, priorRow } from '../../src/evaluation/model-card.js';
import type { MultiLabelEvaluation } from '../../src/evaluation/evaluation.js';
import { modelCardSchema } from '../../src/serving/api-schemas.js';
import { validate } from '../../src/serving/schema.js';
import { syntheticPapers } from '../models/synthetic.js';

const carriers = (ps: ReturnType<typeof syntheticPapers>) => {
  const m = new Map<string, number>();
  for (const p of ps) for (const c of p.categories) m.set(c, (m.get(c) ?? 0) + 1);
  return m;
};

test("a multi-label model's card pools each group's answers and counts the papers carrying each category", async () => {
  const trainSet = syntheticPapers(60, 1);
  const testSet = syntheticPapers(20, 2);
  const model = await train(trainSet, { task: 'multilabel', epochs: 3, minDf: 1, threads: 1 });
  const ev = await evaluate(model, testSet, { latencySamples: 0 });
  const s = ev.summary as MultiLabelEvaluation;
  const card = buildMultiLabelModelCard({ evaluation: ev, trainCounts: carriers(trainSet), evaluationText: 'Measured on 80 papers.', limitations: ['Four categories only.'] });
  assert.equal(card.task, 'multilabel');
  assert.deepEqual(card.overall, { microF1: Number(s.microF1.toFixed(4)), samplesF1: Number(s.samplesF1.toFixed(4)), precisionAt1: Number(s.precisionAt1.toFixed(4)), macroF1: Number(s.macroF1.toFixed(4)) });
  // Every third test paper is cross-listed, so the labels outnumber the papers.
  const labels = testSet.reduce((n, p) => n + p.categories.length, 0);
  assert.equal(card.groups.reduce((n, g) => n + g.testLabels, 0), labels);
  // One category per group here: a group's pooled scores are its category's.
  for (const g of card.groups) {
    const c = card.categories.find((k) => k.group === g.code)!;
    assert.equal(g.testLabels, c.testPapers);
    assert.ok(Math.abs(g.precision - c.precision) < 1e-3 && Math.abs(g.recall - c.recall) < 1e-3, JSON.stringify({ g, c }));
  }
  // Training counts carriers, not primaries: 60 primaries each plus 20 cross-lists from the previous topic.
  assert.deepEqual(card.categories.map((c) => c.trainPapers), [80, 80, 80, 80]);
  assert.ok(card.groups.every((g) => Math.abs(g.trainShare - 0.25) < 1e-9));
  assert.deepEqual(validate(modelCardSchema, card), []);
  assert.ok(!('priors' in card));
});

test('the API schema takes a primary card or a multi-label one, and not a mix of the two', async () => {
  const trainSet = syntheticPapers(60, 3);
  const testSet = syntheticPapers(20, 4);
  const model = await train(trainSet, { task: 'primary', epochs: 3, minDf: 1, threads: 1 });
  const ev = await evaluate(model, testSet, { latencySamples: 0 });
  const primaries = new Map<string, number>();
  for (const p of trainSet) primaries.set(p.primary, (primaries.get(p.primary) ?? 0) + 1);
  const card = buildModelCard({ evaluation: ev, trainCounts: primaries, evaluationText: 'Measured on 80 papers.', limitations: [], priors: [priorRow('corpus', ev)] });
  assert.equal(card.task, undefined);
  assert.deepEqual(validate(modelCardSchema, card), []);
  assert.deepEqual(card.categories.map((c) => c.trainPapers), [60, 60, 60, 60]);
  // A primary card labelled multi-label lacks what a multi-label card needs, and the reverse.
  assert.notDeepEqual(validate(modelCardSchema, { ...card, task: 'multilabel' }), []);
  const { priors: _, ...withoutPriors } = card;
  assert.notDeepEqual(validate(modelCardSchema, withoutPriors), []);
});
