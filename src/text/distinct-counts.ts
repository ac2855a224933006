import { resizableBuffer } from '../base/resizable-buffer.js';

/**
 * The distinct values of a large array of 32-bit hashes, each with how often it occurs: document
 * frequencies from every paper's distinct terms (tens of millions of hashes, millions distinct).
 *
 * Incrementing one big hash table takes a cache miss per hash. Instead the hashes are first
 * partitioned (a sequential pass), then each partition is counted in a small table that stays
 * near the CPU (the training report's `terms` phase shows the effect). Partitions are the top bits
 * of the multiplicative hash that HashIndex places keys by, so the output, in partition order,
 * fills a HashIndex front to back.
 *
 * The partitioned copy is made a group of partitions at a time, each group one more sequential
 * pass over the input, so the scratch is a fraction of the input rather than all of it: training
 * threads count their document frequencies together, and scratch the size of their terms was
 * once the peak of training's memory.
 */
const PARTITION_BITS = 10;
const GOLDEN = 0x9e3779b1;
/** The partitioned copy holds at most this share of the input at a time (or one whole partition). */
const SCRATCH_SHARE = 1 / 4;

export interface DistinctCounts {
  keys: Uint32Array;
  counts: Int32Array;
}

export function countDistinct(hashes: Uint32Array, scratchShare = SCRATCH_SHARE): DistinctCounts {
  if (!(scratchShare > 0)) throw new RangeError(`scratchShare must be > 0, got ${scratchShare}`);
  const n = hashes.length;
  const partitions = 1 << PARTITION_BITS;
  const shift = 32 - PARTITION_BITS;
  const start = new Int32Array(partitions + 1);
  for (let i = 0; i < n; i++) start[(Math.imul(hashes[i]!, GOLDEN) >>> shift) + 1]!++;
  let longest = 0;
  for (let p = 0; p < partitions; p++) {
    longest = Math.max(longest, start[p + 1]!);
    start[p + 1]! += start[p]!;
  }
  const limit = Math.max(longest, Math.ceil(n * scratchShare), 1);
  // Resizable, so all three are given back on return (resizable-buffer.ts).
  const scratchBuffer = resizableBuffer(limit * 4, limit * 4);
  const scratch = new Uint32Array(scratchBuffer);
  const keyBuffer = resizableBuffer(0, Math.max(n, 16) * 4);
  const countBuffer = resizableBuffer(0, Math.max(n, 16) * 4);
  let keys = new Uint32Array(keyBuffer);
  let counts = new Int32Array(countBuffer);
  let cap = 16;
  while (cap < longest * 2) cap *= 2;
  // Slot s: key bits at 2s, count at 2s + 1 (0 = empty), so a probe reads one cache line.
  const table = new Int32Array(cap * 2);
  const fill = new Int32Array(partitions);
  let out = 0;
  for (let first = 0; first < partitions; ) {
    let end = first + 1;
    while (end < partitions && start[end + 1]! - start[first]! <= limit) end++;
    const base = start[first]!;
    for (let p = first; p < end; p++) fill[p] = start[p]! - base;
    for (let i = 0; i < n; i++) {
      const h = hashes[i]!;
      const p = Math.imul(h, GOLDEN) >>> shift;
      if (p >= first && p < end) scratch[fill[p]!++] = h;
    }
    for (let p = first; p < end; p++) {
      const a = start[p]! - base;
      const z = start[p + 1]! - base;
      if (a === z) continue;
      let size = 16;
      while (size < (z - a) * 2) size *= 2;
      const mask = size - 1;
      table.fill(0, 0, size * 2);
      for (let i = a; i < z; i++) {
        const h = scratch[i]!;
        let s = (h ^ (h >>> 15)) & mask;
        for (;;) {
          const at = s << 1;
          if (table[at + 1] === 0) {
            table[at] = h | 0;
            table[at + 1] = 1;
            break;
          }
          if (table[at] === (h | 0)) {
            table[at + 1]!++;
            break;
          }
          s = (s + 1) & mask;
        }
      }
      if (out + (z - a) > keys.length) {
        // In place, so an eighth at a time is enough: doubling would hold up to twice the output.
        const bytes = Math.min(keyBuffer.maxByteLength, Math.max((out + z - a) * 4, (keys.length + (keys.length >>> 3)) * 4, 1 << 16));
        keyBuffer.resize(bytes);
        countBuffer.resize(bytes);
        keys = new Uint32Array(keyBuffer);
        counts = new Int32Array(countBuffer);
      }
      for (let s = 0; s < size; s++) {
        const c = table[2 * s + 1]!;
        if (c === 0) continue;
        keys[out] = table[2 * s]! >>> 0;
        counts[out++] = c;
      }
    }
    first = end;
  }
  const result = { keys: keys.slice(0, out), counts: counts.slice(0, out) };
  scratchBuffer.resize(0);
  keyBuffer.resize(0);
  countBuffer.resize(0);
  return result;
}
