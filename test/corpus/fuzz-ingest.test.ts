/**
 * Generated malformed records of every input format, interleaved with good ones, through ingest:
 * each bad record is counted as one skip, each good one kept, whatever its neighbours. Then the
 * files with random bytes broken: ingest finishes or refuses the file with a UserError, never
 * anything else. Seeded (xorshift), so a failure names an input that can be made again.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { UserError } from '../../src/base/errors.js';
import { ingest } from '../../src/corpus/ingest.js';
import type { FormatName } from '../../src/sources/source.js';
import { pick, rng } from '../sources/json-fuzz.js';
import { xlsxParts, zipXlsx } from '../sources/xlsx-fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'axc-fuzz-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const GOOD = 1500;
const BAD = 1000;
const WORDS = ['graph', 'neural', 'quantum', 'boson', 'lattice', 'prime', 'galaxy', 'élan', 'naïve', 'Schrödinger', '量子', '😀', 'x'];
const CATEGORIES = ['cs.LG', 'stat.ML', 'math.PR', 'hep-th', 'astro-ph.CO', 'q-bio.NC', 'cond-mat.str-el'];
const NOT_CATEGORIES = ['bogus.XX', 'zz.ZZ', 'not-a-category', '42'];

type Random = () => number;

/** Words with `marks` between some of them; always starts with a word, so never with a quote. */
function text(r: Random, marks: readonly string[]): string {
  const n = 1 + Math.floor(r() * 12);
  let s = pick(r, WORDS);
  for (let k = 1; k < n; k++) s += (marks.length > 0 && r() < 0.3 ? pick(r, marks) : ' ') + pick(r, WORDS);
  return s;
}

interface Paper {
  id: string;
  title: string;
  abstract: string;
  categories: string;
}

function goodPaper(r: Random, i: number, marks: readonly string[]): Paper {
  const cats = [pick(r, CATEGORIES)];
  if (r() < 0.4) cats.push(pick(r, CATEGORIES));
  return { id: `2101.${String(i).padStart(5, '0')}`, title: text(r, marks), abstract: text(r, marks), categories: [...new Set(cats)].join(' ') };
}

/** A record no reader may keep: no text, no category, or no category that exists. */
function badPaper(r: Random, k: number, marks: readonly string[]): Paper {
  const base = { id: `bad-${k}`, title: text(r, marks), abstract: text(r, marks) };
  switch (Math.floor(r() * 3)) {
    case 0:
      return { ...base, title: '', abstract: '', categories: pick(r, CATEGORIES) };
    case 1:
      return { ...base, categories: '' };
    default:
      return { ...base, categories: pick(r, NOT_CATEGORIES) };
  }
}

/** `GOOD` good and `BAD` bad entries in a seeded order; the good ones' ids. */
function interleave<T>(r: Random, good: (i: number) => T, bad: (k: number) => T): { entries: T[]; goodIds: string[] } {
  const entries: T[] = [];
  const goodIds: string[] = [];
  let i = 0;
  let k = 0;
  while (i < GOOD || k < BAD) {
    if (k >= BAD || (i < GOOD && r() < GOOD / (GOOD + BAD))) {
      goodIds.push(`2101.${String(i).padStart(5, '0')}`);
      entries.push(good(i++));
    } else entries.push(bad(k++));
  }
  return { entries, goodIds };
}

async function ingestChecked(file: string, format: FormatName, goodIds: string[]): Promise<void> {
  const out = join(dir, `${format}.out.jsonl`);
  const result = await ingest([file], out, { format, workers: 0 });
  const kept = readFileSync(out, 'utf8')
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => (JSON.parse(l) as { id: string }).id);
  assert.deepEqual(kept.sort(), [...goodIds].sort(), `${format}: the good records, and only those`);
  const skipped = Object.values(result.skipped).reduce((s, v) => s + v, 0);
  assert.equal(skipped, BAD, `${format}: one skip per bad record (${JSON.stringify(result.skipped)})`);
}

/** `bytes` with random damage: cut short, bytes changed, or a run zeroed. */
function damaged(r: Random, bytes: Uint8Array): Uint8Array {
  const copy = Uint8Array.from(bytes);
  switch (Math.floor(r() * 3)) {
    case 0:
      return copy.subarray(0, Math.floor(r() * copy.length));
    case 1:
      for (let k = 1 + Math.floor(r() * 16); k > 0; k--) copy[Math.floor(r() * copy.length)] = Math.floor(r() * 256);
      return copy;
    default: {
      const from = Math.floor(r() * copy.length);
      copy.fill(0, from, from + 1 + Math.floor(r() * 64));
      return copy;
    }
  }
}

/** Ingest each of `tries` damaged copies: it reads what it can, or refuses the file in words. */
async function survivesDamage(r: Random, bytes: Uint8Array, format: FormatName, tries: number): Promise<void> {
  let refused = 0;
  for (let t = 0; t < tries; t++) {
    const file = join(dir, `damaged-${t}.${format}`);
    writeFileSync(file, damaged(r, bytes));
    let result: Awaited<ReturnType<typeof ingest>>;
    try {
      result = await ingest([file], join(dir, 'damaged.out.jsonl'), { format, workers: 0 });
    } catch (e) {
      assert.ok(e instanceof UserError, `${format} damage ${t}: ${(e as Error).stack}`);
      refused++;
      continue;
    }
    const skipped = Object.values(result.skipped).reduce((s, v) => s + v, 0);
    assert.equal(result.kept + skipped, result.read, `${format} damage ${t}: every record kept or skipped for a reason`);
  }
  console.log(`fuzz-ingest ${format}: ${GOOD} good records kept, ${BAD} bad ones skipped one each; ${tries} damaged copies: ${tries - refused} read, ${refused} refused with a message`);
}

function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

test('CSV: unclosed quotes, short and long rows, stray quotes among good rows (quoted line breaks included)', async () => {
  const r = rng(0x5eed01);
  const marks = [',', '"', "'", '\n', '\r\n', '\t', ';', '\\'];
  const row = (p: Paper): string => [p.id, p.title, p.abstract, p.categories].map(csvField).join(',');
  const { entries, goodIds } = interleave(
    r,
    (i) => row(goodPaper(r, i, marks)),
    (k) => {
      const p = badPaper(r, k, ['\'', ';']);
      switch (Math.floor(r() * 5)) {
        case 0: // a quote never closed: it must not take the rows after it along
          // Its text starts with a word: `"` then `,` would close it into a well-formed record
          // with a line break in a field, which is what RFC 4180 says it is.
          return `${p.id},"${text(r, ['\'', ';'])},${p.abstract},${pick(r, CATEGORIES)}`;
        case 1:
          return `${p.id},${p.title}`;
        case 2:
          return `${row(goodPaper(r, 90_000 + k, []))},extra`;
        case 3: // text after a closing quote, read leniently
          return `${p.id},"${text(r, ['\'', ';'])}"x ${p.abstract},${p.abstract},${pick(r, NOT_CATEGORIES)}`;
        default:
          return row(p);
      }
    },
  );
  const csv = `id,title,abstract,categories\r\n${entries.join('\r\n')}\r\n`;
  const file = join(dir, 'fuzz.csv');
  writeFileSync(file, csv);
  await ingestChecked(file, 'csv', goodIds);
  await survivesDamage(r, Buffer.from(csv), 'csv', 20);
});

test('TSV: a leading quote is a character; short, long and empty rows among good ones', async () => {
  const r = rng(0x5eed02);
  const marks = [',', "'", ';', '\\', '  '];
  const row = (p: Paper): string => [p.id, p.title, p.abstract, p.categories].join('\t');
  const { entries, goodIds } = interleave(
    r,
    (i) => {
      const p = goodPaper(r, i, marks);
      // Quotes as TSV writers leave them: a title opening with one that never closes.
      return row(r() < 0.1 ? { ...p, title: `"${p.title}` } : p);
    },
    (k) => {
      const p = badPaper(r, k, marks);
      switch (Math.floor(r() * 4)) {
        case 0:
          return `${p.id}\t${p.title}`;
        case 1:
          return `${row(goodPaper(r, 90_000 + k, []))}\textra`;
        case 2:
          return `${p.id}\t\u0000\u0001${p.title}\t${p.abstract}\t${pick(r, NOT_CATEGORIES)}`;
        default:
          return row(p);
      }
    },
  );
  const tsv = `id\ttitle\tabstract\tcategories\n${entries.join('\n')}\n`;
  const file = join(dir, 'fuzz.tsv');
  writeFileSync(file, tsv);
  await ingestChecked(file, 'tsv', goodIds);
  await survivesDamage(r, Buffer.from(tsv), 'tsv', 20);
});

const JSON_MARKS = [',', '"', "'", '\n', '\t', '\\', '{', '}', '[', ']', '\u0000', '\u2028'];

/** JSON text that is not a paper: broken, or valid but the wrong shape, or a paper no reader keeps. */
function badJson(r: Random, k: number): string {
  const p = badPaper(r, k, JSON_MARKS);
  const good = JSON.stringify(goodPaper(r, 90_000 + k, JSON_MARKS));
  switch (Math.floor(r() * 7)) {
    case 0:
      return good.slice(0, 1 + Math.floor(r() * (good.length - 2)));
    case 1:
      return good.replace(/":/, '"');
    case 2:
      return good.replace(/,"/, ',,"');
    case 3:
      return pick(r, ['42', 'null', '"a string"', '[]', '[1,{"a":2}]', 'true', '{}']);
    case 4:
      return `{"title": tru, "categories": "cs.LG"}`;
    case 5:
      return `\u0001${good}`;
    default:
      return JSON.stringify(p);
  }
}

test('JSON lines: truncated, broken and wrong-shaped lines among good ones', async () => {
  const r = rng(0x5eed03);
  const { entries, goodIds } = interleave(
    r,
    (i) => JSON.stringify(goodPaper(r, i, JSON_MARKS)),
    (k) => badJson(r, k),
  );
  const text = entries.join('\n') + '\n';
  const file = join(dir, 'fuzz.jsonl');
  writeFileSync(file, text);
  await ingestChecked(file, 'jsonl', goodIds);
  await survivesDamage(r, Buffer.from(text), 'jsonl', 20);
});

test('JSON array: broken and wrong-shaped elements among good ones', async () => {
  const r = rng(0x5eed04);
  const { entries, goodIds } = interleave(
    r,
    (i) => JSON.stringify(goodPaper(r, i, JSON_MARKS)),
    (k) => {
      // Strings stay closed here: after an unclosed one the scan picks up at the next object, so a
      // bad element that is not an object would go with it (json-array.ts). Unclosed strings
      // have the next test.
      const p = badPaper(r, k, JSON_MARKS);
      switch (Math.floor(r() * 5)) {
        case 0:
          return `{"title": tru, "categories": "cs.LG"}`;
        case 1:
          return pick(r, ['42', 'null', '"a string"', '[]', '[1,{"a":2}]', 'true', '{}']);
        case 2:
          return JSON.stringify(goodPaper(r, 90_000 + k, JSON_MARKS)).replace(/":/, '"');
        case 3:
          return `{"title": "t", "categories": ["cs.LG"],}`;
        default:
          return JSON.stringify(p);
      }
    },
  );
  const text = `[\n${entries.join(',\n')}\n]\n`;
  const file = join(dir, 'fuzz.json');
  writeFileSync(file, text);
  await ingestChecked(file, 'json-array', goodIds);
  await survivesDamage(r, Buffer.from(text), 'json-array', 20);
});

/** A paper's JSON with the closing quote of one of its string values taken out. */
function unclosedString(r: Random, k: number, compact: boolean): string {
  const json = JSON.stringify(goodPaper(r, 90_000 + k, JSON_MARKS), null, compact ? undefined : 1);
  const closing: number[] = [];
  for (const m of json.matchAll(/"(?=\s*[,}\]])/g)) {
    let slashes = 0;
    while (json[m.index - 1 - slashes] === '\\') slashes++;
    if (slashes % 2 === 0) closing.push(m.index);
  }
  const at = pick(r, closing);
  return json.slice(0, at) + json.slice(at + 1);
}

test('JSON array: an element with an unclosed string is skipped alone, compact and pretty-printed', async () => {
  const r = rng(0x5eed05);
  for (const compact of [true, false]) {
    const { entries, goodIds } = interleave(
      r,
      (i) => JSON.stringify(goodPaper(r, i, JSON_MARKS), null, compact ? undefined : 1),
      (k) => unclosedString(r, k, compact),
    );
    const text = compact ? `[${entries.join(',')}]` : `[\n${entries.join(',\n')}\n]\n`;
    const file = join(dir, compact ? 'unclosed.json' : 'unclosed-pretty.json');
    writeFileSync(file, text);
    await ingestChecked(file, 'json-array', goodIds);
  }
});

function xmlText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

test('xlsx: rows without text or categories, numbers, errors and dangling shared strings among good rows', async () => {
  const r = rng(0x5eed05);
  const marks = [',', '"', "'", '\n', '\t', '<', '>', '&'];
  const cell = (col: string, row: number, value: string): string => `<c r="${col}${row}" t="inlineStr"><is><t xml:space="preserve">${xmlText(value)}</t></is></c>`;
  let rowNumber = 1;
  const row = (cells: (n: number) => string): string => {
    const n = ++rowNumber;
    return `<row r="${n}">${cells(n)}</row>`;
  };
  const paperRow = (p: Paper): string => row((n) => cell('A', n, p.id) + cell('B', n, p.title) + cell('C', n, p.abstract) + cell('D', n, p.categories));
  const { entries, goodIds } = interleave(
    r,
    (i) => paperRow(goodPaper(r, i, marks)),
    (k) => {
      const p = badPaper(r, k, marks);
      switch (Math.floor(r() * 4)) {
        case 0:
          return row((n) => cell('A', n, p.id) + cell('B', n, p.title) + `<c r="D${n}"><v>${Math.floor(r() * 1000)}</v></c>`);
        case 1:
          return row((n) => cell('A', n, p.id) + cell('B', n, p.title) + `<c r="D${n}" t="e"><v>#N/A</v></c>`);
        case 2:
          return row((n) => cell('A', n, p.id) + `<c r="B${n}" t="s"><v>99999</v></c>` + cell('D', n, pick(r, CATEGORIES)));
        default:
          return paperRow(p);
      }
    },
  );
  const header = '<row r="1">' + ['id', 'title', 'abstract', 'categories'].map((h, c) => cell('ABCD'[c]!, 1, h)).join('') + '</row>';
  const bytes = zipXlsx(xlsxParts({ sheetData: header + entries.join(''), sharedStrings: '<si><t>only one</t></si>' }));
  const file = join(dir, 'fuzz.xlsx');
  writeFileSync(file, bytes);
  await ingestChecked(file, 'xlsx', goodIds);
  await survivesDamage(r, bytes, 'xlsx', 30);
});

/** A parquet file of good and bad rows (as `interleave` mixes them), and the good ones' ids. */
function fuzzParquet(r: Random): { bytes: Uint8Array; goodIds: string[] } {
  const { entries, goodIds } = interleave(
    r,
    (i): (string | null)[] => {
      const p = goodPaper(r, i, JSON_MARKS);
      return [p.id, p.title, p.abstract, p.categories];
    },
    (k): (string | null)[] => {
      const p = badPaper(r, k, JSON_MARKS);
      switch (Math.floor(r() * 3)) {
        case 0:
          return [p.id, null, null, pick(r, CATEGORIES)];
        case 1:
          return [null, p.title, p.abstract, null];
        default:
          return [p.id, p.title, p.abstract, p.categories];
      }
    },
  );
  const columns = ['id', 'title', 'abstract', 'categories'].map((name, c) => ({ name, type: 'STRING' as const, nullable: true, data: entries.map((e) => e[c] ?? null) }));
  return { bytes: new Uint8Array(parquetWriteBuffer({ columnData: columns, rowGroupSize: 700 })), goodIds };
}

test('parquet: null, empty and unknown values among good rows', async () => {
  const { bytes, goodIds } = fuzzParquet(rng(0x5eed06));
  const file = join(dir, 'fuzz.parquet');
  writeFileSync(file, bytes);
  await ingestChecked(file, 'parquet', goodIds);
});

test('parquet: damaged files (a damaged page once ended the process: see parquet-pages.ts)', async () => {
  const r = rng(0x5eed06);
  await survivesDamage(r, fuzzParquet(r).bytes, 'parquet', 30);
});
