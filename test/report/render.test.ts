import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EvaluationDetails, MultiLabelEvaluation } from '../../src/evaluation/evaluate.js';
import type { ModelInfo } from '../../src/models/model.js';
import { compareReports, comparisonMarkdown, comparisonText } from '../../src/report/comparison.js';
import { csvField, csvTable } from '../../src/report/csv.js';
import { buildEvaluationReport, parseComparableReport } from '../../src/report/evaluation-report.js';
import { mdCell } from '../../src/report/markdown.js';
import { renderEvaluationReport } from '../../src/report/render-evaluation.js';

const info: ModelInfo = {
  backend: 'linear',
  task: 'multilabel',
  labels: ['cs.CL', 'cs.LG'],
  createdAt: '2026-01-01',
  training: { papers: 10, dataHash: 'x', seconds: 1, options: {} },
  validation: {},
  quantized: false,
};
const summary: MultiLabelEvaluation = {
  task: 'multilabel', n: 4, microF1: 0.5, macroF1: 0.4, samplesF1: 0.45, precision: 0.6, recall: 0.42, macroPrecision: 0.5, macroRecall: 0.3,
  samplesPrecision: 0.55, samplesRecall: 0.35, hammingLoss: 0.25, subsetAccuracy: 0.25, precisionAt1: 0.75, precisionAt3: 0.5, precisionAt5: 0.3,
  recallAt1: 0.4, recallAt3: 0.8, recallAt5: 1, ndcgAt1: 0.75, ndcgAt3: 0.7, ndcgAt5: 0.72, predictedCardinality: 1.25, trueCardinality: 1.5,
  accuracy: 0.5, top5: 1, papersPerSecond: 1000, latencyP50Ms: 0.1, latencyP99Ms: 0.3,
};
const details: EvaluationDetails = {
  classes: [
    { code: 'cs.LG', name: 'Machine Learning', group: 'cs', support: 3, predicted: 2, correct: 2, precision: 1, recall: 2 / 3, f1: 0.8 },
    { code: 'cs.CL', name: 'Computation and Language', group: 'cs', support: 3, predicted: 3, correct: 1, precision: 1 / 3, recall: 1 / 3, f1: 1 / 3 },
  ],
  confusion: null,
  groupConfusions: null,
  reliability: null,
  worstConfusions: [],
  latency: { calls: 0, meanMs: 0, p50Ms: 0, p90Ms: 0, p99Ms: 0, maxMs: 0 },
};
const report = buildEvaluationReport({ name: 'ml', modelPath: 'ml.axcm', info, dataPath: 'test.jsonl', skipped: {}, titleOnly: false }, summary, details, new Date('2026-02-03T04:05:06Z'));

test('a multi-label report: its own metrics, per-label table, no confusion matrix or calibration', () => {
  const html = renderEvaluationReport(report, 'html');
  assert.ok(html.includes('class="chart chart-bar"'));
  assert.ok(!html.includes('chart-heatmap') && !html.includes('chart-reliability'));
  for (const label of ['samples-F1', 'Hamming loss', 'NDCG@5', 'labels per paper (predicted)', 'R@3']) assert.ok(html.includes(label), label);
  assert.ok(html.includes('Report made 2026-02-03T04:05:06.000Z'));
  const md = renderEvaluationReport(report, 'md');
  assert.match(md, /\| samples-F1 \| 0\.4500 \|/);
  assert.match(md, /\| Hamming loss \| 0\.2500 \|/);
  assert.ok(!md.includes('## Confusion matrix') && !md.includes('## Calibration'));
  const csv = renderEvaluationReport(report, 'csv').split('\r\n');
  assert.equal(csv[1], 'cs.LG,Machine Learning,cs,3,2,2,1,0.6666666666666666,0.8');
  const back = parseComparableReport(renderEvaluationReport(report, 'json'), 'dir/ml.json');
  assert.equal(back.name, 'ml');
  assert.equal(back.summary.samplesF1, 0.45);
  assert.deepEqual([...back.classF1!.entries()], [['cs.LG', 0.8], ['cs.CL', 1 / 3]]);
});

test('group confusions: a table in the HTML and Markdown reports, absent when there are none', () => {
  const groupConfusions = [
    { trueGroup: 'eess', predictedGroup: 'cs', count: 6, shareOfErrors: 0.75, crossListed: 4 },
    { trueGroup: 'physics', predictedGroup: 'math', count: 2, shareOfErrors: 0.25, crossListed: 0 },
  ];
  const withGroups = buildEvaluationReport({ name: 'g', modelPath: 'g.axcm', info, dataPath: 'test.jsonl', skipped: {}, titleOnly: false }, summary, { ...details, groupConfusions });
  const md = renderEvaluationReport(withGroups, 'md');
  assert.ok(md.includes('## Group confusions'));
  assert.match(md, /\| eess \| cs \| 6 \| 75\.0% \| 4 \|/);
  assert.match(md, /\| physics \| math \| 2 \| 25\.0% \| 0 \|/);
  const html = renderEvaluationReport(withGroups, 'html');
  assert.ok(html.includes('id="group-confusions"'));
  assert.ok(html.includes('>eess<') && html.includes('>75.0%<'));
  assert.ok(!renderEvaluationReport(report, 'md').includes('Group confusions'));
  assert.ok(!renderEvaluationReport(report, 'html').includes('group-confusions'));
});

test('compareReports: metrics missing from a report are null; best follows each metric direction', () => {
  const data = { file: 'test.jsonl', n: 10 };
  const a = { name: 'a', task: 'primary', summary: { n: 10, accuracy: 0.7, ece: 0.05, top10: 0.9 }, classF1: null, data };
  const b = { name: 'b', task: 'primary', summary: { n: 10, accuracy: 0.6, ece: 0.02, samplesF1: 0.5 }, classF1: null, data };
  const c = compareReports([a, b]);
  const row = (k: string) => c.rows.find((r) => r.key === k)!;
  assert.deepEqual(row('accuracy').values, [0.7, 0.6]);
  assert.equal(row('accuracy').best, 0);
  assert.equal(row('ece').best, 1);
  assert.deepEqual(row('top10').values, [0.9, null]);
  assert.equal(row('top10').best, null, 'one value is no contest');
  assert.equal(row('n').best, null, 'papers has no direction');
  assert.equal(c.rows.find((r) => r.key === 'macroF1'), undefined, 'absent everywhere → no row');
  assert.match(comparisonText(c), /top-10 accuracy\s+90\.00%\s+-/);
  // A tie has no winner; reports of different tasks get no winners at all, and say why.
  const tie = compareReports([a, { ...a, name: 'a2' }]);
  assert.equal(tie.rows.find((r) => r.key === 'accuracy')!.best, null);
  const mixed = compareReports([a, { ...b, task: 'multilabel' }]);
  assert.ok(mixed.rows.every((r) => r.best === null));
  assert.match(comparisonText(mixed), /different tasks \(primary, multilabel\)/);
  // Nor do reports on different test papers: another file, or the same name with other papers.
  for (const other of [{ file: 'one.jsonl', n: 1 }, { file: 'test.jsonl', n: 12 }]) {
    const apart = compareReports([a, { ...b, data: other }]);
    assert.ok(apart.rows.every((r) => r.best === null), JSON.stringify(other));
    assert.match(comparisonText(apart), /different test data \(test\.jsonl \(10 papers\); .*\): scores on different papers are not comparable, so no best is marked/);
    assert.doesNotMatch(comparisonText(apart), /\* best of/);
  }
  // An unmeasured latency is absent from the summary, so it is '-', never the fastest.
  const timed = { ...a, summary: { ...a.summary, latencyP50Ms: 0.4 } };
  const lat = compareReports([timed, b]).rows.find((r) => r.key === 'latencyP50Ms')!;
  assert.deepEqual([lat.values, lat.best], [[0.4, null], null]);
  assert.match(comparisonMarkdown(compareReports([a, b])), /\*\*70\.00%\*\*/);
});

test('parseComparableReport rejects what it cannot read, naming the file and field', () => {
  assert.throws(() => parseComparableReport('[1]', 'x.json'), /x\.json: expected a JSON object/);
  assert.throws(() => parseComparableReport('{"format":"arxiv-classifier/evaluation-report","version":2}', 'x.json'), /x\.json: report version 2/);
  assert.throws(() => parseComparableReport('{"format":"arxiv-classifier/evaluation-report","version":1,"summary":{}}', 'x.json'), /x\.json: field "summary"/);
  assert.throws(
    () => parseComparableReport('{"format":"arxiv-classifier/evaluation-report","version":1,"summary":{"n":1},"details":{"classes":[{"code":1}]}}', 'x.json'),
    /x\.json: details\.classes\[0\]/,
  );
});

test('Markdown and CSV escaping', () => {
  assert.equal(mdCell('a|b <i>x</i> & c\nd'), 'a\\|b &lt;i>x&lt;/i> &amp; c d');
  assert.equal(mdCell('![](http://t/x.png) [a](b) *em* _u_ `c`'), '\\!\\[\\](http://t/x.png) \\[a\\](b) \\*em\\* \\_u\\_ \\`c\\`');
  assert.equal(csvField('plain'), 'plain');
  assert.equal(csvField('a,b'), '"a,b"');
  assert.equal(csvField('say "hi"'), '"say ""hi"""');
  assert.equal(csvTable(['x', 'y'], [[1, 'a\nb']]), 'x,y\r\n1,"a\nb"\r\n');
});
