/**
 * Run the CLI in a child process, as a user would, so that its peak RSS and CPU time are its own
 * (the benchmark process holds data of its own). The CLI runs compiled, as installed
 * (`arxiv-classifier` is dist/cli/bin.js): under tsx every worker thread also carries tsx's loader,
 * which adds about 30 MB of RSS per thread. The build goes to .bench/dist (git-ignored).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(ROOT, '.bench', 'dist');
/** How the CLI used by the benchmarks is built, for the record. */
export const BUILD_COMMAND = 'npx tsc -p tsconfig.build.json --outDir .bench/dist --declaration false';

let built = false;

/** Compile src/ to .bench/dist once per benchmark run; returns the CLI entry point. */
export function buildCli(): string {
  const bin = join(DIST, 'cli', 'bin.js');
  if (!built) {
    rmSync(DIST, { recursive: true, force: true });
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    // Type errors elsewhere still emit JavaScript; only a missing entry point is fatal.
    const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', DIST, '--declaration', 'false'], { cwd: ROOT, encoding: 'utf8' });
    if (!existsSync(bin)) throw new Error(`building the CLI failed:\n${r.stdout}${r.stderr}`);
    built = true;
  }
  return bin;
}

export interface ChildRun<T> {
  /** What the command printed on stdout, parsed as JSON. */
  json: T;
  /** Wall-clock seconds of the whole child, start-up included. */
  wallSeconds: number;
  /** The command line, relative to the repository root. */
  command: string;
  stderr: string;
}

/** `node .bench/dist/cli/bin.js ...args`, run from the repository root. */
export async function runCli<T>(args: string[]): Promise<ChildRun<T>> {
  const bin = buildCli();
  const argv = [bin, ...args];
  const command = ['node', '.bench/dist/cli/bin.js', ...args].map((a) => (/^[\w./:=@$-]+$/.test(a) ? a : `'${a}'`)).join(' ');
  const started = performance.now();
  const child = spawn(process.execPath, argv, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CI: '1' } });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (b: Buffer) => out.push(b));
  child.stderr.on('data', (b: Buffer) => err.push(b));
  const code = await new Promise<number>((res, rej) => {
    child.on('error', rej);
    child.on('close', (c) => res(c ?? 1));
  });
  const wallSeconds = (performance.now() - started) / 1000;
  const stderr = Buffer.concat(err).toString('utf8');
  if (code !== 0) throw new Error(`${command} exited with ${code}:\n${stderr}`);
  return { json: JSON.parse(Buffer.concat(out).toString('utf8')) as T, wallSeconds, command, stderr };
}
