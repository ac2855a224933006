/**
 * 32-bit hashes for tokens and n-grams. Features are keyed by hash rather than by string so the
 * vocabulary is a pair of typed arrays (compact, fast to build and to ship in a browser); the
 * input text supplies the strings back when a prediction is explained.
 */

export const FNV_OFFSET = 0x811c9dc5;
export const FNV_PRIME = 0x01000193;

/** FNV-1a over UTF-16 code units, then murmur3's finaliser for avalanche. */
export function hashString(s: string): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, FNV_PRIME);
  }
  return fmix32(h);
}

export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Hash of an n-gram from the hash of its prefix and the next token; order-sensitive. */
export function combineHash(prefix: number, next: number): number {
  return fmix32((Math.imul(prefix, 0x9e3779b1) ^ next) + 0x7f4a7c15);
}
