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
 */

const MATH = '$math$';
const NUM = '#';

/** Text-mode LaTeX commands whose name is formatting, not content. */
const FORMATTING = new Set(['emph', 'textit', 'textbf', 'textrm', 'texttt', 'textsc', 'textsf', 'mathrm', 'mathbf', 'mathit', 'mathsf', 'mathtt', 'text', 'it', 'bf', 'rm', 'em', 'cite', 'ref', 'url', 'href', 'footnote', 'left', 'right', 'big', 'bigl', 'bigr', 'bigg', 'cdot', 'ldots', 'cdots', 'dots', 'quad', 'qquad']);

/** Character classes for the whole BMP, built once: 1 = part of a word. Astral characters are separators. */
const WORD = new Uint8Array(65536);
{
  const re = /[\p{L}\p{N}\p{M}]/u;
  for (let c = 0; c < 65536; c++) {
    if (c >= 0xd800 && c <= 0xdfff) continue;
    if (c < 128) WORD[c] = (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (c >= 65 && c <= 90) ? 1 : 0;
    else WORD[c] = re.test(String.fromCharCode(c)) ? 1 : 0;
  }
}
const NON_ASCII = /[^\x00-\x7f]/;

function pushWord(word: string, out: string[]): void {
  const c0 = word.charCodeAt(0);
  if (c0 >= 48 && c0 <= 57) {
    let i = 1;
    while (i < word.length && word.charCodeAt(i) >= 48 && word.charCodeAt(i) <= 57) i++;
    if (i === word.length) {
      out.push(NUM);
      return;
    }
    // "10gev", "100nm": a number then a unit.
    if (i >= 2 && word.length - i >= 2) {
      let letters = true;
      for (let k = i; k < word.length; k++) {
        const c = word.charCodeAt(k);
        if (c >= 48 && c <= 57) {
          letters = false;
          break;
        }
      }
      if (letters) {
        out.push(NUM, word.slice(i));
        return;
      }
    }
  }
  if (word.length === 1 && c0 >= 97 && c0 <= 122) return;
  out.push(word);
}

/** Tokens of `text`, in order. */
export function tokenize(text: string, out: string[] = []): string[] {
  const s = NON_ASCII.test(text) ? text.normalize('NFKC').toLowerCase() : text.toLowerCase();
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
      if (parts === 1) pushWord(s.slice(start, j), out);
      else {
        const compound = s.slice(start, j);
        const pieces = compound.split('-');
        for (const piece of pieces) pushWord(piece, out);
        if (parts <= 4) out.push(compound);
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
      if (inMath) out.push(MATH);
      i++;
      continue;
    }
    if (code === 92 /* \ */) {
      const next = i + 1 < n ? s.charCodeAt(i + 1) : 0;
      if (next === 40 || next === 91) {
        // \( or \[ opens math; \) or \] closes it.
        inMath = true;
        out.push(MATH);
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
      if (j > i + 2) {
        const name = s.slice(i + 1, j);
        if (!FORMATTING.has(name)) out.push(name);
      }
      i = j > i + 1 ? j : i + 2;
      continue;
    }
    i++;
  }
  return out;
}
