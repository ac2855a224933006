/**
 * Milliseconds each of `call(0)` … `call(count − 1)` took, made one at a time: what a caller who
 * sends one request at a time waits. Summaries live with the metrics (evaluation/latency.ts); this
 * is the timing alone, so that a prediction thread can time calls on its own model.
 */
export function callTimes(count: number, call: (i: number) => void): Float64Array {
  const ms = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    call(i);
    ms[i] = performance.now() - t0;
  }
  return ms;
}
