/**
 * An incremental XML scanner for the parts of an xlsx file: start tags, end tags and text, fed a
 * chunk at a time, with no DOM and no whole-document string, plus the decoding of XML text.
 */
import { describeRecordLimit, MAX_RECORD_SIZE } from './record-limit.js';

export interface XmlHandler {
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
export class XmlScanner {
  private buffer = '';

  /**
   * `maxPending`: the longest tag, comment or CDATA section kept waiting for its end; a longer one
   * is an error, so an inflated part cannot grow the buffer without bound.
   */
  constructor(
    private readonly handler: XmlHandler,
    private readonly maxPending = MAX_RECORD_SIZE,
  ) {}

  push(chunk: string): void {
    this.buffer = this.buffer === '' ? chunk : this.buffer + chunk;
    this.buffer = this.buffer.slice(this.scan(false));
    if (this.buffer.length > this.maxPending) throw new Error(`an XML tag, comment or CDATA section longer than ${describeRecordLimit(this.maxPending)}`);
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
        if (final) {
          h.text(s.slice(pos), false);
          return n;
        }
        // Text with no tag in sight is handed on now rather than kept: one cell's text can
        // inflate to hundreds of megabytes, and the handler decides how much of it to keep.
        const cut = textCut(s, pos);
        if (cut > pos) h.text(s.slice(pos, cut), false);
        return cut;
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

/**
 * Where text running to the end of the buffer can be cut without splitting an entity (`&amp;`) or
 * a CR LF pair, which are decoded per piece.
 */
function textCut(s: string, from: number): number {
  let end = s.length;
  const amp = s.lastIndexOf('&');
  // The longest entity the decoder knows is `&#x10FFFF;` (10 characters).
  if (amp >= from && end - amp < 10 && s.indexOf(';', amp) < 0) end = amp;
  if (end > from && s.charCodeAt(end - 1) === 13) end--;
  return end;
}

/** Index of the `>` closing a start tag that begins at `from`, skipping quoted attribute values. */
export function tagEnd(s: string, from: number): number {
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

export function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(colon + 1);
}

/** Runs a handler over a complete (small) XML document. */
export function scanAll(xml: string, handler: Partial<XmlHandler>): void {
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
export function attribute(attrs: string, name: string): string | undefined {
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

export function isNameChar(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57) || code === 45 || code === 46 || code === 95;
}

/**
 * Decodes XML character data: line-end normalisation and the predefined and numeric entities.
 * Built from slices and `join` rather than a regex replace so ASCII text stays a one-byte string.
 */
export function decodeXmlText(raw: string): string {
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

export const NAMED_ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

export function decodeEntity(ref: string): string | undefined {
  if (ref.charCodeAt(0) !== 35 /* # */) return Object.hasOwn(NAMED_ENTITIES, ref) ? NAMED_ENTITIES[ref] : undefined;
  const hex = ref[1] === 'x' || ref[1] === 'X';
  const digits = ref.slice(hex ? 2 : 1);
  if (!(hex ? /^[0-9a-fA-F]{1,6}$/ : /^[0-9]{1,7}$/).test(digits)) return undefined;
  const code = parseInt(digits, hex ? 16 : 10);
  return code <= 0x10ffff ? String.fromCodePoint(code) : undefined;
}

export function normalizeNewlines(text: string): string {
  return text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
}

export function isXmlSpace(code: number): boolean {
  return code === 32 || code === 10 || code === 9 || code === 13;
}

export function trimXmlSpace(text: string): string {
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
export function detach(text: string): string {
  return text.length < 13 ? text : (' ' + text).slice(1);
}

/** OOXML escapes characters XML cannot carry as `_xHHHH_` (and a literal `_x` as `_x005F_x`). */
export function decodeExcelEscapes(text: string): string {
  if (!text.includes('_x')) return text;
  return text.replace(/_x([0-9A-Fa-f]{4})_/g, (_whole, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}
