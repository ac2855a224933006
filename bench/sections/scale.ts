/**
 * All of arXiv on this machine (issue 22): the shared corpus's training months repeated under
 * fresh ids up to 2.7M papers (the Kaggle snapshot's size), built here and deleted afterwards.
 * `train` at 1×, 1M and 2.7M papers with Node's default heap (peak RSS and wall, to show memory
 * flat and time linear), the fastText CLI on the same 2.7M papers with the learner bench's
 * settings, both scored on the held-out months, and `evaluate` / `classify --input` over all
 * 2.7M papers. AXC_BENCH_SCALE_PAPERS overrides the sizes (comma-separated).
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { join, resolve } from 'node:path';
import { BUILD_COMMAND, ROOT, runCli } from '../child.js';
import { writeRepeatedCorpus } from '../repeat-corpus.js';
import type { SectionResult } from '../run.js';

const SHARED = resolve(ROOT, '..', 'shared/data/arxiv-papers.jsonl.gz');
const WORK = join(ROOT, '.bench', 'scale');
const TITLE = 'All of arXiv: training and classifying 2.7M papers';
const SIZES = (process.env.AXC_BENCH_SCALE_PAPERS ?? '1000000,2700000').split(',').map(Number);
const PY = '/usr/bin/python3';
const FT = '/usr/bin/fasttext';

interface TrainJson {
  papers: number;
  validPapers: number;
  seconds: number;
  peakRssMb: number;
  phases: Record<string, number>;
  passes: number;
  bestEpoch: number;
  memory: { paperTable: number; weights: number; windows: number; spillBytes: number; rowCacheBytes: number; dfPrunes: number };
}
interface EvalJson {
  accuracy: number;
  top5: number;
  macroF1: number;
  /** Papers scored. */
  n: number;
}
interface ClassifyJson {
  papers: number;
  papersPerSecond: number;
}

/** Peak RSS in MB and wall seconds of a command, from GNU time. */
function timed(argv: string[]): { rssMb: number; wall: number; stdout: string; stderr: string } {
  const started = performance.now();
  const r = spawnSync('/usr/bin/time', ['-v', ...argv], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 28 });
  const wall = (performance.now() - started) / 1000;
  if (r.status !== 0) throw new Error(`${argv.join(' ')} exited with ${r.status}:\n${r.stderr.slice(-2000)}`);
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr);
  return { rssMb: rss ? Math.round(Number(rss[1]) / 1024) : NaN, wall, stdout: r.stdout, stderr: r.stderr };
}

/** fastText's input: `__label__<primary> <tokens>`, tokens as bench/peers/prepare.py makes them, `copies` lines written in all. */
async function writeFastTextRepeat(source: string, out: string, lines: number): Promise<void> {
  const w = createWriteStream(out);
  let written = 0;
  while (written < lines) {
    const rl = createInterface({ input: createReadStream(source), crlfDelay: Infinity });
    for await (const line of rl) {
      if (written >= lines) break;
      if (!line) continue;
      if (!w.write(line + '\n')) await once(w, 'drain');
      written++;
    }
    rl.close();
  }
  w.end();
  await once(w, 'finish');
}

export async function run(): Promise<SectionResult> {
  if (!existsSync(SHARED)) return { title: TITLE, command: 'npm run bench -- scale', markdown: `Skipped: ${SHARED} is absent.`, json: { skipped: true } };
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  const commands: string[] = [];
  const split = join(WORK, 'split');
  const s = await runCli<unknown>(['split', SHARED, '--by', 'time', '--before', '2604', '--valid', '0', '--out-dir', split, '--json']);
  commands.push(s.command.replace(SHARED, '../shared/data/arxiv-papers.jsonl.gz'));
  const base = join(split, 'train.jsonl');
  const test = join(split, 'test.jsonl');

  const rows: { papers: number; file: string; train: TrainJson; wall: number; model: string }[] = [];
  const sizes = [0, ...SIZES];
  for (const n of sizes) {
    const file = n === 0 ? base : join(WORK, `train-${n}.jsonl`);
    if (n > 0) {
      process.stderr.write(`  writing ${n} papers\n`);
      await writeRepeatedCorpus(base, file, n);
    }
    const model = join(WORK, `primary-${n}.axcm`);
    process.stderr.write(`  train on ${n || 'the training months'}\n`);
    const tr = await runCli<TrainJson>(['train', '--data', file, '--task', 'primary', '--threads', '2', '--out', model, '--json']);
    commands.push(tr.command);
    rows.push({ papers: tr.json.papers + tr.json.validPapers, file, train: tr.json, wall: tr.wallSeconds, model });
    if (n > 0 && n !== sizes[sizes.length - 1]) rmSync(file, { force: true });
  }
  const biggest = rows[rows.length - 1]!;
  const evals = [];
  for (const r of [rows[0]!, biggest]) {
    const ev = await runCli<EvalJson>(['evaluate', '--model', r.model, '--data', test, '--json']);
    commands.push(ev.command);
    evals.push(ev.json);
  }
  // Every paper of the biggest corpus through evaluate and classify, as a user would run them.
  const bin = join(ROOT, '.bench', 'dist', 'cli', 'bin.js');
  const evalBig = timed([process.execPath, bin, 'evaluate', '--model', biggest.model, '--data', biggest.file, '--json']);
  const evalBigJson = JSON.parse(evalBig.stdout) as EvalJson;
  const preds = join(WORK, 'predictions.jsonl');
  const classifyBig = timed([process.execPath, bin, 'classify', '--model', biggest.model, '--input', biggest.file, '--out', preds, '--json']);
  const classifyBigJson = JSON.parse(classifyBig.stdout) as ClassifyJson;
  rmSync(preds, { force: true });
  commands.push(`/usr/bin/time -v node .bench/dist/cli/bin.js evaluate --model ${biggest.model.replace(ROOT + '/', '')} --data ${biggest.file.replace(ROOT + '/', '')} --json`);
  commands.push(`/usr/bin/time -v node .bench/dist/cli/bin.js classify --model ${biggest.model.replace(ROOT + '/', '')} --input ${biggest.file.replace(ROOT + '/', '')} --out ${preds.replace(ROOT + '/', '')} --json`);

  // fastText with the learner bench's settings (5 passes), and with the passes our learner made on
  // this corpus (epochs 'auto'), so that the time of equal passes can be compared too.
  type FastTextRun = { epochs: number; wall: number; rssMb: number; top1: number; papers: number };
  const fastText: FastTextRun[] = [];
  const fastTextSkipped = existsSync(FT) ? (process.env.AXC_BENCH_PEERS === '0' ? 'not run: AXC_BENCH_PEERS=0' : '') : 'not run: `apt-get install fasttext python3-sklearn` first';
  if (!fastTextSkipped) {
    const prepared = join(WORK, 'peers');
    const prep = ['bench/peers/prepare.py', '--data', SHARED, '--out', prepared];
    const p = spawnSync(PY, prep, { cwd: ROOT, encoding: 'utf8' });
    if (p.status !== 0) throw new Error(`prepare.py failed:\n${p.stderr}`);
    commands.push(`${PY} ${prep.join(' ').replace(SHARED, '../shared/data/arxiv-papers.jsonl.gz')}`);
    const ftTrain = join(WORK, 'train-big.ft');
    await writeFastTextRepeat(join(prepared, 'train.ft'), ftTrain, biggest.papers);
    const out = join(WORK, 'ft');
    for (const epochs of [...new Set([5, biggest.train.passes])]) {
      // The learner bench's fastText settings (bench/peers/README.md, "Choosing fastText's config").
      const args = [FT, 'supervised', '-input', ftTrain, '-output', out, '-epoch', String(epochs), '-lr', '1.0', '-dim', '100', '-minCount', '1', '-thread', '2', '-verbose', '0'];
      process.stderr.write(`  fastText on ${biggest.papers} papers, ${epochs} epochs\n`);
      const ft = timed(args);
      commands.push(`/usr/bin/time -v ${args.join(' ').replaceAll(ROOT + '/', '')}`);
      const t = spawnSync(FT, ['test', out + '.bin', join(prepared, 'test.ft'), '1'], { encoding: 'utf8' });
      const pAt1 = /P@1\s+([\d.]+)/.exec(t.stdout);
      const n = /N\s+(\d+)/.exec(t.stdout);
      fastText.push({ epochs, wall: ft.wall, rssMb: ft.rssMb, top1: pAt1 ? Number(pAt1[1]) : NaN, papers: n ? Number(n[1]) : 0 });
    }
    rmSync(ftTrain, { force: true });
  }
  rmSync(biggest.file, { force: true });
  // Kept before the tables are written, so a mistake in them costs no rerun.
  writeFileSync(join(WORK, 'raw.json'), JSON.stringify({ rows, evals, evalBig, classifyBig, fastText }, null, 2));

  const gb = (mb: number) => (mb / 1024).toFixed(2);
  const phaseNames = Object.keys(biggest.train.phases);
  const trainRows = rows.map((r) => `| ${r.papers.toLocaleString('en')} | **${r.wall.toFixed(1)}** | ${(r.wall / (r.papers / 1e6)).toFixed(1)} | ${phaseNames.map((p) => (r.train.phases[p] ?? 0).toFixed(1)).join(' | ')} | ${r.train.passes} | ${r.train.bestEpoch} | **${gb(r.train.peakRssMb)}** | ${(r.train.memory.paperTable / 2 ** 20).toFixed(0)} | ${(r.train.memory.weights / 2 ** 20).toFixed(0)} | ${(r.train.memory.windows / 2 ** 20).toFixed(0)} | ${((r.train.memory.spillBytes + r.train.memory.rowCacheBytes) / 2 ** 30).toFixed(1)} |`);
  const f = (x: number) => x.toFixed(4);
  const ftRows = fastTextSkipped
    ? `| fastText CLI | ${fastTextSkipped} | | | |`
    : fastText.map((ft) => `| fastText CLI (epoch ${ft.epochs}, lr 1.0, dim 100, minCount 1, 2 threads) | ${f(ft.top1)} | ${ft.wall.toFixed(1)} | ${gb(ft.rssMb)} | ${(ft.wall / biggest.wall).toFixed(1)}× ours |`).join('\n');
  const markdown = `The shared corpus's training months (ids ≤ 2603, ${rows[0]!.papers.toLocaleString('en')} papers) as they are, then
repeated under fresh ids (bench/repeat-corpus.ts) to each size; every model is scored on the held-out months
2604–2605 (${evals[0]!.n.toLocaleString('en')} papers), the learner bench's test set. \`train\` with the default settings (epochs 'auto': 5 passes up to 1M training papers, fewer past that, never under 3), 2 threads
and Node's default heap. Wall is the whole command (reading the JSON lines, training, saving); peak RSS
is the process's, worker threads included. A repeated corpus has no new words, so its vocabulary and
weights are those of one copy, as the Kaggle snapshot's would be within a few percent.

| papers | wall s | s per 1M papers | ${phaseNames.join(' s | ')} s | passes | best epoch | peak RSS GB | paper table MB | weights MB | SGD windows MB | disk cache GB |
|---:|---:|---:|${phaseNames.map(() => '---:').join('|')}|---:|---:|---:|---:|---:|---:|---:|
${trainRows.join('\n')}

Targets: 2.7M papers in ≤ 5 min wall and ≤ 3 GB peak RSS, memory flat in the corpus size.

On the held-out months:

| model | top-1 | train wall s | peak RSS GB | time |
|---|---:|---:|---:|---:|
| ours, trained on ${rows[0]!.papers.toLocaleString('en')} papers | ${f(evals[0]!.accuracy)} | ${rows[0]!.wall.toFixed(1)} | ${gb(rows[0]!.train.peakRssMb)} | |
| ours, trained on ${biggest.papers.toLocaleString('en')} papers | ${f(evals[1]!.accuracy)} | ${biggest.wall.toFixed(1)} | ${gb(biggest.train.peakRssMb)} | |
${ftRows}

Target: ours at least 3× faster than fastText on the same file. fastText runs twice: with the learner bench's settings (5 epochs), and with as many passes as ours made here.

Classifying all ${biggest.papers.toLocaleString('en')} papers (GNU time's peak RSS; targets ≤ 1 GB and ≥ 20,000 papers/s):

| command | papers/s | wall s | peak RSS GB |
|---|---:|---:|---:|
| \`evaluate --data\` (${biggest.papers.toLocaleString('en')} papers) | ${Math.round(biggest.papers / evalBig.wall).toLocaleString('en')} | ${evalBig.wall.toFixed(1)} | ${gb(evalBig.rssMb)} |
| \`classify --input … --out predictions.jsonl\` | ${Math.round(classifyBigJson.papersPerSecond).toLocaleString('en')} | ${classifyBig.wall.toFixed(1)} | ${gb(classifyBig.rssMb)} |

(evaluate's accuracy on the training file itself, ${f(evalBigJson.accuracy)}, only shows it read every paper.)
`;
  return {
    title: TITLE,
    command: `${BUILD_COMMAND} && npm run bench -- scale  # ${commands.join(' ; ').replaceAll(ROOT + '/', '')}`,
    markdown,
    json: { train: rows.map((r) => ({ ...r.train, corpusPapers: r.papers, wallSeconds: r.wall })), heldOut: evals, evaluateAll: { wall: evalBig.wall, rssMb: evalBig.rssMb }, classifyAll: { wall: classifyBig.wall, rssMb: classifyBig.rssMb, ...classifyBigJson }, fastText },
  };
}

