import { TermHasher, type TermOptions } from './terms.js';
import type { Vocabulary } from './vocabulary.js';

/**
 * One paper → its TF-IDF row over a fixed vocabulary, for prediction. Unlike `TermCounter` +
 * `vectorizeTerms` (which training needs, to count every term before the vocabulary exists), each
 * n-gram is looked up in the vocabulary as it is made and counted by feature index in a dense
 * array: most n-grams are not features, and the vocabulary's filter drops them before they cost a
 * hash-table insert. Rows come out identical to the two-step path: features in first-seen order,
 * weights added in the same order.
 */
export class FeatureCounter {
  /** Weighted count per feature; zero outside the features of the paper being counted. */
  private readonly tf: Float32Array;
  private touched = new Int32Array(1024);
  private size = 0;
  private readonly terms: TermHasher;

  constructor(
    readonly vocab: Vocabulary,
    readonly options: TermOptions,
  ) {
    this.tf = new Float32Array(vocab.size);
    this.terms = new TermHasher(options.ngrams);
  }

  /**
   * Writes the L2-normalised sublinear TF-IDF row of one paper into `outIdx`/`outVal` and returns
   * its number of features; a paper with more distinct features than `outIdx` holds keeps its first.
   */
  vectorize(title: string, abstract: string, outIdx: Int32Array, outVal: Float32Array): number {
    this.size = 0;
    this.addField(title, this.options.titleWeight);
    this.addField(abstract, 1);
    const tf = this.tf;
    const idf = this.vocab.idf;
    const touched = this.touched;
    const n = Math.min(this.size, outIdx.length);
    let norm = 0;
    for (let k = 0; k < n; k++) {
      const f = touched[k]!;
      const t = tf[f]!;
      // Sublinear TF; weights below 1 (a down-weighted title) stay linear so they never turn negative.
      const v = (t >= 1 ? 1 + Math.log(t) : t) * idf[f]!;
      outIdx[k] = f;
      outVal[k] = v;
      norm += v * v;
    }
    for (let k = 0; k < this.size; k++) tf[touched[k]!] = 0;
    if (n === 0) return 0;
    const inv = 1 / Math.sqrt(norm);
    for (let k = 0; k < n; k++) outVal[k]! *= inv;
    return n;
  }

  private add(h: number, w: number): void {
    const f = this.vocab.index.get(h);
    if (f < 0) return;
    // Weights are positive, so zero means "not seen yet in this paper".
    if (this.tf[f] === 0) {
      if (this.size === this.touched.length) {
        const t = new Int32Array(this.size * 2);
        t.set(this.touched);
        this.touched = t;
      }
      this.touched[this.size++] = f;
    }
    this.tf[f]! += w;
  }

  private addField(text: string, weight: number): void {
    if (!text || weight <= 0) return;
    const n = this.terms.hash(text);
    const h = this.terms.hashes;
    for (let k = 0; k < n; k++) this.add(h[k]!, weight);
  }
}
