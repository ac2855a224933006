/**
 * A parser for the Python literals that pandas writes into CSV/JSON cells (`str(list)`,
 * `str(dict)`): lists, tuples, sets, dicts, strings, numbers, True/False/None. It reads the text
 * and never evaluates it.
 */
export type PyValue = string | number | boolean | null | PyValue[] | { [key: string]: PyValue };

export class PythonLiteralError extends Error {
  override name = 'PythonLiteralError';
  constructor(
    message: string,
    /** 0-based offset in the parsed text. */
    readonly position: number,
  ) {
    super(`${message} at position ${position}`);
  }
}

const MAX_DEPTH = 256;

export interface PythonLiteralOptions {
  /**
   * What string literals side by side are: 'concatenate' (Python: `'a' 'b'` is 'ab', the default)
   * or 'separate' (numpy's str() of an array, `['a' 'b']`: two items of the list).
   */
  adjacentStrings?: 'concatenate' | 'separate';
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  n: '\n',
  t: '\t',
  r: '\r',
  b: '\b',
  f: '\f',
  v: '\v',
  a: '\x07',
  '0': '\0',
};

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

function isIdentStart(c: string | undefined): boolean {
  return c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_');
}

function isHex(c: string | undefined): boolean {
  return c !== undefined && /^[0-9a-fA-F]$/.test(c);
}

function describeChar(c: string | undefined): string {
  return c === undefined ? 'end of input' : `'${c}'`;
}

function setKey(obj: { [key: string]: PyValue }, key: string, value: PyValue): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

class Parser {
  private pos = 0;
  private depth = 0;

  private readonly separateStrings: boolean;

  constructor(
    private readonly text: string,
    options: PythonLiteralOptions,
  ) {
    this.separateStrings = options.adjacentStrings === 'separate';
  }

  parse(): PyValue {
    this.skipSpace();
    const value = this.value();
    this.skipSpace();
    if (this.pos < this.text.length) this.fail(`unexpected ${describeChar(this.text[this.pos])} after the value`);
    return value;
  }

  private fail(message: string, at = this.pos): never {
    throw new PythonLiteralError(`python literal: ${message}`, at);
  }

  private skipSpace(): void {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t[this.pos];
      if (c === ' ' || c === '\n' || c === '\t' || c === '\r' || c === '\f') this.pos++;
      else if (c === '\\' && (t[this.pos + 1] === '\n' || t[this.pos + 1] === '\r')) this.pos += 2; // line continuation
      else break;
    }
  }

  private value(): PyValue {
    const t = this.text;
    const c = t[this.pos];
    switch (c) {
      case '[':
        return this.sequence(']');
      case '(':
        return this.sequence(')');
      case '{':
        return this.braces();
      case "'":
      case '"':
        return this.strings();
      case '-':
      case '+':
        this.pos++;
        this.skipSpace();
        return this.signed(c === '-' ? -1 : 1);
      default:
        if (isDigit(c) || (c === '.' && isDigit(t[this.pos + 1]))) return this.number();
        if (isIdentStart(c)) return this.word();
        return this.fail(`unexpected ${describeChar(c)}`);
    }
  }

  private signed(sign: number): number {
    const start = this.pos;
    const v = this.value();
    if (typeof v !== 'number') this.fail('a sign must be followed by a number', start);
    return sign * v;
  }

  private enter(): void {
    if (++this.depth > MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH}`);
  }

  /** A list `[...]` or a tuple `(...)`; `(x)` without a comma is just x, as in Python. */
  private sequence(close: ']' | ')'): PyValue {
    const open = this.pos;
    this.enter();
    this.pos++;
    const items: PyValue[] = [];
    let sawComma = false;
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] === close) {
        this.pos++;
        break;
      }
      items.push(this.value());
      this.skipSpace();
      const c = this.text[this.pos];
      if (c === ',') {
        sawComma = true;
        this.pos++;
      } else if (c === close) {
        this.pos++;
        break;
      } else if (this.separateStrings && this.atString()) {
        continue; // the next item, with no comma before it (numpy style)
      } else if (c === undefined) {
        this.fail(`unclosed '${this.text[open]}' opened at position ${open}`);
      } else {
        this.fail(`expected ',' or '${close}' but found ${describeChar(c)}`);
      }
    }
    this.depth--;
    if (close === ')' && items.length === 1 && !sawComma) return items[0]!;
    return items;
  }

  /** A dict `{k: v, ...}` or a set `{a, b}` (returned as an array). */
  private braces(): PyValue {
    const open = this.pos;
    this.enter();
    this.pos++;
    this.skipSpace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      this.depth--;
      return {};
    }
    const first = this.value();
    this.skipSpace();
    const isDict = this.text[this.pos] === ':';
    const dict: { [key: string]: PyValue } = {};
    const set: PyValue[] = [];
    let key: PyValue = first;
    for (;;) {
      if (isDict) {
        const colon = this.pos;
        if (this.text[this.pos] !== ':') this.fail(`expected ':' but found ${describeChar(this.text[this.pos])}`);
        this.pos++;
        this.skipSpace();
        const v = this.value();
        if (key !== null && typeof key === 'object') this.fail('dict keys must be strings, numbers, booleans or None', colon);
        setKey(dict, key === null ? 'None' : typeof key === 'boolean' ? (key ? 'True' : 'False') : String(key), v);
      } else {
        set.push(key);
      }
      this.skipSpace();
      const c = this.text[this.pos];
      if (c === ',') {
        this.pos++;
        this.skipSpace();
        if (this.text[this.pos] === '}') {
          this.pos++;
          break;
        }
        key = this.value();
        this.skipSpace();
      } else if (c === '}') {
        this.pos++;
        break;
      } else if (c === undefined) {
        this.fail(`unclosed '{' opened at position ${open}`);
      } else {
        this.fail(`expected ',' or '}' but found ${describeChar(c)}`);
      }
    }
    this.depth--;
    return isDict ? dict : set;
  }

  /** Whether a string literal (with or without a prefix) starts at pos. */
  private atString(): boolean {
    const c = this.text[this.pos];
    return c === "'" || c === '"' || this.prefixLength() > 0;
  }

  /** One or more adjacent string literals, concatenated as Python does (unless they are separate). */
  private strings(): string {
    let s = this.string();
    if (this.separateStrings) return s;
    for (;;) {
      const save = this.pos;
      this.skipSpace();
      if (this.atString()) s += this.string();
      else {
        this.pos = save;
        return s;
      }
    }
  }

  /** Length of a string prefix (r, u, b, rb, br...) followed by a quote at pos, else 0. */
  private prefixLength(): number {
    const m = /^[rRuUbB]{1,2}(?=['"])/.exec(this.text.slice(this.pos, this.pos + 3));
    return m ? m[0].length : 0;
  }

  private string(): string {
    const t = this.text;
    let raw = false;
    const plen = this.prefixLength();
    if (plen > 0) {
      raw = /[rR]/.test(t.slice(this.pos, this.pos + plen));
      this.pos += plen;
    }
    const start = this.pos;
    const q = t[this.pos]!;
    const triple = t[this.pos + 1] === q && t[this.pos + 2] === q;
    this.pos += triple ? 3 : 1;
    let out = '';
    let runStart = this.pos;
    for (;;) {
      const c = t[this.pos];
      if (c === undefined) this.fail('unterminated string', start);
      if (c === q && (!triple || (t[this.pos + 1] === q && t[this.pos + 2] === q))) {
        out += t.slice(runStart, this.pos);
        this.pos += triple ? 3 : 1;
        return out;
      }
      if ((c === '\n' || c === '\r') && !triple) this.fail('line break inside a string', this.pos);
      if (c === '\\') {
        out += t.slice(runStart, this.pos);
        if (raw) {
          // In raw strings a backslash stays, and still keeps the next character from closing the string.
          out += t.slice(this.pos, this.pos + 2);
          this.pos += 2;
        } else {
          out += this.escape();
        }
        runStart = this.pos;
        continue;
      }
      this.pos++;
    }
  }

  /** Decode the escape sequence at pos (on the backslash) and move past it. */
  private escape(): string {
    const t = this.text;
    const at = this.pos;
    const c = t[at + 1];
    if (c === undefined) this.fail('unterminated string', at);
    const simple = SIMPLE_ESCAPES[c];
    if (simple !== undefined && !(c === '0' && isOctalDigit(t[at + 2]))) {
      this.pos = at + 2;
      return simple;
    }
    if (c === '\n') {
      this.pos = at + 2;
      return '';
    }
    if (c === 'x' || c === 'u' || c === 'U') {
      const len = c === 'x' ? 2 : c === 'u' ? 4 : 8;
      const hex = t.slice(at + 2, at + 2 + len);
      if (hex.length !== len || ![...hex].every(isHex)) this.fail(`bad \\${c} escape`, at);
      const code = parseInt(hex, 16);
      if (code > 0x10ffff) this.fail(`bad \\${c} escape`, at);
      this.pos = at + 2 + len;
      return String.fromCodePoint(code);
    }
    if (isOctalDigit(c)) {
      let end = at + 1;
      while (end < at + 4 && isOctalDigit(t[end])) end++;
      this.pos = end;
      return String.fromCharCode(parseInt(t.slice(at + 1, end), 8));
    }
    // Python keeps unknown escapes (`\d`, `\alpha` in LaTeX) as written.
    this.pos = at + 1;
    return '\\';
  }

  private number(): number {
    const t = this.text;
    const start = this.pos;
    const m = /^(?:0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|(?:\d[\d_]*)?\.?\d[\d_]*(?:[eE][+-]?\d[\d_]*)?\.?)[jJ]?/.exec(
      t.slice(start, start + 400),
    );
    if (!m || m[0].length === 0) return this.fail('bad number');
    const s = m[0].replace(/_/g, '');
    if (/[jJ]$/.test(s)) this.fail('complex numbers are not supported', start);
    this.pos = start + m[0].length;
    if (isIdentStart(t[this.pos]) || isDigit(t[this.pos])) this.fail(`bad number '${t.slice(start, this.pos + 1)}'`, start);
    let v: number;
    if (/^0[xX]/.test(s)) v = parseInt(s.slice(2), 16);
    else if (/^0[oO]/.test(s)) v = parseInt(s.slice(2), 8);
    else if (/^0[bB]/.test(s)) v = parseInt(s.slice(2), 2);
    else v = Number(s.endsWith('.') ? s.slice(0, -1) : s);
    if (Number.isNaN(v)) this.fail(`bad number '${t.slice(start, this.pos)}'`, start);
    return v;
  }

  private word(): PyValue {
    const t = this.text;
    const start = this.pos;
    if (this.prefixLength() > 0) return this.strings();
    let end = start;
    while (end < t.length && (isIdentStart(t[end]) || isDigit(t[end]))) end++;
    const w = t.slice(start, end);
    this.pos = end;
    switch (w) {
      case 'True':
        return true;
      case 'False':
        return false;
      case 'None':
        return null;
      case 'nan':
        return NaN;
      case 'inf':
        return Infinity;
      default:
        return this.fail(`unexpected name '${w}' (only True, False and None are allowed)`, start);
    }
  }
}

function isOctalDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '7';
}

/**
 * Parse a Python literal such as `"['cs.CV', 'cs.LG']"` or
 * `"[{'term': 'cs.AI', 'scheme': '...', 'label': None}]"`. Tuples and sets become arrays, dict
 * keys become strings. Throws PythonLiteralError, with the position, on anything else.
 */
export function parsePythonLiteral(text: string, options: PythonLiteralOptions = {}): PyValue {
  return new Parser(text, options).parse();
}
