/**
 * Papers from a file's text, in the browser (the static site's batch mode, in a Web Worker): CSV,
 * TSV, a JSON array or JSON lines, read by the same parsers and field rules as `ingest` and the
 * server's /v1/classify/file. Excel and Parquet need the server (or the CLI).
 */
import { DelimitedParser, sniffDelimiter, type Delimiter, type DelimitedRecord } from '../sources/csv.js';
import { parseJsonObject } from '../sources/jsonl.js';
import { paperItem, type PaperItem } from '../sources/fields.js';
import type { Row, RowItem } from '../sources/source.js';

export type BrowserFormat = 'csv' | 'tsv' | 'json' | 'jsonl';

/** The format of a file from its name (a .gz suffix aside), else from its first characters. */
export function browserFormat(name: string, text: string): BrowserFormat | { unsupported: string } {
  const base = name.toLowerCase().replace(/\.gz$/, '');
  const ext = /\.([a-z0-9]+)$/.exec(base)?.[1] ?? '';
  if (ext === 'xlsx' || ext === 'parquet') return { unsupported: `.${ext} files are read by the server or the CLI (arxiv-classifier classify); in the browser, save it as CSV` };
  if (ext === 'csv') return 'csv';
  if (ext === 'tsv' || ext === 'tab') return 'tsv';
  if (ext === 'jsonl' || ext === 'ndjson') return 'jsonl';
  const head = text.replace(/^\uFEFF/, '').trimStart();
  if (head.startsWith('[')) return 'json';
  if (head.startsWith('{')) return ext === 'json' && !/}\s*\r?\n\s*{/.test(head.slice(0, 1 << 16)) ? 'json' : 'jsonl';
  const firstLine = head.slice(0, head.search(/\r?\n|$/));
  return firstLine.includes('\t') ? 'tsv' : 'csv';
}

function delimitedItems(text: string, delimiter: Delimiter): RowItem[] {
  const parser = new DelimitedParser(delimiter);
  const records: DelimitedRecord[] = [];
  parser.feed(text, records);
  parser.end(records);
  const items: RowItem[] = [];
  let header: string[] | undefined;
  for (const rec of records) {
    if (rec.error !== undefined) items.push({ error: `bad row: ${rec.error}`, line: rec.line });
    else if (!header) header = rec.fields.map((f) => f.trim());
    else if (rec.fields.length !== header.length) items.push({ error: `bad row: expected ${header.length} fields, found ${rec.fields.length}`, line: rec.line });
    else {
      const row: Row = {};
      header.forEach((h, k) => {
        if (h === '__proto__') Object.defineProperty(row, h, { value: rec.fields[k]!, enumerable: true, writable: true, configurable: true });
        else row[h] = rec.fields[k]!;
      });
      items.push({ row, line: rec.line });
    }
  }
  return items;
}

function jsonArrayItems(text: string): RowItem[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return [{ error: `bad JSON: ${(e as Error).message}`, line: 1 }];
  }
  const rows = Array.isArray(value) ? value : [value];
  // A JSON array has no lines to point at: rows are numbered from 1, as the server numbers them.
  return rows.map((row, i) => (typeof row === 'object' && row !== null && !Array.isArray(row) ? { row: row as Row, line: i + 1 } : { error: 'bad JSON: expected an object', line: i + 1 }));
}

function jsonLineItems(text: string): RowItem[] {
  const items: RowItem[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim()) items.push(parseJsonObject(line, i + 1));
  });
  return items;
}

/** Every row of the file as a paper to classify or the reason it has none, with its line. */
export function papersOfText(name: string, text: string): PaperItem[] | { unsupported: string } {
  const format = browserFormat(name, text);
  if (typeof format === 'object') return format;
  const items = format === 'csv' || format === 'tsv' ? delimitedItems(text, format === 'csv' ? sniffDelimiter(text).delimiter : '\t') : format === 'json' ? jsonArrayItems(text) : jsonLineItems(text);
  return items.map((item) => paperItem(item));
}
