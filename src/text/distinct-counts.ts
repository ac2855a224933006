/**
 * The distinct values of a large array of 32-bit hashes, each with how often it occurs: document
 * frequencies from every paper's distinct terms (tens of millions of hashes, millions distinct).
 *
 * Incrementing one big hash table takes a cache miss per hash. Instead the hashes are first
 * partitioned (a sequential pass), then each partition is counted in a small table that stays
 * near the CPU (the training report's `terms` phase shows the effect). Partitions are the top bits
 * of the multiplicative hash that HashIndex places keys by, so the output, in partition order,
 * fills a HashIndex front to back.
 */
const PARTITION_BITS = 10;
const GOLDEN = 0x9e3779b1;

export interface DistinctCounts {
  keys: Uint32Array;
  counts: Int32Array;
}

export function countDistinct(hashes: Uint32Array): DistinctCounts {
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
  const fill = start.slice(0, partitions);
  // Partitioned hashes; their distinct values are then written back over them, partition by
  // partition: a partition's output never overtakes its own input.
  const keys = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const h = hashes[i]!;
    keys[fill[Math.imul(h, GOLDEN) >>> shift]!++] = h;
  }
  let counts = new Int32Array(Math.max(16, n >>> 3));
  let cap = 16;
  while (cap < longest * 2) cap *= 2;
  // Slot s: key bits at 2s, count at 2s + 1 (0 = empty), so a probe reads one cache line.
  const table = new Int32Array(cap * 2);
  let out = 0;
  for (let p = 0; p < partitions; p++) {
    const a = start[p]!;
    const z = start[p + 1]!;
    if (a === z) continue;
    let size = 16;
    while (size < (z - a) * 2) size *= 2;
    const mask = size - 1;
    table.fill(0, 0, size * 2);
    for (let i = a; i < z; i++) {
      const h = keys[i]!;
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
    for (let s = 0; s < size; s++) {
      const c = table[2 * s + 1]!;
      if (c === 0) continue;
      if (out === counts.length) {
        const grown = new Int32Array(counts.length * 2);
        grown.set(counts);
        counts = grown;
      }
      keys[out] = table[2 * s]! >>> 0;
      counts[out++] = c;
    }
  }
  return { keys: keys.slice(0, out), counts: counts.slice(0, out) };
}
