/**
 * Latency summaries: percentiles of per-call times, as `numpy.percentile` computes them with its
 * default `method='linear'` (the value at fractional rank q·(n − 1), interpolated between the two
 * neighbouring order statistics), so numbers agree with the Python tooling people compare against.
 */
import { callTimes } from '../base/call-times.js';

export interface LatencyStats {
  /** Calls measured. */
  calls: number;
  meanMs: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** q-th percentile (0 ≤ q ≤ 100) of `values` with numpy's default linear interpolation; 0 when empty. */
export function percentile(values: ArrayLike<number>, q: number): number {
  if (!(q >= 0 && q <= 100)) throw new RangeError(`percentile q must be in [0, 100], got ${q}`);
  const n = values.length;
  if (n === 0) return 0;
  const sorted = Float64Array.from(values).sort();
  const pos = (q / 100) * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo]! + (pos - lo) * (sorted[hi]! - sorted[lo]!);
}

/** Mean, median, p90, p99 and max of per-call times in milliseconds. */
export function summarizeLatency(ms: ArrayLike<number>): LatencyStats {
  let sum = 0;
  let max = 0;
  for (let i = 0; i < ms.length; i++) {
    sum += ms[i]!;
    if (ms[i]! > max) max = ms[i]!;
  }
  return {
    calls: ms.length,
    meanMs: ms.length ? sum / ms.length : 0,
    p50Ms: percentile(ms, 50),
    p90Ms: percentile(ms, 90),
    p99Ms: percentile(ms, 99),
    maxMs: max,
  };
}

/**
 * Time `call(i)` for i = 0 … count − 1, one call at a time: the latency a user who classifies one
 * paper per request sees, as opposed to batch throughput.
 */
export function measureLatency(count: number, call: (i: number) => void): LatencyStats {
  return summarizeLatency(callTimes(count, call));
}
