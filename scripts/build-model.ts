/**
 * `npm run build:model`: train the default models shipped in models/ from the shared corpus.
 * Deterministic: the same data and seed give the same bytes (no wall-clock values are stored).
 *
 * A product ships its freshest model, so the shipped files learn from every month of the corpus.
 * Their numbers come from a twin trained the same way on the months before 2604 and tested on
 * 2604–2605 (a model cannot be tested on papers it learnt from): the twin's test metrics go to
 * models/metrics.json and into each file's model card (ModelInfo.card: per-field scores, the
 * training mix, the prior trade-off, limitations), which `/v1/models` and the page show.
 * Both are pruned to the features that matter and saved as int8, each well under 16 MB.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadPapers } from '../src/corpus/load.js';
import type { PaperRecord } from '../src/corpus/record.js';
import { splitTime } from '../src/corpus/split.js';
import { evaluate } from '../src/evaluation/evaluate.js';
import { buildModelCard, buildMultiLabelModelCard, neverPredicted, priorRow } from '../src/evaluation/model-card.js';
import type { MultiLabelEvaluation, SingleLabelEvaluation } from '../src/evaluation/evaluation.js';
import { loadModel } from '../src/models/load-model.js';
import type { LinearModel } from '../src/models/linear/linear.js';
import { trainLinear } from '../src/models/linear/train.js';
import type { TrainOptions } from '../src/models/linear/train-settings.js';
import type { ModelCard, PriorChoice } from '../src/models/model.js';
import { priorName } from '../src/models/prior.js';
import { groupName, groupOf, type GroupId } from '../src/taxonomy/taxonomy.js';

const DATA = resolve('..', 'shared/data/arxiv-papers.jsonl.gz');
/**
 * 95k of the 200k trained features: 14.5 MiB as int8, under the 16 MB a shipped file may weigh,
 * and within 0.3 point of top-1 of the float twin on both time splits (models/README.md, "Why
 * 95,000 features").
 */
const PRUNE = 95_000;
const TEST_FROM = '2604';
const MODELS: { file: string; options: Partial<TrainOptions> }[] = [
  { file: 'models/primary.axcm', options: { task: 'primary', seed: 1 } },
  { file: 'models/multilabel.axcm', options: { task: 'multilabel', seed: 1 } },
];
/** The priors whose trade-off the card shows, beside the model's default. */
const CARD_PRIORS: PriorChoice[] = ['recent', 'corpus', { balanced: 0.4 }, 'balanced', { balanced: 1, within: 1 }];
/** With the seed, the thread count fixes the weights: the same on every machine. */
const THREADS = 2;

if (!existsSync(DATA)) {
  console.error(`build:model needs ${DATA} (the shared corpus); it is not on this machine`);
  process.exit(1);
}
const only = process.argv[2];

const { papers } = await loadPapers(DATA);
const { train, test } = splitTime(papers, { before: TEST_FROM, valid: 0 });
console.error(`all ${papers.length}; twin: train ${train.length}, test ${test.length}`);
const newest = (ps: readonly PaperRecord[]) => ps.reduce((m, p) => (p.date && p.date > m ? p.date : m), '1970-01-01');
const scratch = mkdtempSync(join(tmpdir(), 'axc-build-model-'));
mkdirSync('models', { recursive: true });
const results: Record<string, unknown> = {};
try {
  for (const { file, options } of MODELS) {
    if (only && !file.includes(only)) continue;
    console.error(`${file}: the twin, trained on ids before ${TEST_FROM}`);
    const twinFile = join(scratch, 'twin.axcm');
    const twinReport = await shippable(train, options, twinFile);
    const twin = await loadModel(twinFile);
    const ev = await evaluate(twin, test, { latencySamples: 0 });
    const titleOnly = await evaluate(twin, test, { titleOnly: true, latencySamples: 0 });
    let card: ModelCard | undefined;
    if (options.task === 'primary') {
      const linear = twin as LinearModel;
      const priors = [priorRow(`default (${priorName(linear.spec.priors!.defaultChoice)})`, ev)];
      for (const choice of CARD_PRIORS) priors.push(priorRow(priorName(choice), await evaluate(twin, test, { prior: choice, latencySamples: 0 })));
      card = buildModelCard({
        evaluation: ev,
        trainCounts: primaryCounts(train),
        evaluationText: evaluationText(train.length, test, papers.length),
        priors,
        limitations: limitations(ev, titleOnly.summary as SingleLabelEvaluation, train),
      });
    } else {
      card = buildMultiLabelModelCard({
        evaluation: ev,
        trainCounts: carrierCounts(train),
        evaluationText: evaluationText(train.length, test, papers.length),
        limitations: multiLabelLimitations(ev, titleOnly.summary as MultiLabelEvaluation, train),
      });
    }
    results[file] = {
      bytes: 0,
      twin: { papers: twinReport.papers, classes: twinReport.classes, features: twinReport.features, bestEpoch: twinReport.bestEpoch, priorShift: twinReport.priorShift },
      test: machineFree(ev.summary),
      titleOnly: machineFree(titleOnly.summary),
      ...(card && card.task !== 'multilabel' && { priors: card.priors }),
    };
    console.error(`${file}: twin ${JSON.stringify((results[file] as { test: unknown }).test).slice(0, 300)}`);
    console.error(`${file}: the shipped model, trained on all ${papers.length} papers`);
    const report = await shippable(papers, options, file, card);
    (results[file] as Record<string, unknown>).bytes = statSync(file).size;
    (results[file] as Record<string, unknown>).train = { papers: report.papers, classes: report.classes, features: report.features, keptFeatures: PRUNE, bestEpoch: report.bestEpoch, priorShift: report.priorShift };
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
const metricsFile = 'models/metrics.json';
// `npm run build:model -- multilabel` rebuilds one model and keeps the other's metrics.
const previous = only && existsSync(metricsFile) ? (JSON.parse(readFileSync(metricsFile, 'utf8')) as Record<string, unknown>) : {};
writeFileSync(metricsFile, JSON.stringify({ ...previous, ...results }, null, 2) + '\n');
console.log(JSON.stringify(results, null, 2));

/** Train, prune, calibrate again (pruning changes the scores) and save as int8 at `out`. */
async function shippable(data: readonly PaperRecord[], options: Partial<TrainOptions>, out: string, card?: ModelCard) {
  const { model, report, validation } = await trainLinear(data, null, options, (p) => p.phase === 'epoch' && console.error(`  epoch ${p.epoch}: valid accuracy ${p.validAccuracy?.toFixed(4) ?? "–"}`), { threads: THREADS });
  model.spec.info.createdAt = newest(data);
  model.spec.info.training.seconds = 0;
  const pruned = model.pruned(PRUNE).recalibrated(validation);
  if (card) pruned.spec.info.card = card;
  await pruned.save(out, { quantize: true });
  return report;
}

/** Papers carrying each category, cross-lists included: what a multi-label model learns each from. */
function carrierCounts(ps: readonly PaperRecord[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const p of ps) for (const c of new Set(p.categories)) counts.set(c, (counts.get(c) ?? 0) + 1);
  return counts;
}

function primaryCounts(ps: readonly PaperRecord[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const p of ps) counts.set(p.primary, (counts.get(p.primary) ?? 0) + 1);
  return counts;
}

/** Throughput depends on the machine, not the model: keep the file deterministic. */
function machineFree<T extends object>(summary: T): T {
  const out = { ...summary } as Record<string, unknown>;
  for (const k of ['papersPerSecond', 'latencyP50Ms', 'latencyP99Ms']) delete out[k];
  return out as T;
}

/** The card's sentence on how its numbers were measured; months are those of the arXiv ids (YYMM). */
function evaluationText(trainPapers: number, test: readonly PaperRecord[], allPapers: number): string {
  const months = test.map((p) => /^(\d{4})\./.exec(p.id)?.[1]).filter((m): m is string => m !== undefined).sort();
  const last = months[months.length - 1] ?? TEST_FROM;
  const n = (x: number) => x.toLocaleString('en');
  return `Measured on a twin of this model, trained the same way on the ${n(trainPapers)} papers with arXiv ids before ${TEST_FROM} and tested on the ${n(test.length)} papers of ${TEST_FROM}–${last}; this model learnt from all ${n(allPapers)} papers, ids up to ${last}.`;
}

/** What the numbers say a user should not expect, in plain words, from this run's own figures. */
function limitations(ev: Awaited<ReturnType<typeof evaluate>>, titleOnly: SingleLabelEvaluation, trained: readonly PaperRecord[]): string[] {
  const byGroup = new Map<string, number>();
  for (const p of trained) {
    const g = groupOf(p.primary);
    if (g) byGroup.set(g, (byGroup.get(g) ?? 0) + 1);
  }
  const share = (g: string) => (100 * (byGroup.get(g) ?? 0)) / trained.length;
  const cs = share('cs');
  const thin = [...byGroup.keys()].filter((g) => share(g) < 2).map((g) => `${groupName(g as GroupId)} (${share(g).toFixed(1)}%)`);
  const never = neverPredicted(ev);
  const s = ev.summary as SingleLabelEvaluation;
  return [
    `It learnt from a corpus that is ${cs.toFixed(0)}% computer science, while arXiv as a whole is mostly physics and mathematics: it leans to computer science. For a physics or mathematics collection use --prior balanced (or a file of your field's shares); the table above shows what each choice costs.`,
    `Thin fields: ${thin.join(', ')} of its training papers. Their categories are right far less often than the average; see the table by field.`,
    never.length === 0 ? 'Every category with at least 20 test papers is predicted at least once under the default prior.' : `Categories with at least 20 test papers it never predicted under the default prior: ${never.join(', ')}.`,
    `Most of its mistakes stay within a field (group accuracy ${(100 * s.groupAccuracy).toFixed(1)}% against ${(100 * s.accuracy).toFixed(1)}% for the exact category); in mathematics above all, the errors are between math categories, which no prior fixes.`,
    `From a title alone it is right ${(100 * titleOnly.accuracy).toFixed(1)}% of the time (with the abstract ${(100 * s.accuracy).toFixed(1)}%).`,
    'It reads English only. A text it cannot read (another language, noise, numbers) comes back marked uncertain, with its guesses greyed out.',
  ];
}

/** The multi-label model's limits, from its own figures. */
function multiLabelLimitations(ev: Awaited<ReturnType<typeof evaluate>>, titleOnly: MultiLabelEvaluation, trained: readonly PaperRecord[]): string[] {
  const s = ev.summary as MultiLabelEvaluation;
  const carriers = carrierCounts(trained);
  const rare = ev.details.classes.filter((r) => r.support > 0 && (carriers.get(r.code) ?? 0) < 100);
  const rareRecall = rare.reduce((a, r) => a + r.correct, 0) / Math.max(1, rare.reduce((a, r) => a + r.support, 0));
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  return [
    `It answers ${s.predictedCardinality.toFixed(2)} categories a paper where the papers carry ${s.trueCardinality.toFixed(2)}: each category's threshold was tuned for micro-F1 on a validation slice, so common categories are favoured; --threshold sets one threshold for all.`,
    `Categories carried by fewer than 100 training papers (${rare.length} of those in the test months) are found ${pct(rareRecall)} of the time, against ${pct(s.recall)} over all categories.`,
    `Its first answer is one of the paper's categories ${pct(s.precisionAt1)} of the time; from a title alone, ${pct(titleOnly.precisionAt1)}.`,
    'It learnt from a corpus that is mostly computer science and takes no class prior: on a physics or mathematics collection use the primary model with --prior balanced for the main category.',
    'It reads English only. A text it cannot read (another language, noise, numbers) comes back marked uncertain.',
  ];
}
