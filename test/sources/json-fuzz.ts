/** Helpers for the fuzz tests: of the byte-level JSON code (the ingest fast path and its SIMD copy), the readers, the server. */

/** xorshift32: a small seeded generator, so a failing input can be found again. */
export function rng(seed: number): () => number {
  let s = seed;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 2 ** 32;
  };
}

/** One of `items`, chosen by `r`. */
export function pick<T>(r: () => number, items: readonly T[]): T {
  return items[Math.floor(r() * items.length)]!;
}

/**
 * A JSON string literal for `s`: what JSON needs escaped is escaped, and any other character
 * also with probability `escapeRate`, either as a short escape (\n, \/, …) or as \uXXXX (either case).
 */
export function encodeRandomly(s: string, r: () => number, escapeRate: number): string {
  let out = '"';
  for (const ch of s.split('')) {
    const code = ch.charCodeAt(0);
    const mustEscape = code < 0x20 || ch === '"' || ch === '\\' || (code >= 0xd800 && code <= 0xdfff);
    if (mustEscape || r() < escapeRate) {
      const short: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\t': '\\t', '\r': '\\r', '\f': '\\f', '\b': '\\b', '/': '\\/' };
      if (short[ch] && r() < 0.7) out += short[ch];
      else {
        const hex = code.toString(16).padStart(4, '0');
        out += '\\u' + (r() < 0.5 ? hex : hex.toUpperCase());
      }
    } else out += ch;
  }
  return out + '"';
}
