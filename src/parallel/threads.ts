import { availableParallelism } from 'node:os';

/**
 * Worker threads a command uses when not told how many: every core, at most eight (scoring and
 * SGD gain little past that, and each thread holds a copy of its scratch).
 */
export function defaultThreads(): number {
  return Math.max(1, Math.min(availableParallelism(), 8));
}
