import { availableParallelism } from 'node:os';

/**
 * Worker threads a command uses when not told how many: every core, at most eight (scoring and
 * SGD gain little past that, and each thread holds a copy of its scratch). `besideCaller`: the
 * calling thread keeps working too (the server's own thread takes a slice of every large batch),
 * so one fewer.
 */
/**
 * The most threads (or worker processes) any command starts when told to. Each holds its own
 * copy of a model or of the weights (30 to 500 MB), so a mistyped --threads 1000 would fill memory
 * long before it did any work; no machine this runs on has use for more.
 */
export const MAX_THREADS = 64;

export function defaultThreads(options: { besideCaller?: boolean } = {}): number {
  const all = Math.max(1, Math.min(availableParallelism(), 8));
  return options.besideCaller ? all - 1 : all;
}
