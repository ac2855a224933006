import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { once } from 'node:events';
import { Kernels, simdAvailable, SparseRowScratch, strideFor, type KernelOptions } from '../../src/models/linear/kernels.js';
import { createMemory, JsMemory, WasmArena, type LinearMemory } from '../../src/wasm/memory.js';
import { WASM_PAGE_BYTES } from '../../src/wasm/wasm-api.js';
import { KERNELS_WAT_SHA256 } from '../../src/models/linear/kernels-wasm.js';
import { startWorker } from '../../src/parallel/worker-url.js';
import type { KernelsWorkerData, KernelsWorkerReply } from './kernels-worker.js';

/** Deterministic pseudo-random numbers in [0, 1). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const TOL = 1e-5;
/** Value written into padding columns (c >= cols) and next to outputs: kernels must leave it alone. */
const SENTINEL = 12345.5;

/** |got - want| within TOL of the magnitude of the terms that were summed (so cancellation is fair). */
function assertClose(got: number, want: number, scale: number, what: () => string): void {
  const err = Math.abs(got - want);
  if (!(err <= TOL * Math.max(scale, 1e-30))) assert.fail(`${what()}: got ${got}, want ${want} (error ${err}, scale ${scale})`);
}

interface Setup {
  name: string;
  memory: () => LinearMemory;
  options: KernelOptions;
  backend: 'wasm-simd' | 'js';
}

const setups: Setup[] = [
  { name: 'wasm, plain memory', memory: () => createMemory({ initialBytes: 1 }), options: { backend: 'wasm' }, backend: 'wasm-simd' },
  { name: 'wasm, shared memory', memory: () => createMemory({ initialBytes: 1, maximumBytes: 1 << 28, shared: true }), options: { backend: 'wasm' }, backend: 'wasm-simd' },
  { name: 'js backend on a wasm memory', memory: () => createMemory({ initialBytes: 1 }), options: { backend: 'js' }, backend: 'js' },
  { name: 'auto on a JsMemory', memory: () => new JsMemory({ initialBytes: 1, maximumBytes: 1 << 28 }), options: {}, backend: 'js' },
  { name: 'auto on a shared JsMemory', memory: () => new JsMemory({ initialBytes: 1, maximumBytes: 1 << 28, shared: true }), options: {}, backend: 'js' },
];

interface Case {
  C: number;
  stride: number;
  F: number;
  nnz: number;
  shrink: number;
  seed: number;
}

function cases(): Case[] {
  const out: Case[] = [];
  let seed = 1;
  for (const C of [1, 3, 4, 5, 7, 8, 13, 16, 148, 150]) {
    for (const stride of new Set([C, strideFor(C), C + 5])) {
      for (const nnz of [0, 1, 2, 3, 4, 5, 9, 250]) {
        // F = 6 makes repeated indices certain for nnz > 6; F = 400 makes them rarer.
        for (const F of [6, 400]) {
          out.push({ C, stride, F, nnz, shrink: seed % 3 === 0 ? 0.999 : 1, seed: seed++ });
        }
      }
    }
  }
  return out;
}

/** Lays one case out in the arena and fills it; returns offsets and the initial values. */
function layout(arena: WasmArena, k: Case) {
  const { C, stride, F, nnz } = k;
  const r = rng(k.seed);
  arena.reset();
  const w = arena.allocF32(F * stride);
  const out = arena.allocF32(C + 4);
  const idx = arena.allocI32(nnz);
  const val = arena.allocF32(nnz);
  const g = arena.allocF32(C + 4);
  const act = arena.allocI32(C);
  const ga = arena.allocF32(C);
  // Views only after the last allocation: allocations may grow the memory.
  const W = arena.f32(w, F * stride);
  for (let f = 0; f < F; f++) {
    for (let c = 0; c < stride; c++) W[f * stride + c] = c < C ? r() * 2 - 1 : SENTINEL;
  }
  const O = arena.f32(out, C + 4);
  for (let c = 0; c < C + 4; c++) O[c] = c < C ? r() - 0.5 : SENTINEL;
  const I = arena.i32(idx, nnz);
  const V = arena.f32(val, nnz);
  for (let j = 0; j < nnz; j++) {
    I[j] = Math.floor(r() * F);
    V[j] = r() * 3 - 1;
  }
  const G = arena.f32(g, C + 4);
  for (let c = 0; c < C + 4; c++) G[c] = c < C ? r() * 2 - 1 : SENTINEL;
  // A random subset of the classes, in random order.
  const perm = Array.from({ length: C }, (_, c) => c);
  for (let i = C - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [perm[i], perm[j]] = [perm[j]!, perm[i]!];
  }
  const na = k.seed % 5 === 0 ? C : Math.floor(r() * (C + 1));
  const A = arena.i32(act, C);
  const GA = arena.f32(ga, C);
  for (let q = 0; q < na; q++) {
    A[q] = perm[q]!;
    GA[q] = r() * 2 - 1;
  }
  return { w, out, idx, val, g, act, ga, na, W0: Float64Array.from(W), O0: Float64Array.from(O), I0: Int32Array.from(I), V0: Float64Array.from(V), G0: Float64Array.from(G), A0: Int32Array.from(A), GA0: Float64Array.from(GA) };
}

function checkPadding(W: Float32Array, k: Case, what: string): void {
  for (let f = 0; f < k.F; f++) {
    for (let c = k.C; c < k.stride; c++) {
      if (W[f * k.stride + c] !== SENTINEL) assert.fail(`${what}: padding at row ${f} col ${c} changed`);
    }
  }
}

for (const s of setups) {
  test(`kernels (${s.name}) match a JS reference`, () => {
    const memory = s.memory();
    const kernels = new Kernels(memory, s.options);
    assert.equal(kernels.backend, s.backend);
    const arena = new WasmArena(memory);
    for (const k of cases()) {
      const L = layout(arena, k);
      const { C, stride, nnz } = k;
      const what = `C=${C} stride=${stride} F=${k.F} nnz=${nnz} shrink=${k.shrink}`;

      // scoresAdd
      kernels.scoresAdd(L.out, L.w, stride, C, L.idx, L.val, nnz);
      const O = arena.f32(L.out, C + 4);
      for (let c = 0; c < C; c++) {
        let want = L.O0[c]!;
        let scale = Math.abs(want);
        for (let j = 0; j < nnz; j++) {
          const t = L.V0[j]! * L.W0[L.I0[j]! * stride + c]!;
          want += t;
          scale += Math.abs(t);
        }
        assertClose(O[c]!, want, scale, () => `scoresAdd ${what} c=${c}`);
      }
      for (let c = C; c < C + 4; c++) assert.equal(O[c], SENTINEL, `scoresAdd ${what}: wrote past cols`);

      // rowsAxpyDense, row by row in order so repeated indices accumulate.
      kernels.rowsAxpyDense(L.w, stride, C, L.idx, L.val, nnz, L.g, k.shrink);
      let W = arena.f32(L.w, k.F * stride);
      const want = Float64Array.from(L.W0);
      const scale = L.W0.map(Math.abs);
      for (let j = 0; j < nnz; j++) {
        const off = L.I0[j]! * stride;
        for (let c = 0; c < C; c++) {
          const t = L.V0[j]! * L.G0[c]!;
          want[off + c] = want[off + c]! * k.shrink + t;
          scale[off + c] = scale[off + c]! * k.shrink + Math.abs(t);
        }
      }
      for (let i = 0; i < k.F * stride; i++) {
        if (i % stride < C) assertClose(W[i]!, want[i]!, scale[i]!, () => `rowsAxpyDense ${what} at ${i}`);
      }
      checkPadding(W, k, `rowsAxpyDense ${what}`);

      // rowsAxpyActive on the matrix as the dense update left it.
      const before = Float64Array.from(W);
      kernels.rowsAxpyActive(L.w, stride, C, L.idx, L.val, nnz, L.act, L.ga, L.na, k.shrink);
      W = arena.f32(L.w, k.F * stride);
      const want2 = Float64Array.from(before);
      const scale2 = before.map(Math.abs);
      for (let j = 0; j < nnz; j++) {
        const off = L.I0[j]! * stride;
        if (k.shrink !== 1) {
          for (let c = 0; c < C; c++) {
            want2[off + c]! *= k.shrink;
            scale2[off + c]! *= k.shrink;
          }
        }
        for (let q = 0; q < L.na; q++) {
          const t = L.V0[j]! * L.GA0[q]!;
          want2[off + L.A0[q]!]! += t;
          scale2[off + L.A0[q]!]! += Math.abs(t);
        }
      }
      for (let i = 0; i < k.F * stride; i++) {
        if (i % stride < C) assertClose(W[i]!, want2[i]!, scale2[i]!, () => `rowsAxpyActive ${what} na=${L.na} at ${i}`);
      }
      checkPadding(W, k, `rowsAxpyActive ${what}`);
    }
    // The cases needed more than the one page we started with: the kernels followed the growth.
    assert.ok(memory.buffer.byteLength > WASM_PAGE_BYTES);
  });
}

for (const s of setups) {
  test(`int8 scoring (${s.name}) matches a JS reference and writes nothing past cols rounded up to 16`, () => {
    const memory = s.memory();
    const kernels = new Kernels(memory, s.options);
    const arena = new WasmArena(memory);
    let seed = 7;
    for (const C of [1, 5, 15, 16, 17, 148, 150]) {
      for (const stride of new Set([C, C + 5, (C + 15) & ~15])) {
        for (const nnz of [0, 1, 3, 4, 5, 9, 250]) {
          const F = nnz > 100 ? 400 : 6;
          const r = rng(seed++);
          const padded = (C + 15) & ~15;
          arena.reset();
          // 16 bytes of slack: the wasm kernel reads whole 16-byte lanes past a row's last column.
          const q = arena.alloc(F * stride + 16);
          const out = arena.allocF32(padded + 4);
          const idx = arena.allocI32(nnz);
          const val = arena.allocF32(nnz);
          const Q = new Int8Array(memory.buffer, q, F * stride + 16);
          for (let i = 0; i < Q.length; i++) Q[i] = Math.floor(r() * 255) - 127;
          const O = arena.f32(out, padded + 4);
          for (let c = 0; c < padded + 4; c++) O[c] = c < C ? r() - 0.5 : SENTINEL;
          const I = arena.i32(idx, nnz);
          const V = arena.f32(val, nnz);
          for (let j = 0; j < nnz; j++) {
            I[j] = Math.floor(r() * F);
            V[j] = (r() * 3 - 1) / 127;
          }
          const O0 = Float64Array.from(O);
          kernels.scoresAddI8(out, q, stride, C, idx, val, nnz);
          const what = `C=${C} stride=${stride} nnz=${nnz}`;
          for (let c = 0; c < C; c++) {
            let want = O0[c]!;
            let scale = Math.abs(want);
            for (let j = 0; j < nnz; j++) {
              const t = V[j]! * Q[I[j]! * stride + c]!;
              want += t;
              scale += Math.abs(t);
            }
            assertClose(O[c]!, want, scale, () => `scoresAddI8 ${what} c=${c}`);
          }
          for (let c = padded; c < padded + 4; c++) assert.equal(O[c], SENTINEL, `scoresAddI8 ${what}: wrote past the padded columns`);
        }
      }
    }
  });
}

test('simd is available on this Node, for plain and shared memories', () => {
  assert.equal(simdAvailable(false), true);
  assert.equal(simdAvailable(true), true);
});

test('the generated module is built from the current tools/kernels.wat', () => {
  const wat = readFileSync(new URL('../../tools/kernels.wat', import.meta.url), 'utf8');
  const sha = createHash('sha256').update(wat).digest('hex');
  assert.equal(sha, KERNELS_WAT_SHA256, 'tools/kernels.wat changed: run node scripts/build-kernels.mjs');
});

test('wasm kernels trap on addresses past the memory instead of writing there', () => {
  const memory = createMemory({ initialBytes: WASM_PAGE_BYTES });
  const kernels = new Kernels(memory, { backend: 'wasm' });
  const arena = new WasmArena(memory);
  const out = arena.allocF32(8);
  const idx = arena.allocI32(1);
  const val = arena.allocF32(1);
  arena.i32(idx, 1)[0] = 1_000_000;
  arena.f32(val, 1)[0] = 1;
  assert.throws(() => kernels.scoresAdd(out, 0, 8, 8, idx, val, 1), /out of bounds/);
  assert.throws(() => kernels.rowsAxpyDense(0, 8, 8, idx, val, 1, out), /out of bounds/);
});

test('WasmArena: aligned offsets, growth, reset', () => {
  const memory = createMemory({ initialBytes: 1 });
  const arena = new WasmArena(memory, 4);
  const a = arena.alloc(3);
  const b = arena.alloc(5, 64);
  assert.equal(a % 16, 0);
  assert.equal(b % 64, 0);
  assert.ok(b >= a + 3);
  const big = arena.allocF32(100_000);
  assert.ok(memory.buffer.byteLength >= big + 400_000);
  arena.f32(big, 100_000).fill(2);
  arena.reset();
  assert.equal(arena.used, 4);
  assert.throws(() => arena.alloc(8, 6), RangeError);
  const small = createMemory({ initialBytes: 1, maximumBytes: 2 * WASM_PAGE_BYTES });
  assert.throws(() => new WasmArena(small).alloc(3 * WASM_PAGE_BYTES), RangeError);
});

test('SparseRowScratch copies CSR rows in and follows memory growth', () => {
  const memory = createMemory({ initialBytes: 1 });
  const arena = new WasmArena(memory);
  const kernels = new Kernels(memory);
  const C = 6;
  const stride = strideFor(C);
  const scratch = new SparseRowScratch(arena, 4);
  const w = arena.allocF32(3 * stride);
  const out = arena.allocF32(stride);
  arena.f32(w, 3 * stride).set([1, 2, 3, 4, 5, 6, 0, 0, 10, 20, 30, 40, 50, 60, 0, 0, 100, 200, 300, 400, 500, 600, 0, 0]);
  const indices = Int32Array.of(9, 0, 2, 9);
  const values = Float32Array.of(9, 1, 0.5, 9);
  const nnz = scratch.load(indices, values, 1, 3);
  assert.equal(nnz, 2);
  kernels.scoresAdd(out, w, stride, C, scratch.idx, scratch.val, nnz);
  assert.deepEqual([...arena.f32(out, C)], [51, 102, 153, 204, 255, 306]);
  // Grow the memory (an allocation past its end) and load again: the scratch re-takes its views.
  arena.alloc(4 * WASM_PAGE_BYTES);
  assert.equal(scratch.load(indices, values, 0, 1), 1);
  assert.equal(arena.i32(scratch.idx, 1)[0], 9);
  assert.throws(() => scratch.load(indices, values, 0, 5), RangeError);
});

test('worker threads run the wasm kernels on the same shared memory', async () => {
  const memory = createMemory({ initialBytes: 1, maximumBytes: 1 << 28, shared: true });
  assert.ok(memory.buffer instanceof SharedArrayBuffer);
  const arena = new WasmArena(memory);
  const r = rng(77);
  const F = 5000;
  const C = 150;
  const stride = strideFor(C);
  const w = arena.allocF32(F * stride);
  const rows = Array.from({ length: 40 }, (_, i) => {
    const nnz = i % 7 === 0 ? i : 50 + Math.floor(r() * 250);
    const bias = Float32Array.from({ length: C }, () => r() - 0.5);
    return { nnz, bias, idx: arena.allocI32(nnz), val: arena.allocF32(nnz), outMain: arena.allocF32(stride), outWorker: arena.allocF32(stride) };
  });
  const g = arena.allocF32(stride);
  const wMain = arena.allocF32(F * stride);
  const wWorker = arena.allocF32(F * stride);
  const W = arena.f32(w, F * stride);
  for (let i = 0; i < W.length; i++) W[i] = r() * 2 - 1;
  arena.f32(wMain, F * stride).set(W);
  arena.f32(wWorker, F * stride).set(W);
  arena.f32(g, stride).forEach((_, i, a) => (a[i] = r() - 0.5));
  for (const row of rows) {
    const I = arena.i32(row.idx, row.nnz);
    const V = arena.f32(row.val, row.nnz);
    for (let j = 0; j < row.nnz; j++) {
      I[j] = Math.floor(r() * F);
      V[j] = r();
    }
    arena.f32(row.outMain, C).set(row.bias);
    arena.f32(row.outWorker, C).set(row.bias);
  }
  const dense = { idx: rows[3]!.idx, val: rows[3]!.val, nnz: rows[3]!.nnz, g, shrink: 0.99 };
  const pagesBefore = memory.buffer.byteLength / WASM_PAGE_BYTES;

  const data: KernelsWorkerData = {
    memory,
    w,
    stride,
    cols: C,
    scores: rows.map((row) => ({ out: row.outWorker, idx: row.idx, val: row.val, nnz: row.nnz })),
    dense: { ...dense, w: wWorker },
    growPages: 3,
  };
  const worker = startWorker(import.meta.url, './kernels-worker.js', { workerData: data });
  const [reply] = (await once(worker, 'message')) as [KernelsWorkerReply];
  await worker.terminate();
  assert.equal(reply.backend, 'wasm-simd');

  const kernels = new Kernels(memory, { backend: 'wasm' });
  for (const row of rows) kernels.scoresAdd(row.outMain, w, stride, C, row.idx, row.val, row.nnz);
  kernels.rowsAxpyDense(wMain, stride, C, dense.idx, dense.val, dense.nnz, g, dense.shrink);

  // The worker's growth is visible here, and views taken now cover the new size.
  assert.equal(memory.buffer.byteLength, (pagesBefore + 3) * WASM_PAGE_BYTES);
  assert.equal(reply.bytesAfterGrow, memory.buffer.byteLength);
  const Wnow = arena.f32(w, F * stride);
  for (const row of rows) {
    const a = arena.f32(row.outMain, C);
    const b = arena.f32(row.outWorker, C);
    // Same code on the same data: bit-identical.
    assert.deepEqual(b, a);
    // And right: compare with a float64 reference.
    const I = arena.i32(row.idx, row.nnz);
    const V = arena.f32(row.val, row.nnz);
    for (let c = 0; c < C; c++) {
      let sum: number = row.bias[c]!;
      let scale = Math.abs(sum);
      for (let j = 0; j < row.nnz; j++) {
        const t = V[j]! * Wnow[I[j]! * stride + c]!;
        sum += t;
        scale += Math.abs(t);
      }
      assertClose(a[c]!, sum, scale, () => `shared scoresAdd nnz=${row.nnz} c=${c}`);
    }
  }
  assert.deepEqual(arena.f32(wWorker, F * stride), arena.f32(wMain, F * stride));
});
