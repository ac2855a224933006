/**
 * Output layers: turn raw scores into probabilities and the gradient of the loss w.r.t. the
 * scores. Softmax for one label per paper, independent sigmoids (one-vs-rest) for several.
 */

/** In place: scores → softmax probabilities. Returns the log-sum-exp for the loss. */
export function softmaxInPlace(s: Float64Array | Float32Array, n: number): number {
  let max = -Infinity;
  for (let c = 0; c < n; c++) if (s[c]! > max) max = s[c]!;
  let sum = 0;
  for (let c = 0; c < n; c++) {
    const e = Math.exp(s[c]! - max);
    s[c] = e;
    sum += e;
  }
  const inv = 1 / sum;
  for (let c = 0; c < n; c++) s[c]! *= inv;
  return max + Math.log(sum);
}

export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}
