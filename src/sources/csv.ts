import type { DecompressionLimit } from './decompression-limit.js';
import { openText } from './open.js';
import { MAX_RECORD_SIZE, recordTooLarge } from './record-limit.js';
import type { Row, RowItem } from './source.js';

export type Delimiter = ',' | '\t';

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

const QUOTE = 34;
const LF = 10;
const CR = 13;
const BOM = 0xfeff;

function countNewlines(text: string, from: number, to: number): number {
  let count = 0;
  let i = text.indexOf('\n', from);
  while (i >= 0 && i < to) {
    count++;
    i = text.indexOf('\n', i + 1);
  }
  return count;
}

/**
 * RFC 4180 records from text fed in arbitrary chunks: quoted fields may hold delimiters, doubled
 * quotes and line breaks; records end at LF, CRLF or a bare CR; blank lines are skipped. Lenient
 * where the RFC is silent: a quote inside an unquoted field is literal, text after a closing quote
 * is appended to the field.
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

  constructor(
    private readonly delimiter: Delimiter,
    /** Records longer than this many characters are reported and skipped (see record-limit.ts). */
    private readonly maxRecordChars = MAX_RECORD_SIZE,
  ) {}

  /** Parse a chunk, appending completed records to `out` (malformed ones with an `error`). */
  feed(text: string, out: DelimitedRecord[]): void {
    const delim = this.delimiter.charCodeAt(0);
    const n = text.length;
    let i = 0;
    if (!this.started && n > 0) {
      this.started = true;
      if (text.charCodeAt(0) === BOM) i = 1;
    }
    while (i < n) {
      let c = text.charCodeAt(i);
      if (this.afterCR) {
        this.afterCR = false;
        if (c === LF) {
          i++;
          continue;
        }
      }
      switch (this.state) {
        case 'fieldStart':
          if (c === QUOTE) {
            this.state = 'quoted';
            i++;
          } else if (c === delim) {
            this.pushField('');
            i++;
          } else if (c === LF || c === CR) {
            this.endRecord('', out);
            this.lineBreak(c);
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
            } else {
              this.endRecord(this.field, out);
              this.lineBreak(c);
            }
            i++;
          }
          break;
        }
        case 'quoted': {
          let q = text.indexOf('"', i);
          if (q < 0) q = n;
          this.line += countNewlines(text, i, q);
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
          } else if (c === LF || c === CR) {
            this.endRecord(this.field, out);
            this.lineBreak(c);
            i++;
          } else {
            this.state = 'unquoted';
          }
          break;
        case 'skipLine': {
          let nl = text.indexOf('\n', i);
          if (nl < 0) nl = n;
          i = nl;
          if (nl < n) {
            this.lineBreak(LF);
            this.state = 'fieldStart';
            i++;
          }
          break;
        }
      }
    }
    // A record still open at the end of a chunk may be an unclosed quote, or a line without end,
    // swallowing the file: it is cut off here, before it can outgrow memory or a string's length.
    if (this.state !== 'skipLine' && this.recordChars + this.field.length > this.maxRecordChars) this.skipOversized(out);
  }

  private pushField(field: string): void {
    this.fields.push(field);
    this.recordChars += field.length + 1;
  }

  /** Report the current record as too large and discard the rest of it, up to the next line end. */
  private skipOversized(out: DelimitedRecord[]): void {
    out.push({ fields: [], line: this.recordLine, error: recordTooLarge(this.maxRecordChars, 'an unclosed quote?') });
    this.fields = [];
    this.field = '';
    this.recordChars = 0;
    this.state = 'skipLine';
  }

  private lineBreak(c: number): void {
    this.line++;
    this.recordLine = this.line;
    if (c === CR) this.afterCR = true;
  }

  private endRecord(last: string, out: DelimitedRecord[]): void {
    // Too large whether or not a chunk ended inside it: where the text was split must not matter.
    if (this.recordChars + last.length > this.maxRecordChars) {
      out.push({ fields: [], line: this.recordLine, error: recordTooLarge(this.maxRecordChars, 'an unclosed quote?') });
    } else if (this.fields.length > 0 || last.trim().length > 0) {
      // A line holding nothing (or only spaces) is blank, not a one-field record.
      this.fields.push(last);
      out.push({ fields: this.fields, line: this.recordLine });
    }
    this.fields = [];
    this.field = '';
    this.recordChars = 0;
    this.state = 'fieldStart';
  }

  /** Flush the last record when the text does not end with a line break. */
  end(out: DelimitedRecord[]): void {
    if (this.state === 'skipLine') return;
    if (this.state === 'quoted') {
      // An unclosed quote at the end of the file: report the record as malformed.
      out.push({ fields: [], line: this.recordLine, error: 'unclosed quoted field' });
      return;
    }
    this.endRecord(this.field, out);
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
export async function* readDelimitedRows(path: string, delimiter: Delimiter, limit?: DecompressionLimit): AsyncGenerator<RowItem> {
  const parser = new DelimitedParser(delimiter);
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
    const records: DelimitedRecord[] = [];
    parser.feed(text, records);
    yield* toItems(records);
  }
  const records: DelimitedRecord[] = [];
  parser.end(records);
  yield* toItems(records);
}
