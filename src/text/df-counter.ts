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
/**
 * Slots of the small table that counts the common terms as they arrive (512 KB, near the CPU):
 * on the shared corpus 62% of a share's hashes are counted there, and only the rest are buffered
 * for countDistinct, which made counting 23% faster.
 */
const HOT_BITS = 16;

export class DfCounter {
  private readonly table: HashIndex;
  private buffer = new Uint32Array(BUFFER_HASHES);
  private used = 0;
  /** Slot s counts hotCounts[s] papers of the term hotKeys[s]; a count of 0 is an empty slot. */
  private readonly hotKeys = new Int32Array(1 << HOT_BITS);
  private readonly hotCounts = new Int32Array(1 << HOT_BITS);
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
    const keys = this.hotKeys;
    const counts = this.hotCounts;
    const shift = 32 - HOT_BITS;
    // A power of two: the share is the low bits, without the float division % takes on hashes past 2^31.
    const pow2 = (this.shares & (this.shares - 1)) === 0;
    const mask = this.shares - 1;
    const share = this.share;
    let used = this.used;
    for (let k = 0; k < hashes.length; k++) {
      const h = hashes[k]!;
      if (pow2 ? (h & mask) !== share : !this.owns(h)) continue;
      // The first term to reach an empty slot keeps it until the next flush; a common term gets
      // there early, and a clash goes to the buffer.
      const slot = Math.imul(h, 0x85ebca6b) >>> shift;
      const c = counts[slot]!;
      if (c === 0) {
        keys[slot] = h | 0;
        counts[slot] = 1;
      } else if (keys[slot] === (h | 0)) counts[slot] = c + 1;
      else buffer[used++] = h;
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
    // The buffer is small enough (16 MB) to partition in one pass, without countDistinct's scratch-saving groups.
    const { keys, counts } = countDistinct(this.buffer.subarray(0, this.used), 1);
    this.used = 0;
    for (let i = 0; i < keys.length; i++) this.add(keys[i]!, counts[i]!);
    const hotKeys = this.hotKeys;
    const hotCounts = this.hotCounts;
    for (let slot = 0; slot < hotCounts.length; slot++) {
      const c = hotCounts[slot]!;
      if (c === 0) continue;
      this.add(hotKeys[slot]! >>> 0, c);
      hotCounts[slot] = 0;
    }
  }

  private add(key: number, count: number): void {
    this.table.increment(key, count);
    if (this.table.size >= this.maxTerms) this.prune();
  }

  /** Drop the rarest terms until at most half the bound is used. */
  private prune(): void {
    this.prunes++;
    for (let below = 2; this.table.size > this.maxTerms / 2; below *= 2) this.table.retain((v) => v >= below);
  }
}
