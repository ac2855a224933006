import { TermHasher, type TermOptions } from './terms.js';
import type { Vocabulary } from './vocabulary.js';

/** Bits of the filter that answers most misses (128 KiB for 20): it stays in the CPU cache. */
const FILTER_BITS = 20;

/**
 * One paper → its TF-IDF row over a fixed vocabulary, for prediction. Unlike `TermCounter` +
 * `vectorizeTerms` (which training needs, to count every term before the vocabulary exists), each
 * n-gram is looked up in the vocabulary as it is made and counted where it is found: most n-grams
 * are not features, and a Bloom filter drops them before they touch the table. Rows come out
 * identical to the two-step path: features in first-seen order, weights added in the same order.
 *
 * The table is this class's own rather than the vocabulary's index: a slot holds the term, its
 * feature, its IDF and the paper's running count side by side, so a feature costs one cache line
 * where separate key, count and IDF arrays cost three. Between papers the model's weights stream
 * through the cache and evict these tables, so those lines are mostly misses.
 */
export class FeatureCounter {
  /** Four 32-bit words a slot: term (int32 bits), feature + 1 (0: empty), IDF, count (float32). */
  private readonly slots: Int32Array;
  private readonly slotFloats: Float32Array;
  private readonly mask: number;
  private readonly shift: number;
  private readonly filter = new Int32Array(1 << (FILTER_BITS - 5));
  /** Slot offsets (into `slots`) of the features of the paper being counted, first-seen order. */
  private touched = new Int32Array(1024);
  private size = 0;
  private readonly terms: TermHasher;

  constructor(
    readonly vocab: Vocabulary,
    readonly options: TermOptions,
  ) {
    let cap = 16;
    while (cap < vocab.size * 2) cap *= 2;
    this.slots = new Int32Array(cap * 4);
    this.slotFloats = new Float32Array(this.slots.buffer);
    this.mask = cap - 1;
    this.shift = 32 - Math.log2(cap);
    for (let f = 0; f < vocab.size; f++) {
      const key = vocab.terms[f]!;
      const b = Math.imul(key, 0x9e3779b1) >>> (32 - FILTER_BITS);
      this.filter[b >>> 5]! |= 1 << (b & 31);
      let s = Math.imul(key, 0x9e3779b1) >>> this.shift;
      while (this.slots[(s << 2) + 1] !== 0) s = (s + 1) & this.mask;
      this.slots[s << 2] = key | 0;
      this.slots[(s << 2) + 1] = f + 1;
      this.slotFloats[(s << 2) + 2] = vocab.idf[f]!;
    }
    this.terms = new TermHasher(options.ngrams, options.charNgrams ?? 0);
  }

  /**
   * Writes the L2-normalised sublinear TF-IDF row of one paper into `outIdx`/`outVal` and returns
   * its number of features; a paper with more distinct features than `outIdx` holds keeps its first.
   */
  vectorize(title: string, abstract: string, outIdx: Int32Array, outVal: Float32Array): number {
    this.size = 0;
    this.addField(title, this.options.titleWeight);
    this.addField(abstract, 1);
    const slots = this.slots;
    const floats = this.slotFloats;
    const touched = this.touched;
    const n = Math.min(this.size, outIdx.length);
    let norm = 0;
    for (let k = 0; k < n; k++) {
      const at = touched[k]!;
      const t = floats[at + 3]!;
      // Sublinear TF; weights below 1 (a down-weighted title) stay linear so they never turn negative.
      const v = (t >= 1 ? 1 + Math.log(t) : t) * floats[at + 2]!;
      outIdx[k] = slots[at + 1]! - 1;
      outVal[k] = v;
      norm += v * v;
    }
    for (let k = 0; k < this.size; k++) floats[touched[k]! + 3] = 0;
    if (n === 0) return 0;
    const inv = 1 / Math.sqrt(norm);
    for (let k = 0; k < n; k++) outVal[k]! *= inv;
    return n;
  }

  private addField(text: string, weight: number): void {
    if (!text || weight <= 0) return;
    const n = this.terms.hash(text);
    const h = this.terms.hashes;
    const { slots, filter, mask, shift } = this;
    const floats = this.slotFloats;
    for (let k = 0; k < n; k++) {
      const key = h[k]!;
      const mixed = Math.imul(key, 0x9e3779b1);
      const b = mixed >>> (32 - FILTER_BITS);
      if ((filter[b >>> 5]! & (1 << (b & 31))) === 0) continue;
      const want = key | 0;
      let s = mixed >>> shift;
      let at = s << 2;
      while (slots[at] !== want || slots[at + 1] === 0) {
        if (slots[at + 1] === 0) break;
        s = (s + 1) & mask;
        at = s << 2;
      }
      if (slots[at + 1] === 0) continue; // a filter false positive: not a feature
      // Weights are positive, so zero means "not seen yet in this paper".
      if (floats[at + 3] === 0) {
        if (this.size === this.touched.length) {
          const t = new Int32Array(this.size * 2);
          t.set(this.touched);
          this.touched = t;
        }
        this.touched[this.size++] = at;
      }
      floats[at + 3]! += weight;
    }
  }
}
