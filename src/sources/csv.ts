import type { DecompressionLimit } from './decompression-limit.js';
import { openText } from './open.js';
import { MAX_RECORD_SIZE, recordTooLarge } from './record-limit.js';
import type { Row, RowItem } from './source.js';

export type Delimiter = ',' | ';' | '\t';

/** Delimiters a header line is sniffed for, in the order that breaks a tie. */
const SNIFFED: readonly Delimiter[] = [',', '\t', ';'];

/**
 * The delimiter of a CSV-like file from its header line: the one of comma, tab and semicolon
 * (European spreadsheets write `;`) that occurs most often outside quoted fields, comma on a tie
 * or when there is none (one column). The header line ends at the first line break outside
 * quotes; `complete` says whether `text` reached it (or is the whole file).
 */
export function sniffDelimiter(text: string, atEnd = true): { delimiter: Delimiter; complete: boolean } {
  const counts = [0, 0, 0];
  let quoted = false;
  let i = text.charCodeAt(0) === BOM ? 1 : 0;
  for (; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') quoted = !quoted;
    else if (!quoted) {
      if (c === '\n' || c === '\r') break;
      const k = SNIFFED.indexOf(c as Delimiter);
      if (k >= 0) counts[k]!++;
    }
  }
  let best = 0;
  for (let k = 1; k < SNIFFED.length; k++) if (counts[k]! > counts[best]!) best = k;
  return { delimiter: SNIFFED[best]!, complete: i < text.length || atEnd };
}

/** One parsed record: its fields and the physical line it starts on, or why it is malformed. */
export interface DelimitedRecord {
  /** Empty when the record is malformed (see error). */
  fields: string[];
  line: number;
  /** Why the record could not be read; set only when `fields` is empty. */
  error?: string;
}

type State =
  | 'fieldStart' // at the start of a field
  | 'unquoted' // inside a field that did not start with a quote
  | 'quoted' // inside a quoted field
  | 'quoteInQuoted' // just after a quote inside a quoted field: end of field, or the first of ""
  | 'skipLine'; // after an oversized record, discarding up to the next line end

/**
 * Whether a `"` opening a field starts a quoted field. Always in CSV. Most TSV writers never quote
 * and leave a title's `"` as it is, so in TSV the file's first field opening with `"` decides:
 * quoted when it parses as a quoted field, characters (for the whole file) when it does not.
 */
type Quoting = 'quoted' | 'literal' | 'undecided';

/** Text to parse again (after a record proved malformed), and where the text it came from resumes. */
interface Replay {
  text: string;
  resumeAt: number;
}

const QUOTE = 34;
const LF = 10;
const CR = 13;
const BOM = 0xfeff;

const UNCLOSED = 'unclosed quoted field';
const RUNS_ON = 'a quoted field runs past the end of this line into a malformed record (an unclosed quote?); the lines after this one were read on their own';

function countNewlines(text: string, from: number, to: number): number {
  let count = 0;
  let i = text.indexOf('\n', from);
  while (i >= 0 && i < to) {
    count++;
    i = text.indexOf('\n', i + 1);
  }
  return count;
}

/** Index of the first LF or CR in text[from, to), or -1. */
function firstLineBreak(text: string, from: number, to: number): number {
  for (let k = from; k < to; k++) {
    const c = text.charCodeAt(k);
    if (c === LF || c === CR) return k;
  }
  return -1;
}

/**
 * RFC 4180 records from text fed in arbitrary chunks: quoted fields may hold delimiters, doubled
 * quotes and line breaks; records end at LF, CRLF or a bare CR; blank lines are skipped. Lenient
 * where the RFC is silent: a quote inside an unquoted field is literal, text after a closing quote
 * is appended to the field.
 *
 * A quoted field that spans lines is taken at its word only while its record stays well formed:
 * once past its first line end, text after a closing quote, more fields than the header has, a
 * record of the wrong length or past the size limit, or the end of the file inside the quote make
 * the record's first line a malformed record, and the lines after it are parsed again as records
 * of their own. So an unclosed quote costs its own line, not the records it would swallow, while
 * abstracts with line breaks in them still read as one field.
 */
export class DelimitedParser {
  private state: State = 'fieldStart';
  private fields: string[] = [];
  private field = '';
  private line = 1;
  private recordLine = 1;
  /** The last character was a CR ending a record: an LF right after it belongs to it. */
  private afterCR = false;
  private started = false;
  /** Characters in the current record's finished fields (delimiters included). */
  private recordChars = 0;
  private quoting: Quoting;
  /** The header's field count, once the first record is read: what a record spanning lines must have. */
  private expected: number | undefined;
  /** A quoted field of the current record has run past a line end. */
  private crossed = false;
  /** The current record holds the file's first quoted field, which decides `quoting` (TSV). */
  private trial = false;
  /** The current record's text from earlier chunks; with `recordStart`, what a replay reads again. */
  private raw = '';
  /** Where the current record starts in the text being scanned (0 when it started in an earlier chunk). */
  private recordStart = 0;
  /** Characters fed and characters parsed again: replays stay within the first plus one record. */
  private fedChars = 0;
  private replayedChars = 0;

  constructor(
    private readonly delimiter: Delimiter,
    /** Records longer than this many characters are reported and skipped (see record-limit.ts). */
    private readonly maxRecordChars = MAX_RECORD_SIZE,
  ) {
    this.quoting = delimiter === '\t' ? 'undecided' : 'quoted';
  }

  /** Parse a chunk, appending completed records to `out` (malformed ones with an `error`). */
  feed(text: string, out: DelimitedRecord[]): void {
    let i = 0;
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === BOM) i = 1;
    }
    this.fedChars += text.length;
    this.run(text, i, out);
  }

  /** Flush the last record when the text does not end with a line break. */
  end(out: DelimitedRecord[]): void {
    for (;;) {
      if (this.state === 'skipLine' || (this.state === 'fieldStart' && this.fields.length === 0)) return;
      this.recordStart = 0;
      let replay: Replay | undefined;
      if (this.state !== 'quoted') replay = this.finishRecord(this.field, '', 0, LF, out);
      else if (this.crossed || this.trial) replay = this.fail('', 0, out);
      else {
        // An unclosed quote on the file's last line: report the record as malformed.
        out.push({ fields: [], line: this.recordLine, error: UNCLOSED });
        this.resetRecord();
      }
      if (replay === undefined) return;
      this.run(replay.text, 0, out);
    }
  }

  /** Scan `text` from `from`, and each replay it asks for before the rest of the text it came from. */
  private run(text: string, from: number, out: DelimitedRecord[]): void {
    const stack = [{ text, at: from }];
    while (stack.length > 0) {
      const segment = stack[stack.length - 1]!;
      const replay = this.scan(segment.text, segment.at, out);
      if (replay === undefined) {
        stack.pop();
      } else {
        segment.at = replay.resumeAt;
        stack.push({ text: replay.text, at: 0 });
      }
    }
  }

  /** Parse text[from..]; returns a replay when a record proved malformed partway. */
  private scan(text: string, from: number, out: DelimitedRecord[]): Replay | undefined {
    const delim = this.delimiter.charCodeAt(0);
    const n = text.length;
    let i = from;
    this.recordStart = from;
    while (i < n) {
      let c = text.charCodeAt(i);
      if (this.afterCR) {
        this.afterCR = false;
        if (c === LF) {
          i++;
          this.recordStart = i;
          continue;
        }
      }
      if (this.state === 'fieldStart' && this.fields.length === 0) this.recordStart = i;
      switch (this.state) {
        case 'fieldStart':
          if (c === QUOTE && this.quoting !== 'literal') {
            if (this.quoting === 'undecided') this.trial = true;
            this.state = 'quoted';
            i++;
          } else if (c === delim) {
            this.pushField('');
            i++;
            if (this.tooManyFields()) return this.fail(text, i, out);
          } else if (c === LF || c === CR) {
            const replay = this.finishRecord('', text, i, c, out);
            if (replay) return replay;
            i++;
          } else {
            this.state = 'unquoted';
          }
          break;
        case 'unquoted': {
          const start = i;
          while (i < n) {
            c = text.charCodeAt(i);
            if (c === delim || c === LF || c === CR) break;
            i++;
          }
          this.field += text.slice(start, i);
          if (i < n) {
            if (c === delim) {
              this.pushField(this.field);
              this.field = '';
              this.state = 'fieldStart';
              i++;
              if (this.tooManyFields()) return this.fail(text, i, out);
            } else {
              const replay = this.finishRecord(this.field, text, i, c, out);
              if (replay) return replay;
              i++;
            }
          }
          break;
        }
        case 'quoted': {
          let q = text.indexOf('"', i);
          if (q < 0) q = n;
          if (!this.crossed && firstLineBreak(text, i, q) >= 0) this.crossed = true;
          if (this.crossed) this.line += countNewlines(text, i, q);
          this.field += text.slice(i, q);
          i = q;
          if (q < n) {
            this.state = 'quoteInQuoted';
            i++;
          }
          break;
        }
        case 'quoteInQuoted':
          if (c === QUOTE) {
            this.field += '"';
            this.state = 'quoted';
            i++;
          } else if (c === delim) {
            this.pushField(this.field);
            this.field = '';
            this.state = 'fieldStart';
            i++;
            if (this.tooManyFields()) return this.fail(text, i, out);
          } else if (c === LF || c === CR) {
            const replay = this.finishRecord(this.field, text, i, c, out);
            if (replay) return replay;
            i++;
          } else if (this.crossed || this.trial) {
            // Text after a closing quote: the quote was not where the field ended.
            return this.fail(text, i, out);
          } else {
            this.state = 'unquoted';
          }
          break;
        case 'skipLine': {
          let nl = firstLineBreak(text, i, n);
          if (nl < 0) nl = n;
          i = nl;
          if (nl < n) {
            this.lineBreak(text.charCodeAt(nl));
            this.state = 'fieldStart';
            i++;
          }
          break;
        }
      }
    }
    if (this.state === 'skipLine' || (this.state === 'fieldStart' && this.fields.length === 0)) return undefined;
    // A record still open at the end of a chunk may be an unclosed quote, or a line without end,
    // swallowing the file: it is cut off here, before it can outgrow memory or a string's length.
    if (this.recordChars + this.field.length > this.maxRecordChars) {
      if (this.crossed || this.trial) return this.fail(text, n, out);
      this.skipOversized(out);
      return undefined;
    }
    this.raw += text.slice(this.recordStart);
    return undefined;
  }

  private pushField(field: string): void {
    this.fields.push(field);
    this.recordChars += field.length + 1;
  }

  /** A delimiter just ended a field of a record spanning lines that already has all its fields. */
  private tooManyFields(): boolean {
    return this.crossed && this.expected !== undefined && this.fields.length >= this.expected;
  }

  /** End the current record at the line break `c` (text[at]), or replay it if it proved malformed. */
  private finishRecord(last: string, text: string, at: number, c: number, out: DelimitedRecord[]): Replay | undefined {
    const tooLarge = this.recordChars + last.length > this.maxRecordChars;
    const wrongLength = this.crossed && this.expected !== undefined && this.fields.length + 1 !== this.expected;
    if (((this.crossed || this.trial) && tooLarge) || wrongLength) return this.fail(text, at, out);
    // Too large whether or not a chunk ended inside it: where the text was split must not matter.
    if (tooLarge) {
      out.push({ fields: [], line: this.recordLine, error: recordTooLarge(this.maxRecordChars, 'an unclosed quote?') });
    } else if (this.fields.length > 0 || last.trim().length > 0) {
      // A line holding nothing (or only spaces) is blank, not a one-field record.
      this.fields.push(last);
      out.push({ fields: this.fields, line: this.recordLine });
      this.expected ??= this.fields.length;
    }
    if (this.trial) this.quoting = 'quoted';
    this.resetRecord();
    this.lineBreak(c);
    return undefined;
  }

  /**
   * The current record, read up to text[at], is malformed because of a quote: parse it again from
   * its second line (its first reported), or from its start with quotes as characters when it held
   * the TSV file's first quoted field.
   */
  private fail(text: string, at: number, out: DelimitedRecord[]): Replay {
    const whole = this.raw + text.slice(this.recordStart, at);
    const line = this.recordLine;
    const trial = this.trial;
    const tooLarge = this.recordChars + this.field.length > this.maxRecordChars;
    this.resetRecord();
    if (trial) {
      this.quoting = 'literal';
      this.line = this.recordLine = line;
      return { text: whole, resumeAt: at };
    }
    out.push({ fields: [], line, error: tooLarge ? recordTooLarge(this.maxRecordChars, 'an unclosed quote?') : RUNS_ON });
    const lineEnd = firstLineBreak(whole, 0, whole.length);
    const replay = whole.slice(lineEnd + 1);
    // Lines that each start a long run again (a header of thousands of fields makes this possible)
    // would otherwise be read again and again: past this budget the damage is the whole record.
    if (this.replayedChars + replay.length > this.fedChars + this.maxRecordChars) {
      this.state = 'skipLine';
      return { text: '', resumeAt: at };
    }
    this.replayedChars += replay.length;
    this.line = this.recordLine = line + 1;
    this.afterCR = whole.charCodeAt(lineEnd) === CR;
    return { text: replay, resumeAt: at };
  }

  private resetRecord(): void {
    this.fields = [];
    this.field = '';
    this.recordChars = 0;
    this.state = 'fieldStart';
    this.crossed = false;
    this.trial = false;
    this.raw = '';
  }

  /** Report the current record as too large and discard the rest of it, up to the next line end. */
  private skipOversized(out: DelimitedRecord[]): void {
    out.push({ fields: [], line: this.recordLine, error: recordTooLarge(this.maxRecordChars, 'an unclosed quote?') });
    this.resetRecord();
    this.state = 'skipLine';
  }

  private lineBreak(c: number): void {
    this.line++;
    this.recordLine = this.line;
    if (c === CR) this.afterCR = true;
  }
}

/** Assign without letting a `__proto__` column name touch the prototype. */
function setField(row: Row, key: string, value: string): void {
  if (key === '__proto__') Object.defineProperty(row, key, { value, enumerable: true, writable: true, configurable: true });
  else row[key] = value;
}

/**
 * Rows of a CSV or TSV file (gzip-transparent), keyed by the trimmed names in the header record.
 * A record whose field count differs from the header's yields an error item; `line` is the
 * physical line where the record starts.
 */
export async function* readDelimitedRows(path: string, delimiter: Delimiter | 'sniff', limit?: DecompressionLimit): AsyncGenerator<RowItem> {
  let parser = delimiter === 'sniff' ? undefined : new DelimitedParser(delimiter);
  /** Text read before the header line is whole, when the delimiter is sniffed from it. */
  let head = '';
  let header: string[] | undefined;
  const toItems = (records: DelimitedRecord[]): RowItem[] => {
    const items: RowItem[] = [];
    for (const rec of records) {
      if (rec.error !== undefined) {
        items.push({ error: `bad row: ${rec.error}`, line: rec.line });
        continue;
      }
      if (!header) {
        header = rec.fields.map((f) => f.trim());
        continue;
      }
      if (rec.fields.length !== header.length) {
        items.push({ error: `bad row: expected ${header.length} fields, found ${rec.fields.length}`, line: rec.line });
        continue;
      }
      const row: Row = {};
      for (let k = 0; k < header.length; k++) setField(row, header[k]!, rec.fields[k]!);
      items.push({ row, line: rec.line });
    }
    return items;
  };
  for await (const text of openText(path, limit)) {
    let chunk = text;
    if (!parser) {
      head += text;
      const sniffed = sniffDelimiter(head, false);
      // A header line longer than a record may be is the parser's to report.
      if (!sniffed.complete && head.length < MAX_RECORD_SIZE) continue;
      parser = new DelimitedParser(sniffed.delimiter);
      chunk = head;
      head = '';
    }
    const records: DelimitedRecord[] = [];
    parser.feed(chunk, records);
    yield* toItems(records);
  }
  parser ??= new DelimitedParser(sniffDelimiter(head).delimiter);
  const records: DelimitedRecord[] = [];
  if (head) parser.feed(head, records);
  parser.end(records);
  yield* toItems(records);
}
