/**
 * The learner on real data, side by side with its peers on one time split of the shared corpus:
 * train on ids ≤ 2603, test on 2604–2605. Ours runs as the CLI in child processes (train,
 * evaluate); the peers are Debian's fastText CLI and scikit-learn (bench/peers), when installed.
 * Set AXC_BENCH_PEERS=0 to skip the peers (they take many minutes on 2 cores).
 */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { BUILD_COMMAND, ROOT, runCli, type ChildRun } from '../child.js';
import type { SectionResult } from '../run.js';
import { loadModel } from '../../src/models/load-model.js';
import { loadPapers } from '../../src/corpus/load.js';
import { LinearModel } from '../../src/models/linear/linear.js';
import { FeatureCounter } from '../../src/text/feature-counter.js';
import { evaluate } from '../../src/evaluation/evaluate.js';
import type { DetailedEvaluation } from '../../src/evaluation/evaluation.js';
import { NEVER_PREDICTED_MIN_SUPPORT, neverPredicted, priorRow } from '../../src/evaluation/model-card.js';
import type { PriorChoice } from '../../src/models/model.js';
import { priorName } from '../../src/models/prior.js';
import { getCategory } from '../../src/taxonomy/taxonomy.js';

/** The class priors compared on the float primary model (models/README.md, "Class priors"). */
const PRIORS: PriorChoice[] = ['recent', 'corpus', { balanced: 0.5, within: 0.5 }, { balanced: 0.4 }, 'balanced', { balanced: 1, within: 1 }];
/** The prior row that uses the test months' own category counts. */
const HINDSIGHT = "hindsight (the test months' own mix)";
/** Groups shown in the prior table: the thin ones the priors are for, and the big ones they cost. */
const PRIOR_GROUPS = ['cs', 'physics', 'math', 'stat', 'eess', 'q-bio', 'q-fin', 'econ'];

const SHARED = resolve(ROOT, '..', 'shared/data/arxiv-papers.jsonl.gz');
const WORK = join(ROOT, '.bench', 'learner');
const PY = '/usr/bin/python3';
/** Features kept in the int8 model, as in the shipped one (scripts/build-model.ts; models/README.md, "Why 95,000 features"). */
const PRUNE = 95_000;
/**
 * Batch classification runs; the median is reported. On a shared 2-core VM single runs of the same
 * command moved between 14k and 21k papers/s within minutes.
 */
const BATCH_RUNS = 3;
/**
 * The accuracy configuration: a primary model with character 4-grams, pooled with the multi-label
 * model by the product rule at weights 2:1. The weights were chosen on the earlier split S2 (train
 * ≤ 2601, test 2602–2603; models/README.md), never on this section's test months.
 */
const CHAR_NGRAMS = 4;
const ENSEMBLE_WEIGHTS = '2,1';

interface TrainJson {
  seconds: number;
  papers: number;
  classes: number;
  features: number;
  bestEpoch: number;
  peakRssMb: number;
  phases: Record<string, number>;
  priorShift: { papers: number; from: number; to: number } | { skipped: string };
}
type EvalJson = Record<string, number>;
interface BatchJson {
  papers: number;
  seconds: number;
  papersPerSecond: number;
  threads: number;
}

interface PeerJson {
  peer: string;
  config: Record<string, unknown>;
  train_seconds: number;
  peak_rss_mb: number;
  top1?: number;
  top5?: number;
  macro_f1?: number;
  group_accuracy?: number;
  predict_per_second?: number;
  micro_f1?: number;
  samples_f1?: number;
}

function runPeer(args: string[]): PeerJson | string {
  const r = spawnSync(PY, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) return `failed: ${(r.stderr || '').trim().split('\n').slice(-3).join(' ')}`;
  const last = r.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(last) as PeerJson;
  } catch {
    return `no JSON result: ${last.slice(0, 200)}`;
  }
}

const f = (x: number | undefined, d = 4) => (x === undefined || Number.isNaN(x) ? '–' : x.toFixed(d));

export async function run(): Promise<SectionResult> {
  if (!existsSync(SHARED)) {
    return { title: 'Learner (time split of the shared corpus)', command: 'npm run bench -- learner', markdown: `Skipped: ${SHARED} is absent.`, json: { skipped: true } };
  }
  mkdirSync(WORK, { recursive: true });
  const split = join(WORK, 'split');
  const commands: string[] = [BUILD_COMMAND];
  const s = await runCli<unknown>(['split', SHARED, '--by', 'time', '--before', '2604', '--valid', '0', '--out-dir', split, '--json']);
  commands.push(s.command.replace(SHARED, '../shared/data/arxiv-papers.jsonl.gz'));
  const trainFile = join(split, 'train.jsonl');
  const testFile = join(split, 'test.jsonl');
  const model = join(WORK, 'primary.axcm');
  const modelQ = join(WORK, 'primary.q.axcm');
  const tr = await runCli<TrainJson>(['train', '--data', trainFile, '--task', 'primary', '--threads', '2', '--out', model, '--json']);
  const qz = await runCli<{ features: number }>(['quantize', '--model', model, '--prune', String(PRUNE), '--out', modelQ, '--json']);
  commands.push(tr.command, qz.command);
  const ev = await runCli<EvalJson>(['evaluate', '--model', model, '--data', testFile, '--json']);
  const evT = await runCli<EvalJson>(['evaluate', '--model', model, '--data', testFile, '--title-only', '--json']);
  const evQ = await runCli<EvalJson>(['evaluate', '--model', modelQ, '--data', testFile, '--json']);
  const preds = join(WORK, 'predictions.jsonl');
  const batchRuns: ChildRun<BatchJson>[] = [];
  for (let r = 0; r < BATCH_RUNS; r++) batchRuns.push(await runCli<BatchJson>(['classify', '--model', modelQ, '--input', testFile, '--out', preds, '--threads', '2', '--json']));
  const byRate = [...batchRuns].sort((a, b) => a.json.papersPerSecond - b.json.papersPerSecond);
  const batch = byRate[Math.floor(byRate.length / 2)]!;
  commands.push(ev.command, evT.command, evQ.command, batch.command);
  const ml = join(WORK, 'multilabel.axcm');
  const trM = await runCli<TrainJson>(['train', '--data', trainFile, '--task', 'multilabel', '--threads', '2', '--out', ml, '--json']);
  const evM = await runCli<EvalJson>(['evaluate', '--model', ml, '--data', testFile, '--json']);
  commands.push(trM.command, evM.command);
  const modelC = join(WORK, 'primary-char.axcm');
  const trC = await runCli<TrainJson>(['train', '--data', trainFile, '--task', 'primary', '--threads', '2', '--char-ngrams', String(CHAR_NGRAMS), '--out', modelC, '--json']);
  const evC = await runCli<EvalJson>(['evaluate', '--model', modelC, '--data', testFile, '--json']);
  const evE = await runCli<EvalJson>(['evaluate', '--backend', 'ensemble', '--members', `${modelC},${ml}`, '--weights', ENSEMBLE_WEIGHTS, '--combine', 'product', '--data', testFile, '--json']);
  commands.push(trC.command, evC.command, evE.command);

  // Single-paper latency in-process, the model loaded once, as a server would.
  const loaded = await loadModel(modelQ);
  const { papers } = await loadPapers(testFile);
  const sample = papers.slice(0, 2000);
  const lat: number[] = [];
  for (const p of sample) {
    const t = performance.now();
    loaded.predict({ title: p.title, abstract: p.abstract }, { k: 5 });
    lat.push(performance.now() - t);
  }
  lat.sort((a, b) => a - b);
  const p50 = lat[Math.floor(lat.length * 0.5)]!;
  const p99 = lat[Math.floor(lat.length * 0.99)]!;
  // The class priors: the same float weights, each prior a shift of the logits.
  const floatModel = await loadModel(model);
  const defaultName = floatModel instanceof LinearModel && floatModel.spec.priors ? priorName(floatModel.spec.priors.defaultChoice) : 'default';
  const priorEvals: { name: string; ev: DetailedEvaluation }[] = [{ name: `default (${defaultName})`, ev: await evaluate(floatModel, papers, { latencySamples: 0 }) }];
  for (const choice of PRIORS) priorEvals.push({ name: priorName(choice), ev: await evaluate(floatModel, papers, { prior: choice, latencySamples: 0 }) });
  // No user knows the test months' mix in advance; it bounds what any prior, balanced or a file of shares, can do for this model.
  const testMix: Record<string, number> = {};
  for (const p of papers) testMix[p.primary] = (testMix[p.primary] ?? 0) + 1;
  priorEvals.push({ name: HINDSIGHT, ev: await evaluate(floatModel, papers, { prior: { shares: testMix }, latencySamples: 0 }) });
  const priorRows = priorEvals.map(({ name, ev: e }) => priorRow(name, e));
  const balancedEval = priorEvals.find((p) => p.name === 'balanced')!.ev;
  const loadedC = await loadModel(modelC);
  const counting = loaded instanceof LinearModel ? countingMicroseconds(loaded, papers) : null;
  const countingC = loadedC instanceof LinearModel ? countingMicroseconds(loadedC, papers) : null;

  const peers: (PeerJson | string)[] = [];
  const wantPeers = process.env.AXC_BENCH_PEERS !== '0' && existsSync('/usr/bin/fasttext') && spawnSync(PY, ['-c', 'import sklearn'], { encoding: 'utf8' }).status === 0;
  if (wantPeers) {
    const prepared = join(WORK, 'peers');
    const prep = ['bench/peers/prepare.py', '--data', SHARED, '--out', prepared];
    spawnSync(PY, prep, { cwd: ROOT, stdio: 'inherit' });
    commands.push(`${PY} ${prep.join(' ').replace(SHARED, '../shared/data/arxiv-papers.jsonl.gz')}`);
    // fastText's most accurate config we found on this split (bench/peers/README.md, "Choosing fastText's config").
    const runs = [
      ['bench/peers/fasttext_peer.py', '--prepared', prepared, '--work', join(WORK, 'ft'), '--epoch', '5', '--lr', '1.0', '--dim', '100', '--min-count', '1', '--thread', '2'],
      ['bench/peers/fasttext_peer.py', '--prepared', prepared, '--work', join(WORK, 'ft-ml'), '--multilabel', '--tune-threshold', '--epoch', '5', '--lr', '1.0', '--dim', '100', '--min-count', '1', '--thread', '2'],
      ['bench/peers/sklearn_peer.py', '--prepared', prepared, '--variant', 'notebook'],
    ];
    for (const args of runs) {
      process.stderr.write(`  peer: ${args.join(' ')}\n`);
      peers.push(runPeer(args));
      commands.push(`${PY} ${args.join(' ')}`);
    }
  }

  const mb = (p: string) => (statSync(p).size / 2 ** 20).toFixed(1);
  const rows = [
    `| ours, linear (primary) | ${f(ev.json.accuracy)} | ${f(ev.json.top5)} | ${f(ev.json.macroF1)} | ${f(ev.json.groupAccuracy)} | ${tr.json.seconds.toFixed(1)} (wall ${tr.wallSeconds.toFixed(1)}) | ${tr.json.peakRssMb} | ${mb(model)} |`,
    `| ours, int8, pruned to ${qz.json.features} features | ${f(evQ.json.accuracy)} | ${f(evQ.json.top5)} | ${f(evQ.json.macroF1)} | ${f(evQ.json.groupAccuracy)} | – | – | ${mb(modelQ)} |`,
    `| ours, linear with char ${CHAR_NGRAMS}-grams (primary) | ${f(evC.json.accuracy)} | ${f(evC.json.top5)} | ${f(evC.json.macroF1)} | ${f(evC.json.groupAccuracy)} | ${trC.json.seconds.toFixed(1)} | ${trC.json.peakRssMb} | ${mb(modelC)} |`,
    `| ours, ensemble: char ${CHAR_NGRAMS}-grams × multi-label (product, weights ${ENSEMBLE_WEIGHTS.replace(',', ':')}) | ${f(evE.json.accuracy)} | ${f(evE.json.top5)} | ${f(evE.json.macroF1)} | ${f(evE.json.groupAccuracy)} | ${(trC.json.seconds + trM.json.seconds).toFixed(1)} (both) | ${Math.max(trC.json.peakRssMb, trM.json.peakRssMb)} | ${(Number(mb(modelC)) + Number(mb(ml))).toFixed(1)} |`,
  ];
  for (const p of peers) {
    if (typeof p === 'string') rows.push(`| peer | ${p} | | | | | | |`);
    else if (p.top1 !== undefined) rows.push(`| ${p.peer} ${JSON.stringify(p.config).replace(/\|/g, '/')} | ${f(p.top1)} | ${f(p.top5)} | ${f(p.macro_f1)} | ${f(p.group_accuracy)} | ${p.train_seconds.toFixed(1)} | ${p.peak_rss_mb} | – |`);
  }
  const mlRows = [`| ours, linear one-vs-rest | ${f(evM.json.microF1)} | ${f(evM.json.samplesF1)} | ${f(evM.json.precision)} | ${f(evM.json.recall)} | ${trM.json.seconds.toFixed(1)} |`];
  for (const p of peers) if (typeof p !== 'string' && p.micro_f1 !== undefined) mlRows.push(`| ${p.peer} ova | ${f(p.micro_f1)} | ${f(p.samples_f1)} | – | – | ${p.train_seconds.toFixed(1)} |`);

  const markdown = `Time split of the shared corpus: train ${tr.json.papers} papers (ids ≤ 2603, less a 5% validation
slice for early stopping and calibration), test ${ev.json.n} papers (2604–2605). ${tr.json.classes} classes,
${tr.json.features} features. Train seconds are the command's own (data loading included).

| Primary category | top-1 | top-5 | macro-F1 | group acc. | train s | peak RSS MB | model MB |
|---|---:|---:|---:|---:|---:|---:|---:|
${rows.join('\n')}

The ensemble row is the accuracy configuration: its two models train one after the other (train s is their sum,
peak RSS the larger), and it scores every paper with both. ECE: char ${CHAR_NGRAMS}-grams ${f(evC.json.ece)}, the ensemble ${f(evE.json.ece)}.

Title only (ours): top-1 ${f(evT.json.accuracy)}, top-5 ${f(evT.json.top5)}. In-category P@1 ${f(ev.json.inCategoryP1)}, ECE ${f(ev.json.ece)}.
Group accuracy when a cross-listed group counts (the predicted group is the group of any of the paper's categories): ${f(ev.json.anyGroupAccuracy)}.
Class prior (ours, primary): ${'skipped' in tr.json.priorShift ? `all of the training data (${tr.json.priorShift.skipped})` : `the newest months of the training data, ${tr.json.priorShift.from}–${tr.json.priorShift.to} (${tr.json.priorShift.papers} papers), at the default strength`}.
Train phases (s): ${Object.entries(tr.json.phases).map(([k, v]) => `${k} ${v}`).join(', ')}.
Batch classification: \`classify --input\` (int8 model, ${batch.json.threads} threads, JSON lines in and out) ${f(batch.json.papersPerSecond, 0)} papers/s,
the median of ${BATCH_RUNS} runs (${byRate.map((b) => f(b.json.papersPerSecond, 0)).join(', ')}; the median run: ${batch.json.papers} papers in ${batch.json.seconds.toFixed(2)} s, the command's wall time with start-up ${batch.wallSeconds.toFixed(2)} s); \`evaluate\`'s
in-process scoring, one thread: ${f(ev.json.papersPerSecond, 0)} papers/s (with char ${CHAR_NGRAMS}-grams ${f(evC.json.papersPerSecond, 0)}, the ensemble ${f(evE.json.papersPerSecond, 0)}). Single classify (int8 model,
in-process, ${sample.length} papers): p50 ${p50.toFixed(3)} ms, p99 ${p99.toFixed(3)} ms.${
    counting
      ? `
Feature counting alone (tokenising, hashing, vocabulary lookups and the TF-IDF row of each test paper; int8 model, one thread,
in-process, median of ${COUNTING_RUNS} alternating passes): WebAssembly ${counting.wasm.toFixed(1)} µs per paper, the TypeScript path ${counting.js.toFixed(1)} µs${
          countingC ? ` (the model with char ${CHAR_NGRAMS}-grams: ${countingC.wasm.toFixed(1)} and ${countingC.js.toFixed(1)} µs)` : ''
        }.`
      : ''
  }

Class priors (ours, the float primary model: one set of weights, each prior a shift of its logits; \`evaluate --prior P\`).
Top-1 per group is the share of that group's test papers whose category is right; "never" counts categories with at least
${NEVER_PREDICTED_MIN_SUPPORT} test papers that the model never answers with. \`balanced:X:Y\` moves the newest months' mix X of the way (in
log space) toward equal groups and Y toward equal categories within each group; \`balanced:X\` is \`balanced:X:X/2\`, and
\`balanced\` the model's own strength (${floatModel instanceof LinearModel ? floatModel.spec.priors?.balancedStrength : '–'}). The last row
is not a choice a user has: it gives the model the test months' own category counts as shares (\`--prior FILE\`), the best-informed
prior there can be: what a user who knew their papers' mix exactly would get from this model.

| prior | top-1 | macro-F1 | never | ${PRIOR_GROUPS.join(' | ')} |
|---|---:|---:|---:|${PRIOR_GROUPS.map(() => '---:').join('|')}|
${priorRows.map((r) => `| ${r.prior} | ${f(r.top1)} | ${f(r.macroF1)} | ${r.neverPredicted} | ${PRIOR_GROUPS.map((g) => f(r.groups[g], 3)).join(' | ')} |`).join('\n')}

Never predicted under the default: ${neverPredicted(priorEvals[0]!.ev).join(', ') || 'none'}.

Mathematics by category (the default and \`balanced\`; recall is the share of its test papers the model gets right, "to math" the
share of its errors that went to another math category, which no prior fixes):

${mathTable(priorEvals[0]!.ev, balancedEval, papers, floatModel instanceof LinearModel ? floatModel : null)}

| Multi-label | micro-F1 | samples-F1 | precision | recall | train s |
|---|---:|---:|---:|---:|---:|
${mlRows.join('\n')}
${wantPeers ? '' : '\nPeers not run (AXC_BENCH_PEERS=0, or fasttext / python3-sklearn not installed: `apt-get install fasttext python3-sklearn`).\n'}
Commands:

${commands.map((c) => `    ${c.replaceAll(ROOT + '/', '')}`).join('\n')}
`;
  return {
    title: 'Learner (time split of the shared corpus)',
    command: 'npm run bench -- learner',
    markdown,
    json: { priors: priorRows, train: tr.json, evaluate: ev.json, batch: batch.json, batchRuns: batchRuns.map((b) => b.json.papersPerSecond), titleOnly: evT.json, quantized: evQ.json, multilabel: { train: trM.json, evaluate: evM.json }, charNgrams: { train: trC.json, evaluate: evC.json }, ensemble: evE.json, latencyMs: { p50, p99 }, peers },
  };
}

/** Per math category: test papers, recall under two priors, and where the default's errors went. */
function mathTable(def: DetailedEvaluation, bal: DetailedEvaluation, test: readonly { primary: string; title: string; abstract?: string }[], model: LinearModel | null): string {
  const recall = (e: DetailedEvaluation) => new Map(e.details.classes.map((r) => [r.code, r]));
  const d = recall(def);
  const b = recall(bal);
  const toMath = new Map<string, { wrong: number; math: number }>();
  if (model) {
    for (const p of test) {
      if (!p.primary.startsWith('math.')) continue;
      const top = model.predict({ title: p.title, abstract: p.abstract }, { k: 1 }).labels[0]!.code;
      const t = toMath.get(p.primary) ?? { wrong: 0, math: 0 };
      if (top !== p.primary) {
        t.wrong++;
        if (getCategory(top)?.group === 'math') t.math++;
      }
      toMath.set(p.primary, t);
    }
  }
  const rows = [...d.values()].filter((r) => r.code.startsWith('math.') && r.support > 0).sort((x, y) => y.support - x.support);
  const lines = rows.map((r) => {
    const t = toMath.get(r.code);
    return `| ${r.code} | ${r.support} | ${f(r.recall, 3)} | ${f(b.get(r.code)?.recall, 3)} | ${t && t.wrong > 0 ? f(t.math / t.wrong, 2) : '–'} |`;
  });
  return ['| category | test papers | recall, default | recall, balanced | errors to math |', '|---|---:|---:|---:|---:|', ...lines].join('\n');
}

const COUNTING_RUNS = 5;

/** Median µs per paper of FeatureCounter.vectorize over `papers`, the WebAssembly and TypeScript paths in turn. */
function countingMicroseconds(model: LinearModel, papers: readonly { title: string; abstract?: string }[]): { wasm: number; js: number } | null {
  const counters = { wasm: new FeatureCounter(model.vocab, model.spec.termOptions), js: new FeatureCounter(model.vocab, model.spec.termOptions, 'js') };
  if (counters.wasm.backend !== 'wasm') return null;
  const idx = new Int32Array(1 << 16);
  const val = new Float32Array(1 << 16);
  const runs: { wasm: number[]; js: number[] } = { wasm: [], js: [] };
  for (let r = 0; r < COUNTING_RUNS; r++) {
    for (const kind of r % 2 === 0 ? (['wasm', 'js'] as const) : (['js', 'wasm'] as const)) {
      const c = counters[kind];
      const t = performance.now();
      for (const p of papers) c.vectorize(p.title, p.abstract ?? '', idx, val);
      runs[kind].push(((performance.now() - t) * 1000) / papers.length);
    }
  }
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return { wasm: median(runs.wasm), js: median(runs.js) };
}
