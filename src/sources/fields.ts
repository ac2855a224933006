import { isoDate, toIsoDate } from './dates.js';
import { PythonLiteralError, parsePythonLiteral, type PyValue } from './python-literal.js';
import type { RawRecord, Row, RowItem, SkipReason } from './source.js';

export type FieldResult = { record: RawRecord } | { reason: SkipReason; detail: string };

/** arXiver `markdown` is the full text; only its start stands in for a missing abstract. */
export const MARKDOWN_ABSTRACT_CHARS = 2000;

const ID_FIELDS = ['id', 'aid', 'paper_id', 'arxiv_id'];
const TITLE_FIELDS = ['title', 'titles', 'paper_title'];
const ABSTRACT_FIELDS = ['abstract', 'summary', 'summaries', 'abstract_text', 'paper_abstract'];
const CATEGORY_FIELDS = ['categories', 'terms', 'tag', 'category'];
const PRIMARY_FIELDS = ['primary_category', 'main_category', 'primary'];
const DATE_FIELDS = ['date', 'update_date', 'published', 'published_date', 'created'];

class FieldError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The row with its field names in lower case and trimmed (`Title`, ` Abstract`), as the lists
 * above spell them; the row itself when they already are, which is nearly always.
 */
function lowerCaseKeys(row: Row): Row {
  let plain = true;
  for (const k in row) {
    if (/[A-Z]|^\s|\s$/.test(k)) {
      plain = false;
      break;
    }
  }
  if (plain) return row;
  const out: Row = {};
  // An exact lower-case name wins over another spelling of it.
  for (const k in row) if (!/[A-Z]|^\s|\s$/.test(k)) out[k] = row[k];
  for (const k in row) {
    const lower = k.trim().toLowerCase();
    if (!Object.hasOwn(out, lower)) out[lower] = row[k];
  }
  return out;
}

/** The first of `names` whose value is present (not undefined, null or an empty string). */
function pick(row: Row, names: readonly string[]): [string, unknown] | undefined {
  for (const name of names) {
    const v = row[name];
    if (v !== undefined && v !== null && v !== '') return [name, v];
  }
  return undefined;
}

// Whitespace other than a lone space, or a space followed by more whitespace: matching only these
// leaves clean text (most of it) untouched instead of rewriting every space.
const ODD_SPACE = /[\t\n\v\f\r\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]\s*| \s+/g;

/** Collapse runs of whitespace (arXiv hard-wraps titles and abstracts) to one space, and trim. */
export function normalizeWhitespace(text: string): string {
  return text.replace(ODD_SPACE, ' ').trim();
}

/** Codes in first-seen order without repeats (lists are short: a linear scan beats a Set). */
function dedupe(codes: string[]): string[] {
  if (codes.length < 2) return codes;
  const out: string[] = [];
  for (const c of codes) if (!out.includes(c)) out.push(c);
  return out;
}

function textOf(v: unknown): string {
  if (typeof v === 'string') return normalizeWhitespace(v);
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  return '';
}

const ABS_URL = /^(?:https?:\/\/)?(?:www\.|export\.)?arxiv\.org\/(?:abs|pdf)\/(.+?)(?:\.pdf)?\/?$/i;
const VERSION_SUFFIX = /^(.*\d)v(\d+)$/;
const OLD_ID_SUBJECT_CLASS = /^([a-z-]+)\.[a-z-]+\/(\d{7}(?:v\d+)?)$/i;

/** arXiv numbers ids YYMM.NNNN up to 1412 and YYMM.NNNNN from 1501 (arXiv identifier scheme). */
const FIVE_DIGIT_IDS_FROM = 1501;

/**
 * A new-style id read as a number (a spreadsheet or parquet cell) has lost its zeros at both ends:
 * 0704.0001 → 704.0001, 2101.00010 → 2101.0001. Written back with the year-month as four digits and
 * as many digits after the point as arXiv used that month; anything else stays as String() writes it.
 */
function numericId(n: number): string {
  const yymm = Math.floor(n);
  const month = yymm % 100;
  if (!Number.isFinite(n) || Number.isInteger(n) || yymm < 1 || yymm > 9912 || month < 1 || month > 12) return String(n);
  const digits = yymm >= FIVE_DIGIT_IDS_FROM ? 5 : 4;
  const [whole, fraction] = n.toFixed(digits).split('.') as [string, string];
  // toFixed may round 0.99999… up into the next integer: then the number was no id.
  if (Number(whole) !== yymm) return String(n);
  return `${whole.padStart(4, '0')}.${fraction}`;
}

/** An arXiv id without URL, `arXiv:` prefix or version suffix, and the version when it had one. */
export function normalizeArxivId(raw: string | number): { id: string; version?: number } {
  let id = typeof raw === 'number' ? numericId(raw) : raw.trim();
  const url = ABS_URL.exec(id);
  if (url) id = url[1]!;
  if (/^arxiv:/i.test(id)) id = id.slice(6).trim();
  // An old-style id may carry its subject class (math.GT/0309136); arXiv's id is the archive's (math/0309136).
  id = id.replace(OLD_ID_SUBJECT_CLASS, '$1/$2');
  const v = VERSION_SUFFIX.exec(id);
  if (v) return { id: v[1]!, version: Number(v[2]) };
  return { id };
}

function parseLiteral(field: string, text: string): PyValue {
  try {
    // numpy prints an array of strings without commas (`['cs.LG' 'cs.AI']`): in a list of codes,
    // strings side by side are separate codes, not Python's implicit concatenation.
    return parsePythonLiteral(text, { adjacentStrings: 'separate' });
  } catch (err) {
    if (err instanceof PythonLiteralError) throw new FieldError(field, `field "${field}": ${err.message}`);
    throw err;
  }
}

/** Codes in a string separated by spaces, commas or semicolons. */
function splitCodes(s: string, out: string[]): void {
  for (const code of s.split(/[\s,;]+/)) if (code) out.push(code);
}

/**
 * Category codes from one field value: an array, a list literal, or a string separated by spaces,
 * commas or semicolons. A list's strings are split the same way, since some exports put a whole
 * OAI categories string in a one-element list (['cs.LG stat.ML']).
 */
function codesOf(field: string, value: unknown, out: string[]): void {
  if (typeof value === 'string') {
    const s = value.trim();
    if (s.startsWith('[') || s.startsWith('(')) codesOf(field, parseLiteral(field, s), out);
    else splitCodes(s, out);
    return;
  }
  if (Array.isArray(value)) {
    for (const item of value) {
      if (typeof item === 'string') {
        splitCodes(item, out);
      } else if (item !== null && typeof item === 'object' && !Array.isArray(item)) {
        // Atom `tag` entries: {'term': 'cs.AI', 'scheme': ..., 'label': None}.
        const term = (item as Record<string, unknown>).term;
        if (typeof term === 'string' && term.trim()) out.push(term.trim());
      }
    }
    return;
  }
  if (typeof value === 'number') throw new FieldError(field, `field "${field}": expected category codes, got the number ${value}`);
}

function intOf(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^\s*\d+\s*$/.test(v)) return Number(v);
  return NaN;
}

function dateOf(row: Row): string | undefined {
  const found = pick(row, DATE_FIELDS);
  if (found) {
    const d = toIsoDate(found[1]);
    if (d) return d;
  }
  if (row.year !== undefined && row.month !== undefined && row.day !== undefined) {
    return isoDate(intOf(row.year), intOf(row.month), intOf(row.day));
  }
  return undefined;
}

/** Highest version in an OAI `versions` list ([{version: 'v3', created: ...}] or ['v1', 'v2']). */
function maxVersion(versions: unknown): number | undefined {
  if (!Array.isArray(versions)) return undefined;
  let max: number | undefined;
  for (const v of versions) {
    const label = typeof v === 'string' ? v : v !== null && typeof v === 'object' ? (v as Record<string, unknown>).version : undefined;
    if (typeof label !== 'string') continue;
    const m = /^\s*v?(\d+)\s*$/i.exec(label);
    if (m) {
      const n = Number(m[1]);
      if (max === undefined || n > max) max = n;
    }
  }
  return max;
}

/**
 * Map one row, whatever the spelling of its fields (OAI snapshot, Kaggle arxivData, Keras
 * arxiv_data.csv, arXiver, spreadsheets, our canonical JSONL), onto a RawRecord, or say why it
 * cannot be used. Category codes stay as written; taxonomy.ts canonicalises them later.
 */
export function toRawRecord(input: Row, columns?: RecordColumns): FieldResult {
  if (columns) {
    // A row without a field the user named is a bad row that says which.
    const missing = missingColumns(input, columns);
    return missing ? { reason: 'bad-row', detail: missing } : toRawRecord(withColumns(input, columns));
  }
  const row = lowerCaseKeys(input);
  const title = textOf(pick(row, TITLE_FIELDS)?.[1]);
  let abstract = textOf(pick(row, ABSTRACT_FIELDS)?.[1]);
  if (!abstract && typeof row.markdown === 'string') abstract = cutAtWord(normalizeWhitespace(row.markdown.slice(0, MARKDOWN_ABSTRACT_CHARS * 2)), MARKDOWN_ABSTRACT_CHARS);
  if (!title && !abstract) return { reason: 'no-text', detail: 'no title or abstract' };
  const meta = recordMetadata(row);
  if ('reason' in meta) return meta;
  return { record: { title, abstract, ...meta.metadata } };
}

/** Everything of a RawRecord but its text. */
export type RecordMetadata = Omit<RawRecord, 'title' | 'abstract'>;

/**
 * The categories, primary, id, version and date of a row (toRawRecord without the text, which
 * the ingest fast path handles as bytes), or why the row cannot be used.
 */
export function recordMetadata(row: Row): { metadata: RecordMetadata } | { reason: SkipReason; detail: string } {
  const categories: string[] = [];
  let primary: string | undefined;
  try {
    const p = pick(row, PRIMARY_FIELDS);
    if (p && (typeof p[1] === 'string' || Array.isArray(p[1]))) {
      const codes: string[] = [];
      codesOf(p[0], p[1], codes);
      primary = codes[0];
      if (primary) categories.push(primary);
    }
    const c = pick(row, CATEGORY_FIELDS);
    if (c) codesOf(c[0], c[1], categories);
  } catch (err) {
    if (err instanceof FieldError) return { reason: 'bad-row', detail: err.message };
    throw err;
  }
  const unique = dedupe(categories);
  if (unique.length === 0) {
    const c = pick(row, CATEGORY_FIELDS);
    return { reason: 'no-category', detail: c ? `empty "${c[0]}"` : 'no categories field' };
  }

  const metadata: RecordMetadata = { categories: unique };
  if (primary) metadata.primary = primary;

  const idField = pick(row, ID_FIELDS);
  let idVersion: number | undefined;
  if (idField && (typeof idField[1] === 'string' || typeof idField[1] === 'number')) {
    const { id, version } = normalizeArxivId(idField[1]);
    if (id) metadata.id = id;
    idVersion = version;
  }
  const version = maxVersion(row.versions) ?? idVersion;
  if (version !== undefined) metadata.version = version;
  const date = dateOf(row);
  if (date) metadata.date = date;
  return { metadata };
}

/**
 * Top-level fields that toRawRecord reads besides the ones the ingest fast path decodes itself
 * (id, title, abstract, categories, primary, date, update_date, versions): a row with any of them
 * goes through toRawRecord. Kept next to the field lists above so the two cannot drift apart.
 */
export const FAST_PATH_FIELDS = ['id', 'title', 'abstract', 'categories', 'primary', 'date', 'update_date', 'versions'] as const;
export const OTHER_FIELDS: readonly string[] = [...ID_FIELDS, ...TITLE_FIELDS, ...ABSTRACT_FIELDS, ...CATEGORY_FIELDS, ...PRIMARY_FIELDS, ...DATE_FIELDS, 'versions', 'markdown', 'year', 'month', 'day'].filter(
  (f) => !(FAST_PATH_FIELDS as readonly string[]).includes(f),
);

/**
 * Why a row to classify has no text: empty fields, or no field of a name we know, in which case
 * the names found and the names accepted (a file with `Paper Name,Summary Text` columns).
 */
function noTextDetail(row: Row, asWritten: Row): string {
  const textFields = [...TITLE_FIELDS, ...ABSTRACT_FIELDS, 'markdown'];
  if (textFields.some((f) => Object.hasOwn(row, f))) return 'no title or abstract';
  const found = Object.keys(asWritten);
  const shown = found.length > 12 ? `${found.slice(0, 12).join(', ')}, …` : found.join(', ') || 'none';
  return `no title or abstract field (fields found: ${shown}; a title is one of ${TITLE_FIELDS.join(', ')}, an abstract one of ${ABSTRACT_FIELDS.join(', ')}, in any letter case; or name the fields with --title-col and --abstract-col, title_col and abstract_col in /v1/classify/file)`;
}

/** Fields named by the user (`--title-col` …), read instead of the known spellings; any letter case. */
export interface ColumnChoice {
  title?: string;
  abstract?: string;
  id?: string;
}

/** The key of `row` that `name` names, in any letter case and with spaces around it ignored. */
function findColumn(row: Row, name: string): string | undefined {
  if (Object.hasOwn(row, name)) return name;
  const want = name.trim().toLowerCase();
  for (const k in row) if (k.trim().toLowerCase() === want) return k;
  return undefined;
}

/** The fields of a labelled row named by the user (`ingest --categories-col` …). */
export interface RecordColumns extends ColumnChoice {
  categories?: string;
  primary?: string;
}

const COLUMN_FLAGS: Record<keyof RecordColumns, string> = { title: '--title-col', abstract: '--abstract-col', id: '--id-col', categories: '--categories-col', primary: '--primary-col' };

/**
 * Why `row` (the first of a file) lacks a field the user named, listing the fields it has; or
 * undefined when it has them all. A wrong name is the whole file's problem, not each row's.
 */
export function missingColumns(row: Row, columns: RecordColumns): string | undefined {
  const missing = (Object.keys(COLUMN_FLAGS) as (keyof RecordColumns)[]).filter((k) => columns[k] !== undefined && findColumn(row, columns[k]!) === undefined);
  if (missing.length === 0) return undefined;
  const found = Object.keys(row);
  const shown = found.length > 20 ? `${found.slice(0, 20).join(', ')}, …` : found.join(', ') || 'none';
  return `${missing.map((k) => `${COLUMN_FLAGS[k]} ${JSON.stringify(columns[k])}`).join(', ')}: no such field (fields found: ${shown}; names match in any letter case)`;
}

function columnValue(row: Row, name: string): unknown {
  const key = findColumn(row, name);
  return key === undefined ? undefined : row[key];
}

/** Each field the user can name, the spellings it stands in for, and the one toRawRecord reads first. */
const NAMED_FIELDS: readonly [keyof RecordColumns, readonly string[], string][] = [
  ['title', TITLE_FIELDS, 'title'],
  ['abstract', [...ABSTRACT_FIELDS, 'markdown'], 'abstract'],
  ['id', ID_FIELDS, 'id'],
  ['categories', CATEGORY_FIELDS, 'categories'],
  ['primary', PRIMARY_FIELDS, 'primary_category'],
];

/**
 * `input` as toRawRecord should read it when the user named some of its fields: each named field
 * under the spelling toRawRecord reads first, and the other spellings of the same thing gone, so
 * that a `summary` column named by --abstract-col wins over an `abstract` one.
 */
export function withColumns(input: Row, columns: RecordColumns): Row {
  const row: Row = { ...lowerCaseKeys(input) };
  for (const [kind, spellings, canonical] of NAMED_FIELDS) {
    const name = columns[kind];
    if (name === undefined) continue;
    const value = columnValue(input, name);
    for (const s of spellings) delete row[s];
    row[canonical] = value;
  }
  return row;
}

/** Cut text to at most `max` characters, at a word boundary when there is one near the end. */
function cutAtWord(text: string, max: number): string {
  if (text.length <= max) return text;
  const space = text.lastIndexOf(' ', max);
  return (space > max * 0.8 ? text.slice(0, space) : text.slice(0, max)).trim();
}

/** A row read for classifying: the paper's id and text, or why it has none, with its line. */
export type PaperItem = { paper: { id?: string; title: string; abstract: string }; line: number } | { error: string; line: number };

/** What every reader of papers to classify (the CLI, the prediction threads, the server) makes of a row. */
export function paperItem(item: RowItem, columns?: ColumnChoice): PaperItem {
  if ('error' in item) return item;
  const p = toPaperText(item.row, columns);
  return 'reason' in p ? { error: p.detail, line: item.line } : { paper: p, line: item.line };
}

/** Just the text and id of a row, for classifying papers that carry no categories yet. */
export function toPaperText(input: Row, columns?: ColumnChoice): { id?: string; title: string; abstract: string } | { reason: SkipReason; detail: string } {
  if (columns) {
    const missing = missingColumns(input, columns);
    return missing ? { reason: 'no-text', detail: missing } : toPaperText(withColumns(input, columns));
  }
  const row = lowerCaseKeys(input);
  const title = textOf(pick(row, TITLE_FIELDS)?.[1]);
  let abstract = textOf(pick(row, ABSTRACT_FIELDS)?.[1]);
  if (!abstract && typeof row.markdown === 'string') abstract = cutAtWord(normalizeWhitespace(row.markdown.slice(0, MARKDOWN_ABSTRACT_CHARS * 2)), MARKDOWN_ABSTRACT_CHARS);
  if (!title && !abstract) return { reason: 'no-text', detail: noTextDetail(row, input) };
  const idField = pick(row, ID_FIELDS);
  const id = idField && (typeof idField[1] === 'string' || typeof idField[1] === 'number') ? normalizeArxivId(idField[1]).id : undefined;
  return id ? { id, title, abstract } : { title, abstract };
}


