import type { PaperRecord } from '../../src/corpus/record.js';
import { seededRng } from '../../src/corpus/random.js';

/** Topic words per category: a small corpus a linear model must separate almost perfectly. */
export const TOPICS: Record<string, string[]> = {
  'cs.CV': ['image', 'segmentation', 'convolutional', 'pixel', 'detection', 'camera', 'visual', 'object'],
  'hep-th': ['string', 'brane', 'holography', 'gauge', 'supersymmetry', 'duality', 'anomaly', 'bulk'],
  'math.NT': ['prime', 'modular', 'zeta', 'arithmetic', 'congruence', 'diophantine', 'galois', 'integer'],
  'q-bio.NC': ['neurons', 'cortex', 'spiking', 'synaptic', 'brain', 'neural', 'firing', 'cognition'],
};
const FILLER = ['we', 'study', 'the', 'a', 'new', 'method', 'results', 'show', 'that', 'our', 'approach', 'model', 'paper', 'propose'];

/** Papers whose primary is one topic; every third paper is cross-listed to the next topic. */
export function syntheticPapers(perClass: number, seed: number): PaperRecord[] {
  const rng = seededRng(seed);
  const codes = Object.keys(TOPICS);
  const pick = (xs: string[]) => xs[Math.floor(rng() * xs.length)]!;
  const out: PaperRecord[] = [];
  let id = 0;
  for (let i = 0; i < perClass; i++) {
    for (let c = 0; c < codes.length; c++) {
      const code = codes[c]!;
      const cross = codes[(c + 1) % codes.length]!;
      const isCross = i % 3 === 0;
      const words: string[] = [];
      for (let w = 0; w < 30; w++) {
        const r = rng();
        words.push(r < 0.4 ? pick(TOPICS[code]!) : isCross && r < 0.55 ? pick(TOPICS[cross]!) : pick(FILLER));
      }
      const title = `${pick(TOPICS[code]!)} ${pick(FILLER)} ${pick(TOPICS[code]!)}`;
      const categories = isCross ? [code, cross] : [code];
      out.push({ id: `2401.${String(id++).padStart(5, '0')}`, title, abstract: words.join(' '), categories, primary: code });
    }
  }
  return out;
}
