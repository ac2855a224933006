/**
 * An open-addressing map from 32-bit keys to non-negative int32 values on typed arrays: the
 * vocabulary (n-gram hash → feature index) and document-frequency counts live in these, because a
 * JS Map of millions of entries costs ten times the memory and time.
 *
 * Key and value share one slot pair in a single array, so a probe touches one cache line: most
 * lookups while vectorising are misses (a paper's rare n-grams), and each miss walks a probe chain
 * through a table far larger than the cache.
 */
export class HashIndex {
  /** Slot s holds its key (as int32 bits) at 2s and its value at 2s + 1; value -1 = empty. */
  private slots: Int32Array;
  size = 0;
  private mask: number;
  /** 32 - log2(capacity): a key's home slot is the top bits of its multiplicative hash. */
  private shift: number;
  /**
   * Optional one-hash Bloom filter over the keys (see `withFilter`): most lookups while
   * vectorising are misses, and a bit in a table that stays in the CPU cache answers them
   * without touching the slot array.
   */
  private filter: Int32Array | null = null;
  private filterShift = 32;

  constructor(capacity = 1024) {
    let cap = 16;
    while (cap < capacity * 2) cap *= 2;
    this.slots = emptySlots(cap);
    this.mask = cap - 1;
    this.shift = 32 - Math.log2(cap);
  }

  get capacity(): number {
    return this.mask + 1;
  }

  /** Index into `slots` of the key's pair, or of the empty pair where it would go. */
  private find(key: number): number {
    const k = key | 0;
    const slots = this.slots;
    // Multiplicative hashing: keys that share bits still spread over the whole table.
    let s = Math.imul(key, 0x9e3779b1) >>> this.shift;
    for (;;) {
      const at = s << 1;
      if (slots[at + 1]! < 0 || slots[at] === k) return at;
      s = (s + 1) & this.mask;
    }
  }

  get(key: number): number {
    const f = this.filter;
    if (f !== null) {
      const b = Math.imul(key, 0x9e3779b1) >>> this.filterShift;
      if ((f[b >>> 5]! & (1 << (b & 31))) === 0) return -1;
    }
    return this.slots[this.find(key) + 1]!;
  }

  /**
   * Answer misses from a bit table of 2^bits bits (128 KiB for 20): for a read-only index, such as
   * a vocabulary. Keys added later are added to it too.
   */
  withFilter(bits = 20): this {
    this.filter = new Int32Array(1 << Math.max(0, bits - 5));
    this.filterShift = 32 - bits;
    this.forEach((k) => this.mark(k));
    return this;
  }

  private mark(key: number): void {
    if (this.filter === null) return;
    const b = Math.imul(key, 0x9e3779b1) >>> this.filterShift;
    this.filter[b >>> 5]! |= 1 << (b & 31);
  }

  set(key: number, value: number): void {
    this.mark(key);
    const at = this.find(key);
    const isNew = this.slots[at + 1]! < 0;
    this.slots[at] = key | 0;
    this.slots[at + 1] = value;
    if (isNew && ++this.size * 2 > this.capacity) this.rehash(this.capacity * 2);
  }

  /** Add `by` to the value under key (starting from 0). */
  increment(key: number, by = 1): void {
    this.mark(key);
    const at = this.find(key);
    if (this.slots[at + 1]! < 0) {
      this.slots[at] = key | 0;
      this.slots[at + 1] = by;
      if (++this.size * 2 > this.capacity) this.rehash(this.capacity * 2);
      return;
    }
    this.slots[at + 1]! += by;
  }

  forEach(fn: (key: number, value: number) => void): void {
    const slots = this.slots;
    for (let at = 0; at < slots.length; at += 2) if (slots[at + 1]! >= 0) fn(slots[at]! >>> 0, slots[at + 1]!);
  }

  /** Keep only the entries whose value passes `keep`, in place (same capacity). */
  retain(keep: (value: number) => boolean): void {
    const old = this.slots;
    this.slots = emptySlots(this.capacity);
    this.size = 0;
    for (let at = 0; at < old.length; at += 2) {
      const v = old[at + 1]!;
      if (v < 0 || !keep(v)) continue;
      const t = this.find(old[at]! >>> 0);
      this.slots[t] = old[at]!;
      this.slots[t + 1] = v;
      this.size++;
    }
  }

  private rehash(cap: number): void {
    const old = this.slots;
    this.slots = emptySlots(cap);
    this.mask = cap - 1;
    this.shift = 32 - Math.log2(cap);
    for (let at = 0; at < old.length; at += 2) {
      if (old[at + 1]! >= 0) {
        const t = this.find(old[at]! >>> 0);
        this.slots[t] = old[at]!;
        this.slots[t + 1] = old[at + 1]!;
      }
    }
  }

  /** Rebuild from parallel key/value arrays, e.g. after loading a model file. */
  static from(keys: Uint32Array, values: Int32Array): HashIndex {
    const idx = new HashIndex(keys.length);
    for (let i = 0; i < keys.length; i++) idx.set(keys[i]!, values[i]!);
    return idx;
  }
}

function emptySlots(cap: number): Int32Array {
  const slots = new Int32Array(cap * 2);
  for (let at = 1; at < slots.length; at += 2) slots[at] = -1;
  return slots;
}
