/**
 * Training on the whole shared corpus (all 315k papers; the trainer holds out its 5% validation
 * slice), as `arxiv-classifier train` with the default settings on 2 threads: wall time of the
 * whole command (loading, training, saving), the trainer's phases and peak RSS, over several runs
 * because this machine's speed varies from run to run. Targets: ≤ 60 s wall, ≤ 4 GB RSS.
 * AXC_BENCH_TRAIN_FULL_RUNS sets the number of runs (default 3).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BUILD_COMMAND, ROOT, runCli } from '../child.js';
import type { SectionResult } from '../run.js';

const SHARED = resolve(ROOT, '..', 'shared/data/arxiv-papers.jsonl.gz');
const WORK = join(ROOT, '.bench', 'train-full');
const RUNS = Number(process.env.AXC_BENCH_TRAIN_FULL_RUNS ?? 3);
const TITLE = 'Training on the whole shared corpus';

interface TrainJson {
  seconds: number;
  papers: number;
  validPapers: number;
  bestEpoch: number;
  peakRssMb: number;
  phases: Record<string, number>;
}

export async function run(): Promise<SectionResult> {
  if (!existsSync(SHARED)) return { title: TITLE, command: 'npm run bench -- train-full', markdown: `Skipped: ${SHARED} is absent.`, json: { skipped: true } };
  mkdirSync(WORK, { recursive: true });
  const runs: { wall: number; report: TrainJson }[] = [];
  let command = '';
  for (let i = 0; i < RUNS; i++) {
    // Relative to the repository root (where the CLI runs), so the recorded command is one to copy.
    const r = await runCli<TrainJson>(['train', '--data', SHARED, '--task', 'primary', '--threads', '2', '--out', '.bench/train-full/primary.axcm', '--json']);
    command = r.command.replace(SHARED, '../shared/data/arxiv-papers.jsonl.gz');
    runs.push({ wall: r.wallSeconds, report: r.json });
    process.stderr.write(`  run ${i + 1}: ${r.wallSeconds.toFixed(1)} s wall\n`);
  }
  const walls = runs.map((r) => r.wall).sort((a, b) => a - b);
  const median = walls[Math.floor(walls.length / 2)]!;
  const phaseNames = Object.keys(runs[0]!.report.phases);
  const rows = runs.map((r, i) => `| ${i + 1} | **${r.wall.toFixed(1)}** | ${r.report.seconds.toFixed(1)} | ${phaseNames.map((p) => r.report.phases[p]!.toFixed(1)).join(' | ')} | ${r.report.bestEpoch} | ${(r.report.peakRssMb / 1024).toFixed(2)} |`);
  const first = runs[0]!.report;
  const markdown = `All ${first.papers + first.validPapers} papers of ../shared/data/arxiv-papers.jsonl.gz (${first.papers} trained on, ${first.validPapers} held out
for early stopping and calibration), default settings, 2 threads, ${RUNS} runs one after another.
Wall is the whole command as a user runs it (start-up, loading and parsing the gzip corpus,
training, saving); trainer seconds and phases come from its report. Targets: ≤ 60 s wall, peak
RSS ≤ 4 GB.

| run | wall s | trainer s | ${phaseNames.join(' s | ')} s | best epoch | peak RSS GB |
|---:|---:|---:|${phaseNames.map(() => '---:').join('|')}|---:|---:|
${rows.join('\n')}

Median wall: **${median.toFixed(1)} s** (fastest ${walls[0]!.toFixed(1)}, slowest ${walls[walls.length - 1]!.toFixed(1)}). This 2-core machine is
shared: the same run varies by ±10% from one hour to the next.
`;
  return {
    title: TITLE,
    command: `${BUILD_COMMAND} && ${command}  # ${RUNS} times`,
    markdown,
    json: { runs: runs.map((r) => ({ wallSeconds: r.wall, ...r.report })), medianWallSeconds: median },
  };
}
