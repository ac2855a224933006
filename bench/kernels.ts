// Microbenchmark: the linear model's hot loops in plain JS (as in src/models/linear/sgd.ts) against the
// wasm SIMD kernels of src/models/linear/kernels.ts.
//
//   npx tsx bench/kernels.ts [--rows N] [--features F] [--classes C] [--nnz K] [--uniform] [--unpadded] [--reps R]
//
// The full default run takes about half a minute on a busy 2-core machine (plain JS is slow);
// `--rows 3000` gives the same ratios in a few seconds.
//
// Defaults: F = 200k features, C = 148 classes, nnz = 250 per row, 20k rows. Feature indices
// follow a Zipf(1)-like law (a few hot rows, a long tail), like real n-gram counts; --uniform
// draws them uniformly instead (almost every row a cache miss). Each variant is warmed up, then
// timed R times (best CPU time kept); --unpadded gives the wasm matrix stride C instead of
// strideFor(C) (only differs when C % 4 != 0); all variants run in the same process on the same data.
import { Kernels, SparseRowScratch, strideFor } from '../src/models/linear/kernels.js';
import { createMemory, WasmArena } from '../src/wasm/memory.js';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}
const ROWS = arg('rows', 20_000);
const F = arg('features', 200_000);
const C = arg('classes', 148);
const NNZ = arg('nnz', 250);
const REPS = arg('reps', 1);
const UNIFORM = process.argv.includes('--uniform');

let seed = 12345;
function rand(): number {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
  return seed / 2 ** 32;
}

// A CSR matrix in ordinary typed arrays, as the trainer holds it.
const indptr = new Int32Array(ROWS + 1);
const indices = new Int32Array(ROWS * NNZ);
const values = new Float32Array(ROWS * NNZ);
for (let r = 0; r < ROWS; r++) {
  indptr[r + 1] = (r + 1) * NNZ;
  for (let k = r * NNZ; k < (r + 1) * NNZ; k++) {
    // log-uniform rank => P(rank) ~ 1/rank; scatter ranks over the ids with a multiplicative hash.
    const rank = UNIFORM ? Math.floor(rand() * F) : Math.min(F - 1, Math.floor(Math.exp(rand() * Math.log(F + 1))) - 1);
    indices[k] = UNIFORM ? rank : Number((BigInt(rank) * 2654435761n) % BigInt(F));
    values[k] = rand() * 0.2;
  }
}
const bias = Float32Array.from({ length: C }, () => rand() - 0.5);

// Plain JS: the weights in a Float32Array with stride C, scores and gradient in Float64Arrays (sgd.ts).
const Wjs = new Float32Array(F * C);
for (let i = 0; i < Wjs.length; i++) Wjs[i] = (rand() - 0.5) * 0.1;

// Wasm: the same weights in the kernels' memory, rows padded to a multiple of 4 (unless --unpadded).
const stride = process.argv.includes('--unpadded') ? C : strideFor(C);
const memory = createMemory({ initialBytes: F * stride * 4 + (1 << 20) });
const arena = new WasmArena(memory);
const kernels = new Kernels(memory);
const wOff = arena.allocF32(F * stride);
const outOff = arena.allocF32(stride);
const gOff = arena.allocF32(stride);
const actOff = arena.allocI32(C);
const gaOff = arena.allocF32(C);
const scratch = new SparseRowScratch(arena, NNZ);
{
  const W = arena.f32(wOff, F * stride);
  for (let f = 0; f < F; f++) W.set(Wjs.subarray(f * C, f * C + C), f * stride);
}
const outView = arena.f32(outOff, stride);
const gView = arena.f32(gOff, stride);
const actView = arena.i32(actOff, C);
const gaView = arena.f32(gaOff, C);

const gJs = new Float64Array(C);
for (let c = 0; c < C; c++) {
  gJs[c] = (rand() - 0.5) * 1e-3;
  gView[c] = gJs[c]!;
}
/** The active classes of the sparse update: the first `na` of a fixed random permutation. */
const perm = Int32Array.from({ length: C }, (_, c) => c);
for (let i = C - 1; i > 0; i--) {
  const j = Math.floor(rand() * (i + 1));
  [perm[i], perm[j]] = [perm[j]!, perm[i]!];
}
actView.set(perm);
for (let q = 0; q < C; q++) gaView[q] = gJs[perm[q]!]!;

let sink = 0;

function jsScores(from: number, to: number): void {
  const s = new Float64Array(C);
  for (let r = from; r < to; r++) {
    for (let c = 0; c < C; c++) s[c] = bias[c]!;
    for (let k = indptr[r]!; k < indptr[r + 1]!; k++) {
      const off = indices[k]! * C;
      const v = values[k]!;
      for (let c = 0; c < C; c++) s[c]! += v * Wjs[off + c]!;
    }
    sink += s[r % C]!;
  }
}

function wasmScores(from: number, to: number): void {
  for (let r = from; r < to; r++) {
    outView.set(bias);
    const nnz = scratch.load(indices, values, indptr[r]!, indptr[r + 1]!);
    kernels.scoresAdd(outOff, wOff, stride, C, scratch.idx, scratch.val, nnz);
    sink += outView[r % C]!;
  }
}

function jsDense(from: number, to: number): void {
  for (let r = from; r < to; r++) {
    for (let k = indptr[r]!; k < indptr[r + 1]!; k++) {
      const off = indices[k]! * C;
      const v = values[k]!;
      for (let c = 0; c < C; c++) Wjs[off + c]! += v * gJs[c]!;
    }
  }
}

function wasmDense(from: number, to: number): void {
  for (let r = from; r < to; r++) {
    const nnz = scratch.load(indices, values, indptr[r]!, indptr[r + 1]!);
    kernels.rowsAxpyDense(wOff, stride, C, scratch.idx, scratch.val, nnz, gOff);
  }
}

function jsActive(na: number): (from: number, to: number) => void {
  const active = perm.subarray(0, na);
  const grad = Float64Array.from(active, (c) => gJs[c]!);
  return (from, to) => {
    for (let r = from; r < to; r++) {
      for (let k = indptr[r]!; k < indptr[r + 1]!; k++) {
        const off = indices[k]! * C;
        const v = values[k]!;
        for (let q = 0; q < na; q++) Wjs[off + active[q]!]! += v * grad[q]!;
      }
    }
  };
}

function wasmActive(na: number): (from: number, to: number) => void {
  return (from, to) => {
    for (let r = from; r < to; r++) {
      const nnz = scratch.load(indices, values, indptr[r]!, indptr[r + 1]!);
      kernels.rowsAxpyActive(wOff, stride, C, scratch.idx, scratch.val, nnz, actOff, gaOff, na);
    }
  };
}

/**
 * Best-of-REPS seconds for all rows, after a warm-up on the first tenth: this process's CPU time
 * (user + system), which on a machine shared with other jobs is steadier than wall time.
 */
function time(fn: (from: number, to: number) => void): number {
  fn(0, Math.max(1, Math.floor(ROWS / 10)));
  let best = Infinity;
  for (let i = 0; i < REPS; i++) {
    const t0 = process.cpuUsage();
    fn(0, ROWS);
    const t = process.cpuUsage(t0);
    best = Math.min(best, (t.user + t.system) / 1e6);
  }
  return best;
}

const fmaPerRow = (width: number): number => NNZ * width;
const rows: string[][] = [];
function compare(name: string, width: number, js: (a: number, b: number) => void, wasm: (a: number, b: number) => void): void {
  const tj = time(js);
  const tw = time(wasm);
  const g = (t: number): string => ((fmaPerRow(width) * ROWS) / t / 1e9).toFixed(2);
  rows.push([name, `${(tj * 1000).toFixed(0)} ms`, g(tj), `${(tw * 1000).toFixed(0)} ms`, g(tw), `${(tj / tw).toFixed(2)}×`]);
  console.error(`${name}: done`);
}

console.error(`kernels backend: ${kernels.backend}; F=${F} C=${C} (stride ${stride}) nnz=${NNZ} rows=${ROWS} ${UNIFORM ? 'uniform' : 'zipf'} indices`);
compare('scoresAdd (forward)', C, jsScores, wasmScores);
compare('rowsAxpyDense (backward, all classes)', C, jsDense, wasmDense);
compare('rowsAxpyActive na=8', 8, jsActive(8), wasmActive(8));
compare('rowsAxpyActive na=32', 32, jsActive(32), wasmActive(32));

const head = ['kernel', 'plain JS', 'GFMA/s', 'wasm SIMD', 'GFMA/s', 'speedup'];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (r: string[]): string => r.map((s, i) => (i === 0 ? s.padEnd(widths[i]!) : s.padStart(widths[i]!))).join('  ');
console.log(`F=${F} C=${C} nnz=${NNZ} rows=${ROWS} (${UNIFORM ? 'uniform' : 'Zipf'} feature indices), best of ${REPS} in CPU seconds; wasm includes copying each row into the scratch`);
console.log(line(head));
for (const r of rows) console.log(line(r));
if (sink === 42) console.log('');
