/**
 * A paper's id, primary category and date read straight from its canonical line (serializePaper's
 * output, UTF-8), without parsing the record: a pass over millions of papers that needs only these
 * would otherwise decode and parse every title and abstract.
 *
 * serializePaper writes `{"id":…,"title":…,"abstract":…,"categories":[…],"primary":…` and then
 * `"date"` and `"source"` when present. JSON.stringify escapes every '"' inside a string as '\"',
 * so the byte pair `,"` never occurs inside a string value: `,"primary":"` found anywhere in the
 * line is the key.
 */

export interface LineFields {
  id: string;
  primary: string;
  date?: string;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const ID_KEY = Buffer.from('{"id":"');
const PRIMARY_KEY = Buffer.from(',"primary":"');
const DATE_KEY = Buffer.from(',"date":"');

/** Fields of the canonical line in bytes [start, end) of `bytes`. Throws on anything else. */
export function lineFields(bytes: Buffer, start: number, end: number): LineFields {
  if (!startsWith(bytes, start, ID_KEY)) throw new Error(`not a canonical line: ${preview(bytes, start, end)}`);
  const idOpen = start + ID_KEY.length - 1;
  const idClose = stringEnd(bytes, idOpen, end);
  const at = bytes.indexOf(PRIMARY_KEY, idClose);
  if (at < 0 || at >= end) throw new Error(`canonical line without a primary: ${preview(bytes, start, end)}`);
  const primaryOpen = at + PRIMARY_KEY.length - 1;
  const primaryClose = stringEnd(bytes, primaryOpen, end);
  const fields: LineFields = { id: stringAt(bytes, idOpen, idClose), primary: stringAt(bytes, primaryOpen, primaryClose) };
  if (startsWith(bytes, primaryClose + 1, DATE_KEY)) {
    const dateOpen = primaryClose + DATE_KEY.length;
    fields.date = stringAt(bytes, dateOpen, stringEnd(bytes, dateOpen, end));
  }
  return fields;
}

function startsWith(bytes: Buffer, at: number, key: Buffer): boolean {
  return bytes.compare(key, 0, key.length, at, at + key.length) === 0;
}

/** Index of the '"' closing the JSON string that opens at `open`. */
function stringEnd(bytes: Buffer, open: number, end: number): number {
  for (let i = open + 1; i < end; i++) {
    const c = bytes[i]!;
    if (c === BACKSLASH) i++;
    else if (c === QUOTE) return i;
  }
  throw new Error(`unterminated string in a canonical line: ${preview(bytes, open, end)}`);
}

/** The JSON string from `open` to `close` (its quotes), unescaped only when it has escapes. */
function stringAt(bytes: Buffer, open: number, close: number): string {
  const raw = bytes.subarray(open + 1, close);
  return raw.includes(BACKSLASH) ? (JSON.parse(bytes.toString('utf8', open, close + 1)) as string) : raw.toString('utf8');
}

function preview(bytes: Buffer, start: number, end: number): string {
  return bytes.toString('utf8', start, Math.min(end, start + 80));
}
