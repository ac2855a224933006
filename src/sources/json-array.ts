import { UserError } from '../base/errors.js';
import type { DecompressionLimit } from './decompression-limit.js';
import { parseJsonObject } from './jsonl.js';
import { openText } from './open.js';
import { MAX_RECORD_SIZE, recordTooLarge } from './record-limit.js';
import type { RowItem } from './source.js';

const QUOTE = 34; // "
const COMMA = 44;
const OPEN_BRACKET = 91; // [
const CLOSE_BRACKET = 93; // ]
const OPEN_BRACE = 123; // {
const CLOSE_BRACE = 125; // }
const COLON = 58;
const BOM = 0xfeff;
/** An object's first key, quotes and escapes as written. */
const FIRST_KEY = /^\s*\{\s*("(?:[^"\\]|\\.)*")\s*:/;

/** Where the scanner is: before '[', between elements, inside one, or after the closing ']'. */
type Phase = 'before' | 'between' | 'element' | 'after';

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9 || c === BOM;
}

/**
 * Cuts the top-level elements out of a JSON array fed in arbitrary text chunks. It tracks only
 * string/escape state and bracket depth, so memory is one element; each element is then handed to
 * JSON.parse, which is what decides whether it is valid. An element longer than the record limit
 * (see record-limit.ts) is no longer kept: the scan goes on to its end and reports it.
 *
 * An unclosed string turns every quote after it inside out, and brackets in the text then count as
 * structure: the rest of the file would read as one broken element. Valid JSON opens a string only
 * after `{`, `[`, `,` or `:`, so a quote anywhere else marks the element broken. The next element
 * is then found without reading the broken one's structure: the next `, {"KEY":` in the raw text,
 * where KEY is the first key of the array's first good element (any key before there is one).
 * That text cannot lie inside a valid string, whose quotes are escaped, and the key keeps it from
 * matching objects nested in an element. The scan picks up at its `{`, quotes the right way round
 * again; elements that are not objects between the two go with the broken one. (A gap cut by a
 * chunk boundary is found at the next element.)
 */
export class JsonArrayScanner {
  private phase: Phase = 'before';
  private inString = false;
  private escape = false;
  private depth = 0;
  private parts: string[] = [];
  /** Characters held in `parts`. */
  private partsChars = 0;
  /** The current element outgrew the limit: its text is dropped, only its end is looked for. */
  private oversized = false;
  /** The last character outside strings that was not white space. */
  private lastMark = COMMA;
  /** The current element's quotes are inside out: only the start of the next one is looked for. */
  private broken = false;
  /** Where the next element starts once the current one is broken (see the class comment). */
  private nextElement = /,\s*\{\s*"/g;
  private keyed = false;
  private index = 0;
  private trailingReported = false;

  constructor(
    private readonly path: string,
    private readonly maxElementChars = MAX_RECORD_SIZE,
  ) {}

  feed(text: string, out: RowItem[]): void {
    const n = text.length;
    let i = 0;
    while (i < n) {
      const c = text.charCodeAt(i);
      switch (this.phase) {
        case 'before':
          if (isSpace(c)) i++;
          else if (c === OPEN_BRACKET) {
            this.phase = 'between';
            i++;
          } else {
            throw new UserError(`${this.path}: not a JSON array (expected '[' but found '${text[i]}')`);
          }
          break;
        case 'between':
          if (isSpace(c)) i++;
          else if (c === CLOSE_BRACKET) {
            // `[a, b,]`: a trailing comma is tolerated; `[a, , b]` is reported below.
            this.phase = 'after';
            i++;
          } else if (c === COMMA) {
            this.index++;
            out.push({ error: 'bad JSON: empty array element', line: this.index });
            i++;
          } else {
            this.phase = 'element';
            this.depth = 0;
            this.inString = false;
            this.escape = false;
            this.oversized = false;
            this.lastMark = COMMA;
            this.broken = false;
            i = this.scanElement(text, i, out);
          }
          break;
        case 'element':
          i = this.scanElement(text, i, out);
          break;
        case 'after':
          if (isSpace(c)) i++;
          else {
            if (!this.trailingReported) {
              this.trailingReported = true;
              out.push({ error: 'bad JSON: content after the closing ] of the array', line: this.index + 1 });
            }
            i = n;
          }
          break;
      }
    }
  }

  /** Scan from `start` inside an element; returns where scanning stopped (end of text or after the element). */
  private scanElement(text: string, from: number, out: RowItem[]): number {
    const n = text.length;
    let start = from;
    let i = start;
    if (this.broken) {
      const next = this.findNext(text, start);
      if (next < 0) return n;
      // The element was reported when it broke: only its text up to here is dropped.
      start = i = next;
      this.restart();
    }
    let depth = this.depth;
    let inString = this.inString;
    let lastMark = this.lastMark;
    // Next backslash and quote at or after i (n when none), each found once and reused until
    // passed, so every character inside strings is looked at by indexOf at most twice.
    let bs = -1;
    let qs = -1;
    if (this.escape) {
      // The previous chunk ended on a backslash inside a string: this character is escaped.
      this.escape = false;
      i++;
    }
    while (i < n) {
      if (inString) {
        // Jump to the next quote; a backslash before it escapes one character.
        if (bs < i) {
          bs = text.indexOf('\\', i);
          if (bs < 0) bs = n;
        }
        if (qs < i) {
          qs = text.indexOf('"', i);
          if (qs < 0) qs = n;
        }
        const q = qs;
        if (bs < q) {
          if (bs + 1 >= n) {
            this.escape = true;
            i = n;
            break;
          }
          i = bs + 2;
          continue;
        }
        if (q === n) {
          i = n;
          break;
        }
        inString = false;
        i = q + 1;
        continue;
      }
      const c = text.charCodeAt(i);
      if (c === QUOTE) {
        if (lastMark !== OPEN_BRACE && lastMark !== OPEN_BRACKET && lastMark !== COMMA && lastMark !== COLON) {
          this.index++;
          out.push({ error: 'bad JSON: a quote where no string can start (an unclosed string earlier in the element?); reading goes on from the next element', line: this.index });
          this.broken = true;
          const next = this.findNext(text, start + 1);
          if (next < 0) {
            this.parts = [];
            this.partsChars = 0;
            return n;
          }
          // The next element may start before i (in the unclosed string itself): scan it afresh.
          start = i = next;
          this.restart();
          depth = 0;
          inString = false;
          lastMark = COMMA;
          bs = qs = -1;
          continue;
        }
        inString = true;
        i++;
        continue;
      }
      if (!isSpace(c)) lastMark = c;
      if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
      else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        if (depth > 0) depth--;
        else if (c === CLOSE_BRACKET) {
          this.finishElement(text.slice(start, i), out);
          this.phase = 'after';
          return i + 1;
        }
      } else if (c === COMMA && depth === 0) {
        this.finishElement(text.slice(start, i), out);
        this.phase = 'between';
        return i + 1;
      }
      i++;
    }
    this.depth = depth;
    this.inString = inString;
    this.lastMark = lastMark;
    if (!this.oversized) {
      this.partsChars += n - start;
      if (this.partsChars > this.maxElementChars) {
        this.oversized = true;
        this.parts = [];
        this.partsChars = 0;
      } else {
        this.parts.push(text.slice(start, n));
      }
    }
    return n;
  }

  /**
   * Where the element after a broken one starts (its `{`), searching `text` from `from`; -1 when
   * this chunk does not hold it.
   */
  private findNext(text: string, from: number): number {
    const re = this.nextElement;
    re.lastIndex = from;
    const m = re.exec(text);
    return m ? m.index + m[0].indexOf('{') : -1;
  }

  /** A fresh element from the `{` after a broken one. */
  private restart(): void {
    this.broken = false;
    this.parts = [];
    this.partsChars = 0;
    this.oversized = false;
    this.depth = 0;
    this.inString = false;
    this.escape = false;
    this.lastMark = COMMA;
  }

  private finishElement(last: string, out: RowItem[]): void {
    this.index++;
    const tooLarge = this.oversized || this.partsChars + last.length > this.maxElementChars;
    if (tooLarge) out.push({ error: `bad JSON: ${recordTooLarge(this.maxElementChars, 'an unclosed string?')}`, line: this.index });
    else {
      const text = this.parts.length === 0 ? last : this.parts.join('') + last;
      const item = parseJsonObject(text, this.index);
      if (!this.keyed && 'row' in item) this.learnFirstKey(text);
      out.push(item);
    }
    this.parts = [];
    this.partsChars = 0;
    this.oversized = false;
  }

  /**
   * Elements of one array come from one writer, with their keys in one order: the first key of
   * the first good element, as written, marks where an element starts.
   */
  private learnFirstKey(element: string): void {
    const key = FIRST_KEY.exec(element)?.[1];
    if (key === undefined) return;
    this.keyed = true;
    this.nextElement = new RegExp(`,\\s*\\{\\s*${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*:`, 'g');
  }

  end(out: RowItem[]): void {
    if (this.broken) {
      // Reported when it broke; what follows it in the file is its own text.
      this.phase = 'after';
      return;
    }
    switch (this.phase) {
      case 'before':
        throw new UserError(`${this.path}: empty, expected a JSON array`);
      case 'element':
        this.index++;
        out.push({
          error: this.oversized ? `bad JSON: file ends inside this element, ${recordTooLarge(this.maxElementChars, 'an unclosed string?')}` : 'bad JSON: file ends inside this element (truncated?)',
          line: this.index,
        });
        this.parts = [];
        this.partsChars = 0;
        break;
      case 'between':
        out.push({ error: "bad JSON: file ends before the array's closing ] (truncated?)", line: this.index + 1 });
        break;
      case 'after':
        break;
    }
  }
}

/**
 * Rows of a file holding one top-level JSON array of objects (Kaggle arxivData.json), streamed in
 * constant memory; `line` is the 1-based element index. A bad element yields an error item and the
 * scan goes on with the next one.
 */
export async function* readJsonArrayRows(path: string, limit?: DecompressionLimit): AsyncGenerator<RowItem> {
  const scanner = new JsonArrayScanner(path);
  for await (const text of openText(path, limit)) {
    const items: RowItem[] = [];
    scanner.feed(text, items);
    yield* items;
  }
  const tail: RowItem[] = [];
  scanner.end(tail);
  yield* tail;
}
