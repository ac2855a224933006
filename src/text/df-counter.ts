import { countDistinct } from './distinct-counts.js';
import { HashIndex } from './hash-index.js';

/**
 * Document frequencies of one share of the term hashes, counted as rows stream past: each
 * training thread counts the terms whose hash falls in its share over all training papers, so the
 * shares never overlap and each thread can pick its vocabulary candidates alone.
 *
 * Hashes wait in a buffer and are counted a buffer at a time (countDistinct keeps that cache
 * friendly), then added to one table. The table is bounded: past `maxTerms` distinct terms, those
 * seen in the fewest papers so far are dropped (fastText prunes its dictionary the same way). A
 * dropped term that comes back starts again from its later papers, so its count falls short; the
 * terms a vocabulary keeps are seen in hundreds of papers and are never near the cut. Below
 * `maxTerms` (every corpus up to a few million papers with word bigrams) counting is exact.
 */
export const DEFAULT_MAX_DF_TERMS = 1 << 23;
const BUFFER_HASHES = 1 << 22;

export class DfCounter {
  private readonly table: HashIndex;
  private buffer = new Uint32Array(BUFFER_HASHES);
  private used = 0;
  /** Times the table was pruned; 0 means every count is exact. */
  prunes = 0;

  constructor(
    private readonly share: number,
    private readonly shares: number,
    private readonly maxTerms = DEFAULT_MAX_DF_TERMS,
  ) {
    this.table = new HashIndex(Math.min(maxTerms, 1 << 20));
  }

  /**
   * Whether a hash is this counter's to count. By its low bits: HashIndex and countDistinct place
   * keys by the top bits of a multiplicative hash, and a share chosen by those would crowd every
   * key into one part of their tables.
   */
  owns(h: number): boolean {
    return (h >>> 0) % this.shares === this.share;
  }

  /** One paper's distinct term hashes. */
  addRow(hashes: Uint32Array): void {
    if (this.used + hashes.length > this.buffer.length) this.flush();
    if (hashes.length > this.buffer.length) this.buffer = new Uint32Array(hashes.length);
    const buffer = this.buffer;
    let used = this.used;
    if (this.shares === 1) {
      buffer.set(hashes, used);
      used += hashes.length;
    } else if ((this.shares & (this.shares - 1)) === 0) {
      // A power of two: the share is the low bits, without the float division % takes on hashes past 2^31.
      const mask = this.shares - 1;
      for (let k = 0; k < hashes.length; k++) {
        const h = hashes[k]!;
        if ((h & mask) === this.share) buffer[used++] = h;
      }
    } else {
      for (let k = 0; k < hashes.length; k++) {
        const h = hashes[k]!;
        if (this.owns(h)) buffer[used++] = h;
      }
    }
    this.used = used;
  }

  /** Distinct terms counted (after any pruning). */
  get size(): number {
    this.flush();
    return this.table.size;
  }

  /** Terms seen in at least `minDf` papers, with their counts. */
  candidates(minDf: number): { keys: Uint32Array; counts: Int32Array } {
    this.flush();
    let n = 0;
    this.table.forEach((_, v) => {
      if (v >= minDf) n++;
    });
    const keys = new Uint32Array(n);
    const counts = new Int32Array(n);
    let i = 0;
    this.table.forEach((k, v) => {
      if (v < minDf) return;
      keys[i] = k;
      counts[i++] = v;
    });
    return { keys, counts };
  }

  private flush(): void {
    if (this.used === 0) return;
    // The buffer is small enough (16 MB) to partition in one pass, without countDistinct's scratch-saving groups.
    const { keys, counts } = countDistinct(this.buffer.subarray(0, this.used), 1);
    this.used = 0;
    for (let i = 0; i < keys.length; i++) {
      this.table.increment(keys[i]!, counts[i]!);
      if (this.table.size >= this.maxTerms) this.prune();
    }
  }

  /** Drop the rarest terms until at most half the bound is used. */
  private prune(): void {
    this.prunes++;
    for (let below = 2; this.table.size > this.maxTerms / 2; below *= 2) this.table.retain((v) => v >= below);
  }
}
