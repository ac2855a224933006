/**
 * An open-addressing map from 32-bit keys to non-negative int32 values on typed arrays: the
 * vocabulary (n-gram hash → feature index) and document-frequency counts live in these, because a
 * JS Map of millions of entries costs ten times the memory and time.
 */
export class HashIndex {
  keys: Uint32Array;
  values: Int32Array;
  size = 0;
  private mask: number;

  constructor(capacity = 1024) {
    let cap = 16;
    while (cap < capacity * 2) cap *= 2;
    this.keys = new Uint32Array(cap);
    this.values = new Int32Array(cap).fill(-1);
    this.mask = cap - 1;
  }

  get capacity(): number {
    return this.keys.length;
  }

  private slot(key: number): number {
    let s = (key ^ (key >>> 15)) & this.mask;
    const keys = this.keys;
    const values = this.values;
    while (values[s]! >= 0 && keys[s] !== key) s = (s + 1) & this.mask;
    return s;
  }

  get(key: number): number {
    const s = this.slot(key);
    return this.values[s]!;
  }

  set(key: number, value: number): void {
    const s = this.slot(key);
    if (this.values[s]! < 0) {
      this.keys[s] = key;
      this.size++;
      this.values[s] = value;
      if (this.size * 2 > this.keys.length) this.rehash(this.keys.length * 2);
      return;
    }
    this.values[s] = value;
  }

  /** Add `by` to the value under key (starting from 0). */
  increment(key: number, by = 1): void {
    const s = this.slot(key);
    if (this.values[s]! < 0) {
      this.keys[s] = key;
      this.values[s] = by;
      this.size++;
      if (this.size * 2 > this.keys.length) this.rehash(this.keys.length * 2);
      return;
    }
    this.values[s]! += by;
  }

  forEach(fn: (key: number, value: number) => void): void {
    const keys = this.keys;
    const values = this.values;
    for (let s = 0; s < keys.length; s++) if (values[s]! >= 0) fn(keys[s]!, values[s]!);
  }

  private rehash(cap: number): void {
    const oldKeys = this.keys;
    const oldValues = this.values;
    this.keys = new Uint32Array(cap);
    this.values = new Int32Array(cap).fill(-1);
    this.mask = cap - 1;
    for (let s = 0; s < oldKeys.length; s++) {
      if (oldValues[s]! >= 0) {
        const t = this.slot(oldKeys[s]!);
        this.keys[t] = oldKeys[s]!;
        this.values[t] = oldValues[s]!;
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
