import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { processJsonlChunk, type ChunkResult } from '../../src/corpus/ingest-worker.js';
import { normalizeWhitespace } from '../../src/sources/fields.js';
import { copied, copyNormalizedString } from '../../src/sources/json-bytes.js';
import { JsonTextKernel } from '../../src/sources/json-text-kernel.js';
import { JSON_TEXT_WAT_SHA256 } from '../../src/sources/json-text-wasm.js';
import { encodeRandomly, rng } from './json-fuzz.js';

// Long plain runs (so whole 16-byte blocks are copied) mixed with everything that stops a block.
const PIECES = [
  'the quick brown fox jumps over the lazy dog',
  'Multifluid',
  ' ',
  '  ',
  '\n',
  '\n  ',
  '\t',
  '\r',
  '\f',
  '\b',
  '\u0001',
  '\u007f',
  '\u00a0',
  '\u2028',
  '\u3000',
  '\ufeff',
  '\u1680',
  '\u200a',
  '\u200b',
  '"',
  '\\',
  '/',
  'é',
  '中',
  '😀',
  '\ud83d',
  '$\\mathcal{O}(n^2)$',
  'x',
];

/** Load `text` as the kernel's chunk and copy the string starting at `at` into slot `k`. */
function kernelCopy(kernel: JsonTextKernel, text: string, at = 0, k = 0): { length: number; next: number; out: string } {
  const bytes = Buffer.from(text, 'utf8');
  const buffer = new ArrayBuffer(bytes.length);
  new Uint8Array(buffer).set(bytes);
  kernel.load(buffer, bytes.length);
  const length = kernel.copy(at, bytes.length, k);
  return { length, next: copied.next, out: length < 0 ? '' : Buffer.from(kernel.slot(k, length)).toString('utf8') };
}

const kernel = JsonTextKernel.create();

test('the SIMD copy loads on this Node', () => {
  assert.ok(kernel, 'JsonTextKernel.create() returned undefined');
});

test('the SIMD copy equals JSON.stringify(normalizeWhitespace(JSON.parse(s))) and the JS copy (fuzzed)', () => {
  const r = rng(4242);
  const jsOut = new Uint8Array(1 << 16);
  const jsView = new DataView(jsOut.buffer);
  for (let n = 0; n < 4000; n++) {
    let s = '';
    const pieces = Math.floor(r() * 40);
    for (let k = 0; k < pieces; k++) s += PIECES[Math.floor(r() * PIECES.length)];
    const literal = encodeRandomly(s, r, 0.05);
    // Something after the string, as in a line: the copy must stop at the closing quote.
    const line = `${literal},"next":"value"}`;
    const expected = JSON.stringify(normalizeWhitespace(JSON.parse(literal) as string)).slice(1, -1);
    const slot = n % 2;
    const got = kernelCopy(kernel!, line, 0, slot);
    assert.equal(got.out, expected, `input ${literal}`);
    assert.equal(got.next, Buffer.byteLength(literal), `next for ${literal}`);
    assert.ok(got.length <= Buffer.byteLength(literal), 'output never longer than input');
    const b = Buffer.from(line, 'utf8');
    assert.equal(copyNormalizedString(b, new DataView(b.buffer, b.byteOffset, b.length), 0, b.length, jsOut, jsView, 0), true);
    assert.equal(Buffer.from(jsOut.subarray(0, copied.end)).toString('utf8'), got.out, 'JS and SIMD copies agree');
  }
});

test('the SIMD copy starts at any offset and keeps both slots apart', () => {
  const text = `{"title":"  A  title\\nwrapped here  ","abstract":"${'word '.repeat(50)}\\u00e9nd"}`;
  const bytes = Buffer.from(text);
  const buffer = new ArrayBuffer(bytes.length);
  new Uint8Array(buffer).set(bytes);
  kernel!.load(buffer, bytes.length);
  const t = kernel!.copy(text.indexOf('"  A'), bytes.length, 0);
  const a = kernel!.copy(text.indexOf('"word'), bytes.length, 1);
  assert.equal(Buffer.from(kernel!.slot(0, t)).toString(), 'A title wrapped here');
  assert.equal(Buffer.from(kernel!.slot(1, a)).toString(), `${'word '.repeat(50)}énd`);
});

test('the SIMD copy rejects what is not a valid JSON string', () => {
  for (const bad of ['"unterminated', '"raw \u0001 control"', '"bad \\x escape"', '"bad \\u12g4 hex"', `"${'long '.repeat(20)}`, '"ends in a backslash\\']) {
    assert.equal(kernelCopy(kernel!, bad).length, -1, JSON.stringify(bad));
  }
});

test('a chunk larger than the memory so far grows it, and earlier chunks leave nothing behind', () => {
  const k = JsonTextKernel.create()!;
  const small = kernelCopy(k, '"short one"');
  assert.equal(small.out, 'short one');
  const long = `"${'abcdefghij '.repeat(100_000)}"`;
  const big = kernelCopy(k, long);
  assert.equal(big.out, 'abcdefghij '.repeat(100_000).trim());
  assert.equal(kernelCopy(k, '"short again"').out, 'short again');
});

function runChunk(text: string, fastPath: boolean): ChunkResult {
  const bytes = Buffer.from(text, 'utf8');
  const buffer = new ArrayBuffer(bytes.length);
  new Uint8Array(buffer).set(bytes);
  return processJsonlChunk({ seq: 0, file: '/data/long.jsonl', format: 'jsonl', buffer, length: bytes.length, firstLine: 1, fastPath });
}

test('ingest chunks of long hard-wrapped abstracts come out the same through the SIMD fast path and JSON.parse', () => {
  const r = rng(99);
  const lines: string[] = [];
  for (let n = 0; n < 300; n++) {
    let abstract = '';
    for (let k = 0; k < 80; k++) abstract += PIECES[Math.floor(r() * PIECES.length)]!.replace(/[\ud800-\udfff]/g, '');
    lines.push(JSON.stringify({ id: `2101.${String(n).padStart(5, '0')}`, title: `Title ${n}\n  of a paper`, abstract, categories: 'cs.LG stat.ML', versions: [{ version: 'v1' }], update_date: '2021-01-05' }));
  }
  const text = lines.join('\n') + '\n';
  const fast = runChunk(text, true);
  const slow = runChunk(text, false);
  assert.equal(fast.count, 300);
  assert.equal(Buffer.from(fast.data).toString('utf8'), Buffer.from(slow.data).toString('utf8'));
  assert.deepEqual(fast.report, slow.report);
});

test('the generated module is built from the current tools/json-text.wat', () => {
  const wat = readFileSync(new URL('../../tools/json-text.wat', import.meta.url), 'utf8');
  assert.equal(createHash('sha256').update(wat).digest('hex'), JSON_TEXT_WAT_SHA256, 'tools/json-text.wat changed: run node scripts/build-kernels.mjs');
});
