// The prediction-time feature counter (src/text/feature-counter.ts) in WebAssembly, written in
// AssemblyScript: tokenising a paper, hashing its words, word n-grams and character n-grams and
// looking each up in the vocabulary took more of the time it takes to classify one than the
// weights did. It does exactly what the TypeScript path does (TokenSpans.scan in
// src/text/tokenize.ts, TermHasher in terms.ts and FeatureCounter.addField), so both give the same
// features in the same order; a test compares them. Keep them in step.
//
// Compiled by `node scripts/build-kernels.mjs` into src/text/feature-counter-wasm.ts (base64). It
// imports its memory (env.memory); the TypeScript side lays the regions out and passes their byte
// offsets to `init`:
//   word     u8[65536]   1 where a UTF-16 code unit is part of a word (tokenize.ts's WORD)
//   filter   i32[2^15]   the vocabulary's one-hash Bloom filter over 2^20 bits
//   slots    i32[4 cap]  the vocabulary table: key, feature + 1 (0: empty), IDF (f32), count (f32)
//   text     u16[...]    the field being counted, case-folded
//   bytes    u8[...]     an ASCII field as bytes, before countAscii widens it into text
//   toks     u32[...]    the field's token hashes
//   starts   i32[...]    where each token starts in text (-1: '#' or '$math$', not spelt there)
//   ends     i32[...]    and ends, for character n-grams
//   touched  i32[...]    slot offsets (in i32s) of the paper's features, first-seen order
//   fmt      3 u32 each  formatting command names (hash, offset in u16s of its chars, length)
//   stops    2 u32 each  the English function words' hashes (stop-words.ts): 1 where a slot is
//                        taken, then the hash; open addressing on the hash's low bits
//
// While counting a field it also counts its words as KnownWords.count (known-words.ts) does, so
// that the reliability signal of a prediction needs no second tokenisation: words (tokens spelt
// in the text: not '#' or '$math$'), the function words among them, the others (content), and
// the content words that are features. They add up over a paper's fields until `resetWords`.

const FNV_OFFSET: u32 = 0x811c9dc5;
const FNV_PRIME: u32 = 0x01000193;
const GOLDEN: u32 = 0x9e3779b1;
const FILTER_BITS: u32 = 20;
/** Word-boundary marks around a word for its character n-grams, and the salt of their hashes (terms.ts). */
const OPEN: u32 = 60;
const CLOSE: u32 = 62;
const CHAR_GRAM_SALT: u32 = 0x2c1b3c6d;

let word: usize = 0;
let filter: usize = 0;
let slots: usize = 0;
let mask: u32 = 0;
let shift: u32 = 0;
let text: usize = 0;
let bytes: usize = 0;
let toks: usize = 0;
let starts: usize = 0;
let ends: usize = 0;
let touched: usize = 0;
let fmt: usize = 0;
let fmtCount: i32 = 0;
let hashNum: u32 = 0;
let hashMath: u32 = 0;
let ntok: i32 = 0;
let stops: usize = 0;
let stopMask: u32 = 0;
/** Whether the last `add` found its term among the features. */
let found: bool = false;
let words: i32 = 0;
let functionWords: i32 = 0;
let contentWords: i32 = 0;
let knownWords: i32 = 0;

export function init(
  wordAt: usize,
  filterAt: usize,
  slotsAt: usize,
  slotMask: u32,
  slotShift: u32,
  textAt: usize,
  bytesAt: usize,
  toksAt: usize,
  startsAt: usize,
  endsAt: usize,
  touchedAt: usize,
  fmtAt: usize,
  fmtN: i32,
  numHash: u32,
  mathHash: u32,
  stopsAt: usize,
  stopSlotMask: u32,
): void {
  word = wordAt;
  filter = filterAt;
  slots = slotsAt;
  mask = slotMask;
  shift = slotShift;
  text = textAt;
  bytes = bytesAt;
  toks = toksAt;
  starts = startsAt;
  ends = endsAt;
  touched = touchedAt;
  fmt = fmtAt;
  fmtCount = fmtN;
  hashNum = numHash;
  hashMath = mathHash;
  stops = stopsAt;
  stopMask = stopSlotMask;
}

export function resetWords(): void {
  words = 0;
  functionWords = 0;
  contentWords = 0;
  knownWords = 0;
}

/** The word counts since `resetWords`: 0 words, 1 function words, 2 content words, 3 known content words. */
export function wordCount(which: i32): i32 {
  return which == 0 ? words : which == 1 ? functionWords : which == 2 ? contentWords : knownWords;
}

/** Whether a token hash is an English function word's. */
function isStop(h: u32): bool {
  let s = h & stopMask;
  while (load<u32>(stops + (<usize>s << 3)) != 0) {
    if (load<u32>(stops + (<usize>s << 3), 4) == h) return true;
    s = (s + 1) & stopMask;
  }
  return false;
}

@inline function fmix32(h: u32): u32 {
  h ^= h >>> 16;
  h *= 0x85ebca6b;
  h ^= h >>> 13;
  h *= 0xc2b2ae35;
  h ^= h >>> 16;
  return h;
}

@inline function combine(prefix: u32, next: u32): u32 {
  return fmix32(((prefix * GOLDEN) ^ next) + 0x7f4a7c15);
}

@inline function ch(i: i32): u32 {
  return <u32>load<u16>(text + (<usize>i << 1));
}

@inline function isWord(c: u32): bool {
  return load<u8>(word + <usize>c) != 0;
}

@inline function isDigit(c: u32): bool {
  return c - 48 < 10;
}

/** FNV-1a of text[a..z), as hashString. */
function spanHash(a: i32, z: i32): u32 {
  let h = FNV_OFFSET;
  for (let i = a; i < z; i++) {
    h ^= ch(i);
    h *= FNV_PRIME;
  }
  return fmix32(h);
}

/** A token: its hash, and where it is spelt in text (a = -1 where it is not). */
@inline function push(h: u32, a: i32, z: i32): void {
  const at = <usize>ntok << 2;
  store<u32>(toks + at, h);
  store<i32>(starts + at, a);
  store<i32>(ends + at, z);
  ntok++;
}

@inline function pushSpan(a: i32, z: i32): void {
  push(spanHash(a, z), a, z);
}

/** A word from a to z, after number shaping and dropping single letters (TokenSpans.pushWord). */
function pushWord(a: i32, z: i32): void {
  const c0 = ch(a);
  if (isDigit(c0)) {
    let i = a + 1;
    while (i < z && isDigit(ch(i))) i++;
    if (i == z) {
      push(hashNum, -1, 0);
      return;
    }
    if (i - a >= 2 && z - i >= 2) {
      let letters = true;
      for (let k = i; k < z; k++) {
        if (isDigit(ch(k))) {
          letters = false;
          break;
        }
      }
      if (letters) {
        push(hashNum, -1, 0);
        pushSpan(i, z);
        return;
      }
    }
  }
  if (z - a == 1 && c0 - 97 < 26) return;
  pushSpan(a, z);
}

/** Whether text[a..z), whose hash is h, is a formatting command's name. */
function isFormatting(h: u32, a: i32, z: i32): bool {
  for (let e = 0; e < fmtCount; e++) {
    const p = fmt + <usize>e * 12;
    if (load<u32>(p) != h || <i32>load<u32>(p, 8) != z - a) continue;
    const at = <usize>load<u32>(p, 4);
    let same = true;
    for (let k = 0; k < z - a; k++) {
      if (<u32>load<u16>((at + <usize>k) << 1) != ch(a + k)) {
        same = false;
        break;
      }
    }
    if (same) return true;
  }
  return false;
}

/** The token hashes of text[0..n) into toks (TokenSpans.scan, then TokenSpans.hash of each). */
function scan(n: i32): void {
  ntok = 0;
  let i = 0;
  let inMath = false;
  while (i < n) {
    const code = ch(i);
    if (isWord(code)) {
      const start = i;
      let parts = 1;
      let j = i + 1;
      while (true) {
        while (j < n && isWord(ch(j))) j++;
        if (!inMath && j + 1 < n && ch(j) == 45 && isWord(ch(j + 1))) {
          parts++;
          j++;
          continue;
        }
        break;
      }
      if (parts == 1) pushWord(start, j);
      else {
        let a = start;
        for (let k = start; k <= j; k++) {
          if (k == j || ch(k) == 45) {
            pushWord(a, k);
            a = k + 1;
          }
        }
        if (parts <= 4) pushSpan(start, j);
      }
      i = j;
      if (i + 1 < n && (ch(i) == 39 || ch(i) == 8217) && isWord(ch(i + 1))) {
        i++;
        while (i < n && isWord(ch(i))) i++;
      }
      continue;
    }
    if (code == 36) {
      if (i + 1 < n && ch(i + 1) == 36) i++;
      inMath = !inMath;
      if (inMath) push(hashMath, -1, 0);
      i++;
      continue;
    }
    if (code == 92) {
      const next: u32 = i + 1 < n ? ch(i + 1) : 0;
      if (next == 40 || next == 91) {
        inMath = true;
        push(hashMath, -1, 0);
        i += 2;
        continue;
      }
      if (next == 41 || next == 93) {
        inMath = false;
        i += 2;
        continue;
      }
      let j = i + 1;
      while (j < n && ch(j) - 97 < 26) j++;
      if (j > i + 2) {
        const h = spanHash(i + 1, j);
        if (!isFormatting(h, i + 1, j)) push(h, i + 1, j);
      }
      i = j > i + 1 ? j : i + 2;
      continue;
    }
    i++;
  }
}

/** Counts one term if it is a feature (FeatureCounter.addField's loop body); returns the new size. */
function add(key: u32, weight: f64, size: i32): i32 {
  found = false;
  const mixed = key * GOLDEN;
  const b = mixed >>> (32 - FILTER_BITS);
  if ((load<u32>(filter + (<usize>(b >>> 5) << 2)) & (<u32>1 << (b & 31))) == 0) return size;
  let s = mixed >>> shift;
  let at = slots + (<usize>s << 4);
  while (true) {
    if (load<i32>(at, 4) == 0) return size;
    if (load<u32>(at) == key) break;
    s = (s + 1) & mask;
    at = slots + (<usize>s << 4);
  }
  found = true;
  const count = load<f32>(at, 12);
  if (count == 0) {
    store<i32>(touched + (<usize>size << 2), <i32>((at - slots) >> 2));
    size++;
  }
  // In float64 then rounded, as the TypeScript path adds a number to a Float32Array element.
  store<f32>(at, <f32>(<f64>count + weight), 12);
  return size;
}

/** Hash of the character n-gram of the word text[a..z) (marked with < and >) from marked position p, length n (charGramHash). */
function charGramHash(a: i32, z: i32, p: i32, n: i32): u32 {
  const len = z - a + 2;
  let h = FNV_OFFSET;
  for (let q = p; q < p + n; q++) {
    h ^= q == 0 ? OPEN : q == len - 1 ? CLOSE : ch(a + q - 1);
    h *= FNV_PRIME;
  }
  return fmix32(h ^ CHAR_GRAM_SALT);
}

/**
 * Counts the features of the case-folded field text[0..n) with `weight`, after `size` features
 * already touched by this paper; returns the new number touched. Terms go in TermHasher's order:
 * the tokens, then each word n-gram order in turn, then each word's character n-grams of length
 * `charN` (0: none).
 */
export function count(n: i32, ngrams: i32, charN: i32, weight: f64, size: i32): i32 {
  scan(n);
  const t = ntok;
  for (let i = 0; i < t; i++) {
    const h = load<u32>(toks + (<usize>i << 2));
    size = add(h, weight, size);
    if (load<i32>(starts + (<usize>i << 2)) < 0) continue;
    words++;
    if (isStop(h)) functionWords++;
    else {
      contentWords++;
      if (found) knownWords++;
    }
  }
  for (let order = 2; order <= ngrams; order++) {
    for (let i = 0; i + order <= t; i++) {
      let h = load<u32>(toks + (<usize>i << 2));
      for (let k = 1; k < order; k++) h = combine(h, load<u32>(toks + (<usize>(i + k) << 2)));
      size = add(h, weight, size);
    }
  }
  if (charN > 0) {
    for (let i = 0; i < t; i++) {
      const a = load<i32>(starts + (<usize>i << 2));
      if (a < 0) continue;
      const z = load<i32>(ends + (<usize>i << 2));
      if (z - a < charN) continue;
      for (let p = 0; p + charN <= z - a + 2; p++) size = add(charGramHash(a, z, p, charN), weight, size);
    }
  }
  return size;
}

/** As `count`, for an all-ASCII field as bytes[0..n): widened into text with A-Z folded first. */
export function countAscii(n: i32, ngrams: i32, charN: i32, weight: f64, size: i32): i32 {
  for (let i = 0; i < n; i++) {
    const c = <u32>load<u8>(bytes + <usize>i);
    store<u16>(text + (<usize>i << 1), <u16>(c - 65 < 26 ? c + 32 : c));
  }
  return count(n, ngrams, charN, weight, size);
}
