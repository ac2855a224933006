/**
 * JSON read straight from UTF-8 bytes, for the ingest fast path: validate and skip values without
 * building them, and copy a string's content already whitespace-normalised and re-escaped the way
 * JSON.stringify(normalizeWhitespace(JSON.parse(s))) would write it, so nothing is decoded to a
 * JS string at all.
 *
 * Every function here is conservative: it returns -1 for anything it is not sure about (invalid
 * JSON, but also deep nesting), and the caller then falls back to JSON.parse, which decides. So a
 * value accepted here is always one JSON.parse accepts too. Input must be valid UTF-8 (the caller
 * checks with buffer.isUtf8); these functions look only at ASCII bytes and the lead bytes of the
 * few non-ASCII whitespace characters.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const SPACE = 0x20;
/** Nesting beyond this is left to JSON.parse (real metadata nests two or three levels). */
const MAX_DEPTH = 64;

/** Index of the first byte at or after `i` that is not JSON whitespace (space, tab, LF, CR). */
export function skipWhitespace(b: Uint8Array, i: number, end: number): number {
  while (i < end) {
    const c = b[i]!;
    if (c === SPACE || c === 0x0a || c === 0x0d || c === 0x09) i++;
    else break;
  }
  return i;
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const l = c | 0x20;
  if (l >= 0x61 && l <= 0x66) return l - 0x61 + 10;
  return -1;
}

/** The code unit of the four hex digits at b[i..i+4), or -1. */
function hex4(b: Uint8Array, i: number, end: number): number {
  if (i + 4 > end) return -1;
  const a = hexValue(b[i]!);
  const c = hexValue(b[i + 1]!);
  const d = hexValue(b[i + 2]!);
  const e = hexValue(b[i + 3]!);
  if ((a | c | d | e) < 0) return -1;
  return (a << 12) | (c << 8) | (d << 4) | e;
}

/** True for the simple escapes JSON allows after a backslash (besides `u`): " \ / b f n r t. */
function isSimpleEscape(c: number): boolean {
  return c === QUOTE || c === BACKSLASH || c === 0x2f || c === 0x62 || c === 0x66 || c === 0x6e || c === 0x72 || c === 0x74;
}

/**
 * `b[i]` is the opening quote of a string: the index just after its closing quote, or -1 when
 * the string is invalid (a raw control character, a bad escape) or unterminated before `end`.
 */
export function skipString(b: Uint8Array, i: number, end: number, view?: DataView): number {
  i++;
  if (view) {
    while (i + 4 <= end) {
      const w = view.getUint32(i, true);
      if ((hasControl(w) | hasByte(w, QUOTES) | hasByte(w, BACKSLASHES)) !== 0) break;
      i += 4;
    }
  }
  while (i < end) {
    const c = b[i++]!;
    if (c === QUOTE) return i;
    if (c === BACKSLASH) {
      if (i >= end) return -1;
      const e = b[i++]!;
      if (e === 0x75) {
        if (hex4(b, i, end) < 0) return -1;
        i += 4;
      } else if (!isSimpleEscape(e)) return -1;
    } else if (c < SPACE) return -1;
  }
  return -1;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function skipNumber(b: Uint8Array, i: number, end: number): number {
  if (b[i] === 0x2d) i++;
  if (i >= end) return -1;
  if (b[i] === 0x30) i++;
  else if (b[i]! >= 0x31 && b[i]! <= 0x39) while (i < end && isDigit(b[i]!)) i++;
  else return -1;
  if (i < end && b[i] === 0x2e) {
    i++;
    if (i >= end || !isDigit(b[i]!)) return -1;
    while (i < end && isDigit(b[i]!)) i++;
  }
  if (i < end && (b[i] === 0x65 || b[i] === 0x45)) {
    i++;
    if (i < end && (b[i] === 0x2b || b[i] === 0x2d)) i++;
    if (i >= end || !isDigit(b[i]!)) return -1;
    while (i < end && isDigit(b[i]!)) i++;
  }
  return i;
}

const TRUE = [0x74, 0x72, 0x75, 0x65];
const FALSE = [0x66, 0x61, 0x6c, 0x73, 0x65];
const NULL = [0x6e, 0x75, 0x6c, 0x6c];

function skipLiteral(b: Uint8Array, i: number, end: number, word: readonly number[]): number {
  if (i + word.length > end) return -1;
  for (let k = 0; k < word.length; k++) if (b[i + k] !== word[k]) return -1;
  return i + word.length;
}

/** True when b[i..end) starts with the literal `null`. */
export function isNullAt(b: Uint8Array, i: number, end: number): boolean {
  return skipLiteral(b, i, end, NULL) > 0;
}

/**
 * `b[i]` starts a JSON value (no leading whitespace): the index just after it, or -1. A number's
 * end is not checked against what follows (the enclosing object or array does that). With `view`
 * (a DataView over exactly `b`) strings are scanned four bytes at a time.
 */
export function skipValue(b: Uint8Array, i: number, end: number, view?: DataView, depth = 0): number {
  if (i >= end) return -1;
  const c = b[i]!;
  if (c === QUOTE) return skipString(b, i, end, view);
  if (c === 0x7b) return skipObject(b, i, end, view, depth + 1);
  if (c === 0x5b) return skipArray(b, i, end, view, depth + 1);
  if (c === 0x74) return skipLiteral(b, i, end, TRUE);
  if (c === 0x66) return skipLiteral(b, i, end, FALSE);
  if (c === 0x6e) return skipLiteral(b, i, end, NULL);
  return skipNumber(b, i, end);
}

function skipObject(b: Uint8Array, i: number, end: number, view: DataView | undefined, depth: number): number {
  if (depth > MAX_DEPTH) return -1;
  i = skipWhitespace(b, i + 1, end);
  if (b[i] === 0x7d) return i + 1;
  for (;;) {
    if (b[i] !== QUOTE) return -1;
    i = skipString(b, i, end, view);
    if (i < 0) return -1;
    i = skipWhitespace(b, i, end);
    if (b[i] !== 0x3a) return -1;
    i = skipValue(b, skipWhitespace(b, i + 1, end), end, view, depth);
    if (i < 0) return -1;
    i = skipWhitespace(b, i, end);
    if (i >= end) return -1;
    if (b[i] === 0x7d) return i + 1;
    if (b[i] !== 0x2c) return -1;
    i = skipWhitespace(b, i + 1, end);
  }
}

function skipArray(b: Uint8Array, i: number, end: number, view: DataView | undefined, depth: number): number {
  if (depth > MAX_DEPTH) return -1;
  i = skipWhitespace(b, i + 1, end);
  if (b[i] === 0x5d) return i + 1;
  for (;;) {
    i = skipValue(b, i, end, view, depth);
    if (i < 0) return -1;
    i = skipWhitespace(b, i, end);
    if (i >= end) return -1;
    if (b[i] === 0x5d) return i + 1;
    if (b[i] !== 0x2c) return -1;
    i = skipWhitespace(b, i + 1, end);
  }
}

/** JavaScript's whitespace (what /\s/ and String.prototype.trim treat as space), as code points. */
export function isJsWhitespace(cp: number): boolean {
  if (cp <= SPACE) return cp === SPACE || (cp >= 0x09 && cp <= 0x0d);
  if (cp < 0xa0) return false;
  return (
    cp === 0xa0 ||
    cp === 0x1680 ||
    (cp >= 0x2000 && cp <= 0x200a) ||
    cp === 0x2028 ||
    cp === 0x2029 ||
    cp === 0x202f ||
    cp === 0x205f ||
    cp === 0x3000 ||
    cp === 0xfeff
  );
}

const HEX_DIGITS = [0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66];

/** Writes `\uXXXX` (lowercase hex, as JSON.stringify does) at out[o]; returns the new end. */
function writeUnicodeEscape(out: Uint8Array, o: number, unit: number): number {
  out[o] = BACKSLASH;
  out[o + 1] = 0x75;
  out[o + 2] = HEX_DIGITS[(unit >> 12) & 15]!;
  out[o + 3] = HEX_DIGITS[(unit >> 8) & 15]!;
  out[o + 4] = HEX_DIGITS[(unit >> 4) & 15]!;
  out[o + 5] = HEX_DIGITS[unit & 15]!;
  return o + 6;
}

/**
 * Where copyNormalizedString left off: the index after the closing quote in the input, and the
 * end of what it wrote. (Module state rather than an object per call: this runs twice per record.)
 */
export const copied = { next: 0, end: 0 };

// SWAR (four bytes at a time) tests on a little-endian 32-bit word, each nonzero when some byte…
/** …is below 0x20 (a control character). */
function hasControl(w: number): number {
  return (w - 0x20202020) & ~w & 0x80808080;
}
/** …equals `b` (0x01010101 * b given as `bbbb`). */
function hasByte(w: number, bbbb: number): number {
  const x = w ^ bbbb;
  return (x - 0x01010101) & ~x & 0x80808080;
}
/** Exactly the bytes equal to a space, as 0x80 in that byte. */
function spaceBytes(w: number): number {
  const t = w ^ 0x20202020;
  return ~(((t & 0x7f7f7f7f) + 0x7f7f7f7f) | t | 0x7f7f7f7f);
}
const QUOTES = 0x22222222;
const BACKSLASHES = 0x5c5c5c5c;

/**
 * Copy the JSON string whose opening quote is b[i] into out[o..], as the *content* (no quotes) of
 * the JSON string JSON.stringify would write for its value after whitespace normalisation (runs
 * of whitespace → one space, trimmed). On success returns true and sets `copied`; returns false
 * for invalid or unterminated input. `out` must have room for end - i bytes: the output is never
 * longer than the input (every escape is at most as long as what it came from). `inView` and
 * `outView` are DataViews over exactly `b` and `out`.
 *
 * Whitespace needs no state: the only spaces in the output are the ones whitespace becomes, so a
 * space is written unless the output is empty or already ends in one, and one left at the end is
 * taken back. Runs of plain ASCII (one space apart) are copied a 32-bit word at a time.
 */
export function copyNormalizedString(b: Uint8Array, inView: DataView, i: number, end: number, out: Uint8Array, outView: DataView, o: number): boolean {
  const start = o;
  i++;
  for (;;) {
    if (o > start) {
      while (i + 4 <= end) {
        const w = inView.getUint32(i, true);
        if ((hasControl(w) | (w & 0x80808080) | hasByte(w, QUOTES) | hasByte(w, BACKSLASHES)) !== 0) break;
        const sp = spaceBytes(w);
        if (sp !== 0 && ((sp & (sp << 8)) !== 0 || ((sp & 0x80) !== 0 && out[o - 1] === SPACE))) break;
        outView.setUint32(o, w, true);
        o += 4;
        i += 4;
      }
    }
    if (i >= end) return false;
    const c = b[i]!;
    if (c > SPACE && c < 0x80 && c !== QUOTE && c !== BACKSLASH) {
      out[o++] = c;
      i++;
      continue;
    }
    if (c === SPACE) {
      if (o > start && out[o - 1] !== SPACE) out[o++] = SPACE;
      i++;
      continue;
    }
    if (c === QUOTE) {
      if (o > start && out[o - 1] === SPACE) o--;
      copied.next = i + 1;
      copied.end = o;
      return true;
    }
    if (c < SPACE) return false; // a raw control character: not JSON
    if (c === BACKSLASH) {
      if (i + 1 >= end) return false;
      const e = b[i + 1]!;
      if (e === 0x75) {
        if (!copyUnicodeEscape(b, i, end, out, o, start)) return false;
        i = copied.next;
        o = copied.end;
        continue;
      }
      i += 2;
      if (e === QUOTE || e === BACKSLASH) {
        out[o++] = BACKSLASH;
        out[o++] = e;
      } else if (e === 0x2f) out[o++] = 0x2f;
      else if (e === 0x62) {
        out[o++] = BACKSLASH;
        out[o++] = 0x62;
      } else if (e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74) {
        // \f \n \r \t: whitespace
        if (o > start && out[o - 1] !== SPACE) out[o++] = SPACE;
      } else return false;
      continue;
    }
    // A UTF-8 sequence (valid: checked by the caller). Only a few are whitespace.
    const n = c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
    if (i + n > end) return false;
    if (isUtf8Whitespace(b, i, c)) {
      if (o > start && out[o - 1] !== SPACE) out[o++] = SPACE;
      i += n;
      continue;
    }
    out[o++] = c;
    out[o++] = b[i + 1]!;
    if (n > 2) out[o++] = b[i + 2]!;
    if (n > 3) out[o++] = b[i + 3]!;
    i += n;
  }
}

/**
 * One \uXXXX escape (two for a surrogate pair) at b[i] of a string being copied as
 * copyNormalizedString copies, into out[o..]; `start` is where the string's output began. Sets
 * `copied` (input and output ends) and returns true, or false for an invalid escape. Shared with
 * the SIMD copy (json-text-kernel.ts), which leaves these rare escapes to it.
 */
export function copyUnicodeEscape(b: Uint8Array, i: number, end: number, out: Uint8Array, o: number, start: number): boolean {
  const unit = hex4(b, i + 2, end);
  if (unit < 0) return false;
  i += 6;
  if (unit >= 0xd800 && unit <= 0xdbff && b[i] === BACKSLASH && b[i + 1] === 0x75) {
    const low = hex4(b, i + 2, end);
    if (low >= 0xdc00 && low <= 0xdfff) {
      // A surrogate pair: one astral character, written as its 4 UTF-8 bytes.
      const cp = 0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00);
      out[o++] = 0xf0 | (cp >> 18);
      out[o++] = 0x80 | ((cp >> 12) & 0x3f);
      out[o++] = 0x80 | ((cp >> 6) & 0x3f);
      out[o++] = 0x80 | (cp & 0x3f);
      copied.next = i + 6;
      copied.end = o;
      return true;
    }
  }
  if (isJsWhitespace(unit)) {
    if (o > start && out[o - 1] !== SPACE) out[o++] = SPACE;
  } else if (unit === QUOTE || unit === BACKSLASH) {
    out[o++] = BACKSLASH;
    out[o++] = unit;
  } else if (unit < SPACE) {
    if (unit === 0x08) {
      out[o++] = BACKSLASH;
      out[o++] = 0x62;
    } else o = writeUnicodeEscape(out, o, unit);
  } else if (unit < 0x80) out[o++] = unit;
  else if (unit < 0x800) {
    out[o++] = 0xc0 | (unit >> 6);
    out[o++] = 0x80 | (unit & 0x3f);
  } else if (unit >= 0xd800 && unit <= 0xdfff) {
    o = writeUnicodeEscape(out, o, unit); // a lone surrogate: JSON.stringify escapes it
  } else {
    out[o++] = 0xe0 | (unit >> 12);
    out[o++] = 0x80 | ((unit >> 6) & 0x3f);
    out[o++] = 0x80 | (unit & 0x3f);
  }
  copied.next = i;
  copied.end = o;
  return true;
}

/** Whether the UTF-8 sequence at b[i] (lead byte c ≥ 0x80) encodes JavaScript whitespace. */
function isUtf8Whitespace(b: Uint8Array, i: number, c: number): boolean {
  switch (c) {
    case 0xc2:
      return b[i + 1] === 0xa0; // U+00A0
    case 0xe1:
      return b[i + 1] === 0x9a && b[i + 2] === 0x80; // U+1680
    case 0xe2: {
      const c1 = b[i + 1]!;
      const c2 = b[i + 2]!;
      if (c1 === 0x80) return c2 <= 0x8a || c2 === 0xa8 || c2 === 0xa9 || c2 === 0xaf; // U+2000–200A, 2028, 2029, 202F
      return c1 === 0x81 && c2 === 0x9f; // U+205F
    }
    case 0xe3:
      return b[i + 1] === 0x80 && b[i + 2] === 0x80; // U+3000
    case 0xef:
      return b[i + 1] === 0xbb && b[i + 2] === 0xbf; // U+FEFF
    default:
      return false;
  }
}
