/**
 * Constant-memory-ish duplicate detection for ingestion: paper ids are reduced to a 64-bit hash
 * (two independent 32-bit string hashes) and kept in an open-addressing table on typed arrays, so
 * millions of ids cost about 16 bytes each instead of a Map of strings. With 2.7M ids (the Kaggle
 * OAI snapshot) the chance that two different ids share a 64-bit hash is about 2e-7.
 */

/** Both halves of an id's 64-bit hash, written into `out[0]` and `out[1]` (no allocation). */
export function hashId(id: string, out: Uint32Array | number[], at = 0): void {
  // FNV-1a and a murmur3-style mix with its own seed, each over UTF-16 code units, each finalised
  // with fmix32 so that ids differing in one character spread over the whole table.
  let h1 = 0x811c9dc5;
  let h2 = 0x9747b28c;
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    let k = Math.imul(c, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h2 ^= Math.imul(k, 0x1b873593);
    h2 = (h2 << 13) | (h2 >>> 19);
    h2 = (Math.imul(h2, 5) + 0xe6546b64) | 0;
  }
  out[at] = fmix32(h1 ^ id.length) >>> 0;
  out[at + 1] = fmix32(h2 ^ id.length) >>> 0;
}

/**
 * hashId of an ASCII id given as bytes b[s..e) (each byte is then its UTF-16 code unit), for the
 * ingest fast path, which never decodes plain ids to strings. Not for non-ASCII ids.
 */
export function hashIdBytes(b: Uint8Array, s: number, e: number, out: Uint32Array | number[], at = 0): void {
  let h1 = 0x811c9dc5;
  let h2 = 0x9747b28c;
  for (let i = s; i < e; i++) {
    const c = b[i]!;
    h1 = Math.imul(h1 ^ c, 0x01000193);
    let k = Math.imul(c, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h2 ^= Math.imul(k, 0x1b873593);
    h2 = (h2 << 13) | (h2 >>> 19);
    h2 = (Math.imul(h2, 5) + 0xe6546b64) | 0;
  }
  out[at] = fmix32(h1 ^ (e - s)) >>> 0;
  out[at + 1] = fmix32(h2 ^ (e - s)) >>> 0;
}

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}

const MAX_VERSION = 0xffff;
/** Grow when more than 3/4 of the slots are used: probes stay short, memory stays small. */
const MAX_LOAD_NUM = 3;
const MAX_LOAD_DEN = 4;

/**
 * Maps an id hash to the best record seen for it (its index in output order and its version).
 * Slots hold record index + 1, so zero-filled arrays are empty tables.
 */
export class IdTable {
  private hi: Uint32Array;
  private lo: Uint32Array;
  private best: Int32Array;
  private version: Uint16Array;
  private mask: number;
  /** Number of distinct ids. */
  size = 0;
  /** After an `offer` that found the id: the version the table held for it before. */
  previousVersion = 0;

  constructor(initialCapacity = 1 << 16) {
    let cap = 16;
    while (cap < initialCapacity) cap *= 2;
    this.hi = new Uint32Array(cap);
    this.lo = new Uint32Array(cap);
    this.best = new Int32Array(cap);
    this.version = new Uint16Array(cap);
    this.mask = cap - 1;
  }

  /** Slots allocated (a power of two). */
  get capacity(): number {
    return this.mask + 1;
  }

  /** Bytes held by the table's arrays. */
  get bytes(): number {
    return this.capacity * (4 + 4 + 4 + 2);
  }

  /**
   * Offer record `index` (with `version`) for the id whose hash is (h1, h2). Returns -1 when the id
   * is new; otherwise the index of the record that loses: the earlier one when the new version is
   * at least as high (the later record wins ties), else `index` itself.
   */
  offer(h1: number, h2: number, index: number, version: number): number {
    const v = version > MAX_VERSION ? MAX_VERSION : version < 0 ? 0 : version | 0;
    let slot = h1 & this.mask;
    for (;;) {
      const b = this.best[slot]!;
      if (b === 0) break;
      if (this.hi[slot] === h1 >>> 0 && this.lo[slot] === h2 >>> 0) {
        this.previousVersion = this.version[slot]!;
        if (v >= this.previousVersion) {
          this.best[slot] = index + 1;
          this.version[slot] = v;
          return b - 1;
        }
        return index;
      }
      slot = (slot + 1) & this.mask;
    }
    this.hi[slot] = h1;
    this.lo[slot] = h2;
    this.best[slot] = index + 1;
    this.version[slot] = v;
    this.size++;
    if (this.size * MAX_LOAD_DEN > this.capacity * MAX_LOAD_NUM) this.grow();
    return -1;
  }

  /** The best record index for a hash, or -1. */
  get(h1: number, h2: number): number {
    let slot = h1 & this.mask;
    for (;;) {
      const b = this.best[slot]!;
      if (b === 0) return -1;
      if (this.hi[slot] === h1 >>> 0 && this.lo[slot] === h2 >>> 0) return b - 1;
      slot = (slot + 1) & this.mask;
    }
  }

  private grow(): void {
    const { hi, lo, best, version } = this;
    const cap = hi.length * 2;
    this.hi = new Uint32Array(cap);
    this.lo = new Uint32Array(cap);
    this.best = new Int32Array(cap);
    this.version = new Uint16Array(cap);
    this.mask = cap - 1;
    for (let i = 0; i < hi.length; i++) {
      const b = best[i]!;
      if (b === 0) continue;
      let slot = hi[i]! & this.mask;
      while (this.best[slot] !== 0) slot = (slot + 1) & this.mask;
      this.hi[slot] = hi[i]!;
      this.lo[slot] = lo[i]!;
      this.best[slot] = b;
      this.version[slot] = version[i]!;
    }
  }
}

/** A growable set of small non-negative integers (record indices) as a bitmap. */
export class BitSet {
  private words: Uint32Array;
  /** Number of bits set. */
  count = 0;

  constructor(initialBits = 1 << 16) {
    this.words = new Uint32Array(Math.max(1, Math.ceil(initialBits / 32)));
  }

  add(i: number): void {
    const w = i >>> 5;
    if (w >= this.words.length) {
      let n = this.words.length * 2;
      while (n <= w) n *= 2;
      const words = new Uint32Array(n);
      words.set(this.words);
      this.words = words;
    }
    const bit = 1 << (i & 31);
    if ((this.words[w]! & bit) === 0) {
      this.words[w] = this.words[w]! | bit;
      this.count++;
    }
  }

  has(i: number): boolean {
    const w = i >>> 5;
    return w < this.words.length && (this.words[w]! & (1 << (i & 31))) !== 0;
  }
}
