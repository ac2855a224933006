import { HashIndex } from './hash-index.js';

/** Which n-grams become features; stored in the model file. */
export interface VocabularyOptions {
  /** Drop terms seen in fewer documents than this. */
  minDf: number;
  /** Keep at most this many terms, the most frequent first. */
  maxFeatures: number;
}

export const DEFAULT_VOCABULARY_OPTIONS: VocabularyOptions = { minDf: 3, maxFeatures: 200_000 };

/**
 * Feature space over hashed n-grams: term hash → feature index, with smoothed IDF
 * (ln((1 + n) / (1 + df)) + 1, as scikit-learn's TfidfVectorizer) per feature.
 */
export class Vocabulary {
  private built: HashIndex | undefined;

  constructor(
    readonly terms: Uint32Array,
    readonly idf: Float32Array,
  ) {}

  /**
   * Term hash → feature index, built on first use: training's vectorizeTerms needs it, while
   * prediction looks terms up in FeatureCounter's own table, so a loaded model never builds it.
   */
  get index(): HashIndex {
    this.built ??= HashIndex.from(this.terms, Int32Array.from(this.terms, (_, i) => i)).withFilter();
    return this.built;
  }

  get size(): number {
    return this.terms.length;
  }

  /**
   * Select features from document frequencies: the `maxFeatures` most frequent terms with df ≥
   * minDf, most frequent first, ties broken by hash so the choice is deterministic. Millions of
   * terms are candidates; only the chosen ones are sorted (a df histogram finds the cut-off).
   */
  static fromDocumentFrequencies(df: HashIndex, documents: number, options: VocabularyOptions): Vocabulary {
    let maxCount = 0;
    df.forEach((_, v) => {
      if (v > maxCount) maxCount = v;
    });
    const histogram = new Int32Array(maxCount + 2);
    df.forEach((_, v) => {
      if (v >= options.minDf) histogram[v]!++;
    });
    // Terms with df above `cut` all fit; of those with df == cut, `room` fit (the lowest hashes).
    let cut = Math.max(options.minDf, 1);
    let taken = 0;
    for (let v = maxCount; v >= cut; v--) {
      if (taken + histogram[v]! >= options.maxFeatures) {
        cut = v;
        break;
      }
      taken += histogram[v]!;
    }
    const room = Math.max(0, options.maxFeatures - taken);
    const keys: number[] = [];
    const counts: number[] = [];
    const ties: number[] = [];
    df.forEach((k, v) => {
      if (v > cut) {
        keys.push(k);
        counts.push(v);
      } else if (v === cut) ties.push(k);
    });
    const tied = Uint32Array.from(ties).sort();
    for (let i = 0; i < Math.min(room, tied.length); i++) {
      keys.push(tied[i]!);
      counts.push(cut);
    }
    const order = Array.from(keys.keys());
    order.sort((a, b) => counts[b]! - counts[a]! || keys[a]! - keys[b]!);
    const n = order.length;
    const terms = new Uint32Array(n);
    const idf = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const o = order[i]!;
      terms[i] = keys[o]!;
      idf[i] = Math.log((1 + documents) / (1 + counts[o]!)) + 1;
    }
    return new Vocabulary(terms, idf);
  }
}

/**
 * Turn one document's term counts into an L2-normalised sublinear TF-IDF row. Returns the number
 * of features written into `outIdx`/`outVal`; a document with more features than `outIdx` holds
 * keeps its first, normalised over those (as FeatureCounter.vectorize).
 */
export function vectorizeTerms(
  vocab: Vocabulary,
  hashes: Uint32Array,
  tf: Float32Array,
  size: number,
  outIdx: Int32Array,
  outVal: Float32Array,
): number {
  const index = vocab.index;
  const idf = vocab.idf;
  let n = 0;
  let norm = 0;
  const cap = outIdx.length;
  for (let k = 0; k < size && n < cap; k++) {
    const f = index.get(hashes[k]!);
    if (f < 0) continue;
    const t = tf[k]!;
    // Sublinear TF; weights below 1 (a down-weighted title) stay linear so they never turn negative.
    const v = (t >= 1 ? 1 + Math.log(t) : t) * idf[f]!;
    outIdx[n] = f;
    outVal[n] = v;
    norm += v * v;
    n++;
  }
  if (n === 0) return 0;
  const inv = 1 / Math.sqrt(norm);
  for (let k = 0; k < n; k++) outVal[k]! *= inv;
  return n;
}
