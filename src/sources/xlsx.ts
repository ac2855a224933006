/**
 * Excel (.xlsx) reader: the first worksheet, first non-empty row as header.
 *
 * An xlsx file is a zip of XML parts. Excel writes the shared-strings part *after* the sheets, so a
 * front-to-back unzip would have to buffer the sheet; instead we read the zip's central directory and
 * stream each needed entry from its offset through fflate's streaming `Inflate`. The sheet XML is
 * scanned incrementally (no DOM, no whole-sheet string): memory is the shared-string table plus one
 * 64 KiB chunk and the row being built. Each entry's CRC-32 and size are checked.
 *
 * Rows are plain: header name → string | number | boolean | null (missing cell). Numbers stay
 * numbers, dates included (Excel stores them as serial day numbers). `line` is the sheet row number.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { Inflate } from 'fflate';
import { crc32 } from '../base/crc32.js';
import { UserError } from '../base/errors.js';
import type { Row, RowItem } from './source.js';

const CHUNK_BYTES = 64 * 1024;

export interface XlsxRowsOptions {
  /** How messages name the file (default `path`): the user's file when `path` is a gunzipped copy. */
  name?: string;
}

/** Yields the rows after the header of the workbook's first worksheet; empty rows are skipped. */
export async function* readXlsxRows(path: string, options: XlsxRowsOptions = {}): AsyncIterable<RowItem> {
  const name = options.name ?? path;
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    throw new UserError(`${name}: cannot open xlsx file: ${message(err)}`);
  }
  try {
    const zip = await ZipFile.read(handle);
    const sheet = await locateFirstSheet(zip);
    const strings = sheet.sharedStrings === undefined ? [] : await readSharedStrings(zip, sheet.sharedStrings);
    const pending: RowItem[] = [];
    const scanner = new XmlScanner(new SheetHandler(strings, (item) => pending.push(item)));
    for await (const text of zip.text(sheet.entry)) {
      scanner.push(text);
      for (const item of pending) yield item;
      pending.length = 0;
    }
    scanner.end();
    for (const item of pending) yield item;
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(`${name}: not a readable xlsx file: ${message(err)}`);
  } finally {
    await handle.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Workbook structure

interface SheetLocation {
  entry: ZipEntry;
  sharedStrings?: ZipEntry;
}

interface Relationship {
  type: string;
  target: string;
}

async function locateFirstSheet(zip: ZipFile): Promise<SheetLocation> {
  const rootRels = zip.find('_rels/.rels');
  let workbookPath = 'xl/workbook.xml';
  if (rootRels !== undefined) {
    const rels = parseRelationships(await zip.wholeText(rootRels));
    const office = [...rels.values()].find((r) => r.type.endsWith('/officeDocument'));
    if (office !== undefined) workbookPath = resolvePart('', office.target);
  }
  const workbook = zip.find(workbookPath);
  if (workbook === undefined) throw new Error(`no workbook part (${workbookPath}) in the zip`);
  const baseDir = workbookPath.slice(0, workbookPath.lastIndexOf('/') + 1);
  const relsEntry = zip.find(`${baseDir}_rels/${workbookPath.slice(baseDir.length)}.rels`);
  const rels = relsEntry === undefined ? new Map<string, Relationship>() : parseRelationships(await zip.wholeText(relsEntry));

  let sheetPath: string | undefined;
  for (const relId of parseSheetRelIds(await zip.wholeText(workbook))) {
    const rel = rels.get(relId);
    if (rel !== undefined && rel.type.endsWith('/worksheet')) {
      sheetPath = resolvePart(baseDir, rel.target);
      break;
    }
  }
  // Workbooks without relationships (hand-made) still name their first sheet conventionally.
  sheetPath ??= rels.size === 0 ? `${baseDir}worksheets/sheet1.xml` : undefined;
  if (sheetPath === undefined) throw new Error('the workbook has no worksheet');
  const entry = zip.find(sheetPath);
  if (entry === undefined) throw new Error(`worksheet part ${sheetPath} is missing`);

  const sharedRel = [...rels.values()].find((r) => r.type.endsWith('/sharedStrings'));
  const sharedStrings = zip.find(sharedRel === undefined ? `${baseDir}sharedStrings.xml` : resolvePart(baseDir, sharedRel.target));
  return { entry, sharedStrings };
}

function parseRelationships(xml: string): Map<string, Relationship> {
  const rels = new Map<string, Relationship>();
  scanAll(xml, {
    open(name, attrs) {
      if (name !== 'Relationship') return;
      const id = attribute(attrs, 'Id');
      const target = attribute(attrs, 'Target');
      if (id === undefined || target === undefined || attribute(attrs, 'TargetMode') === 'External') return;
      rels.set(id, { type: attribute(attrs, 'Type') ?? '', target });
    },
  });
  return rels;
}

/** Relationship ids of the workbook's sheets, in tab order. */
function parseSheetRelIds(xml: string): string[] {
  const ids: string[] = [];
  scanAll(xml, {
    open(name, attrs) {
      if (name !== 'sheet') return;
      const id = attribute(attrs, '*:id');
      if (id !== undefined) ids.push(id);
    },
  });
  return ids;
}

/** Resolves a relationship target against the directory of the part that owns it. */
function resolvePart(baseDir: string, target: string): string {
  const joined = target.startsWith('/') ? target.slice(1) : baseDir + target;
  const parts: string[] = [];
  for (const part of joined.split('/')) {
    if (part === '..') parts.pop();
    else if (part !== '.' && part !== '') parts.push(part);
  }
  return parts.join('/');
}

async function readSharedStrings(zip: ZipFile, entry: ZipEntry): Promise<string[]> {
  const strings: string[] = [];
  const scanner = new XmlScanner(new SharedStringsHandler(strings));
  for await (const text of zip.text(entry)) scanner.push(text);
  scanner.end();
  return strings;
}

// ---------------------------------------------------------------------------------------------
// Rich-text collection shared by <si> (shared strings) and <is> (inline strings)

/**
 * Collects the `<t>` runs of a string item, leaving out phonetic runs (`<rPh>`). Text of a `<t>`
 * without `xml:space="preserve"` (on it or its item) is trimmed.
 */
class RichText {
  private parts: string[] = [];
  private inT = false;
  private preserveItem = false;
  private preserveT = false;
  private current = '';
  private phonetic = 0;

  begin(attrs: string): void {
    this.parts = [];
    this.inT = false;
    this.phonetic = 0;
    this.preserveItem = attribute(attrs, 'xml:space') === 'preserve';
  }

  open(name: string, attrs: string, selfClosing: boolean): void {
    if (name === 'rPh') {
      if (!selfClosing) this.phonetic++;
    } else if (name === 't' && this.phonetic === 0 && !selfClosing) {
      this.inT = true;
      this.current = '';
      const space = attribute(attrs, 'xml:space');
      this.preserveT = space === undefined ? this.preserveItem : space === 'preserve';
    }
  }

  close(name: string): void {
    if (name === 'rPh') {
      if (this.phonetic > 0) this.phonetic--;
    } else if (name === 't' && this.inT) {
      this.inT = false;
      this.parts.push(this.preserveT ? this.current : trimXmlSpace(this.current));
    }
  }

  text(raw: string, cdata: boolean): void {
    if (this.inT) this.current += cdata ? normalizeNewlines(raw) : decodeXmlText(raw);
  }

  value(): string {
    return decodeExcelEscapes(this.parts.join(''));
  }
}

class SharedStringsHandler implements XmlHandler {
  private readonly rich = new RichText();
  private inItem = false;

  constructor(private readonly strings: string[]) {}

  open(name: string, attrs: string, selfClosing: boolean): void {
    if (name === 'si') {
      if (selfClosing) this.strings.push('');
      else {
        this.inItem = true;
        this.rich.begin(attrs);
      }
    } else if (this.inItem) this.rich.open(name, attrs, selfClosing);
  }

  close(name: string): void {
    if (!this.inItem) return;
    if (name === 'si') {
      this.inItem = false;
      this.strings.push(detach(this.rich.value()));
    } else this.rich.close(name);
  }

  text(raw: string, cdata: boolean): void {
    if (this.inItem) this.rich.text(raw, cdata);
  }
}

// ---------------------------------------------------------------------------------------------
// Worksheet rows

type CellValue = string | number | boolean | null;

class SheetHandler implements XmlHandler {
  private header: string[] | undefined;
  private rowNumber = 0;
  private nextColumn = 0;
  private cells: { column: number; value: CellValue }[] = [];
  private rowError: string | undefined;
  private inCell = false;
  private cellType = 'n';
  private cellRef = '';
  private inValue = false;
  private valueText = '';
  private hasValue = false;
  private inInline = false;
  private hasInline = false;
  private readonly rich = new RichText();

  constructor(
    private readonly strings: readonly string[],
    private readonly emit: (item: RowItem) => void,
  ) {}

  open(name: string, attrs: string, selfClosing: boolean): void {
    if (this.inInline) {
      this.rich.open(name, attrs, selfClosing);
      return;
    }
    switch (name) {
      case 'row': {
        const r = Number(attribute(attrs, 'r'));
        this.rowNumber = Number.isInteger(r) && r > 0 ? r : this.rowNumber + 1;
        this.nextColumn = 0;
        this.cells = [];
        this.rowError = undefined;
        if (selfClosing) this.finishRow();
        break;
      }
      case 'c': {
        this.cellRef = attribute(attrs, 'r') ?? '';
        const column = columnIndex(this.cellRef);
        const index = column ?? this.nextColumn;
        this.nextColumn = index + 1;
        this.cellType = attribute(attrs, 't') ?? 'n';
        this.valueText = '';
        this.hasValue = false;
        this.hasInline = false;
        this.inCell = !selfClosing;
        if (this.cellRef === '') this.cellRef = columnName(index) + String(this.rowNumber);
        break;
      }
      case 'v':
        if (this.inCell && !selfClosing) {
          this.inValue = true;
          this.hasValue = true;
        }
        break;
      case 'is':
        if (this.inCell && !selfClosing) {
          this.inInline = true;
          this.hasInline = true;
          this.rich.begin(attrs);
        }
        break;
    }
  }

  close(name: string): void {
    if (this.inInline) {
      if (name === 'is') this.inInline = false;
      else this.rich.close(name);
      return;
    }
    if (name === 'v') this.inValue = false;
    else if (name === 'c' && this.inCell) {
      this.inCell = false;
      this.finishCell();
    } else if (name === 'row') this.finishRow();
  }

  text(raw: string, cdata: boolean): void {
    if (this.inInline) this.rich.text(raw, cdata);
    else if (this.inValue) this.valueText += cdata ? normalizeNewlines(raw) : decodeXmlText(raw);
  }

  private finishCell(): void {
    const column = columnIndex(this.cellRef) ?? this.nextColumn - 1;
    const text = this.valueText;
    let value: CellValue = null;
    switch (this.cellType) {
      case 's': {
        if (!this.hasValue) break;
        const index = Number(text.trim());
        if (Number.isInteger(index) && index >= 0 && index < this.strings.length) value = this.strings[index];
        else this.rowError ??= `cell ${this.cellRef}: shared string index ${JSON.stringify(text.trim())} out of range`;
        break;
      }
      case 'inlineStr':
        if (this.hasInline) value = detach(this.rich.value());
        else if (this.hasValue) value = detach(decodeExcelEscapes(text));
        break;
      case 'str':
      case 'd':
        if (this.hasValue) value = detach(decodeExcelEscapes(text));
        break;
      case 'b': {
        const flag = text.trim().toLowerCase();
        value = flag === '1' || flag === 'true' ? true : flag === '0' || flag === 'false' ? false : null;
        break;
      }
      case 'e':
        break; // #N/A, #DIV/0! and friends carry no data
      default: {
        const trimmed = text.trim();
        if (trimmed === '') break;
        const number = Number(trimmed);
        value = Number.isNaN(number) ? detach(trimmed) : number;
      }
    }
    if (value !== null) this.cells.push({ column, value });
  }

  private finishRow(): void {
    const cells = this.cells;
    const error = this.rowError;
    this.cells = [];
    this.rowError = undefined;
    if (this.header === undefined) {
      if (cells.some((cell) => cell.value !== '')) this.header = headerNames(cells);
      return;
    }
    if (error !== undefined) {
      this.emit({ error, line: this.rowNumber });
      return;
    }
    if (!cells.some((cell) => cell.value !== '')) return;

    const row: Row = {};
    for (const name of this.header) if (name !== '') setField(row, name, null);
    for (const { column, value } of cells) setField(row, this.header[column] || columnName(column), value);
    this.emit({ row, line: this.rowNumber });
  }
}

/** Sets an own property even for the name `__proto__`, which plain assignment would not. */
function setField(row: Row, name: string, value: CellValue): void {
  if (name === '__proto__') Object.defineProperty(row, name, { value, enumerable: true, writable: true, configurable: true });
  else row[name] = value;
}

/** Header names by column index ('' where there is no header cell); blanks and repeats disambiguated. */
function headerNames(cells: readonly { column: number; value: CellValue }[]): string[] {
  const names: string[] = [];
  const used = new Set<string>();
  for (const { column, value } of cells) {
    let name = value === null ? '' : String(value).trim();
    if (name === '') name = columnName(column);
    if (used.has(name)) {
      let n = 2;
      while (used.has(`${name}_${n}`)) n++;
      name = `${name}_${n}`;
    }
    used.add(name);
    while (names.length < column) names.push('');
    names[column] = name;
  }
  return names;
}

/** Zero-based column of a cell reference such as `AB12`; undefined when it has no letters. */
function columnIndex(ref: string): number | undefined {
  let column = 0;
  let i = 0;
  for (; i < ref.length; i++) {
    const code = ref.charCodeAt(i) | 0x20; // lower-case
    if (code < 97 || code > 122) break;
    column = column * 26 + (code - 96);
  }
  return i === 0 ? undefined : column - 1;
}

function columnName(index: number): string {
  let name = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  return name;
}

// ---------------------------------------------------------------------------------------------
// Incremental XML scanning

interface XmlHandler {
  /** `name` is the local name (namespace prefix removed); `attrs` the raw attribute text. */
  open(name: string, attrs: string, selfClosing: boolean): void;
  close(name: string): void;
  /** Raw character data: entities still encoded unless `cdata`. */
  text(raw: string, cdata: boolean): void;
}

/**
 * A push scanner for the subset of XML found in OOXML parts: elements, attributes, text, CDATA,
 * comments and processing instructions. Input may be split anywhere; an incomplete tag or text run
 * is kept until the next chunk.
 */
class XmlScanner {
  private buffer = '';

  constructor(private readonly handler: XmlHandler) {}

  push(chunk: string): void {
    this.buffer = this.buffer === '' ? chunk : this.buffer + chunk;
    this.buffer = this.buffer.slice(this.scan(false));
  }

  end(): void {
    const used = this.scan(true);
    if (this.buffer.slice(used).trim() !== '') throw new Error('XML ends inside a tag');
    this.buffer = '';
  }

  /** Handles every complete construct in the buffer; returns how many characters were used. */
  private scan(final: boolean): number {
    const s = this.buffer;
    const n = s.length;
    const h = this.handler;
    let pos = 0;
    while (pos < n) {
      const lt = s.indexOf('<', pos);
      if (lt < 0) {
        if (!final) return pos;
        h.text(s.slice(pos), false);
        return n;
      }
      if (lt > pos) {
        h.text(s.slice(pos, lt), false);
        pos = lt;
      }
      const next = s.charCodeAt(pos + 1);
      if (Number.isNaN(next)) return pos;
      if (next === 33 /* ! */) {
        if (s.startsWith('<!--', pos)) {
          const end = s.indexOf('-->', pos + 4);
          if (end < 0) return pos;
          pos = end + 3;
        } else if (s.startsWith('<![CDATA[', pos)) {
          const end = s.indexOf(']]>', pos + 9);
          if (end < 0) return pos;
          h.text(s.slice(pos + 9, end), true);
          pos = end + 3;
        } else {
          if (n - pos < 9 && !final) return pos; // may be the start of a comment or CDATA
          const end = s.indexOf('>', pos);
          if (end < 0) return pos;
          pos = end + 1;
        }
      } else if (next === 63 /* ? */) {
        const end = s.indexOf('?>', pos + 2);
        if (end < 0) return pos;
        pos = end + 2;
      } else if (next === 47 /* / */) {
        const end = s.indexOf('>', pos + 2);
        if (end < 0) return pos;
        h.close(localName(s.slice(pos + 2, end).trim()));
        pos = end + 1;
      } else {
        const end = tagEnd(s, pos + 1);
        if (end < 0) return pos;
        const selfClosing = s.charCodeAt(end - 1) === 47;
        const bodyEnd = selfClosing ? end - 1 : end;
        let nameEnd = pos + 1;
        while (nameEnd < bodyEnd && !isXmlSpace(s.charCodeAt(nameEnd))) nameEnd++;
        h.open(localName(s.slice(pos + 1, nameEnd)), nameEnd < bodyEnd ? s.slice(nameEnd, bodyEnd) : '', selfClosing);
        pos = end + 1;
      }
    }
    return pos;
  }
}

/** Index of the `>` closing a start tag that begins at `from`, skipping quoted attribute values. */
function tagEnd(s: string, from: number): number {
  let quote = 0;
  for (let i = from; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (quote !== 0) {
      if (c === quote) quote = 0;
    } else if (c === 34 || c === 39) quote = c;
    else if (c === 62) return i;
  }
  return -1;
}

function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(colon + 1);
}

/** Runs a handler over a complete (small) XML document. */
function scanAll(xml: string, handler: Partial<XmlHandler>): void {
  const scanner = new XmlScanner({
    open: handler.open ?? (() => {}),
    close: handler.close ?? (() => {}),
    text: handler.text ?? (() => {}),
  });
  scanner.push(xml);
  scanner.end();
}

/**
 * Value of attribute `name` in raw attribute text, entities decoded. `*:id` matches `id` under any
 * namespace prefix (the workbook's `r:id`).
 */
function attribute(attrs: string, name: string): string | undefined {
  const anyPrefix = name.startsWith('*:');
  const key = anyPrefix ? name.slice(1) : name;
  for (let at = attrs.indexOf(key); at >= 0; at = attrs.indexOf(key, at + 1)) {
    let start = at;
    if (anyPrefix) while (start > 0 && isNameChar(attrs.charCodeAt(start - 1))) start--;
    if (start > 0 && !isXmlSpace(attrs.charCodeAt(start - 1))) continue;
    if (anyPrefix && start === at) continue;
    let i = at + key.length;
    while (isXmlSpace(attrs.charCodeAt(i))) i++;
    if (attrs.charCodeAt(i) !== 61 /* = */) continue;
    i++;
    while (isXmlSpace(attrs.charCodeAt(i))) i++;
    const quote = attrs[i];
    if (quote !== '"' && quote !== "'") return undefined;
    const end = attrs.indexOf(quote, i + 1);
    if (end < 0) return undefined;
    return decodeXmlText(attrs.slice(i + 1, end));
  }
  return undefined;
}

function isNameChar(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57) || code === 45 || code === 46 || code === 95;
}

/**
 * Decodes XML character data: line-end normalisation and the predefined and numeric entities.
 * Built from slices and `join` rather than a regex replace so ASCII text stays a one-byte string.
 */
function decodeXmlText(raw: string): string {
  const text = normalizeNewlines(raw);
  let amp = text.indexOf('&');
  if (amp < 0) return text;
  const parts: string[] = [];
  let from = 0;
  while (amp >= 0) {
    const semi = text.indexOf(';', amp + 1);
    if (semi < 0) break;
    const decoded = decodeEntity(text.slice(amp + 1, semi));
    if (decoded !== undefined) {
      parts.push(text.slice(from, amp), decoded);
      from = semi + 1;
    }
    amp = text.indexOf('&', decoded === undefined ? amp + 1 : semi + 1);
  }
  parts.push(text.slice(from));
  return parts.join('');
}

const NAMED_ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntity(ref: string): string | undefined {
  if (ref.charCodeAt(0) !== 35 /* # */) return Object.hasOwn(NAMED_ENTITIES, ref) ? NAMED_ENTITIES[ref] : undefined;
  const hex = ref[1] === 'x' || ref[1] === 'X';
  const digits = ref.slice(hex ? 2 : 1);
  if (!(hex ? /^[0-9a-fA-F]{1,6}$/ : /^[0-9]{1,7}$/).test(digits)) return undefined;
  const code = parseInt(digits, hex ? 16 : 10);
  return code <= 0x10ffff ? String.fromCodePoint(code) : undefined;
}

function normalizeNewlines(text: string): string {
  return text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
}

function isXmlSpace(code: number): boolean {
  return code === 32 || code === 10 || code === 9 || code === 13;
}

function trimXmlSpace(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isXmlSpace(text.charCodeAt(start))) start++;
  while (end > start && isXmlSpace(text.charCodeAt(end - 1))) end--;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

/**
 * A copy of `text` that does not share storage with the (megabytes long) chunk it was sliced from,
 * so a string kept by the shared-string table or by whoever consumes the rows doesn't keep the
 * whole decoded chunk alive.
 */
function detach(text: string): string {
  return text.length < 13 ? text : (' ' + text).slice(1);
}

/** OOXML escapes characters XML cannot carry as `_xHHHH_` (and a literal `_x` as `_x005F_x`). */
function decodeExcelEscapes(text: string): string {
  if (!text.includes('_x')) return text;
  return text.replace(/_x([0-9A-Fa-f]{4})_/g, (_whole, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

// ---------------------------------------------------------------------------------------------
// Zip access by central directory

interface ZipEntry {
  name: string;
  method: number;
  flags: number;
  crc: number;
  compressedSize: number;
  size: number;
  headerOffset: number;
}

const SIG_EOCD = 0x06054b50;
const SIG_EOCD64 = 0x06064b50;
const SIG_EOCD64_LOCATOR = 0x07064b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_LOCAL = 0x04034b50;

class ZipFile {
  private readonly byName = new Map<string, ZipEntry>();
  private readonly byLowerName = new Map<string, ZipEntry>();

  private constructor(
    private readonly handle: FileHandle,
    private readonly size: number,
    entries: readonly ZipEntry[],
  ) {
    for (const entry of entries) {
      this.byName.set(entry.name, entry);
      if (!this.byLowerName.has(entry.name.toLowerCase())) this.byLowerName.set(entry.name.toLowerCase(), entry);
    }
  }

  static async read(handle: FileHandle): Promise<ZipFile> {
    const { size } = await handle.stat();
    const tailLength = Math.min(size, 22 + 0xffff + 20);
    const tail = await readAt(handle, size - tailLength, tailLength);
    const view = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
    let eocd = -1;
    for (let i = tail.length - 22; i >= 0; i--) {
      if (view.getUint32(i, true) === SIG_EOCD && i + 22 + view.getUint16(i + 20, true) <= tail.length) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) throw new Error('not a zip archive (no end-of-central-directory record; truncated?)');
    let count = view.getUint16(eocd + 10, true);
    let dirSize = view.getUint32(eocd + 12, true);
    let dirOffset = view.getUint32(eocd + 16, true);
    if ((count === 0xffff || dirSize === 0xffffffff || dirOffset === 0xffffffff) && eocd >= 20 && view.getUint32(eocd - 20, true) === SIG_EOCD64_LOCATOR) {
      const at = Number(view.getBigUint64(eocd - 12, true));
      const record = await readAt(handle, at, 56);
      const r = new DataView(record.buffer, record.byteOffset, record.byteLength);
      if (r.getUint32(0, true) !== SIG_EOCD64) throw new Error('corrupt zip64 directory record');
      count = Number(r.getBigUint64(32, true));
      dirSize = Number(r.getBigUint64(40, true));
      dirOffset = Number(r.getBigUint64(48, true));
    }
    if (dirOffset + dirSize > size) throw new Error('zip central directory lies beyond the end of the file (truncated?)');
    const dir = await readAt(handle, dirOffset, dirSize);
    const d = new DataView(dir.buffer, dir.byteOffset, dir.byteLength);
    const names = new TextDecoder();
    const entries: ZipEntry[] = [];
    let p = 0;
    for (let i = 0; i < count; i++) {
      if (p + 46 > dir.length || d.getUint32(p, true) !== SIG_CENTRAL) throw new Error('corrupt zip central directory');
      const nameLength = d.getUint16(p + 28, true);
      const extraLength = d.getUint16(p + 30, true);
      const commentLength = d.getUint16(p + 32, true);
      const entry: ZipEntry = {
        name: names.decode(dir.subarray(p + 46, p + 46 + nameLength)).replace(/\\/g, '/'),
        flags: d.getUint16(p + 8, true),
        method: d.getUint16(p + 10, true),
        crc: d.getUint32(p + 16, true),
        compressedSize: d.getUint32(p + 20, true),
        size: d.getUint32(p + 24, true),
        headerOffset: d.getUint32(p + 42, true),
      };
      readZip64Extra(d, p + 46 + nameLength, extraLength, entry);
      entries.push(entry);
      p += 46 + nameLength + extraLength + commentLength;
    }
    return new ZipFile(handle, size, entries);
  }

  find(name: string): ZipEntry | undefined {
    return this.byName.get(name) ?? this.byLowerName.get(name.toLowerCase());
  }

  /** The entry's uncompressed bytes, chunk by chunk, with CRC-32 and length checked at the end. */
  async *bytes(entry: ZipEntry): AsyncGenerator<Uint8Array> {
    if ((entry.flags & 1) !== 0) throw new Error(`${entry.name} is encrypted`);
    if (entry.method !== 0 && entry.method !== 8) throw new Error(`${entry.name} uses unsupported compression method ${entry.method}`);
    const header = await readAt(this.handle, entry.headerOffset, 30);
    const h = new DataView(header.buffer, header.byteOffset, header.byteLength);
    if (header.length < 30 || h.getUint32(0, true) !== SIG_LOCAL) throw new Error(`corrupt zip entry header for ${entry.name}`);
    if (entry.method === 8 && entry.compressedSize === 0) throw new Error(`${entry.name} has no compressed data`);
    const start = entry.headerOffset + 30 + h.getUint16(26, true) + h.getUint16(28, true);
    const end = start + entry.compressedSize;
    if (end > this.size) throw new Error(`${entry.name} runs past the end of the file (truncated?)`);

    const out: Uint8Array[] = [];
    const inflate = entry.method === 8 ? new Inflate((chunk) => out.push(chunk)) : undefined;
    let crc = 0;
    let produced = 0;
    for (let at = start; at < end; ) {
      const length = Math.min(CHUNK_BYTES, end - at);
      const input = await readAt(this.handle, at, length);
      at += length;
      if (inflate === undefined) out.push(input);
      else inflate.push(input, at >= end);
      for (const chunk of out) {
        crc = crc32(chunk, crc);
        produced += chunk.length;
        yield chunk;
      }
      out.length = 0;
    }
    if (produced !== entry.size) throw new Error(`${entry.name}: expected ${entry.size} bytes, got ${produced}`);
    if (crc >>> 0 !== entry.crc) throw new Error(`${entry.name}: CRC-32 mismatch (corrupt data)`);
  }

  /**
   * The entry as UTF-8 text, chunk by chunk. Chunks are cut at character boundaries and decoded
   * whole: Node's streaming TextDecoder returns two-byte strings for large inputs, which would
   * double the memory of every string sliced from them (shared strings above all).
   */
  async *text(entry: ZipEntry): AsyncGenerator<string> {
    const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
    let carry: Uint8Array | undefined;
    let first = true;
    for await (const chunk of this.bytes(entry)) {
      let bytes = chunk;
      if (carry !== undefined) {
        bytes = new Uint8Array(carry.length + chunk.length);
        bytes.set(carry);
        bytes.set(chunk, carry.length);
        carry = undefined;
      }
      const cut = completeUtf8Length(bytes);
      if (cut < bytes.length) carry = bytes.slice(cut);
      let text = decoder.decode(bytes.subarray(0, cut));
      if (first && text !== '') {
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
        first = false;
      }
      if (text !== '') yield text;
    }
    if (carry !== undefined) yield decoder.decode(carry);
  }

  async wholeText(entry: ZipEntry): Promise<string> {
    let text = '';
    for await (const chunk of this.text(entry)) text += chunk;
    return text;
  }
}

/** Applies a zip64 extended-information extra field (id 1) to the fields saturated at 0xffffffff. */
function readZip64Extra(d: DataView, from: number, length: number, entry: ZipEntry): void {
  const end = Math.min(from + length, d.byteLength);
  for (let p = from; p + 4 <= end; ) {
    const id = d.getUint16(p, true);
    const size = d.getUint16(p + 2, true);
    if (id === 1) {
      let q = p + 4;
      const take = (): number => {
        if (q + 8 > p + 4 + size || q + 8 > end) throw new Error('corrupt zip64 extra field');
        const value = Number(d.getBigUint64(q, true));
        q += 8;
        return value;
      };
      if (entry.size === 0xffffffff) entry.size = take();
      if (entry.compressedSize === 0xffffffff) entry.compressedSize = take();
      if (entry.headerOffset === 0xffffffff) entry.headerOffset = take();
      return;
    }
    p += 4 + size;
  }
}

/** Length of the longest prefix of `bytes` that doesn't end inside a UTF-8 multi-byte sequence. */
function completeUtf8Length(bytes: Uint8Array): number {
  const n = bytes.length;
  let lead = n - 1;
  while (lead >= 0 && lead > n - 4 && (bytes[lead] & 0xc0) === 0x80) lead--;
  if (lead < 0) return n;
  const b = bytes[lead];
  const length = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
  return lead + length > n ? lead : n;
}

async function readAt(handle: FileHandle, position: number, length: number): Promise<Uint8Array> {
  const bytes = new Uint8Array(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(bytes, done, length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done === length ? bytes : bytes.subarray(0, done);
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
