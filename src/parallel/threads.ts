import { availableParallelism } from 'node:os';

/**
 * Worker threads a command uses when not told how many: every core, at most eight (scoring and
 * SGD gain little past that, and each thread holds a copy of its scratch). `besideCaller`: the
 * calling thread keeps working too (the server's own thread takes a slice of every large batch),
 * so one fewer.
 */
export function defaultThreads(options: { besideCaller?: boolean } = {}): number {
  const all = Math.max(1, Math.min(availableParallelism(), 8));
  return options.besideCaller ? all - 1 : all;
}
