// Worker side of the shared-memory test in kernels.test.ts: builds its own Kernels over the
// memory it was handed and runs the jobs it was given, writing into that same memory.
import { parentPort, workerData } from 'node:worker_threads';
import { Kernels } from '../../src/models/linear/kernels.js';
import type { LinearMemory } from '../../src/wasm/memory.js';

export interface KernelsWorkerData {
  memory: LinearMemory;
  w: number;
  stride: number;
  cols: number;
  /** Forward jobs: out += row · W. */
  scores: { out: number; idx: number; val: number; nnz: number }[];
  /** Then one dense backward update of the matrix at `dense.w`. */
  dense: { w: number; idx: number; val: number; nnz: number; g: number; shrink: number };
  /** Pages to grow the memory by at the end (to show the owner sees it). */
  growPages: number;
}

export interface KernelsWorkerReply {
  backend: string;
  bytesAfterGrow: number;
}

const data = workerData as KernelsWorkerData;
const kernels = new Kernels(data.memory);
for (const j of data.scores) kernels.scoresAdd(j.out, data.w, data.stride, data.cols, j.idx, j.val, j.nnz);
const d = data.dense;
kernels.rowsAxpyDense(d.w, data.stride, data.cols, d.idx, d.val, d.nnz, d.g, d.shrink);
if (data.growPages > 0) data.memory.grow(data.growPages);
const reply: KernelsWorkerReply = { backend: kernels.backend, bytesAfterGrow: data.memory.buffer.byteLength };
parentPort!.postMessage(reply);
