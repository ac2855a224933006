import { isShared, type LinearMemory, type WasmArena } from '../../wasm/memory.js';
import { fromBase64, wasmApi, type WasmModuleObject } from '../../wasm/wasm-api.js';
import { KERNELS_WASM_PLAIN, KERNELS_WASM_SHARED } from './kernels-wasm.js';

/**
 * The two hot kernels of the linear classifier (forward scores, backward row updates) in
 * WebAssembly SIMD, with a plain-JS fallback behind the same API.
 *
 * Everything lives in one linear memory (a `WebAssembly.Memory`, possibly `shared: true`) and
 * every kernel argument that names data is a BYTE OFFSET into it, a multiple of 4. Callers place
 * their arrays with a `WasmArena` (src/wasm/memory.ts) and read/write them through typed-array views of
 * `memory.buffer`. With a shared memory, several worker threads can each build `new
 * Kernels(memory)` over the same memory (post the Memory object to them; it is cloneable) and run
 * kernels on the same weights.
 *
 * Weight matrices are row-major with a row stride (in floats) of at least the number of columns:
 * feature f's row starts at byte `w + f * stride * 4`. Any stride works: columns go four at a
 * time through SIMD and the last `cols % 4` through scalar code. `strideFor(C)` (C rounded up to
 * a multiple of 4) keeps every row 16-byte aligned, which is slightly faster, at the cost of a
 * layout that differs from a dense F × C array when C % 4 != 0.
 *
 * Memories and the arena that places data in them are in src/wasm/memory.ts. The kernels always
 * see a memory's current size.
 *
 * Bounds: the wasm kernels trap (a `WebAssembly.RuntimeError`) on any address past the memory;
 * the JS fallback reads NaN and drops writes there instead. Neither checks that regions do not
 * overlap.
 */

/** Which implementation a `Kernels` runs. */
export type KernelBackend = 'wasm-simd' | 'js';

export interface KernelOptions {
  /** 'auto' (default): wasm SIMD where this runtime has it, else JS. 'wasm' throws where it is missing. */
  backend?: 'auto' | 'wasm' | 'js';
}

/** The exports of tools/kernels.wat; every pointer a byte offset. */
interface KernelImpl {
  scores_add(out: number, w: number, stride: number, cols: number, idx: number, val: number, nnz: number): void;
  scores_add_i8(out: number, q: number, stride: number, cols: number, idx: number, val: number, nnz: number): void;
  rows_axpy_dense(w: number, stride: number, cols: number, idx: number, val: number, nnz: number, g: number, shrink: number): void;
  rows_axpy_active(w: number, stride: number, cols: number, idx: number, val: number, nnz: number, active: number, g: number, na: number, shrink: number): void;
}

const bytesCache: { plain?: Uint8Array; shared?: Uint8Array } = {};
const moduleCache: { plain?: WasmModuleObject; shared?: WasmModuleObject } = {};
const validCache: { plain?: boolean; shared?: boolean } = {};

function moduleBytes(kind: 'plain' | 'shared'): Uint8Array {
  let b = bytesCache[kind];
  if (!b) {
    b = fromBase64(kind === 'plain' ? KERNELS_WASM_PLAIN : KERNELS_WASM_SHARED);
    bytesCache[kind] = b;
  }
  return b;
}

/**
 * Whether this runtime can run the wasm SIMD kernels (on a shared memory when `shared`). It
 * validates the kernels module itself, so "true" means exactly these kernels load.
 */
export function simdAvailable(shared = false): boolean {
  const kind = shared ? 'shared' : 'plain';
  let ok = validCache[kind];
  if (ok === undefined) {
    try {
      ok = wasmApi !== undefined && wasmApi.validate(moduleBytes(kind));
    } catch {
      ok = false;
    }
    validCache[kind] = ok;
  }
  return ok;
}

/** The row stride (in floats) that keeps rows of a C-column matrix 16-byte aligned: C rounded up to 4. */
export function strideFor(classes: number): number {
  return (classes + 3) & ~3;
}

/**
 * Scratch room for one sparse row (feature indices and values) inside the memory, for callers
 * whose CSR matrix lives in ordinary typed arrays: `load` copies a row in and the kernels take
 * `idx`/`val` as their row pointers. Re-takes its views by itself when the memory has grown.
 */
export class SparseRowScratch {
  readonly idx: number;
  readonly val: number;
  private buffer: ArrayBuffer | SharedArrayBuffer | null = null;
  private idxView: Int32Array = new Int32Array(0);
  private valView: Float32Array = new Float32Array(0);

  constructor(
    private readonly arena: WasmArena,
    readonly capacity: number,
  ) {
    this.idx = arena.allocI32(capacity);
    this.val = arena.allocF32(capacity);
  }

  /** Copy entries [from, to) of `indices`/`values` in; returns their number (the row's nnz). */
  load(indices: Int32Array, values: Float32Array, from: number, to: number): number {
    const n = to - from;
    if (n > this.capacity || n < 0) throw new RangeError(`row of ${n} entries does not fit a scratch of ${this.capacity}`);
    const b = this.arena.memory.buffer;
    if (b !== this.buffer || this.idxView.length !== this.capacity) {
      this.buffer = b;
      this.idxView = this.arena.i32(this.idx, this.capacity);
      this.valView = this.arena.f32(this.val, this.capacity);
    }
    this.idxView.set(indices.subarray(from, to));
    this.valView.set(values.subarray(from, to));
    return n;
  }
}

/** The kernels in plain JS, over views of the memory re-taken whenever its buffer changed. */
class JsKernelImpl implements KernelImpl {
  private buffer: ArrayBuffer | SharedArrayBuffer | null = null;
  private bytes = -1;
  private f: Float32Array = new Float32Array(0);
  private i: Int32Array = new Int32Array(0);
  private b: Int8Array = new Int8Array(0);

  constructor(private readonly memory: LinearMemory) {}

  private refresh(): void {
    const b = this.memory.buffer;
    if (b !== this.buffer || b.byteLength !== this.bytes) {
      this.buffer = b;
      this.bytes = b.byteLength;
      this.f = new Float32Array(b, 0, b.byteLength >>> 2);
      this.i = new Int32Array(b, 0, b.byteLength >>> 2);
      this.b = new Int8Array(b);
    }
  }

  scores_add(out: number, w: number, stride: number, cols: number, idx: number, val: number, nnz: number): void {
    this.refresh();
    const F = this.f;
    const I = this.i;
    const o = out >>> 2;
    const wb = w >>> 2;
    const ib = idx >>> 2;
    const vb = val >>> 2;
    for (let k = 0; k < nnz; k++) {
      const r = wb + I[ib + k]! * stride;
      const v = F[vb + k]!;
      for (let c = 0; c < cols; c++) F[o + c]! += v * F[r + c]!;
    }
  }

  scores_add_i8(out: number, q: number, stride: number, cols: number, idx: number, val: number, nnz: number): void {
    this.refresh();
    const F = this.f;
    const I = this.i;
    const B = this.b;
    const o = out >>> 2;
    const ib = idx >>> 2;
    const vb = val >>> 2;
    for (let k = 0; k < nnz; k++) {
      const r = q + I[ib + k]! * stride;
      const v = F[vb + k]!;
      for (let c = 0; c < cols; c++) F[o + c]! += Math.fround(v * B[r + c]!);
    }
  }

  rows_axpy_dense(w: number, stride: number, cols: number, idx: number, val: number, nnz: number, g: number, shrink: number): void {
    this.refresh();
    const F = this.f;
    const I = this.i;
    const wb = w >>> 2;
    const ib = idx >>> 2;
    const vb = val >>> 2;
    const gb = g >>> 2;
    for (let k = 0; k < nnz; k++) {
      const r = wb + I[ib + k]! * stride;
      const v = F[vb + k]!;
      if (shrink === 1) for (let c = 0; c < cols; c++) F[r + c]! += v * F[gb + c]!;
      else for (let c = 0; c < cols; c++) F[r + c] = Math.fround(shrink * F[r + c]!) + Math.fround(v * F[gb + c]!);
    }
  }

  rows_axpy_active(w: number, stride: number, cols: number, idx: number, val: number, nnz: number, active: number, g: number, na: number, shrink: number): void {
    this.refresh();
    const F = this.f;
    const I = this.i;
    const wb = w >>> 2;
    const ib = idx >>> 2;
    const vb = val >>> 2;
    const ab = active >>> 2;
    const gb = g >>> 2;
    for (let k = 0; k < nnz; k++) {
      const r = wb + I[ib + k]! * stride;
      const v = F[vb + k]!;
      if (shrink !== 1) for (let c = 0; c < cols; c++) F[r + c]! *= shrink;
      for (let q = 0; q < na; q++) F[r + I[ab + q]!]! += v * F[gb + q]!;
    }
  }
}

function wasmImpl(memory: LinearMemory): KernelImpl {
  const api = wasmApi!;
  const kind = isShared(memory.buffer) ? 'shared' : 'plain';
  let mod = moduleCache[kind];
  if (!mod) {
    mod = new api.Module(moduleBytes(kind));
    moduleCache[kind] = mod;
  }
  const { exports } = new api.Instance(mod, { env: { memory } });
  for (const name of ['scores_add', 'scores_add_i8', 'rows_axpy_dense', 'rows_axpy_active']) {
    if (typeof exports[name] !== 'function') throw new Error(`kernels module lacks export ${name}`);
  }
  return exports as unknown as KernelImpl;
}

/**
 * The kernels bound to one memory. All pointer arguments are byte offsets into that memory
 * (multiples of 4); `stride` and `cols` count floats, `cols <= stride`. Results are float32 with
 * float32 accumulation (the wasm and JS backends may differ in the last bits: the wasm forward
 * kernel adds four rows at a time).
 */
export class Kernels {
  readonly backend: KernelBackend;
  private readonly impl: KernelImpl;

  constructor(
    readonly memory: LinearMemory,
    options: KernelOptions = {},
  ) {
    const want = options.backend ?? 'auto';
    const isWasmMemory = wasmApi !== undefined && memory instanceof wasmApi.Memory;
    const canWasm = isWasmMemory && simdAvailable(isShared(memory.buffer));
    if (want === 'wasm' && !canWasm) {
      throw new Error(isWasmMemory ? 'WebAssembly SIMD kernels are not available in this runtime' : 'the wasm kernels need a WebAssembly.Memory');
    }
    if (want !== 'js' && canWasm) {
      this.impl = wasmImpl(memory);
      this.backend = 'wasm-simd';
    } else {
      this.impl = new JsKernelImpl(memory);
      this.backend = 'js';
    }
  }

  /** Forward pass: out[c] += Σ_k val[k] · W[idx[k]·stride + c] for c < cols. */
  scoresAdd(out: number, w: number, stride: number, cols: number, idx: number, val: number, nnz: number): void {
    this.impl.scores_add(out, w, stride, cols, idx, val, nnz);
  }

  /**
   * Forward pass over int8 weights: out[c] += Σ_k val[k] · Q[q + idx[k]·stride + c], `stride` in
   * bytes. The wasm kernel computes columns sixteen at a time: `out` must have room for `cols`
   * rounded up to 16 floats, the memory must extend 15 bytes past the last row read, and
   * out[cols..] is left holding values to ignore.
   */
  scoresAddI8(out: number, q: number, stride: number, cols: number, idx: number, val: number, nnz: number): void {
    this.impl.scores_add_i8(out, q, stride, cols, idx, val, nnz);
  }

  /**
   * Dense backward pass with the result of going row by row in order (repeated indices
   * accumulate; the wasm kernel updates four distinct rows side by side, bit-identically):
   * W[idx[k]·stride + c] = W[…] · shrink + val[k] · g[c] for c < cols. `shrink` (default 1, which
   * skips the multiply) folds in the lazy L2 decay of the rows touched.
   */
  rowsAxpyDense(w: number, stride: number, cols: number, idx: number, val: number, nnz: number, g: number, shrink = 1): void {
    this.impl.rows_axpy_dense(w, stride, cols, idx, val, nnz, g, shrink);
  }

  /**
   * Sparse backward pass over the `na` active classes, row by row in order: if shrink != 1 the
   * whole row (cols floats) is first multiplied by `shrink`, then
   * W[idx[k]·stride + active[q]] += val[k] · g[q] for q < na (`active` int32, `g` float32, both
   * compact: entry q belongs to class active[q]).
   */
  rowsAxpyActive(w: number, stride: number, cols: number, idx: number, val: number, nnz: number, active: number, g: number, na: number, shrink = 1): void {
    this.impl.rows_axpy_active(w, stride, cols, idx, val, nnz, active, g, na, shrink);
  }
}
