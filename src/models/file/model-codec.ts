/**
 * The model container: one portable, versioned, checksummed file holding a JSON metadata object
 * and named numeric tensors.
 *
 * Layout (little-endian throughout; offsets are absolute from the start of the file):
 *
 *   offset  size  field
 *   0       8     magic: "AXCM" 0x0D 0x0A 0x1A 0x0A. The CR LF / ^Z / LF bytes catch text-mode
 *                 transfers (line endings rewritten) and tools that stop at ^Z.
 *   8       2     u16 format version (readers reject versions newer than their FORMAT_VERSION)
 *   10      2     u16 flags (none are defined in v1; readers reject unknown bits)
 *   12      4     u32 metadata length M
 *   16      8     u64 total file length L (the whole file, trailer included)
 *   24      M     metadata: UTF-8 JSON object, keys sorted (canonical, so equal input gives
 *                 equal bytes)
 *   24+M    4     u32 tensor count N
 *           ...   N tensor entries, sorted by name (UTF-16 code-unit order):
 *                   u16 name length K, K bytes UTF-8 name,
 *                   u8 dtype code (1 f32, 2 i8, 3 u8, 4 i32, 5 u32),
 *                   u8 rank R, R × u32 dimensions,
 *                   u64 data offset (a multiple of 8), u64 data byte length
 *           ...   zero padding to a multiple of 8
 *           ...   tensor data in table order, each starting on an 8-byte boundary, zero padded,
 *                 so a reader can map typed-array views onto the file buffer without copying
 *   L-12    8     u64 total file length L again (tells a truncated file from a damaged header)
 *   L-4     4     u32 CRC-32 (IEEE) of bytes [0, L-4)
 *
 * The first 12 bytes (magic, version, flags) keep this meaning in every future version, so any
 * reader can say "written by a newer version" instead of misreading a newer file.
 *
 * Version 2 has the layout of version 1. A file says 2 only when its model needs a reader that
 * knows something version-1 readers did not (a linear model with character n-grams): an older
 * reader then refuses it instead of predicting from the wrong features. Every other model is still
 * written as version 1, which every release reads.
 *
 * This module only turns bytes into contents and back, with no Node APIs, so the browser bundle
 * shares it; reading and writing files is model-file.ts.
 */
import { UserError } from '../../base/errors.js';
import { crc32 } from '../../base/crc32.js';

/** The newest container format version this code writes and reads. */
export const FORMAT_VERSION = 2;

/** The 8 magic bytes every model file starts with. */
export const MODEL_FILE_MAGIC: Uint8Array = Uint8Array.of(0x41, 0x58, 0x43, 0x4d, 0x0d, 0x0a, 0x1a, 0x0a);

export type TensorDType = 'f32' | 'i8' | 'u8' | 'i32' | 'u32';

/** The typed array that holds each dtype. */
export interface TensorArrays {
  f32: Float32Array;
  i8: Int8Array;
  u8: Uint8Array;
  i32: Int32Array;
  u32: Uint32Array;
}

/** A tensor of one specific dtype: `shape` is row-major and its product equals `data.length`. */
export interface TensorOf<D extends TensorDType> {
  dtype: D;
  shape: number[];
  data: TensorArrays[D];
}

/** Any tensor; narrow on `dtype` to get the exact typed array. */
export type Tensor = { [D in TensorDType]: TensorOf<D> }[TensorDType];

export interface ModelFileContents {
  meta: Record<string, unknown>;
  tensors: Record<string, Tensor>;
  /** The format version to write (default 1, see the layout above); decoding gives the file's. */
  formatVersion?: number;
}

export type ModelFileErrorKind =
  /** The file is not a model file at all (wrong magic: a JSONL, a Parquet file, …). */
  | 'not-a-model-file'
  /** The file ends before the length its header records. */
  | 'truncated'
  /** The bytes are damaged: checksum mismatch, inconsistent lengths, trailing garbage. */
  | 'corrupt'
  /** Written by a newer format version (or with feature flags) this code does not understand. */
  | 'unsupported-version'
  /** The checksum is fine but the structure is invalid (tensor table, dtype, shape, metadata). */
  | 'invalid'
  /** The contents handed to the encoder cannot be stored (bad shape, non-JSON metadata, …). */
  | 'unencodable'
  /** The file could not be read or written. */
  | 'io';

/** A model file that cannot be read or written; the message names the file and the problem. */
export class ModelFileError extends UserError {
  override name = 'ModelFileError';
  constructor(
    /** The path (or '<buffer>') the error concerns. */
    readonly source: string,
    readonly kind: ModelFileErrorKind,
    /** The problem, without the source. */
    readonly detail: string,
  ) {
    super(`${source}: ${detail}`);
  }
}

const HEADER_SIZE = 24;
const TRAILER_SIZE = 12;
const MAX_U32 = 0xffffffff;

interface DTypeInfo {
  code: number;
  size: number;
}

const DTYPES: { [D in TensorDType]: DTypeInfo } = {
  f32: { code: 1, size: 4 },
  i8: { code: 2, size: 1 },
  u8: { code: 3, size: 1 },
  i32: { code: 4, size: 4 },
  u32: { code: 5, size: 4 },
};

const DTYPE_ARRAY_NAME: { [D in TensorDType]: string } = {
  f32: 'Float32Array',
  i8: 'Int8Array',
  u8: 'Uint8Array',
  i32: 'Int32Array',
  u32: 'Uint32Array',
};

const DTYPE_BY_CODE: ReadonlyMap<number, TensorDType> = new Map(
  (Object.keys(DTYPES) as TensorDType[]).map((d) => [DTYPES[d].code, d]),
);

const HOST_LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function align8(n: number): number {
  return n + ((8 - (n % 8)) % 8);
}

function isDType(s: unknown): s is TensorDType {
  return typeof s === 'string' && Object.prototype.hasOwnProperty.call(DTYPES, s);
}

function arrayMatchesDType(dtype: TensorDType, data: unknown): boolean {
  switch (dtype) {
    case 'f32':
      return data instanceof Float32Array;
    case 'i8':
      return data instanceof Int8Array;
    case 'u8':
      return data instanceof Uint8Array;
    case 'i32':
      return data instanceof Int32Array;
    case 'u32':
      return data instanceof Uint32Array;
  }
}

function newArray(dtype: TensorDType, length: number): Tensor['data'] {
  switch (dtype) {
    case 'f32':
      return new Float32Array(length);
    case 'i8':
      return new Int8Array(length);
    case 'u8':
      return new Uint8Array(length);
    case 'i32':
      return new Int32Array(length);
    case 'u32':
      return new Uint32Array(length);
  }
}

function viewArray(dtype: TensorDType, buffer: ArrayBufferLike, byteOffset: number, length: number): Tensor['data'] {
  switch (dtype) {
    case 'f32':
      return new Float32Array(buffer, byteOffset, length);
    case 'i8':
      return new Int8Array(buffer, byteOffset, length);
    case 'u8':
      return new Uint8Array(buffer, byteOffset, length);
    case 'i32':
      return new Int32Array(buffer, byteOffset, length);
    case 'u32':
      return new Uint32Array(buffer, byteOffset, length);
  }
}

function makeTensor(dtype: TensorDType, shape: number[], data: Tensor['data']): Tensor {
  // The caller guarantees that `data` is the array type of `dtype`.
  return { dtype, shape, data } as Tensor;
}

function byteView(data: Tensor['data']): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

function writeU64(view: DataView, offset: number, value: number): void {
  view.setUint32(offset, value % 0x1_0000_0000, true);
  view.setUint32(offset + 4, Math.floor(value / 0x1_0000_0000), true);
}

function readU64(view: DataView, offset: number): number {
  // Values above 2^53 cannot be file offsets; they come out as huge numbers and fail bounds checks.
  return view.getUint32(offset, true) + view.getUint32(offset + 4, true) * 0x1_0000_0000;
}

function hex32(n: number): string {
  return '0x' + n.toString(16).padStart(8, '0');
}

// ---------------------------------------------------------------------------------------------
// Metadata: canonical JSON (sorted keys) that rejects anything JSON would silently change.

function canonicalJson(value: unknown, path: string, ancestors: Set<object>, source: string): string {
  const fail = (what: string): never => {
    throw new ModelFileError(source, 'unencodable', `metadata field ${path} ${what}`);
  };
  if (value === null) return 'null';
  if (value === undefined) fail('is undefined, which JSON cannot store (use null)');
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) fail(`is ${value}, which JSON cannot store (use null)`);
      return JSON.stringify(value);
    case 'object':
      break;
    default:
      return fail(`is a ${typeof value}, which JSON cannot store`);
  }
  const obj = value as object;
  if (ancestors.has(obj)) fail('refers to itself (a cycle)');
  ancestors.add(obj);
  let out: string;
  if (Array.isArray(obj)) {
    const parts: string[] = [];
    for (let i = 0; i < obj.length; i++) {
      parts.push(canonicalJson(obj[i], `${path}[${i}]`, ancestors, source));
    }
    out = '[' + parts.join(',') + ']';
  } else {
    const proto: unknown = Object.getPrototypeOf(obj);
    if (proto !== Object.prototype && proto !== null) {
      const kind = ArrayBuffer.isView(obj) ? 'a typed array (store it as a tensor)' : 'not a plain object';
      fail(`is ${kind}`);
    }
    const record = obj as Record<string, unknown>;
    const parts: string[] = [];
    for (const key of Object.keys(record).sort()) {
      const v = record[key];
      if (v === undefined) continue; // as JSON.stringify: an absent optional field
      parts.push(JSON.stringify(key) + ':' + canonicalJson(v, `${path}.${key}`, ancestors, source));
    }
    out = '{' + parts.join(',') + '}';
  }
  ancestors.delete(obj);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Encoding

interface PreparedTensor {
  name: string;
  nameBytes: Uint8Array;
  dtype: TensorDType;
  shape: number[];
  data: Tensor['data'];
  offset: number;
}

function prepareTensor(name: string, tensor: Tensor, source: string): PreparedTensor {
  const fail = (what: string): never => {
    throw new ModelFileError(source, 'unencodable', `tensor '${name}' ${what}`);
  };
  const nameBytes = utf8.encode(name);
  if (nameBytes.length === 0) fail('has an empty name');
  if (nameBytes.length > 0xffff) fail('has a name longer than 65535 bytes');
  const { dtype, shape, data } = tensor as { dtype: unknown; shape: unknown; data: unknown };
  if (!isDType(dtype)) return fail(`has unknown dtype ${JSON.stringify(dtype)} (expected f32, i8, u8, i32 or u32)`);
  if (!arrayMatchesDType(dtype, data)) fail(`has dtype ${dtype} but its data is not a ${DTYPE_ARRAY_NAME[dtype]}`);
  if (!Array.isArray(shape)) return fail('has no shape array');
  if (shape.length > 255) fail(`has rank ${shape.length}; at most 255 dimensions are supported`);
  let count = 1;
  for (const d of shape as unknown[]) {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0 || d > MAX_U32) {
      fail(`has shape [${shape.join(', ')}]: dimensions must be integers in 0..${MAX_U32}`);
    }
    count *= d as number;
  }
  const array = data as Tensor['data'];
  if (count !== array.length) fail(`has shape [${shape.join(', ')}] (${count} elements) but ${array.length} values`);
  return { name, nameBytes, dtype, shape: (shape as number[]).slice(), data: array, offset: 0 };
}

/**
 * Serialises metadata and tensors into the container format. Deterministic: equal contents give
 * byte-identical output (metadata keys and tensor names are sorted). Throws ModelFileError (kind
 * 'unencodable') for metadata JSON cannot represent faithfully (NaN, Infinity, undefined array
 * items, cycles, class instances) and for tensors whose shape, dtype and data disagree.
 */
export function encodeModelFile(contents: ModelFileContents, source = '<buffer>'): Uint8Array {
  const { meta, tensors } = contents;
  if (meta === null || typeof meta !== 'object' || Array.isArray(meta)) {
    throw new ModelFileError(source, 'unencodable', 'metadata must be a plain JSON object');
  }
  const version = contents.formatVersion ?? 1;
  if (!Number.isInteger(version) || version < 1 || version > FORMAT_VERSION) {
    throw new ModelFileError(source, 'unencodable', `format version must be 1 to ${FORMAT_VERSION}, got ${version}`);
  }
  const metaBytes = utf8.encode(canonicalJson(meta, 'meta', new Set(), source));
  if (metaBytes.length > MAX_U32) throw new ModelFileError(source, 'unencodable', 'metadata is larger than 4 GiB');

  const names = Object.keys(tensors).sort();
  const prepared = names.map((name) => prepareTensor(name, tensors[name]!, source));

  let pos = HEADER_SIZE + metaBytes.length + 4;
  for (const t of prepared) pos += 2 + t.nameBytes.length + 2 + 4 * t.shape.length + 16;
  pos = align8(pos);
  for (const t of prepared) {
    t.offset = pos;
    pos = align8(pos + t.data.byteLength);
  }
  const total = pos + TRAILER_SIZE;
  if (total > Number.MAX_SAFE_INTEGER) throw new ModelFileError(source, 'unencodable', 'model is too large');

  const out = new Uint8Array(total);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  out.set(MODEL_FILE_MAGIC, 0);
  view.setUint16(8, version, true);
  view.setUint16(10, 0, true);
  view.setUint32(12, metaBytes.length, true);
  writeU64(view, 16, total);
  out.set(metaBytes, HEADER_SIZE);

  let p = HEADER_SIZE + metaBytes.length;
  view.setUint32(p, prepared.length, true);
  p += 4;
  for (const t of prepared) {
    view.setUint16(p, t.nameBytes.length, true);
    p += 2;
    out.set(t.nameBytes, p);
    p += t.nameBytes.length;
    view.setUint8(p++, DTYPES[t.dtype].code);
    view.setUint8(p++, t.shape.length);
    for (const d of t.shape) {
      view.setUint32(p, d, true);
      p += 4;
    }
    writeU64(view, p, t.offset);
    writeU64(view, p + 8, t.data.byteLength);
    p += 16;
  }
  for (const t of prepared) writeData(out, view, t.offset, t.dtype, t.data);

  writeU64(view, total - TRAILER_SIZE, total);
  view.setUint32(total - 4, crc32(out.subarray(0, total - 4)), true);
  return out;
}

function writeData(out: Uint8Array, view: DataView, offset: number, dtype: TensorDType, data: Tensor['data']): void {
  if (HOST_LITTLE_ENDIAN || DTYPES[dtype].size === 1) {
    out.set(byteView(data), offset);
    return;
  }
  for (let i = 0; i < data.length; i++) {
    const at = offset + 4 * i;
    if (dtype === 'f32') view.setFloat32(at, data[i]!, true);
    else if (dtype === 'i32') view.setInt32(at, data[i]!, true);
    else view.setUint32(at, data[i]!, true);
  }
}

// ---------------------------------------------------------------------------------------------
// Decoding

/** A guess at what a non-model file is, for the error message. */
function describeForeign(bytes: Uint8Array): string {
  const head = bytes.subarray(0, 4);
  const ascii = String.fromCharCode(...head);
  let firstText = 0;
  while (firstText < bytes.length && firstText < 64 && [0x20, 0x09, 0x0a, 0x0d].includes(bytes[firstText]!)) firstText++;
  const first = bytes[firstText];
  if (ascii === 'PAR1') return ' (it looks like a Parquet file)';
  if (head[0] === 0x1f && head[1] === 0x8b) return ' (it looks like a gzip file)';
  if (ascii === 'PK\x03\x04') return ' (it looks like a zip file)';
  if (first === 0x7b /* { */ || first === 0x5b /* [ */) return ' (it looks like JSON or JSONL)';
  return '';
}

/**
 * Parses a model file. Tensor data are zero-copy views onto `bytes` where alignment allows (the
 * usual case), so do not modify `bytes` afterwards. `source` names the file in error messages.
 * Throws ModelFileError for anything that is not a complete, intact model file of a supported
 * version; it never returns partial or unchecked contents.
 */
export function decodeModelFile(bytes: Uint8Array, source = '<buffer>'): ModelFileContents {
  const n = bytes.length;
  if (n === 0) throw new ModelFileError(source, 'truncated', 'the file is empty (0 bytes), not a model');

  // 1. Magic. A prefix of the magic is a truncated model; "AXCM" with different line-ending bytes
  //    is a model mangled by a text-mode transfer.
  const magicLen = Math.min(n, MODEL_FILE_MAGIC.length);
  let magicOk = true;
  for (let i = 0; i < magicLen; i++) if (bytes[i] !== MODEL_FILE_MAGIC[i]) magicOk = false;
  if (!magicOk) {
    const namePrefix = n >= 4 && bytes[0] === 0x41 && bytes[1] === 0x58 && bytes[2] === 0x43 && bytes[3] === 0x4d;
    if (namePrefix) {
      throw new ModelFileError(
        source,
        'corrupt',
        'starts with the model signature but its line-ending bytes were changed: the file was probably ' +
          'copied or downloaded in text mode; transfer it in binary mode',
      );
    }
    throw new ModelFileError(
      source,
      'not-a-model-file',
      `not an arxiv-classifier model file (wrong signature)${describeForeign(bytes)}`,
    );
  }
  if (n < HEADER_SIZE + TRAILER_SIZE) {
    throw new ModelFileError(source, 'truncated', `truncated: only ${n} bytes, shorter than the smallest model file`);
  }

  // 2. Version and flags, before anything whose layout may change between versions.
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint16(8, true);
  if (version > FORMAT_VERSION) {
    throw new ModelFileError(
      source,
      'unsupported-version',
      `written by a newer arxiv-classifier (format v${version}); this version reads up to v${FORMAT_VERSION} — upgrade`,
    );
  }
  if (version === 0) throw new ModelFileError(source, 'corrupt', 'format version 0 is invalid: the header is damaged');
  const flags = view.getUint16(10, true);
  if (flags !== 0) {
    throw new ModelFileError(
      source,
      'unsupported-version',
      `uses format features this version does not know (flags ${hex32(flags)}) — upgrade arxiv-classifier`,
    );
  }

  // 3. Length: the header's and the trailer's copies tell truncation from damage.
  const declared = readU64(view, 16);
  const trailerLen = readU64(view, n - TRAILER_SIZE);
  if (declared !== n) {
    if (trailerLen === n) {
      throw new ModelFileError(source, 'corrupt', `corrupt header: it records ${declared} bytes but the file is complete at ${n}`);
    }
    if (n < declared) {
      throw new ModelFileError(
        source,
        'truncated',
        `truncated: the header says ${declared} bytes but the file has only ${n} (incomplete download or copy?)`,
      );
    }
    throw new ModelFileError(
      source,
      'corrupt',
      `has ${n - declared} unexpected bytes after the end of the model (${declared} bytes): was something appended to it?`,
    );
  }
  if (trailerLen !== n) {
    throw new ModelFileError(source, 'corrupt', `corrupt trailer: it records ${trailerLen} bytes but the file has ${n}`);
  }

  // 4. Checksum over everything before it.
  const stored = view.getUint32(n - 4, true);
  const computed = crc32(bytes.subarray(0, n - 4));
  if (stored !== computed) {
    throw new ModelFileError(
      source,
      'corrupt',
      `checksum mismatch (stored ${hex32(stored)}, computed ${hex32(computed)}): the file is corrupt; copy it again or retrain`,
    );
  }

  // 5. Structure. The checksum passed, so failures here mean a faulty writer or a crafted file.
  const invalid = (what: string): never => {
    throw new ModelFileError(source, 'invalid', what);
  };
  const dataEnd = n - TRAILER_SIZE;
  const metaLen = view.getUint32(12, true);
  if (HEADER_SIZE + metaLen + 4 > dataEnd) invalid(`metadata length ${metaLen} runs past the end of the file`);
  let meta: unknown;
  try {
    meta = JSON.parse(strictUtf8.decode(bytes.subarray(HEADER_SIZE, HEADER_SIZE + metaLen)));
  } catch (e) {
    invalid(`metadata is not valid UTF-8 JSON (${(e as Error).message})`);
  }
  if (meta === null || typeof meta !== 'object' || Array.isArray(meta)) invalid('metadata is not a JSON object');

  let p = HEADER_SIZE + metaLen;
  const count = view.getUint32(p, true);
  p += 4;
  const need = (size: number, what: string): void => {
    if (p + size > dataEnd) invalid(`tensor table out of bounds: ${what} runs past the end of the file`);
  };
  const seen = new Set<string>();
  const entries: { name: string; dtype: TensorDType; shape: number[]; offset: number; byteLength: number }[] = [];
  for (let k = 0; k < count; k++) {
    need(2, `entry ${k}`);
    const nameLen = view.getUint16(p, true);
    p += 2;
    need(nameLen + 2, `entry ${k}`);
    let name = '';
    try {
      name = strictUtf8.decode(bytes.subarray(p, p + nameLen));
    } catch {
      invalid(`tensor table entry ${k} has a name that is not valid UTF-8`);
    }
    if (name === '') invalid(`tensor table entry ${k} has an empty name`);
    if (seen.has(name)) invalid(`tensor '${name}' appears twice in the tensor table`);
    seen.add(name);
    p += nameLen;
    const code = view.getUint8(p++);
    const rank = view.getUint8(p++);
    const dtype = DTYPE_BY_CODE.get(code);
    if (dtype === undefined) {
      return invalid(`tensor '${name}' has unknown dtype code ${code} (written by a newer version?)`);
    }
    need(4 * rank + 16, `tensor '${name}'`);
    const shape: number[] = [];
    let elements = 1;
    for (let r = 0; r < rank; r++) {
      const d = view.getUint32(p, true);
      shape.push(d);
      elements *= d;
      p += 4;
    }
    const offset = readU64(view, p);
    const byteLength = readU64(view, p + 8);
    p += 16;
    if (elements * DTYPES[dtype].size !== byteLength) {
      invalid(
        `tensor '${name}' has shape [${shape.join(', ')}] (${elements} × ${dtype}) but ${byteLength} bytes of data`,
      );
    }
    entries.push({ name, dtype, shape, offset, byteLength });
  }
  const tensors: Record<string, Tensor> = {};
  let next = align8(p);
  for (const e of entries) {
    if (e.offset % 8 !== 0) invalid(`tensor '${e.name}' data offset ${e.offset} is not 8-byte aligned`);
    if (e.offset < next || e.offset + e.byteLength > dataEnd) {
      invalid(`tensor '${e.name}' data [${e.offset}, ${e.offset + e.byteLength}) is out of bounds or overlaps`);
    }
    next = e.offset + e.byteLength;
    const tensor = makeTensor(e.dtype, e.shape, readData(bytes, view, e.offset, e.dtype, e.byteLength));
    // defineProperty, not assignment, so a tensor named "__proto__" is stored as data.
    Object.defineProperty(tensors, e.name, { value: tensor, enumerable: true, writable: true, configurable: true });
  }
  return { meta: meta as Record<string, unknown>, tensors, formatVersion: version };
}

function readData(bytes: Uint8Array, view: DataView, offset: number, dtype: TensorDType, byteLength: number): Tensor['data'] {
  const size = DTYPES[dtype].size;
  const length = byteLength / size;
  const absolute = bytes.byteOffset + offset;
  if (HOST_LITTLE_ENDIAN || size === 1) {
    if (absolute % size === 0) return viewArray(dtype, bytes.buffer, absolute, length);
    const copy = newArray(dtype, length);
    byteView(copy).set(bytes.subarray(offset, offset + byteLength));
    return copy;
  }
  const copy = newArray(dtype, length);
  for (let i = 0; i < length; i++) {
    const at = offset + 4 * i;
    copy[i] = dtype === 'f32' ? view.getFloat32(at, true) : dtype === 'i32' ? view.getInt32(at, true) : view.getUint32(at, true);
  }
  return copy;
}

// ---------------------------------------------------------------------------------------------
// Access helpers

/**
 * The tensor `name` with the given dtype, checking its shape where `shape` gives a number (null
 * accepts any size in that dimension). Throws ModelFileError (kind 'invalid') naming `source`
 * when the tensor is missing or differs, so learners can load without re-checking.
 */
export function requireTensor<D extends TensorDType>(
  contents: ModelFileContents,
  name: string,
  dtype: D,
  shape?: readonly (number | null)[],
  source = '<buffer>',
): TensorOf<D> {
  const t = Object.prototype.hasOwnProperty.call(contents.tensors, name) ? contents.tensors[name] : undefined;
  if (t === undefined) throw new ModelFileError(source, 'invalid', `the model has no tensor '${name}'`);
  if (t.dtype !== dtype) {
    throw new ModelFileError(source, 'invalid', `tensor '${name}' has dtype ${t.dtype}, expected ${dtype}`);
  }
  if (shape !== undefined) {
    const ok = shape.length === t.shape.length && shape.every((d, i) => d === null || d === t.shape[i]);
    if (!ok) {
      const want = shape.map((d) => (d === null ? '*' : String(d))).join(', ');
      throw new ModelFileError(source, 'invalid', `tensor '${name}' has shape [${t.shape.join(', ')}], expected [${want}]`);
    }
  }
  return t as TensorOf<D>;
}
