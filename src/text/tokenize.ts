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

function isWordChar(code: number): boolean {
  // ASCII letters and digits on the fast path; everything above ASCII that is a letter or digit.
  if (code < 128) return (code >= 97 && code <= 122) || (code >= 48 && code <= 57);
  return WORD_RE.test(String.fromCharCode(code));
}
const WORD_RE = /[\p{L}\p{N}\p{M}]/u;
const NON_ASCII = /[^\x00-\x7f]/;

function isDigits(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function pushWord(word: string, out: string[]): void {
  if (isDigits(word)) {
    out.push(NUM);
    return;
  }
  // "10gev", "100nm": number then unit.
  const c0 = word.charCodeAt(0);
  if (c0 >= 48 && c0 <= 57) {
    let i = 1;
    while (i < word.length && word.charCodeAt(i) >= 48 && word.charCodeAt(i) <= 57) i++;
    const rest = word.slice(i);
    if (i >= 2 && rest.length >= 2 && !/\d/.test(rest)) {
      out.push(NUM, rest);
      return;
    }
  }
  if (word.length === 1 && c0 >= 97 && c0 <= 122) return;
  out.push(word);
}

/** Tokens of `text`, in order. */
export function tokenize(text: string, out: string[] = []): string[] {
  let s = NON_ASCII.test(text) ? text.normalize('NFKC').toLowerCase() : text.toLowerCase();
  const n = s.length;
  let i = 0;
  let inMath = false;
  // Parts of the current hyphenated compound, flushed when it ends.
  let parts: string[] = [];
  const flushCompound = () => {
    if (parts.length > 1 && parts.length <= 4) {
      const joined = parts.join('-');
      for (const p of parts) pushWord(p, out);
      out.push(joined);
    } else {
      for (const p of parts) pushWord(p, out);
    }
    parts = [];
  };
  while (i < n) {
    const code = s.charCodeAt(i);
    if (isWordChar(code)) {
      let j = i + 1;
      while (j < n && isWordChar(s.charCodeAt(j))) j++;
      parts.push(s.slice(i, j));
      i = j;
      // A hyphen between two word characters continues the compound.
      if (i + 1 < n && s.charCodeAt(i) === 45 && isWordChar(s.charCodeAt(i + 1)) && !inMath) {
        i++;
        continue;
      }
      // Apostrophe inside a word ("schrödinger's", "don't"): drop it and the tail.
      if (i + 1 < n && (s.charCodeAt(i) === 39 || s.charCodeAt(i) === 8217) && isWordChar(s.charCodeAt(i + 1))) {
        let k = i + 1;
        while (k < n && isWordChar(s.charCodeAt(k))) k++;
        i = k;
      }
      flushCompound();
      continue;
    }
    if (parts.length) flushCompound();
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
      while (j < n && ((s.charCodeAt(j) >= 97 && s.charCodeAt(j) <= 122) || (s.charCodeAt(j) >= 65 && s.charCodeAt(j) <= 90))) j++;
      if (j > i + 1) {
        const name = s.slice(i + 1, j);
        if (!FORMATTING.has(name) && name.length > 1) out.push(name);
        i = j;
        continue;
      }
      i += 2;
      continue;
    }
    i++;
  }
  if (parts.length) flushCompound();
  s = '';
  return out;
}
