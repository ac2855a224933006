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
import { UserError } from '../base/errors.js';
import { open, type FileHandle } from 'node:fs/promises';
import type { Row, RowItem } from './source.js';
import { type XmlHandler, XmlScanner, scanAll, attribute, decodeXmlText, normalizeNewlines, trimXmlSpace, detach, decodeExcelEscapes } from './xml-scanner.js';
import { type ZipEntry, ZipFile } from './zip.js';
import type { DecompressionLimit } from './decompression-limit.js';
import { MAX_RECORD_SIZE, recordTooLarge } from './record-limit.js';


export interface XlsxRowsOptions {
  /** How messages name the file (default `path`): the user's file when `path` is a gunzipped copy. */
  name?: string;
  /** What the zip entries may inflate to, in all (unlimited when absent). */
  limit?: DecompressionLimit;
  /** The longest cell text kept; a longer one makes its row an error. */
  maxRecordSize?: number;
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
    const zip = await ZipFile.read(handle, options.limit);
    const sheet = await locateFirstSheet(zip);
    const maxText = options.maxRecordSize ?? MAX_RECORD_SIZE;
    const strings = sheet.sharedStrings === undefined ? { strings: [], tooLong: new Set<number>() } : await readSharedStrings(zip, sheet.sharedStrings, maxText);
    const pending: RowItem[] = [];
    const scanner = new XmlScanner(new SheetHandler(strings, maxText, (item) => pending.push(item)), maxText);
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

/** The shared-string table; a string longer than the record limit is kept as '' and its index noted. */
interface SharedStrings {
  strings: string[];
  tooLong: Set<number>;
}

async function readSharedStrings(zip: ZipFile, entry: ZipEntry, maxText: number): Promise<SharedStrings> {
  const table: SharedStrings = { strings: [], tooLong: new Set() };
  const scanner = new XmlScanner(new SharedStringsHandler(table, maxText), maxText);
  for await (const text of zip.text(entry)) scanner.push(text);
  scanner.end();
  return table;
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
  private length = 0;
  /** Whether the item's text ran past the limit: what was read of it is dropped. */
  tooLong = false;

  constructor(private readonly max: number) {}

  begin(attrs: string): void {
    this.parts = [];
    this.inT = false;
    this.phonetic = 0;
    this.length = 0;
    this.tooLong = false;
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
      if (!this.tooLong) this.parts.push(this.preserveT ? this.current : trimXmlSpace(this.current));
    }
  }

  text(raw: string, cdata: boolean): void {
    if (!this.inT || this.tooLong) return;
    const piece = cdata ? normalizeNewlines(raw) : decodeXmlText(raw);
    this.length += piece.length;
    if (this.length <= this.max) this.current += piece;
    else {
      this.tooLong = true;
      this.parts = [];
      this.current = '';
    }
  }

  value(): string {
    return decodeExcelEscapes(this.parts.join(''));
  }
}

class SharedStringsHandler implements XmlHandler {
  private readonly rich: RichText;
  private inItem = false;

  constructor(
    private readonly table: SharedStrings,
    maxText: number,
  ) {
    this.rich = new RichText(maxText);
  }

  open(name: string, attrs: string, selfClosing: boolean): void {
    if (name === 'si') {
      if (selfClosing) this.table.strings.push('');
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
      if (this.rich.tooLong) this.table.tooLong.add(this.table.strings.length);
      this.table.strings.push(this.rich.tooLong ? '' : detach(this.rich.value()));
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
  private valueTooLong = false;
  private hasValue = false;
  private inInline = false;
  private hasInline = false;
  private readonly rich: RichText;

  constructor(
    private readonly shared: SharedStrings,
    private readonly maxText: number,
    private readonly emit: (item: RowItem) => void,
  ) {
    this.rich = new RichText(maxText);
  }

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
        this.valueTooLong = false;
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
    else if (this.inValue && !this.valueTooLong) {
      this.valueText += cdata ? normalizeNewlines(raw) : decodeXmlText(raw);
      if (this.valueText.length > this.maxText) {
        this.valueTooLong = true;
        this.valueText = '';
      }
    }
  }

  private finishCell(): void {
    const column = columnIndex(this.cellRef) ?? this.nextColumn - 1;
    const text = this.valueText;
    let value: CellValue = null;
    if (this.valueTooLong || (this.hasInline && this.rich.tooLong)) {
      this.rowError ??= `cell ${this.cellRef}: ${recordTooLarge(this.maxText, 'a cell this long is seldom data')}`;
      return;
    }
    switch (this.cellType) {
      case 's': {
        if (!this.hasValue) break;
        const index = Number(text.trim());
        if (this.shared.tooLong.has(index)) this.rowError ??= `cell ${this.cellRef}: shared string ${index}: ${recordTooLarge(this.maxText, 'a cell this long is seldom data')}`;
        else if (Number.isInteger(index) && index >= 0 && index < this.shared.strings.length) value = this.shared.strings[index];
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

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
