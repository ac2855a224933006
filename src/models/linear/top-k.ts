/** Indices of the k largest values, best first; ties go to the lower index. */
export function topK(p: Float64Array, k: number): number[] {
  const best: number[] = [];
  for (let c = 0; c < p.length; c++) {
    const v = p[c]!;
    if (best.length === k && v <= p[best[k - 1]!]!) continue;
    let i = best.length === k ? k - 1 : best.length;
    while (i > 0 && p[best[i - 1]!]! < v) {
      best[i] = best[i - 1]!;
      i--;
    }
    best[i] = c;
  }
  return best;
}
