import assert from 'node:assert/strict';
import { test } from 'node:test';
import { emptyReport, type IngestReport } from '../../src/corpus/canonical.js';
import { processJsonlChunk, type ChunkResult } from '../../src/corpus/ingest-worker.js';
import { hashId, hashIdBytes } from '../../src/corpus/id-table.js';
import { JsonLineFastPath, type FastPathSink } from '../../src/corpus/json-line-fast-path.js';
import { normalizeWhitespace } from '../../src/sources/fields.js';
import { copied, copyNormalizedString, isJsWhitespace, skipValue } from '../../src/sources/json-bytes.js';
import { encodeRandomly, rng } from '../sources/json-fuzz.js';

/** An OAI snapshot line with the given fields replacing or adding to the usual ones. */
function oai(fields: Record<string, unknown> = {}): string {
  return JSON.stringify({
    id: '0704.0001',
    submitter: 'A. Person',
    authors: 'A. Person and B. Person',
    title: 'A title\n  wrapped',
    comments: '10 pages',
    'journal-ref': null,
    doi: null,
    categories: 'hep-ph hep-th',
    license: null,
    abstract: '  An abstract.\n  Second line.\n',
    versions: [{ version: 'v1', created: 'Mon, 2 Apr 2007 19:18:42 GMT' }],
    update_date: '2008-11-13',
    authors_parsed: [['Person', 'A.', ''], ['Person', 'B.', '']],
    ...fields,
  });
}

/** Lines the fast path must canonicalise itself (and identically to the general path). */
const FAST: string[] = [
  oai(),
  oai({ title: 'Caf\u00e9 \u03b1\u2013\u00df \u4e2d\u6587' }), // raw UTF-8 after JSON.stringify
  '{"id":"0704.0002","title":"Caf\\u00e9 \\u03B1 \\u2013 \\u4e2d","abstract":"x","categories":"math.CO"}', // \u escapes
  '{"id":"0704.0003","title":"The \\"best\\" model \\\\ back\\/slash","abstract":"a \\"b\\"","categories":"cs.LG"}',
  '{"id":"0704.0004","title":"\\ud83d\\ude00 pair, raw 😀, lone \\ud83d x \\udc00 and \\udbff\\ud800","abstract":"y","categories":"cs.LG"}',
  '{"id":"0704.0005","title":"ws:\\u00a0a\\u2028b\\u3000c\\ufeffd\\u1680e\\u2007f\\u205fg\\u202fh","abstract":"raw:\u00a0a\u2028b\u3000c\ufeffd\u1680e\u200af\u205fg\u202fh\u2029i","categories":"cs.LG"}',
  '{"id":"0704.0006","title":"\\t tabs\\t\\tand\\r\\n crlf \\f ff \\u000b vt ","abstract":"ctl \\b \\u0001 \\u001f \\u007f \\u0080 \\u180e end","categories":"cs.LG"}',
  '{"id":"0704.0007","title":"   ","abstract":"only abstract","categories":"cs.LG"}',
  '{"id":"0704.0008","title":"only title","abstract":null,"categories":"cs.LG"}',
  '{"id":"0704.0009","title":"no abstract key","categories":"cs.LG"}',
  '{"title":"no id at all","abstract":"z","categories":"cs.LG"}',
  '{"id":"0704.0010","title":"first","title":"second wins","abstract":"a","abstract":"b wins","categories":"math.CO","categories":"cs.AI"}',
  '{"id":"0704.0011","title":"dup","abstract":"a","categories":"cs.AI","id":"0704.0012"}',
  oai({ id: '0704.0013', extra: { nested: [1, -2.5e-3, true, false, null, { deep: [[[{}]]] }, []], s: 'x\\y"z' }, n: 0, f: -0.0, e: 1e300 }),
  '{"id":"2101.00001","title":"A canonical paper","abstract":"Text.","categories":["cs.LG","stat.ML"],"primary":"stat.ML","date":"2021-01-01","source":"oai"}',
  '{"id":"0704.0014","title":"t","abstract":"a","categories":"cs.LG I.2.7 68T05 math.IT cs.IT solv-int foo.BAR"}',
  '{"id":"0704.0015","title":"t","abstract":"a","categories":"68T05"}', // no arXiv category: counted, not written
  '{"id":"0704.0016v3","title":"t","abstract":"a","categories":"astro-ph astro-ph.CO","versions":["v1"," v2 ","V4","x"]}',
  '{"id":"0704.0017","title":"t","abstract":"a","categories":"cs.LG","versions":[{"version":"v2","version":"v5"},{"created":"x"},7]}',
  '{"id":"0704.0026","title":"t","abstract":"a","categories":"cs.LG","versions":[{"version":"v9","version":5},"v 2","\\u00a0v3"," v0 "]}',
  '{"id":"0704.0027v2","title":"t","abstract":"a","categories":"cs.LG","versions":[{"created":"x","version":"v10"},[],null,1,{"version":null},"V2x","v0123456789",{}]}',
  '{"id":"0704.0028v2","title":"t","abstract":"a","categories":"cs.LG","versions":[ ]}',
  '{"id":"0704.0029","title":"t","abstract":"a","categories":"cs.LG","versions":[ "v7" , {"version" : "v8\\u00a0"} ]}',
  '{"id":"0704.0030","title":"t","abstract":"a","categories":"cs.LG","versions":"v3"}',
  // Metadata shapes around the plain-bytes route (plain id, categories string, YYYY-MM-DD date).
  '{"id":"hep-th/9901001","title":"t","abstract":"a","categories":" cs.LG  math.CO ","update_date":"2008-02-30"}',
  '{"id":"solv-int/9901002","title":"t","abstract":"a","categories":"cs.LG,math.CO;stat.ML"}',
  '{"id":"arXiv:0704.0031","title":"t","abstract":"a","categories":"cs.LG cs.LG"}',
  '{"id":" 0704.0032 ","title":"t","abstract":"a","categories":"cs.LG é"}',
  '{"id":"0704.0033é","title":"t","abstract":"a","categories":"cs.LG"}',
  '{"id":"","title":"empty id","abstract":"a","categories":"cs.LG"}',
  '{"id":null,"title":"null id","abstract":"a","categories":"cs.LG"}',
  '{"id":"0704.0034","title":"t","abstract":"a","categories":"cs.LG","primary":"math.CO"}',
  '{"id":"0704.0035","title":"t","abstract":"a","categories":"cs.LG","date":"","update_date":"2009-03-04"}',
  '{"id":"0704.0036","title":"t","abstract":"a","categories":"cs.LG","date":null,"update_date":"2009-03-05"}',
  '{"id":"0704.0037","title":"t","abstract":"a","categories":"cs.LG","update_date":"2008-1-3"}',
  '{"id":"0704.0038","title":"t","abstract":"a","categories":"cs.LG","update_date":"2008-11-13T10:00:00Z"}',
  '{"id":"0704.0039","title":"t","abstract":"a","categories":"cs.LG","update_date":"0999-01-01"}',
  '{"id":"0704.0040","title":"t","abstract":"a","categories":"cs.LG","update_date":"2008-13-01"}',
  '{"id":"0704.0041","title":"t","abstract":"a","categories":"cs.LG","date":20080101,"update_date":"2008-01-01"}',
  '{"id":"0704.0042","title":"t","abstract":"a","categories":"cs.LG","update_date":"2008\\u002d01-01"}',
  '{"id":"0704.0043","title":"t","abstract":"a","categories":"cs.LG","update_date":"Mon, 2 Apr 2007 19:18:42 GMT"}',
  '{"id":"0704.0044","title":"t","abstract":"a","categories":"cs\\u002eLG"}',
  '{"id":"07\\u00304.0045","title":"t","abstract":"a","categories":"cs.LG"}',
  '{"id":"0704.0047","title":"t","abstract":"a","categories":[ "cs.LG" , "stat.ML" ],"date":"2021-01-01"}',
  '{"id":"0704.0048","title":"t","abstract":"a","categories":["cs\\u002eLG", "math.IT"]}',
  '{"id":"0704.0049","title":"t","abstract":"a","categories":[{"term":"cs.AI"}, 5, null, " q-bio.NC "]}',
  '{"id":"0704.0046","title":"t","abstract":"a","categories":"68T05 I.2.7"}',
  '{"id":"0704.0018","title":"t","abstract":"a","categories":"cs.LG","versions":null,"update_date":"not a date","date":""}',
  '{"id":"0704.0019","title":"t","abstract":"a","categories":"cs.LG","date":"2001-02-03","update_date":"2009-01-01"}',
  '{"id":"https://arxiv.org/abs/0704.0020v2","title":"t","abstract":"a","categories":"cs.LG"}',
  '{"id":12345,"title":"t","abstract":"a","categories":"cs.LG"}',
  '{"id":"weird\\"id\\u00e9","title":"t","abstract":"a","categories":"cs.LG"}',
  '  {  "id" : "0704.0021" ,\t"title" : "spaced" , "abstract" : "out" , "categories" : "cs.LG"  }  \r',
  '{"id":"0704.0022","title":"x","abstract":"a","categories":"cs.LG","__proto__":{"title":"not this"}}',
  oai({ id: '0704.0023', abstract: `${'long '.repeat(5000)}\n${'é'.repeat(3000)}` }),
  '{"id":"0704.0025","title":"t","abstract":"a","categories":"[\'cs.LG\', \'cs.AI\']"}', // a list literal
  '{"id":"0704.0024","title":"a  b   c \\n\\n d\\u0020\\u0020e","abstract":"\\u0020 lead and trail \\t","categories":"cs.LG"}',
];

/** Lines it must leave to the general path (which decides: parse error, skip or another reading). */
const DECLINED: string[] = [
  '{"id":"0705.0001","title":"t","abstract":"a","categories":"cs.LG",}', // trailing comma
  '{"id":"0705.0002","title":"unterminated', // bad JSON
  '{"id":"0705.0003","title":"raw\ttab","abstract":"a","categories":"cs.LG"}', // raw control char
  '{"id":"0705.0004","title":"t","abstract":"a","categories":"cs.LG","authors":"raw\u0001ctl"}', // in a skipped field
  '{"id":"0705.0005","title":"t","abstract":"a","categories":"cs.LG","n":01}',
  '{"id":"0705.0006","title":"t","abstract":"a","categories":"cs.LG","n":1.}',
  '{"id":"0705.0007","title":"t","abstract":"a","categories":"cs.LG","n":-}',
  '{"id":"0705.0008","title":"t","abstract":"a","categories":"cs.LG","n":+1}',
  '{"id":"0705.0009","title":"t","abstract":"a","categories":"cs.LG","n":NaN}',
  "{'id':'0705.0010','title':'single quotes'}",
  '{"id":"0705.0011","title":"t","abstract":"a","categories":"cs.LG"} trailing',
  '{"id":"0705.0012","title":"t","abstract":"a","categories":"cs.LG"}{}',
  '{"id":"0705.0013","title" "t","abstract":"a","categories":"cs.LG"}',
  '{"id":"0705.0014","title":"bad \\x escape","abstract":"a","categories":"cs.LG"}',
  '{"id":"0705.0015","title":"bad \\u12G4","abstract":"a","categories":"cs.LG"}',
  '{"id":"0705.0016","title":"t","abstract":"a","categories":"cs.LG","x":[1,2,]}',
  '{"id":"0705.0017","title":"t","abstract":"a","categories":"cs.LG","x":tru}',
  '{"id":"0705.0018","\\u0074itle":"escaped key","abstract":"a","categories":"cs.LG"}',
  '{"id":"0705.0019","summary":"another spelling","title":"t","categories":"cs.LG"}',
  '{"id":"0705.0020","title":"t","abstract":"a","tag":"[{\'term\': \'cs.AI\'}]"}',
  '{"aid":"http://arxiv.org/abs/0705.0021v2","title":"t","abstract":"a","categories":"cs.LG"}',
  '{"id":"0705.0022","title":"t","abstract":"a","categories":"cs.LG","year":2001,"month":2,"day":3}',
  '{"id":"0705.0023","title":42,"abstract":"a","categories":"cs.LG"}',
  '{"id":"0705.0024","title":"","abstract":"","categories":"cs.LG"}', // no text
  '{"id":"0705.0025","title":"t","abstract":"a","categories":""}', // no category
  '{"id":"0705.0026","title":"t","abstract":"a"}', // no categories field
  '{"id":"0705.0032","title":"t","abstract":"a","categories":null}',
  '{"id":"0705.0033","title":"t","abstract":"a","categories":[]}',
  '{"id":"0705.0027","title":"t","abstract":"a","categories":7}', // bad row
  '{}',
  '[1, 2]',
  '"just a string"',
  `{"id":"0705.0029","title":"t","abstract":"a","categories":"cs.LG","x":${'['.repeat(200)}${']'.repeat(200)}}`,
  '{"id":"0705.0030","title":"t","abstract":"a","categories":"cs.LG"', // unterminated object
  '{"id":"0705.0031","title":"t","abstract":"a","categories":"cs.LG","markdown":"full text"}',
  '{"id":"0705.0100","Title":"Capitalised field names","Abstract":"read as title and abstract","Categories":"cs.LG"}', // other letter case
  '{"id":"0705.0103","Title":"A capitalised title","abstract":"beside a plain abstract","categories":"cs.LG"}',
  '{"id":"0705.0101","title":"t","abstract":"a","categories":"cs.LG"," primary":"math.NT"}', // spaces around a name
  '{"id":"0705.0102","paper_title":"A synonym","abstract_text":"for the title and the abstract","categories":"cs.CL"}',
];

const FILE = '/data/fixture.jsonl';

function runChunk(bytes: Buffer, fastPath: boolean, firstLine = 1): ChunkResult {
  const buffer = new ArrayBuffer(bytes.length);
  new Uint8Array(buffer).set(bytes);
  return processJsonlChunk({ seq: 0, file: FILE, format: 'jsonl', buffer, length: bytes.length, firstLine, fastPath });
}

function assertSameResult(a: ChunkResult, b: ChunkResult, what: string): void {
  assert.equal(Buffer.from(a.data).toString('utf8'), Buffer.from(b.data).toString('utf8'), `${what}: output text`);
  assert.deepEqual(Buffer.from(a.data), Buffer.from(b.data), `${what}: output bytes`);
  assert.deepEqual(a.hashes, b.hashes, `${what}: id hashes`);
  assert.deepEqual(a.versions, b.versions, `${what}: versions`);
  assert.deepEqual(a.lines, b.lines, `${what}: lines`);
  assert.deepEqual(a.report, b.report, `${what}: report`);
}

/** A sink that records what the fast path writes, to see whether it took a line at all. */
function collectingSink(): FastPathSink & { out: Uint8Array; committed: number } {
  let out = new Uint8Array(1 << 16);
  let size = 0;
  const report: IngestReport = emptyReport();
  let committed = 0;
  return {
    report,
    get committed() {
      return committed;
    },
    get out() {
      return out.subarray(0, size);
    },
    get size() {
      return size;
    },
    reserve(n: number) {
      if (out.length - size < n) {
        const grown = new Uint8Array(size + n);
        grown.set(out.subarray(0, size));
        out = grown;
      }
      return out;
    },
    commit(end: number) {
      size = end;
      committed++;
    },
  };
}

function fastTakes(line: string): boolean {
  const b = Buffer.from(line, 'utf8');
  const view = new DataView(b.buffer, b.byteOffset, b.length);
  return new JsonLineFastPath(FILE, 'jsonl').add(b, view, 0, b.length, 1, collectingSink());
}

test('fast path takes the ordinary and tricky lines and declines the unusual ones', () => {
  for (const [i, line] of FAST.entries()) assert.equal(fastTakes(line), true, `FAST[${i}] should be taken: ${line.slice(0, 80)}`);
  for (const [i, line] of DECLINED.entries()) assert.equal(fastTakes(line), false, `DECLINED[${i}] should be declined: ${line.slice(0, 80)}`);
});

test('fast path and JSON.parse path give identical canonical bytes, hashes, versions and reports', () => {
  for (const [i, line] of [...FAST, ...DECLINED].entries()) {
    const bytes = Buffer.from(line + '\n', 'utf8');
    assertSameResult(runChunk(bytes, true, 10 + i), runChunk(bytes, false, 10 + i), `line ${i}: ${line.slice(0, 60)}`);
  }
  // All at once, mixed with blank lines and CRLF, numbered from a later line.
  const all = Buffer.from([...FAST, '', ...DECLINED, '   ', ...FAST.slice(0, 3)].join('\r\n'), 'utf8');
  const fast = runChunk(all, true, 101);
  assertSameResult(fast, runChunk(all, false, 101), 'whole chunk');
  // Malformed lines are counted with file and line.
  const bad = fast.report.examples['bad-json']!;
  assert.equal(bad[0]!.file, FILE);
  assert.equal(bad[0]!.line, 101 + FAST.length + 1);
  assert.match(bad[0]!.detail, /^bad JSON/);
  // The id-less record got file:line.
  const text = Buffer.from(fast.data).toString('utf8');
  assert.match(text, new RegExp(`"id":"fixture\\.jsonl:${101 + FAST.indexOf(FAST.find((l) => l.startsWith('{"title":"no id'))!)}"`));
});

test('fast path output for a few lines, spelled out', () => {
  const out = (line: string) => Buffer.from(runChunk(Buffer.from(line), true).data).toString('utf8');
  assert.equal(
    out(oai()),
    '{"id":"0704.0001","title":"A title wrapped","abstract":"An abstract. Second line.","categories":["hep-ph","hep-th"],"primary":"hep-ph","date":"2008-11-13","source":"jsonl"}\n',
  );
  assert.equal(
    out(FAST[4]!),
    '{"id":"0704.0004","title":"😀 pair, raw 😀, lone \\ud83d x \\udc00 and \\udbff\\ud800","abstract":"y","categories":["cs.LG"],"primary":"cs.LG","source":"jsonl"}\n',
  );
  assert.equal(
    out(FAST[6]!),
    '{"id":"0704.0006","title":"tabs and crlf ff vt","abstract":"ctl \\b \\u0001 \\u001f \u007f \u0080 \u180e end","categories":["cs.LG"],"primary":"cs.LG","source":"jsonl"}\n',
  );
});

test('invalid UTF-8 goes the general path (U+FFFD), the rest of the chunk the fast path', () => {
  const good = Buffer.from(oai() + '\n');
  const badTitle = Buffer.concat([Buffer.from('{"id":"0706.0001","title":"bad '), Buffer.from([0xff, 0xc0, 0xaf]), Buffer.from(' bytes","abstract":"a","categories":"cs.LG"}\n')]);
  const overlong = Buffer.concat([Buffer.from('{"id":"0706.0002","title":"'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('","abstract":"a","categories":"cs.LG"}\n')]);
  const chunk = Buffer.concat([good, badTitle, overlong, good]);
  const fast = runChunk(chunk, true);
  assertSameResult(fast, runChunk(chunk, false), 'invalid UTF-8');
  assert.match(Buffer.from(fast.data).toString('utf8'), /"title":"bad \ufffd\ufffd\ufffd bytes"/);
});

test('hashIdBytes of an ASCII id equals hashId of the string', () => {
  for (const id of ['0704.0001', 'hep-th/9901001', 'x', '2101.00001', 'a'.repeat(300)]) {
    const a = new Uint32Array(2);
    const b = new Uint32Array(2);
    hashId(id, a);
    const bytes = Buffer.from('"' + id + '"');
    hashIdBytes(bytes, 1, bytes.length - 1, b);
    assert.deepEqual(b, a, id);
  }
});

test('isJsWhitespace agrees with /\\s/ on every BMP code point', () => {
  for (let cp = 0; cp <= 0xffff; cp++) assert.equal(isJsWhitespace(cp), /\s/.test(String.fromCharCode(cp)), `U+${cp.toString(16)}`);
});

const PIECES = [' ', ' ', '  ', '\n', '\t', '\r', '\f', '\v', '\b', '\u0000', '\u001f', '\u007f', '\u00a0', '\u2028', '\u2029', '\u3000', '\ufeff', '\u1680', '\u200a', '\u200b', '"', '\\', '/', 'é', 'ß', '中', '😀', '\ud83d', '\ude00', 'a', 'bc', 'word', 'x y', '$\\alpha$'];

test('copyNormalizedString equals JSON.stringify(normalizeWhitespace(JSON.parse(s))) (fuzzed)', () => {
  const r = rng(12345);
  const out = new Uint8Array(1 << 16);
  const outView = new DataView(out.buffer);
  for (let n = 0; n < 5000; n++) {
    let s = '';
    const len = Math.floor(r() * 24);
    for (let k = 0; k < len; k++) s += PIECES[Math.floor(r() * PIECES.length)];
    const literal = encodeRandomly(s, r, 0.2);
    const b = Buffer.from(literal, 'utf8');
    const view = new DataView(b.buffer, b.byteOffset, b.length);
    const expected = JSON.stringify(normalizeWhitespace(JSON.parse(literal) as string)).slice(1, -1);
    assert.equal(copyNormalizedString(b, view, 0, b.length, out, outView, 0), true, literal);
    assert.equal(copied.next, b.length);
    assert.equal(Buffer.from(out.subarray(0, copied.end)).toString('utf8'), expected, `input ${literal}`);
    assert.deepEqual(Buffer.from(out.subarray(0, copied.end)), Buffer.from(expected, 'utf8'));
    assert.ok(copied.end <= b.length, 'output never longer than input');
  }
});

test('skipValue never accepts what JSON.parse rejects (fuzzed mutations of valid JSON)', () => {
  const r = rng(777);
  const seeds = [oai(), '[1,-2.5e+10,true,false,null,{"a":[{}],"b":"\\u00e9\\n"}]', '{"x":0.5,"y":-0,"z":1E-2,"s":"a\\/b"}', '"str"', '123', 'null'];
  const alphabet = '{}[]",:\\ntrufalse0123456789.-+eE \t\r\nabuU\u0001';
  let accepted = 0;
  for (const seed of seeds) {
    const b = Buffer.from(seed);
    assert.equal(skipValue(b, 0, b.length), b.length, `valid seed accepted: ${seed.slice(0, 40)}`);
  }
  for (let n = 0; n < 20000; n++) {
    let s = seeds[Math.floor(r() * seeds.length)]!;
    const edits = 1 + Math.floor(r() * 3);
    for (let k = 0; k < edits; k++) {
      const at = Math.floor(r() * (s.length + 1));
      const ch = alphabet[Math.floor(r() * alphabet.length)]!;
      const op = r();
      s = op < 0.4 ? s.slice(0, at) + ch + s.slice(at) : op < 0.7 ? s.slice(0, at) + s.slice(at + 1) : s.slice(0, at) + ch + s.slice(at + 1);
    }
    const b = Buffer.from(s);
    const view = new DataView(b.buffer, b.byteOffset, b.length);
    const end = skipValue(b, 0, b.length, view);
    if (end === b.length) {
      accepted++;
      assert.doesNotThrow(() => JSON.parse(s), `skipValue accepted invalid JSON: ${s}`);
    }
  }
  assert.ok(accepted > 100, `some mutations stay valid and are accepted (${accepted})`);
});
