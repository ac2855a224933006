/**
 * One training thread: holds its shard of papers as sparse rows and runs SGD on its own copy of
 * the weights; the main thread averages the copies between passes (iterative parameter mixing),
 * which keeps training deterministic for a given seed and thread count.
 */
import { seededRng } from '../corpus/random.js';
import { serve } from '../parallel/rpc.js';
import { countDistinct } from '../text/distinct-counts.js';
import type { CsrMatrix } from '../text/sparse.js';
import { DEFAULT_RESERVE_BYTES, TermRows } from '../text/term-rows.js';
import { TermCounter, type TermOptions } from '../text/terms.js';
import { Vocabulary } from '../text/vocabulary.js';
import { WasmArena, type LinearMemory } from '../wasm/memory.js';
import { Kernels, SparseRowScratch } from './kernels.js';
import { scoreRow, sgdEpoch, type ArchiveShare, type KernelSlots, type LossKind } from './sgd.js';

let me = 0;
let counter: TermCounter | null = null;
let train: TermRows | null = null;
let trainTitle: TermRows | null = null;
let valid: TermRows | null = null;
let x: CsrMatrix | null = null;
let xTitle: CsrMatrix | null = null;
let xValid: CsrMatrix | null = null;
let labelPtr: Int32Array = new Int32Array(1);
let labelIdx: Int32Array = new Int32Array(0);
/** Byte offsets of every thread's weight copy, the average and the best so far, in `memory`. */
let memory: LinearMemory | null = null;
let copies: number[] = [];
let avg = 0;
let best = 0;
let slots: KernelSlots | null = null;
let biasCopies: Float32Array[] = [];
let avgBias: Float32Array = new Float32Array(0);
/** The cross-list loss's bias offsets (sgd.ts), averaged like the bias; empty when that loss is off. */
let crossBiasCopies: Float32Array[] = [];
let avgCrossBias: Float32Array = new Float32Array(0);
let classes = 0;
let order = new Int32Array(0);

serve((m) => {
  switch (m.type) {
    case 'begin': {
      me = m.worker as number;
      counter = new TermCounter(m.termOptions as TermOptions);
      train = new TermRows();
      // Titles and the validation slice are a small fraction of the training terms.
      trainTitle = (m.dropAbstract as number) > 0 ? new TermRows(DEFAULT_RESERVE_BYTES / 4) : null;
      valid = new TermRows(DEFAULT_RESERVE_BYTES / 4);
      labelPtr = m.labelPtr as Int32Array;
      labelIdx = m.labelIdx as Int32Array;
      return { result: null };
    }
    case 'count': {
      // Papers arrive a chunk at a time, so their text is garbage a chunk at a time too.
      const titles = m.titles as string[];
      const abstracts = m.abstracts as string[];
      const rows = m.valid ? valid! : train!;
      const titleOnly = m.valid ? null : trainTitle;
      const onTitle = titleOnly ? (c: TermCounter) => titleOnly.add(c) : undefined;
      for (let i = 0; i < titles.length; i++) rows.add(counter!.count(titles[i]!, abstracts[i]!, onTitle));
      return { result: null };
    }
    case 'df': {
      // Document frequencies of this shard; the main thread merges shards.
      const { keys, counts } = countDistinct(train!.hashes());
      return { result: { keys, counts }, transfer: [keys.buffer as ArrayBuffer, counts.buffer as ArrayBuffer] };
    }
    case 'vectorize': {
      const vocab = new Vocabulary(m.terms as Uint32Array, m.idf as Float32Array);
      const cap = m.rowCapacity as number;
      x = train!.toCsr(vocab, cap);
      xTitle = trainTitle?.toCsr(vocab, cap) ?? null;
      xValid = valid!.toCsr(vocab, cap);
      train = trainTitle = valid = null;
      counter = null;
      return { result: { rows: x.rows, nnz: x.indptr[x.rows]!, validRows: xValid.rows } };
    }
    case 'weights': {
      classes = m.classes as number;
      memory = m.memory as LinearMemory;
      copies = m.copies as number[];
      avg = m.avg as number;
      best = m.best as number;
      // This thread's scratch sits in its own range of the shared memory, reserved by the main thread.
      const arena = new WasmArena(memory, m.scratch as number);
      const kernels = new Kernels(memory);
      const row = new SparseRowScratch(arena, m.rowCapacity as number);
      slots = { kernels, row, scores: arena.allocF32(classes), grad: arena.allocF32(classes), active: arena.allocI32(classes), dense: arena.allocF32(classes) };
      biasCopies = (m.biasCopies as SharedArrayBuffer[]).map((b) => new Float32Array(b));
      avgBias = new Float32Array(m.avgBias as SharedArrayBuffer);
      crossBiasCopies = ((m.crossBiasCopies as SharedArrayBuffer[] | null) ?? []).map((b) => new Float32Array(b));
      avgCrossBias = m.avgCrossBias ? new Float32Array(m.avgCrossBias as SharedArrayBuffer) : new Float32Array(0);
      order = Int32Array.from({ length: x!.rows }, (_, i) => i);
      return { result: null };
    }
    case 'epoch': {
      const epoch = m.epoch as number;
      const part = m.part as number;
      const parts = m.parts as number;
      const seed = m.seed as number;
      if (part === 0) {
        const rng = seededRng((seed ^ Math.imul(epoch + 1, 0x9e3779b1) ^ Math.imul(me + 1, 0x85ebca6b)) >>> 0);
        for (let i = order.length - 1; i > 0; i--) {
          const j = Math.floor(rng() * (i + 1));
          const t = order[i]!;
          order[i] = order[j]!;
          order[j] = t;
        }
      }
      const from = Math.floor((order.length * part) / parts);
      const to = Math.floor((order.length * (part + 1)) / parts);
      const dropAbstract = m.dropAbstract as number;
      let coins: Float32Array | null = null;
      if (dropAbstract > 0 && xTitle) {
        const rng = seededRng((seed * 31 + epoch * 1009 + part * 17 + me) >>> 0);
        coins = new Float32Array(to - from);
        for (let i = 0; i < coins.length; i++) coins[i] = rng();
      }
      const loss = sgdEpoch({
        loss: m.loss as LossKind,
        classes,
        x: x!,
        xTitle,
        labelPtr,
        labelIdx,
        order: order.subarray(from, to),
        slots: slots!,
        weights: copies[me]!,
        bias: biasCopies[me]!,
        classWeight: (m.classWeight as Float32Array | null) ?? null,
        lrStart: m.lrStart as number,
        lrEnd: m.lrEnd as number,
        l2: m.l2 as number,
        dropAbstract,
        coins,
        archiveShare: (m.archiveShare as ArchiveShare | null) ?? null,
        crossListLoss: m.crossListLoss as number,
        crossListBias: crossBiasCopies[me] ?? null,
      });
      return { result: { loss, rows: to - from } };
    }
    case 'average': {
      // Rows [from, to) of the weight matrix: mean over copies into avg, then back into every copy.
      const C = classes;
      const from = (m.from as number) * C;
      const to = (m.to as number) * C;
      const buf = memory!.buffer;
      averageCopies(
        copies.map((o) => new Float32Array(buf, o + from * 4, to - from)),
        new Float32Array(buf, avg + from * 4, to - from),
      );
      if (m.bias) {
        averageCopies(biasCopies, avgBias);
        if (crossBiasCopies.length > 0) averageCopies(crossBiasCopies, avgCrossBias);
      }
      return { result: null };
    }
    case 'score': {
      // Raw validation scores with the averaged weights, written at this shard's offset.
      const out = new Float32Array(m.out as SharedArrayBuffer, (m.offset as number) * classes * 4, xValid!.rows * classes);
      const w = m.useBest ? best : avg;
      const b = m.useBest ? new Float32Array(m.bestBias as SharedArrayBuffer) : avgBias;
      const s = new Float64Array(classes);
      for (let r = 0; r < xValid!.rows; r++) {
        scoreRow(slots!, xValid!, r, w, b, classes, s);
        for (let c = 0; c < classes; c++) out[r * classes + c] = s[c]!;
      }
      return { result: null };
    }
    default:
      throw new Error(`unknown message ${String(m.type)}`);
  }
});

/** Mean of every thread's copy into `mean`, then back into every copy. */
function averageCopies(copies: Float32Array[], mean: Float32Array): void {
  const inv = 1 / copies.length;
  for (let c = 0; c < mean.length; c++) {
    let s = 0;
    for (const copy of copies) s += copy[c]!;
    mean[c] = s * inv;
  }
  for (const copy of copies) copy.set(mean);
}
