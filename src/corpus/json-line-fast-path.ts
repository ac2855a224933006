/**
 * The ingest fast path for JSON lines (OAI snapshot and canonical corpus lines): one line of UTF-8
 * bytes → one canonical line of UTF-8 bytes, without JSON.parse of the whole line, without decoding
 * the title and abstract to strings and without JSON.stringify. It walks the object's top-level
 * keys, validating and skipping what ingestion ignores (authors_parsed, versions' dates, …), copies
 * title and abstract already whitespace-normalised and escaped (sources/json-bytes.ts), and handles
 * the small fields (id, categories, versions, dates) one of two ways: when they have their everyday
 * shape (a plain id, a YYYY-MM-DD date, categories seen before) straight from the bytes, which is
 * what removed the last per-line regexes and decodes (measured: ~40% of the remaining time); else
 * decoded, through the same recordMetadata and categoryOutcome that the general path uses.
 *
 * Anything unusual makes it decline the line (return false) before it has touched the report, and
 * the caller then runs the general path (JSON.parse → toRawRecord → canonicalize → serializePaper),
 * so output never depends on which path ran: invalid JSON, keys with escapes, field spellings of
 * other formats (summary, tag, aid, …), a title that is not a string, no text at all, a record
 * the metadata step would skip. Tests check both paths give identical bytes and reports.
 */
import { Buffer } from 'node:buffer';
import { OTHER_FIELDS, recordMetadata } from '../sources/fields.js';
import { copied, copyNormalizedString, isNullAt, skipString, skipValue, skipWhitespace } from '../sources/json-bytes.js';
import { JsonTextKernel } from '../sources/json-text-kernel.js';
import type { Row } from '../sources/source.js';
import { categoryOutcome, countOutcome, rawCodes, type CategoryOutcome, type IngestReport } from './canonical.js';
import { hashId, hashIdBytes } from './id-table.js';
import { defaultIdPrefix, syntheticId } from './synthetic-id.js';

/** Where the fast path writes: the chunk's output buffer and its per-record bookkeeping. */
export interface FastPathSink {
  readonly report: IngestReport;
  /** Make room for `n` more bytes after the current end; returns the buffer to write into. */
  reserve(n: number): Uint8Array;
  /** Output length so far (where the next line starts). */
  readonly size: number;
  /** The line written is out[size..end) (its '\n' included): record it, with its id's hashId. */
  commit(end: number, h1: number, h2: number, version: number, line: number): void;
}

const QUOTE = 0x22;

// Key kinds. Values of DECODED keys are decoded for recordMetadata; TITLE and ABSTRACT are copied.
const IGNORED = 0;
const TITLE = 1;
const ABSTRACT = 2;
const DECODED_FIRST = 3;
/** Decoded keys, in the order of their slots (index - DECODED_FIRST). */
const DECODED = ['id', 'categories', 'primary', 'date', 'update_date', 'versions'] as const;
const ID_SLOT = DECODED.indexOf('id');
const CATEGORIES_SLOT = DECODED.indexOf('categories');
const PRIMARY_SLOT = DECODED.indexOf('primary');
const VERSIONS_SLOT = DECODED.indexOf('versions');
/** In the order pick() tries them (DATE_FIELDS in fields.ts). */
const DATE_SLOTS = [DECODED.indexOf('date'), DECODED.indexOf('update_date')];
/** A key the general path may read differently (another format's spelling): decline the line. */
const DECLINE = -1;

const encoder = new TextEncoder();

/** Known keys by byte length, for matching key bytes without decoding them. */
const KEYS: { bytes: Uint8Array; kind: number }[][] = [];
function addKey(name: string, kind: number): void {
  const bytes = encoder.encode(name);
  (KEYS[bytes.length] ??= []).push({ bytes, kind });
}
addKey('title', TITLE);
addKey('abstract', ABSTRACT);
DECODED.forEach((name, i) => addKey(name, DECODED_FIRST + i));
for (const name of OTHER_FIELDS) addKey(name, DECLINE);

/**
 * The kind of the key whose bytes are b[s..e) (raw, between the quotes). A known key in other
 * letter case (`Title`) declines the line: fields.ts reads it, the fast path would not. Keys with
 * spaces around them never reach here as known ones; fields.ts trims them, so they decline too.
 */
function keyKind(b: Uint8Array, s: number, e: number): number {
  if (e > s && (isSpace(b[s]!) || isSpace(b[e - 1]!))) return DECLINE;
  const candidates = KEYS[e - s];
  if (candidates === undefined) return IGNORED;
  for (const { bytes, kind } of candidates) if (startsWith(b, s, bytes)) return kind;
  for (const { bytes } of candidates) if (startsWithIgnoringCase(b, s, bytes)) return DECLINE;
  return IGNORED;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/** startsWith with ASCII capitals in `b` read as small letters (`bytes` are lower case). */
function startsWithIgnoringCase(b: Uint8Array, s: number, bytes: Uint8Array): boolean {
  for (let k = 0; k < bytes.length; k++) {
    const c = b[s + k]!;
    if ((c >= 0x41 && c <= 0x5a ? c + 0x20 : c) !== bytes[k]) return false;
  }
  return true;
}

/** Whether b holds `bytes` at index s. */
function startsWith(b: Uint8Array, s: number, bytes: Uint8Array): boolean {
  for (let k = 0; k < bytes.length; k++) if (b[s + k] !== bytes[k]) return false;
  return true;
}

function ascii(text: string): Uint8Array {
  return encoder.encode(text);
}

const ID_OPEN = ascii('{"id":');
const TITLE_OPEN = ascii(',"title":"');
const ABSTRACT_OPEN = ascii('","abstract":"');
const DATE_OPEN = ascii(',"date":');

function put(out: Uint8Array, o: number, bytes: Uint8Array): number {
  return copyBytes(out, o, bytes, 0, bytes.length);
}

/**
 * b[s..e) to out[o..]; returns the new end. The pieces of a line are short (keys, ids, dates), and
 * for those a loop beats TypedArray.set, whose call costs more than the copy.
 */
function copyBytes(out: Uint8Array, o: number, b: Uint8Array, s: number, e: number): number {
  if (e - s > 64) {
    out.set(b.subarray(s, e), o);
    return o + e - s;
  }
  for (let k = s; k < e; k++) out[o++] = b[k]!;
  return o;
}

/** A short string as JSON (JSON.stringify's bytes) at out[o]; room for 6 bytes per code unit + 2. */
function putJsonString(out: Uint8Array, o: number, s: string): number {
  const start = o;
  out[o++] = QUOTE;
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if (c < 0x20 || c > 0x7e || c === QUOTE || c === 0x5c) {
      // Anything needing an escape or more than one byte: let the encoder write the exact form.
      return start + encoder.encodeInto(JSON.stringify(s), out.subarray(start)).written;
    }
    out[o++] = c;
  }
  out[o++] = QUOTE;
  return o;
}

/**
 * The end (index of the closing quote) of the key whose bytes start at b[i], or -1 when it has an
 * escape or a control character (declined: a key is matched by its raw bytes).
 */
function keyEnd(b: Uint8Array, i: number, end: number): number {
  for (; i < end; i++) {
    const c = b[i]!;
    if (c === QUOTE) return i;
    if (c === 0x5c || c < 0x20) return -1;
  }
  return -1;
}

/** maxVersionOf: the array has no usable version label. */
const NO_VERSION = -1;
/** maxVersionOf: a shape it does not read (JSON.parse and maxVersion decide). */
const UNREAD = -2;
/** Version numbers longer than this are left to the general path (Number() of many digits). */
const MAX_VERSION_DIGITS = 9;

/**
 * What fields.ts maxVersion makes of the versions array at b[s..e) (validated JSON): the highest
 * number in labels like "v3" (strings, or the `version` member of objects, the last one when it
 * repeats), NO_VERSION, or UNREAD for anything it would need to decode (escapes, non-ASCII).
 */
function maxVersionOf(b: Uint8Array, s: number, e: number): number {
  let max = NO_VERSION;
  let i = skipWhitespace(b, s + 1, e);
  if (b[i] === 0x5d) return NO_VERSION;
  for (;;) {
    let label = -1; // start of the label string's opening quote, or -1
    const c = b[i];
    if (c === QUOTE) {
      label = i;
      i = skipString(b, i, e);
    } else if (c === 0x7b) {
      i = skipWhitespace(b, i + 1, e);
      if (b[i] !== 0x7d) {
        for (;;) {
          const keyStart = i + 1;
          const ke = keyEnd(b, keyStart, e);
          if (ke < 0) return UNREAD;
          i = skipWhitespace(b, ke + 1, e) + 1; // past ':'
          i = skipWhitespace(b, i, e);
          const isVersion = ke - keyStart === VERSION_KEY.length && startsWith(b, keyStart, VERSION_KEY);
          if (isVersion) label = b[i] === QUOTE ? i : -1;
          i = skipValue(b, i, e);
          if (i < 0) return UNREAD;
          i = skipWhitespace(b, i, e);
          if (b[i] === 0x7d) break;
          i = skipWhitespace(b, i + 1, e); // past ','
        }
      }
      i++;
    } else {
      i = skipValue(b, i, e);
    }
    if (i < 0) return UNREAD;
    if (label >= 0) {
      const v = versionLabel(b, label + 1);
      if (v === UNREAD) return UNREAD;
      if (v > max) max = v;
    }
    i = skipWhitespace(b, i, e);
    if (b[i] === 0x5d) return max;
    i = skipWhitespace(b, i + 1, e); // past ','
  }
}

const VERSION_KEY = encoder.encode('version');

/**
 * The number in the label whose content starts at b[i], matching /^\s*v?(\d+)\s*$/i, NO_VERSION
 * when it does not match, UNREAD when it holds an escape or non-ASCII (other whitespace).
 */
function versionLabel(b: Uint8Array, i: number): number {
  while (b[i] === 0x20) i++;
  if (b[i] === 0x76 || b[i] === 0x56) i++;
  const digits = i;
  let n = 0;
  while (b[i]! >= 0x30 && b[i]! <= 0x39) n = n * 10 + (b[i++]! - 0x30);
  const count = i - digits;
  while (b[i] === 0x20) i++;
  const c = b[i]!;
  if (c === 0x5c || c >= 0x80 || count > MAX_VERSION_DIGITS) return UNREAD;
  return c === QUOTE && count > 0 ? n : NO_VERSION;
}

/** Whether b[s..e) holds a backslash. */
function hasBackslash(b: Uint8Array, s: number, e: number): boolean {
  for (let k = s; k < e; k++) if (b[k] === 0x5c) return true;
  return false;
}

export class JsonLineFastPath {
  /** Copies title and abstract of lines in its loaded chunk (see load); undefined without wasm SIMD. */
  private readonly kernel = JsonTextKernel.create();
  /** Where the JS copy puts title and abstract (lines of other buffers, or no kernel). */
  private title = new Uint8Array(4096);
  private titleView = new DataView(this.title.buffer);
  private abstract = new Uint8Array(4096);
  private abstractView = new DataView(this.abstract.buffer);
  /** Which copy made the current line's title and abstract. */
  private inKernel = false;
  /** Value start and end (byte indices) per decoded key; start -1 when the key is absent. */
  private readonly starts = new Int32Array(DECODED.length);
  private readonly ends = new Int32Array(DECODED.length);
  /** `"categories":[…],"primary":"…"` per outcome, the part of a line that repeats most. */
  private readonly categoryJson = new WeakMap<CategoryOutcome, Uint8Array>();
  /** `,"source":"<format>"}\n`: every line ends the same. */
  private readonly tail: Uint8Array;

  constructor(
    private readonly file: string,
    format: string,
    /** What ids of id-less records start with (see synthetic-id.ts). */
    private readonly idPrefix = defaultIdPrefix(file),
  ) {
    this.tail = ascii(`,"source":${JSON.stringify(format)}}\n`);
  }

  /**
   * The chunk buffer[0..length) as the bytes (and a DataView over them) to hand to add(): with
   * the SIMD copy, a copy inside its memory, valid until the next load.
   */
  load(buffer: ArrayBuffer, length: number): { bytes: Buffer; view: DataView } {
    if (!this.kernel) return { bytes: Buffer.from(buffer, 0, length), view: new DataView(buffer, 0, length) };
    this.kernel.load(buffer, length);
    return { bytes: this.kernel.bytes, view: this.kernel.view };
  }

  /**
   * Canonicalise the JSON line b[start..end) (valid UTF-8, no '\n') into `sink`: true when done
   * (kept, or skipped for no valid category and counted), false to leave it to the general path.
   * `view` is a DataView over exactly `b`.
   */
  add(b: Buffer, view: DataView, start: number, end: number, line: number, sink: FastPathSink): boolean {
    const n = end - start;
    this.inKernel = this.kernel !== undefined && b === this.kernel.bytes;
    if (!this.inKernel && this.title.length < n) {
      this.title = new Uint8Array(n);
      this.titleView = new DataView(this.title.buffer);
      this.abstract = new Uint8Array(n);
      this.abstractView = new DataView(this.abstract.buffer);
    }
    const starts = this.starts;
    const ends = this.ends;
    starts.fill(-1);
    let titleLength = 0;
    let abstractLength = 0;

    let i = skipWhitespace(b, start, end);
    if (b[i] !== 0x7b) return false;
    i = skipWhitespace(b, i + 1, end);
    if (b[i] === 0x7d) return false; // {}: nothing to keep
    for (;;) {
      if (b[i] !== QUOTE) return false;
      const keyStart = i + 1;
      i = keyEnd(b, keyStart, end);
      if (i < 0) return false;
      const kind = keyKind(b, keyStart, i);
      if (kind === DECLINE) return false;
      i = skipWhitespace(b, i + 1, end);
      if (b[i] !== 0x3a) return false;
      i = skipWhitespace(b, i + 1, end);
      if (kind === TITLE || kind === ABSTRACT) {
        // A later duplicate key wins, as with JSON.parse: each copy starts afresh.
        let length: number;
        if (b[i] === QUOTE) {
          length = this.copyText(b, view, i, end, kind === TITLE ? 0 : 1);
          if (length < 0) return false;
          i = copied.next;
        } else if (isNullAt(b, i, end)) {
          length = 0;
          i += 4;
        } else return false;
        if (kind === TITLE) titleLength = length;
        else abstractLength = length;
      } else {
        const valueStart = i;
        i = skipValue(b, i, end, view);
        if (i < 0) return false;
        if (kind !== IGNORED) {
          starts[kind - DECODED_FIRST] = valueStart;
          ends[kind - DECODED_FIRST] = i;
        }
      }
      i = skipWhitespace(b, i, end);
      if (b[i] === 0x2c) {
        i = skipWhitespace(b, i + 1, end);
        continue;
      }
      if (b[i] === 0x7d) break;
      return false;
    }
    if (skipWhitespace(b, i + 1, end) !== end) return false;
    if (titleLength === 0 && abstractLength === 0) return false;

    if (this.readPlainMetadata(b)) {
      const entry = this.plainCategories!;
      if (!countOutcome(sink.report, entry.outcome!, this.file, line)) return true;
      const idStart = starts[ID_SLOT]!;
      const idEnd = ends[ID_SLOT]!;
      const dateStart = this.plainDate;
      const room = 64 + (idEnd - idStart) + titleLength + abstractLength + entry.json.length + (dateStart >= 0 ? 24 : 0) + this.tail.length;
      const out = sink.reserve(room);
      let o = put(out, sink.size, ID_OPEN);
      o = copyBytes(out, o, b, idStart, idEnd); // the id's string, quotes included
      o = this.putText(out, o, titleLength, abstractLength);
      o = put(out, o, entry.json);
      if (dateStart >= 0) {
        o = put(out, o, DATE_OPEN);
        o = copyBytes(out, o, b, dateStart, dateStart + 12);
      }
      o = put(out, o, this.tail);
      hashIdBytes(b, idStart + 1, idEnd - 1, this.hash);
      sink.commit(o, this.hash[0]!, this.hash[1]!, this.plainVersion, line);
      return true;
    }

    const row: Row = {};
    for (let k = 0; k < DECODED.length; k++) {
      if (starts[k]! < 0) continue;
      if (k === VERSIONS_SLOT && b[starts[k]!] === 0x5b) {
        // The highest version straight from the bytes, handed on as the one label it amounts to.
        const max = maxVersionOf(b, starts[k]!, ends[k]!);
        if (max >= 0) {
          row.versions = [`v${max}`];
          continue;
        }
        if (max === NO_VERSION) {
          row.versions = [];
          continue;
        }
      }
      row[DECODED[k]!] = decodeValue(b, starts[k]!, ends[k]!);
    }
    const meta = recordMetadata(row);
    if ('reason' in meta) return false;
    const m = meta.metadata;

    const outcome = categoryOutcome(rawCodes(m));
    if (!countOutcome(sink.report, outcome, this.file, line)) return true;
    let categories = this.categoryJson.get(outcome);
    if (!categories) {
      categories = categoryBytes(outcome);
      this.categoryJson.set(outcome, categories);
    }

    const id = m.id ?? syntheticId(this.idPrefix, line);
    const date = m.date;
    const room = 64 + 6 * id.length + titleLength + abstractLength + categories.length + (date ? 6 * date.length : 0) + this.tail.length;
    const out = sink.reserve(room);
    let o = put(out, sink.size, ID_OPEN);
    o = putJsonString(out, o, id);
    o = this.putText(out, o, titleLength, abstractLength);
    o = put(out, o, categories);
    if (date) {
      o = put(out, o, DATE_OPEN);
      o = putJsonString(out, o, date);
    }
    o = put(out, o, this.tail);
    hashId(id, this.hash);
    sink.commit(o, this.hash[0]!, this.hash[1]!, m.version ?? 0, line);
    return true;
  }

  /**
   * copyNormalizedString of the string at b[i] into the title (slot 0) or abstract (slot 1) copy:
   * its length, or -1 when invalid; sets copied.next.
   */
  private copyText(b: Buffer, view: DataView, i: number, end: number, slot: number): number {
    if (this.inKernel) return this.kernel!.copy(i, end, slot);
    const ok = slot === 0 ? copyNormalizedString(b, view, i, end, this.title, this.titleView, 0) : copyNormalizedString(b, view, i, end, this.abstract, this.abstractView, 0);
    return ok ? copied.end : -1;
  }

  private copiedText(slot: number, length: number): Uint8Array {
    if (this.inKernel) return this.kernel!.slot(slot, length);
    return (slot === 0 ? this.title : this.abstract).subarray(0, length);
  }

  /** `,"title":"…","abstract":"…"` from the copies made while scanning. */
  private putText(out: Uint8Array, o: number, titleLength: number, abstractLength: number): number {
    o = put(out, o, TITLE_OPEN);
    out.set(this.copiedText(0, titleLength), o);
    o = put(out, o + titleLength, ABSTRACT_OPEN);
    out.set(this.copiedText(1, abstractLength), o);
    o += abstractLength;
    out[o++] = QUOTE;
    return o;
  }

  /**
   * When the metadata has its everyday shape, read it from the bytes and return true: a plain
   * ASCII id without version suffix, URL, prefix or subject class (so normalizeArxivId keeps it as it is), a
   * categories string (its outcome cached by its bytes), no primary, a versions array maxVersionOf
   * can read, and a date that is YYYY-MM-DD already. Sets plainCategories, plainVersion and
   * plainDate (the date's opening quote, or -1). Anything else: false, and recordMetadata decides.
   */
  private readPlainMetadata(b: Buffer): boolean {
    const starts = this.starts;
    const ends = this.ends;
    if (starts[PRIMARY_SLOT]! >= 0) return false;
    // id: "…" of printable ASCII with no v (no version suffix, URL or arXiv: prefix to strip).
    const idStart = starts[ID_SLOT]!;
    const idEnd = ends[ID_SLOT]!;
    if (idStart < 0 || b[idStart] !== QUOTE || idEnd - idStart < 3) return false;
    let dot = false;
    for (let k = idStart + 1; k < idEnd - 1; k++) {
      const c = b[k]!;
      if (c <= 0x20 || c >= 0x7f || c === 0x5c || c === 0x76 || c === 0x56) return false;
      // A '.' before a '/': an old-style id with its subject class, which normalizeArxivId drops.
      if (c === 0x2e) dot = true;
      else if (c === 0x2f && dot) return false;
    }
    // versions: what maxVersion gives (anything but an array gives none).
    const vStart = starts[VERSIONS_SLOT]!;
    let version = 0;
    if (vStart >= 0 && b[vStart] === 0x5b) {
      const max = maxVersionOf(b, vStart, ends[VERSIONS_SLOT]!);
      if (max === UNREAD) return false;
      if (max >= 0) version = max;
    }
    // date: the first of date, update_date that is not null or "" (as pick chooses), if any.
    let dateStart = -1;
    for (const slot of DATE_SLOTS) {
      const s = starts[slot]!;
      if (s < 0 || isNullAt(b, s, ends[slot]!) || ends[slot]! - s === 2) continue;
      if (ends[slot]! - s !== 12 || !isIsoDate(b, s + 1)) return false;
      dateStart = s;
      break;
    }
    // categories: the outcome of its value, looked up by the value's bytes.
    const cStart = starts[CATEGORIES_SLOT]!;
    if (cStart < 0) return false;
    const entry = this.categoriesEntry(b, cStart, ends[CATEGORIES_SLOT]!);
    if (!entry.outcome) return false;
    this.plainCategories = entry;
    this.plainVersion = version;
    this.plainDate = dateStart;
    return true;
  }

  private plainCategories: CategoriesEntry | undefined;
  private plainVersion = 0;
  private plainDate = -1;
  private readonly hash = new Uint32Array(2);
  /** Categories strings seen (by a hash of their bytes) and what they canonicalise to. */
  private readonly categoriesCache = new Map<number, CategoriesEntry[]>();
  private categoriesCached = 0;

  /** The cached outcome of the categories value b[s..e) (JSON: the same bytes, the same value). */
  private categoriesEntry(b: Buffer, s: number, e: number): CategoriesEntry {
    let h = 0x811c9dc5;
    for (let k = s; k < e; k++) h = Math.imul(h ^ b[k]!, 0x01000193);
    h &= 0x3fffffff; // a small integer: a Map key V8 hashes fastest
    const bucket = this.categoriesCache.get(h);
    if (bucket) {
      for (const entry of bucket) if (entry.bytes.length === e - s && startsWith(b, s, entry.bytes)) return entry;
    }
    // What recordMetadata makes of a row whose only category field is this string (the rest of
    // the row cannot change it: other spellings of primary or categories make readPlainMetadata
    // decline before this).
    const meta = recordMetadata({ categories: decodeValue(b, s, e) });
    let entry: CategoriesEntry;
    if ('reason' in meta) entry = { bytes: new Uint8Array(b.subarray(s, e)), outcome: undefined, json: new Uint8Array(0) };
    else {
      const outcome = categoryOutcome(rawCodes(meta.metadata));
      entry = { bytes: new Uint8Array(b.subarray(s, e)), outcome, json: categoryBytes(outcome) };
    }
    if (this.categoriesCached >= MAX_CACHED_CATEGORIES) {
      this.categoriesCache.clear();
      this.categoriesCached = 0;
    }
    this.categoriesCached++;
    if (bucket) bucket.push(entry);
    else this.categoriesCache.set(h, [entry]);
    return entry;
  }
}

interface CategoriesEntry {
  bytes: Uint8Array;
  /** Undefined when recordMetadata would skip the record (the general path then counts it). */
  outcome: CategoryOutcome | undefined;
  json: Uint8Array;
}

/**
 * Distinct categories values kept (then the cache starts afresh). The shared corpus has about 20k
 * (cross-lists make many combinations); a cache smaller than that missed all the time.
 */
const MAX_CACHED_CATEGORIES = 1 << 17;

/** `,"categories":[…],"primary":"…"` for an outcome with categories. */
function categoryBytes(outcome: CategoryOutcome): Uint8Array {
  return ascii(`,"categories":${JSON.stringify(outcome.categories)},"primary":${JSON.stringify(outcome.categories[0])}`);
}

/**
 * Whether b[i..i+10) is YYYY-MM-DD with the ranges toIsoDate accepts (year 1000–9999, month 1–12,
 * day 1–31), so that toIsoDate would return exactly these bytes.
 */
function isIsoDate(b: Uint8Array, i: number): boolean {
  for (const k of [0, 1, 2, 3, 5, 6, 8, 9]) if (!(b[i + k]! >= 0x30 && b[i + k]! <= 0x39)) return false;
  if (b[i + 4] !== 0x2d || b[i + 7] !== 0x2d || b[i + 10] !== QUOTE) return false;
  const year = (b[i]! - 0x30) * 1000 + (b[i + 1]! - 0x30) * 100 + (b[i + 2]! - 0x30) * 10 + (b[i + 3]! - 0x30);
  const month = (b[i + 5]! - 0x30) * 10 + (b[i + 6]! - 0x30);
  const day = (b[i + 8]! - 0x30) * 10 + (b[i + 9]! - 0x30);
  return year >= 1000 && month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

/** The JSON value at b[s..e) (already validated): strings without escapes straight from the bytes. */
function decodeValue(b: Buffer, s: number, e: number): unknown {
  if (b[s] === QUOTE && !hasBackslash(b, s + 1, e - 1)) return b.toString('utf8', s + 1, e - 1);
  return JSON.parse(b.toString('utf8', s, e)) as unknown;
}
