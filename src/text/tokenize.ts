import { FNV_OFFSET, FNV_PRIME, fmix32, hashString } from './hash.js';

/**
 * A tokenizer for scientific titles and abstracts.
 *
 * - Unicode NFKC folds ligatures, full-width forms and compatibility symbols ("ﬁ" → "fi"); it runs
 *   only when the text has non-ASCII, which keeps the common case fast.
 * - Case folding; LaTeX math (`$...$`, `\(...\)`, `\[...\]`) keeps its command names as words
 *   (`\alpha` → "alpha", `\mathcal{O}` → "mathcal", "o") and marks the span with one "$math$"
 *   token, because "this abstract has formulas" is itself a signal; text-mode commands
 *   (`\emph{x}`, `\textit{x}`) lose the command and keep their argument.
 * - Hyphenated compounds stay whole ("state-of-the-art", "graph-based") *and* give their parts, so
 *   "based" still matches; apostrophes are dropped ("schrödinger's" → "schrödinger", "s" is dropped).
 * - Numbers become "#" shapes so that "2" and "17" share a feature but "3d", "5g", "h2o" stay words;
 *   a number glued to a unit ("10gev") splits into "#" and "gev".
 *
 * tools/feature-counter.as.ts does the same scan in WebAssembly for prediction: change the two
 * together (test/text/feature-counter.test.ts compares them).
 */

const MATH = '$math$';
const NUM = '#';
export const HASH_NUM = hashString(NUM);
export const HASH_MATH = hashString(MATH);

/** Text-mode LaTeX commands whose name is formatting, not content. */
export const FORMATTING: ReadonlySet<string> = new Set(['emph', 'textit', 'textbf', 'textrm', 'texttt', 'textsc', 'textsf', 'mathrm', 'mathbf', 'mathit', 'mathsf', 'mathtt', 'text', 'it', 'bf', 'rm', 'em', 'cite', 'ref', 'url', 'href', 'footnote', 'left', 'right', 'big', 'bigl', 'bigr', 'bigg', 'cdot', 'ldots', 'cdots', 'dots', 'quad', 'qquad']);

/** Character classes for the whole BMP, built once: 1 = part of a word. Astral characters are separators. */
export const WORD = new Uint8Array(65536);
{
  const re = /[\p{L}\p{N}\p{M}]/u;
  for (let c = 0; c < 65536; c++) {
    if (c >= 0xd800 && c <= 0xdfff) continue;
    if (c < 128) WORD[c] = (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (c >= 65 && c <= 90) ? 1 : 0;
    else WORD[c] = re.test(String.fromCharCode(c)) ? 1 : 0;
  }
}
const NON_ASCII = /[^\x00-\x7f]/;

/** `start` values of the tokens that are not a slice of the text. */
const SPAN_NUM = -1;
const SPAN_MATH = -2;

/**
 * The tokens of one text as spans of its case-folded form, so that hashing a token reads the
 * characters in place instead of allocating a string per token: tokenizing for training and
 * prediction is the hot path of both. Token `t` is `text.slice(start[t], end[t])`, or `#` / `$math$`
 * when `start[t]` is negative. Reused across texts; `scan` overwrites it.
 */
export class TokenSpans {
  text = '';
  start = new Int32Array(1024);
  end = new Int32Array(1024);
  size = 0;

  /** The token at `t` as a string. */
  token(t: number): string {
    const a = this.start[t]!;
    return a === SPAN_NUM ? NUM : a === SPAN_MATH ? MATH : this.text.slice(a, this.end[t]!);
  }

  /** Same value as `hashString(this.token(t))`, without making the string. */
  hash(t: number): number {
    const a = this.start[t]!;
    if (a === SPAN_NUM) return HASH_NUM;
    if (a === SPAN_MATH) return HASH_MATH;
    const s = this.text;
    const z = this.end[t]!;
    let h = FNV_OFFSET;
    for (let i = a; i < z; i++) {
      h ^= s.charCodeAt(i);
      h = Math.imul(h, FNV_PRIME);
    }
    return fmix32(h);
  }

  private push(a: number, z: number): void {
    if (this.size === this.start.length) {
      const s = new Int32Array(this.size * 2);
      s.set(this.start);
      this.start = s;
      const e = new Int32Array(this.size * 2);
      e.set(this.end);
      this.end = e;
    }
    this.start[this.size] = a;
    this.end[this.size] = z;
    this.size++;
  }

  /** A word from `a` to `z`, after number shaping and dropping single letters. */
  private pushWord(a: number, z: number): void {
    const s = this.text;
    const c0 = s.charCodeAt(a);
    if (c0 >= 48 && c0 <= 57) {
      let i = a + 1;
      while (i < z && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
      if (i === z) {
        this.push(SPAN_NUM, 0);
        return;
      }
      // "10gev", "100nm": a number then a unit.
      if (i - a >= 2 && z - i >= 2) {
        let letters = true;
        for (let k = i; k < z; k++) {
          const c = s.charCodeAt(k);
          if (c >= 48 && c <= 57) {
            letters = false;
            break;
          }
        }
        if (letters) {
          this.push(SPAN_NUM, 0);
          this.push(i, z);
          return;
        }
      }
    }
    if (z - a === 1 && c0 >= 97 && c0 <= 122) return;
    this.push(a, z);
  }

  scan(raw: string): this {
    const s = foldText(raw);
    this.text = s;
    this.size = 0;
    const n = s.length;
    let i = 0;
    let inMath = false;
    while (i < n) {
      const code = s.charCodeAt(i);
      if (WORD[code] === 1) {
        // A run of word characters, possibly joined by single hyphens into a compound.
        const start = i;
        let parts = 1;
        let j = i + 1;
        for (;;) {
          while (j < n && WORD[s.charCodeAt(j)] === 1) j++;
          if (!inMath && j + 1 < n && s.charCodeAt(j) === 45 && WORD[s.charCodeAt(j + 1)] === 1) {
            parts++;
            j++;
            continue;
          }
          break;
        }
        if (parts === 1) this.pushWord(start, j);
        else {
          let a = start;
          for (let k = start; k <= j; k++) {
            if (k === j || s.charCodeAt(k) === 45) {
              this.pushWord(a, k);
              a = k + 1;
            }
          }
          if (parts <= 4) this.push(start, j);
        }
        i = j;
        // Apostrophe inside a word ("schrödinger's", "don't"): drop it and the tail.
        if (i + 1 < n && (s.charCodeAt(i) === 39 || s.charCodeAt(i) === 8217) && WORD[s.charCodeAt(i + 1)] === 1) {
          i++;
          while (i < n && WORD[s.charCodeAt(i)] === 1) i++;
        }
        continue;
      }
      if (code === 36 /* $ */) {
        // `$$` opens/closes display math the same way as `$`.
        if (i + 1 < n && s.charCodeAt(i + 1) === 36) i++;
        inMath = !inMath;
        if (inMath) this.push(SPAN_MATH, 0);
        i++;
        continue;
      }
      if (code === 92 /* \ */) {
        const next = i + 1 < n ? s.charCodeAt(i + 1) : 0;
        if (next === 40 || next === 91) {
          // \( or \[ opens math; \) or \] closes it.
          inMath = true;
          this.push(SPAN_MATH, 0);
          i += 2;
          continue;
        }
        if (next === 41 || next === 93) {
          inMath = false;
          i += 2;
          continue;
        }
        let j = i + 1;
        while (j < n && s.charCodeAt(j) >= 97 && s.charCodeAt(j) <= 122) j++;
        if (j > i + 2 && !FORMATTING.has(s.slice(i + 1, j))) this.push(i + 1, j);
        i = j > i + 1 ? j : i + 2;
        continue;
      }
      i++;
    }
    return this;
  }
}

/** NFKC (only where the text has non-ASCII, which keeps the common case fast) and lower case. */
export function foldText(raw: string): string {
  return NON_ASCII.test(raw) ? raw.normalize('NFKC').toLowerCase() : raw.toLowerCase();
}

/** Tokens of `text`, in order. */
export function tokenize(text: string, out: string[] = []): string[] {
  const spans = new TokenSpans().scan(text);
  for (let t = 0; t < spans.size; t++) out.push(spans.token(t));
  return out;
}
