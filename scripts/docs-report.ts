/**
 * `npm run docs:report`: regenerate the example reports under docs/report/ for the committed model
 * on the shared corpus. Runs the same steps a user would:
 *
 *   arxiv-classifier split ../shared/data/arxiv-papers.jsonl.gz --by time --before 2604 --valid 0 --out-dir TMP
 *   arxiv-classifier evaluate --model models/primary.axcm --data TMP/test.jsonl --report …
 *   arxiv-classifier stats TMP/test.jsonl --report …
 *
 * and additionally writes the charts as standalone .svg files so docs/report/primary.md can show
 * them where Markdown is rendered (GitHub). Needs ../shared (about a minute on 2 cores).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { main } from '../src/cli/main.js';
import { loadPapers } from '../src/corpus/load.js';
import { computeStats } from '../src/corpus/stats.js';
import { evaluate } from '../src/evaluation/evaluate.js';
import { loadModel } from '../src/models/load-model.js';
import { evaluationCharts } from '../src/report/evaluation-charts.js';
import { evaluationCsv } from '../src/report/evaluation-csv.js';
import { evaluationHtml } from '../src/report/evaluation-html.js';
import { evaluationMarkdown } from '../src/report/evaluation-markdown.js';
import { buildEvaluationReport } from '../src/report/evaluation-report.js';
import { statsHtml } from '../src/report/stats-report.js';

const DATA = resolve('..', 'shared/data/arxiv-papers.jsonl.gz');
const MODEL = 'models/primary.axcm';
const OUT = 'docs/report';
const SPLIT = ['split', DATA, '--by', 'time', '--before', '2604', '--valid', '0'];

if (!existsSync(DATA)) {
  console.error(`docs:report needs ${DATA} (the shared corpus); it is not on this machine`);
  process.exit(1);
}
const tmp = mkdtempSync(join(tmpdir(), 'axc-docs-'));
try {
  const code = await main([...SPLIT, '--out-dir', tmp]);
  if (code !== 0) throw new Error(`split exited ${code}`);
  const testFile = join(tmp, 'test.jsonl');
  const { papers, report: ingest } = await loadPapers(testFile);
  const model = await loadModel(MODEL);
  const t0 = performance.now();
  const { summary, details } = await evaluate(model, papers, { examplesPerConfusion: 2 });
  console.error(`evaluated ${papers.length} papers in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const dataLabel = 'test.jsonl of split ../shared/data/arxiv-papers.jsonl.gz --by time --before 2604 (papers from 2026-04 on)';
  const report = buildEvaluationReport({ name: 'primary', modelPath: MODEL, info: model.info, dataPath: dataLabel, skipped: ingest.skipped, titleOnly: false }, summary, details);

  mkdirSync(OUT, { recursive: true });
  const charts = evaluationCharts(report);
  const images = { classF1: 'primary-class-f1.svg', confusion: 'primary-confusion.svg', reliability: 'primary-reliability.svg' };
  writeFileSync(join(OUT, images.classF1), charts.classF1 + '\n');
  if (charts.confusion) writeFileSync(join(OUT, images.confusion), charts.confusion + '\n');
  if (charts.reliability) writeFileSync(join(OUT, images.reliability), charts.reliability + '\n');
  writeFileSync(join(OUT, 'primary.html'), evaluationHtml(report));
  writeFileSync(join(OUT, 'primary.md'), evaluationMarkdown(report, images) + `\nMade by \`npm run docs:report\` (scripts/docs-report.ts).\n`);
  writeFileSync(join(OUT, 'primary.json'), JSON.stringify(report, null, 1) + '\n');
  writeFileSync(join(OUT, 'primary.csv'), evaluationCsv(report));

  const stats = await computeStats(papers, { distributions: true });
  writeFileSync(join(OUT, 'test-corpus.html'), statsHtml('test.jsonl (2604 on)', stats));

  for (const f of ['primary.html', 'primary.md', 'primary.json', 'primary.csv', 'test-corpus.html', ...Object.values(images)]) {
    const p = join(OUT, f);
    if (existsSync(p)) console.error(`${p}  ${(statSync(p).size / 1024).toFixed(0)} KiB`);
  }
  console.log(JSON.stringify({ n: summary.n, accuracy: summary.accuracy, top5: (summary as { top5: number }).top5, macroF1: summary.macroF1, papersPerSecond: summary.papersPerSecond }));
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
