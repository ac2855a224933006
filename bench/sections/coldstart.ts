/**
 * Cold start: wall time from launching the CLI to its first prediction with the shipped model
 * (`arxiv-classifier classify --title …`, no --model), as fresh processes one after another, next
 * to a bare `node -e 0` for the share that is Node's own start-up. A second child times the
 * phases inside one process (import, read, decode, build, first and second prediction). The
 * target is 1.5 s. Runs the compiled CLI (bench/child.ts), with .bench/models linked to models/
 * so the default model resolves exactly as in an installed package.
 */
import { spawn } from 'node:child_process';
import { existsSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildCli, ROOT } from '../child.js';
import type { SectionResult } from '../run.js';

const RUNS = Number(process.env.AXC_BENCH_COLDSTART_RUNS ?? 10);
const TARGET_SECONDS = 1.5;
const TITLE = 'Free electron trajectories in graphene';

interface Timed {
  seconds: number;
  stdout: string;
}

async function timeProcess(args: string[]): Promise<Timed> {
  const started = performance.now();
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const code = await new Promise<number>((ok, fail) => {
    child.on('error', fail);
    child.on('close', (c) => ok(c ?? 1));
  });
  const seconds = (performance.now() - started) / 1000;
  if (code !== 0) throw new Error(`node ${args.join(' ')} exited with ${code}:\n${stderr}`);
  return { seconds, stdout };
}

function stats(xs: number[]): { first: number; median: number; min: number; max: number } {
  const s = [...xs].sort((a, b) => a - b);
  const r = (x: number) => Math.round(x * 1000) / 1000;
  return { first: r(xs[0]!), median: r(s[Math.floor(s.length / 2)]!), min: r(s[0]!), max: r(s[s.length - 1]!) };
}

/** A script that times the phases of a cold start inside one process, using the compiled modules. */
function phaseScript(dist: string, model: string): string {
  const u = (p: string) => JSON.stringify(pathToFileURL(join(dist, p)).href);
  return `
const t0 = performance.now();
await import(${u('cli/main.js')});
const { defaultModelPath } = await import(${u('models/load-model.js')});
const { decodeModelFile } = await import(${u('models/file/model-codec.js')});
const { modelFromContents } = await import(${u('models/open-model.js')});
const { readFile } = await import('node:fs/promises');
const t1 = performance.now();
const path = defaultModelPath();
if (path !== ${JSON.stringify(model)}) throw new Error('default model resolved to ' + path);
const bytes = await readFile(path);
const t2 = performance.now();
const contents = decodeModelFile(bytes, path);
const t3 = performance.now();
const model = modelFromContents(contents, path);
const t4 = performance.now();
const p = model.predict({ title: ${JSON.stringify(TITLE)} });
const t5 = performance.now();
model.predict({ title: 'Dark matter halos of dwarf galaxies' });
const t6 = performance.now();
console.log(JSON.stringify({ nodeStartMs: t0, importMs: t1 - t0, readMs: t2 - t1, decodeMs: t3 - t2, buildMs: t4 - t3, firstPredictMs: t5 - t4, secondPredictMs: t6 - t5, top: p.labels[0].code }));
`;
}

export async function run(): Promise<SectionResult> {
  const bin = buildCli();
  const dist = join(ROOT, '.bench', 'dist');
  // load-model.js finds the model at ../../models from its own file, as in the package.
  const linked = join(ROOT, '.bench', 'models');
  if (!existsSync(linked)) symlinkSync(join(ROOT, 'models'), linked, 'dir');
  const model = join(linked, 'primary.axcm');

  const cli: number[] = [];
  const node: number[] = [];
  let answer = '';
  for (let i = 0; i < RUNS; i++) {
    const r = await timeProcess([bin, 'classify', '--title', TITLE, '--json']);
    answer = (JSON.parse(r.stdout) as { labels: { code: string }[] }).labels[0]!.code;
    cli.push(r.seconds);
    node.push((await timeProcess(['-e', '0'])).seconds);
    process.stderr.write(`  run ${i + 1}/${RUNS}: ${r.seconds.toFixed(3)} s\n`);
  }
  const phasesRuns: Record<string, number | string>[] = [];
  for (let i = 0; i < 3; i++) {
    const r = await timeProcess(['--input-type=module', '-e', phaseScript(dist, model)]);
    phasesRuns.push(JSON.parse(r.stdout) as Record<string, number | string>);
  }
  const keys = ['nodeStartMs', 'importMs', 'readMs', 'decodeMs', 'buildMs', 'firstPredictMs', 'secondPredictMs'];
  const phases = Object.fromEntries(keys.map((k) => [k, Math.round(stats(phasesRuns.map((p) => p[k] as number)).median)]));

  const c = stats(cli);
  const n = stats(node);
  const command = `node .bench/dist/cli/bin.js classify --title "${TITLE}" --json`;
  const markdown = `${RUNS} fresh processes of \`${command}\` (the shipped model, no \`--model\`), one
after another, each timed from spawn to exit, with \`node -e 0\` between them for Node's own
start-up. Top answer: \`${answer}\`.

| | first | median | min | max |
| --- | ---: | ---: | ---: | ---: |
| CLI classify, fresh process (s) | ${c.first} | ${c.median} | ${c.min} | ${c.max} |
| \`node -e 0\` (s) | ${n.first} | ${n.median} | ${n.min} | ${n.max} |

Target ≤ ${TARGET_SECONDS} s: **${c.median <= TARGET_SECONDS ? 'met' : 'missed'}** (median; worst run ${c.max} s).

Where the time goes inside one process (median of 3 runs, ms; the model file is ${(statSync(model).size / 1e6).toFixed(1)} MB):

| phase | ms |
| --- | ---: |
| Node start-up, before user code | ${phases.nodeStartMs} |
| imports (CLI and model code) | ${phases.importMs} |
| read the model file | ${phases.readMs} |
| decode (CRC-32 over the file, tensor views) | ${phases.decodeMs} |
| build the model (vocabulary index) | ${phases.buildMs} |
| first prediction (kernel memory set up, the int8 weights copied into it, wasm kernels compiled) | ${phases.firstPredictMs} |
| second prediction | ${phases.secondPredictMs} |
`;
  return {
    title: 'Cold start (CLI, first prediction with the shipped model)',
    command: 'npm run bench -- coldstart',
    markdown,
    json: { runs: RUNS, cliSeconds: cli, nodeSeconds: node, cli: c, node: n, targetSeconds: TARGET_SECONDS, met: c.median <= TARGET_SECONDS, phases, answer },
  };
}
