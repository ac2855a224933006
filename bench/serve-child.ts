/**
 * `serve` in a child process for the benchmarks (compiled, as installed; see child.ts), and the
 * figures its /metrics gives: what the serve and reliability sections measure a server by.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { buildCli, ROOT } from './child.js';

export interface ServeChild {
  child: ChildProcess;
  url: string;
}

/** `serve --port 0 --feedback-db none --web none ...args`; resolves once it listens. */
export async function startServeChild(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<ServeChild> {
  const bin = buildCli();
  const full = ['serve', '--port', '0', '--feedback-db', 'none', '--web', 'none', ...args];
  const child = spawn(process.execPath, [bin, ...full], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], env });
  let err = '';
  const url = await new Promise<string>((res, rej) => {
    child.stderr!.on('data', (b: Buffer) => {
      err += b.toString();
      const m = /listening on (http:\/\/\S+)/.exec(err);
      if (m) res(m[1]!);
    });
    child.on('exit', (code) => rej(new Error(`serve exited with ${code}:\n${err}`)));
  });
  return { child, url };
}

export async function stopServeChild(s: ServeChild): Promise<void> {
  if (s.child.exitCode !== null || s.child.signalCode !== null) return;
  await new Promise<void>((res) => {
    s.child.once('exit', () => res());
    s.child.kill('SIGTERM');
  });
}

async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(new RegExp(`^${name} ([0-9.e+-]+)$`, 'm').exec(text)?.[1] ?? NaN);
}

export const rssBytes = (url: string): Promise<number> => metric(url, 'axc_process_resident_memory_bytes');
/** CPU seconds the serving processes have used: on a shared machine, a measure other work does not skew. */
export const cpuSeconds = (url: string): Promise<number> => metric(url, 'axc_process_cpu_seconds_total');
