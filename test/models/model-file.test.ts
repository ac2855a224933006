import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { crc32 } from '../../src/base/crc32.js';
import {
  FORMAT_VERSION,
  MODEL_FILE_MAGIC,
  ModelFileError,
  decodeModelFile,
  encodeModelFile,
  readModelFile,
  readModelBytesShared,
  requireTensor,
  writeModelFile,
  type ModelFileContents,
  type ModelFileErrorKind,
} from '../../src/models/file/model-file.js';
import { UserError } from '../../src/base/errors.js';

const utf8 = new TextEncoder();

function sample(): ModelFileContents {
  return {
    meta: {
      task: 'primary',
      labels: [
        { id: 'cs.LG', name: 'Machine Learning' },
        { id: 'math.AG', name: 'Algebraic Geometry — géométrie algébrique' },
      ],
      tokenizer: { lowercase: true, ngrams: [1, 2], note: 'Grüße 日本語 🚀 \u0000 "quoted"' },
      training: { hash: 'ab12', size: 12345, nested: { deep: [null, false, -0.5, 1e-30] } },
    },
    tensors: {
      weights: { dtype: 'f32', shape: [2, 3], data: Float32Array.of(1.5, -2, 0, NaN, -0, Infinity) },
      bias: { dtype: 'f32', shape: [3], data: Float32Array.of(0.1, 0.2, 0.3) },
      q: { dtype: 'i8', shape: [5], data: Int8Array.of(-128, -1, 0, 1, 127) },
      vocab: { dtype: 'u8', shape: [7], data: utf8.encode('a\nb\nüc') },
      index: { dtype: 'i32', shape: [3], data: Int32Array.of(-2147483648, 0, 2147483647) },
      hashes: { dtype: 'u32', shape: [1, 2], data: Uint32Array.of(0, 4294967295) },
      empty: { dtype: 'f32', shape: [0, 4], data: new Float32Array(0) },
      emptyU8: { dtype: 'u8', shape: [0], data: new Uint8Array(0) },
      scalar: { dtype: 'i32', shape: [], data: Int32Array.of(42) },
      'ünïcode name': { dtype: 'u32', shape: [1], data: Uint32Array.of(7) },
    },
  };
}

function assertKind(fn: () => unknown, kind: ModelFileErrorKind, pattern: RegExp, source = '<buffer>'): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof ModelFileError, `expected ModelFileError, got ${String(e)}`);
    assert.ok(e instanceof UserError);
    assert.equal(e.kind, kind, e.message);
    assert.equal(e.source, source);
    assert.ok(e.message.startsWith(`${source}: `), e.message);
    assert.match(e.message, pattern);
    return true;
  });
}

function assertSameContents(actual: ModelFileContents, expected: ModelFileContents): void {
  assert.deepEqual(actual.meta, expected.meta);
  assert.deepEqual(Object.keys(actual.tensors).sort(), Object.keys(expected.tensors).sort());
  for (const [name, t] of Object.entries(expected.tensors)) {
    const got = actual.tensors[name]!;
    assert.equal(got.dtype, t.dtype, name);
    assert.deepEqual(got.shape, t.shape, name);
    assert.equal(got.data.constructor, t.data.constructor, name);
    // Compare bytes, so NaN and -0 must survive exactly.
    assert.deepEqual(
      Buffer.from(got.data.buffer, got.data.byteOffset, got.data.byteLength),
      Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength),
      name,
    );
  }
}

/** Recomputes the checksum after a deliberate edit, to reach the structural checks. */
function reseal(bytes: Uint8Array): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  view.setUint32(bytes.length - 4, crc32(bytes.subarray(0, bytes.length - 4)), true);
  return bytes;
}

test('crc32 matches known vectors', () => {
  assert.equal(crc32(utf8.encode('123456789')), 0xcbf43926);
  assert.equal(crc32(new Uint8Array(0)), 0);
  assert.equal(crc32(utf8.encode('The quick brown fox jumps over the lazy dog')), 0x414fa339);
  assert.equal(crc32(Uint8Array.of(0)), 0xd202ef8d);
  // Continuing with a seed equals checksumming the concatenation, at every split point.
  const all = utf8.encode('hello, arxiv-classifier: slicing-by-8 check');
  for (let s = 0; s <= all.length; s++) {
    assert.equal(crc32(all.subarray(s), crc32(all.subarray(0, s))), crc32(all));
  }
});

test('crc32 of a large unaligned buffer matches the bitwise definition', () => {
  // Speed belongs to the benchmarks; here the slicing-by-8 path must agree with the plain
  // bit-at-a-time CRC-32 (reflected, polynomial 0xEDB88320) on a long buffer at odd offsets.
  const big = new Uint8Array((1 << 20) + 13);
  for (let i = 0; i < big.length; i++) big[i] = (i * 31 + (i >> 7)) & 0xff;
  const bitwise = (b: Uint8Array) => {
    let c = 0xffffffff;
    for (let i = 0; i < b.length; i++) {
      c ^= b[i]!;
      for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
    }
    return (c ^ 0xffffffff) >>> 0;
  };
  for (const start of [0, 1, 3, 7]) assert.equal(crc32(big.subarray(start)), bitwise(big.subarray(start)));
});

test('round-trips every dtype, empty tensors, scalars and unicode metadata', () => {
  const contents = sample();
  const bytes = encodeModelFile(contents);
  assert.deepEqual(bytes.subarray(0, 8), MODEL_FILE_MAGIC);
  assert.equal(new DataView(bytes.buffer).getUint16(8, true), 1, 'version 1 unless asked');
  assertSameContents(decodeModelFile(bytes), contents);
  assert.equal(decodeModelFile(bytes).formatVersion, 1);
});

test('writes the format version it is asked for, up to the newest it knows', () => {
  assert.equal(FORMAT_VERSION, 2);
  const bytes = encodeModelFile({ ...sample(), formatVersion: 2 });
  assert.equal(new DataView(bytes.buffer).getUint16(8, true), 2);
  assert.equal(decodeModelFile(bytes).formatVersion, 2);
  assertSameContents(decodeModelFile(bytes), sample());
  for (const v of [0, 3, 1.5]) assertKind(() => encodeModelFile({ ...sample(), formatVersion: v }), 'unencodable', /format version must be 1 to 2/);
});

test('round-trips an empty model', () => {
  const contents: ModelFileContents = { meta: {}, tensors: {} };
  assertSameContents(decodeModelFile(encodeModelFile(contents)), contents);
});

test('tensor data start 8-byte aligned and decode to views without copying', () => {
  const bytes = encodeModelFile(sample());
  const decoded = decodeModelFile(bytes);
  for (const [name, t] of Object.entries(decoded.tensors)) {
    assert.equal(t.data.buffer, bytes.buffer, `${name} should be a view`);
    assert.equal(t.data.byteOffset % 8, 0, name);
  }
});

test('decodes correctly from a misaligned buffer (copies instead of viewing)', () => {
  const bytes = encodeModelFile(sample());
  const shifted = new Uint8Array(bytes.length + 1).subarray(1);
  shifted.set(bytes);
  assertSameContents(decodeModelFile(shifted), sample());
});

test('encoding is byte-exact deterministic, independent of key insertion order', () => {
  const a = encodeModelFile(sample());
  const b = encodeModelFile(sample());
  assert.deepEqual(a, b);
  const s = sample();
  const reordered: ModelFileContents = {
    meta: Object.fromEntries(Object.entries(s.meta).reverse()),
    tensors: Object.fromEntries(Object.entries(s.tensors).reverse()),
  };
  assert.deepEqual(encodeModelFile(reordered), a);
});

test('a JSONL or other foreign file is reported as not a model file', () => {
  assertKind(() => decodeModelFile(utf8.encode('{"id":"1234.5678","title":"x"}\n')), 'not-a-model-file', /not an arxiv-classifier model file.*JSON/);
  assertKind(() => decodeModelFile(utf8.encode('PAR1 and more bytes here')), 'not-a-model-file', /Parquet/);
  assertKind(() => decodeModelFile(Uint8Array.of(1, 2, 3)), 'not-a-model-file', /not an arxiv-classifier model file/);
});

test('a text-mode mangled file is reported as such', () => {
  const bytes = encodeModelFile(sample());
  // CRLF → LF conversion drops the 0x0d in the magic.
  const mangled = Uint8Array.from([...bytes.subarray(0, 4), ...bytes.subarray(5)]);
  assertKind(() => decodeModelFile(mangled), 'corrupt', /text mode/);
});

test('truncation at any point is reported as truncated', () => {
  const bytes = encodeModelFile(sample());
  assertKind(() => decodeModelFile(bytes.subarray(0, 0)), 'truncated', /empty/);
  for (const cut of [3, 8, 12, 20, 24, 40, Math.floor(bytes.length / 2), bytes.length - 12, bytes.length - 4, bytes.length - 1]) {
    assertKind(() => decodeModelFile(bytes.slice(0, cut)), 'truncated', /truncated/);
  }
});

test('bytes appended after the end are reported', () => {
  const bytes = encodeModelFile(sample());
  const longer = new Uint8Array(bytes.length + 5);
  longer.set(bytes);
  assertKind(() => decodeModelFile(longer), 'corrupt', /5 unexpected bytes after the end/);
});

test('a flipped byte anywhere in the body is a checksum error', () => {
  const bytes = encodeModelFile(sample());
  for (const at of [30, Math.floor(bytes.length / 2), bytes.length - 20, bytes.length - 2]) {
    const bad = bytes.slice();
    bad[at]! ^= 0x10;
    assertKind(() => decodeModelFile(bad), 'corrupt', /checksum mismatch/);
  }
});

test('a damaged header length is corrupt, not truncated', () => {
  const bad = encodeModelFile(sample());
  bad[16]! ^= 0x01;
  assertKind(() => decodeModelFile(bad), 'corrupt', /corrupt header/);
});

test('a newer format version asks the user to upgrade', () => {
  const bad = encodeModelFile(sample());
  new DataView(bad.buffer).setUint16(8, 99, true);
  assertKind(
    () => decodeModelFile(bad),
    'unsupported-version',
    /written by a newer arxiv-classifier \(format v99\); this version reads up to v2 — upgrade/,
  );
  const flagged = encodeModelFile(sample());
  new DataView(flagged.buffer).setUint16(10, 1, true);
  assertKind(() => decodeModelFile(flagged), 'unsupported-version', /upgrade/);
});

/** Offset of the first tensor table entry (after header, metadata and the count). */
function tableStart(bytes: Uint8Array): number {
  return 24 + new DataView(bytes.buffer, bytes.byteOffset).getUint32(12, true) + 4;
}

function oneTensor(): ModelFileContents {
  return { meta: { a: 1 }, tensors: { w: { dtype: 'f32', shape: [2, 2], data: Float32Array.of(1, 2, 3, 4) } } };
}

test('structural errors behind a valid checksum are reported, never returned', () => {
  // Entry layout for name "w": u16 len, "w", u8 dtype, u8 rank, 2 × u32 dims, u64 offset, u64 len.
  const base = encodeModelFile(oneTensor());
  const entry = tableStart(base);
  const dtypeAt = entry + 3;
  const rankAt = entry + 4;
  const dim0At = entry + 5;
  const offsetAt = entry + 13;

  let bad = base.slice();
  bad[dtypeAt] = 9;
  assertKind(() => decodeModelFile(reseal(bad)), 'invalid', /unknown dtype code 9/);

  bad = base.slice();
  new DataView(bad.buffer).setUint32(dim0At, 3, true);
  assertKind(() => decodeModelFile(reseal(bad)), 'invalid', /shape \[3, 2\].*16 bytes/);

  bad = base.slice();
  new DataView(bad.buffer).setUint32(offsetAt, 1 << 20, true);
  assertKind(() => decodeModelFile(reseal(bad)), 'invalid', /out of bounds/);

  bad = base.slice();
  new DataView(bad.buffer).setUint32(offsetAt, 4, true);
  assertKind(() => decodeModelFile(reseal(bad)), 'invalid', /aligned/);

  bad = base.slice();
  bad[rankAt] = 255;
  assertKind(() => decodeModelFile(reseal(bad)), 'invalid', /tensor table out of bounds/);

  bad = base.slice();
  new DataView(bad.buffer).setUint32(entry - 4, 1000, true); // tensor count: entry 1 reads padding
  assertKind(() => decodeModelFile(reseal(bad)), 'invalid', /tensor table entry 1 has an empty name/);

  bad = base.slice();
  new DataView(bad.buffer).setUint16(entry, 60000, true); // name length
  assertKind(() => decodeModelFile(reseal(bad)), 'invalid', /tensor table out of bounds/);

  bad = base.slice();
  new DataView(bad.buffer).setUint32(12, 1 << 20, true); // metadata length
  assertKind(() => decodeModelFile(reseal(bad)), 'invalid', /metadata length/);

  bad = base.slice();
  bad[24] = 0x5b; // '{' → '[' : metadata no longer parses as an object
  assertKind(() => decodeModelFile(reseal(bad)), 'invalid', /metadata/);
});

test('the encoder rejects contents it cannot store faithfully', () => {
  const t = (x: unknown): ModelFileContents => x as ModelFileContents;
  assertKind(() => encodeModelFile(t({ meta: { f1: NaN }, tensors: {} })), 'unencodable', /meta\.f1 is NaN/);
  assertKind(() => encodeModelFile(t({ meta: { a: [1, undefined] }, tensors: {} })), 'unencodable', /meta\.a\[1\]/);
  assertKind(() => encodeModelFile(t({ meta: { w: new Float32Array(2) }, tensors: {} })), 'unencodable', /typed array/);
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  assertKind(() => encodeModelFile(t({ meta: cyclic, tensors: {} })), 'unencodable', /cycle/);
  assertKind(
    () => encodeModelFile(t({ meta: {}, tensors: { w: { dtype: 'f32', shape: [2, 2], data: new Float32Array(3) } } })),
    'unencodable',
    /tensor 'w' has shape \[2, 2\] \(4 elements\) but 3 values/,
  );
  assertKind(
    () => encodeModelFile(t({ meta: {}, tensors: { w: { dtype: 'f32', shape: [2], data: new Int32Array(2) } } })),
    'unencodable',
    /not a Float32Array/,
  );
  assertKind(
    () => encodeModelFile(t({ meta: {}, tensors: { w: { dtype: 'f64', shape: [2], data: new Float64Array(2) } } })),
    'unencodable',
    /unknown dtype "f64"/,
  );
  // Undefined object fields are simply absent, as with JSON.stringify.
  const decoded = decodeModelFile(encodeModelFile(t({ meta: { a: 1, b: undefined }, tensors: {} })));
  assert.deepEqual(decoded.meta, { a: 1 });
});

test('requireTensor checks presence, dtype and shape', () => {
  const contents = decodeModelFile(encodeModelFile(sample()));
  const w = requireTensor(contents, 'weights', 'f32', [2, null]);
  const f: Float32Array = w.data; // typed by the dtype argument
  assert.equal(f.length, 6);
  assertKind(() => requireTensor(contents, 'nope', 'f32', undefined, 'm.axcm'), 'invalid', /no tensor 'nope'/, 'm.axcm');
  assertKind(() => requireTensor(contents, 'weights', 'i32'), 'invalid', /dtype f32, expected i32/);
  assertKind(() => requireTensor(contents, 'weights', 'f32', [3, null]), 'invalid', /shape \[2, 3\], expected \[3, \*\]/);
});

test('writeModelFile / readModelFile round-trip atomically and name the path in errors', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'axc-'));
  try {
    const file = path.join(dir, 'model.axcm');
    await writeModelFile(file, sample());
    assertSameContents(await readModelFile(file), sample());
    // Overwrite in place; no temporary files are left behind.
    await writeModelFile(file, oneTensor());
    assertSameContents(await readModelFile(file), oneTensor());
    assert.deepEqual(fs.readdirSync(dir), ['model.axcm']);

    // A failed encode leaves the previous model intact.
    await assert.rejects(writeModelFile(file, { meta: { x: Infinity }, tensors: {} }), ModelFileError);
    assertSameContents(await readModelFile(file), oneTensor());
    assert.deepEqual(fs.readdirSync(dir), ['model.axcm']);

    const jsonl = path.join(dir, 'papers.jsonl');
    fs.writeFileSync(jsonl, '{"id":"x"}\n');
    await assert.rejects(readModelFile(jsonl), (e: unknown) => {
      assert.ok(e instanceof ModelFileError);
      assert.equal(e.kind, 'not-a-model-file');
      assert.ok(e.message.startsWith(`${jsonl}: `), e.message);
      return true;
    });

    const truncated = path.join(dir, 'cut.axcm');
    fs.writeFileSync(truncated, fs.readFileSync(file).subarray(0, 30));
    await assert.rejects(readModelFile(truncated), (e: unknown) => {
      assert.ok(e instanceof ModelFileError && e.kind === 'truncated' && e.message.includes(truncated), String(e));
      return true;
    });

    const missing = path.join(dir, 'missing.axcm');
    await assert.rejects(readModelFile(missing), (e: unknown) => {
      assert.ok(e instanceof ModelFileError && e.kind === 'io', String(e));
      assert.match(e.message, /missing\.axcm: cannot read model file: no such file/);
      return true;
    });
    await assert.rejects(writeModelFile(path.join(dir, 'no-such-dir', 'm.axcm'), sample()), (e: unknown) => {
      assert.ok(e instanceof ModelFileError && e.kind === 'io' && e.message.includes('no-such-dir'), String(e));
      return true;
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('readModelBytesShared reads a file straight into memory threads can share, and names the file it cannot read', async () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'axc-shared-bytes-'));
  try {
    const file = path.join(d, 'm.axcm');
    await writeModelFile(file, sample());
    const bytes = await readModelBytesShared(file);
    assert.ok(bytes.buffer instanceof SharedArrayBuffer, 'backed by a SharedArrayBuffer');
    assert.deepEqual(Buffer.from(bytes), fs.readFileSync(file));
    assert.deepEqual(decodeModelFile(bytes, file).meta, sample().meta, 'decodes as the file does');
    const missing = path.join(d, 'none.axcm');
    await assert.rejects(readModelBytesShared(missing), (e: unknown) => e instanceof ModelFileError && e.kind === 'io' && e.message.includes(missing));
  } finally {
    fs.rmSync(d, { recursive: true, force: true });
  }
});
