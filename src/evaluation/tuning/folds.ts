import { seededRng, shuffle } from '../../corpus/random.js';
import type { PaperRecord } from '../../corpus/record.js';

/**
 * Stratified k-fold assignment: the papers of each primary category are shuffled (seeded) and
 * dealt to the folds in turn, continuing where the previous class stopped, so every fold gets
 * its share of each class and the fold sizes differ by at most one. Returns the fold of each
 * paper, in corpus order.
 */
export function stratifiedFolds(papers: readonly PaperRecord[], k: number, seed: number): Int32Array {
  if (!Number.isInteger(k) || k < 2) throw new RangeError(`folds must be an integer >= 2, got ${k}`);
  if (papers.length < k) throw new RangeError(`${k} folds need at least ${k} papers, got ${papers.length}`);
  const byClass = new Map<string, number[]>();
  papers.forEach((p, i) => {
    const list = byClass.get(p.primary);
    if (list) list.push(i);
    else byClass.set(p.primary, [i]);
  });
  const rng = seededRng(seed);
  const fold = new Int32Array(papers.length);
  let next = 0;
  for (const code of [...byClass.keys()].sort()) {
    for (const i of shuffle(byClass.get(code)!, rng)) {
      fold[i] = next;
      next = (next + 1) % k;
    }
  }
  return fold;
}

/** Train and held-out papers of fold `f`. */
export function foldSplit(papers: readonly PaperRecord[], folds: Int32Array, f: number): { train: PaperRecord[]; heldOut: PaperRecord[] } {
  const train: PaperRecord[] = [];
  const heldOut: PaperRecord[] = [];
  papers.forEach((p, i) => (folds[i] === f ? heldOut : train).push(p));
  return { train, heldOut };
}
