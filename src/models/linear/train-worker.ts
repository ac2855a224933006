/**
 * One training thread. While the corpus is read it counts the terms of every T-th paper and
 * spills them to disk (term-spill.ts); then it counts document frequencies for its share of the
 * term hashes over all training papers (df-counter.ts), vectorises its shard of the training
 * papers into a row cache on disk (row-cache.ts) and runs SGD on its own copy of the weights,
 * a window of the cache at a time. The main thread averages the copies between passes
 * (iterative parameter mixing), which keeps training deterministic for a given seed and thread
 * count. Nothing here grows with the corpus but the labels of the shard and the window.
 */
import { join } from 'node:path';
import { seededRng } from '../../corpus/random.js';
import { serve } from '../../parallel/rpc.js';
import { DfCounter } from '../../text/df-counter.js';
import { BLOCK_ROWS, RowCacheWriter, type RowCache, type RowWindow } from '../../text/row-cache.js';
import { CsrBuilder, type CsrMatrix } from '../../text/sparse.js';
import { TermSpillReader, TermSpillWriter } from '../../text/term-spill.js';
import { TermCounter, type TermOptions } from '../../text/terms.js';
import { vectorizeTerms, Vocabulary } from '../../text/vocabulary.js';
import { WasmArena, type LinearMemory } from '../../wasm/memory.js';
import { Kernels, SparseRowScratch } from './kernels.js';
import type { ArchiveShare, LossName } from './loss.js';
import { lossFor } from './losses.js';
import { scoreRow, sgdEpoch, type KernelSlots } from './sgd.js';
import { ROLE_TRAIN, ROLE_VALID } from './train-plan.js';

let me = 0;
let threads = 1;
let dir = '';
let counter: TermCounter | null = null;
let spill: TermSpillWriter | null = null;
let titleTf = new Float32Array(1024);
/** Each arrival's role in training (train-plan.ts), the same array in every thread. */
let role: Uint8Array = new Uint8Array(0);
let cache: RowCache | null = null;
let windowBytes = 0;
let xValid: CsrMatrix | null = null;
let labelPtr: Int32Array = new Int32Array(1);
let labelIdx: Int32Array = new Int32Array(0);
let hasTitles = false;
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
let cols = 0;
/** The pass being run: its windows (lists of cache blocks), where each starts in the pass, and the one loaded. */
let passWindows: number[][] = [];
let passStarts: number[] = [];
let loaded: { index: number; window: RowWindow; order: Int32Array; labelPtr: Int32Array; labelIdx: Int32Array } | null = null;
/** With the whole shard in one window, its order carries over from pass to pass, each reshuffling the last. */
let wholeOrder: Int32Array | null = null;

serve((m) => {
  switch (m.type) {
    case 'begin': {
      me = m.worker as number;
      threads = m.threads as number;
      dir = m.dir as string;
      counter = new TermCounter(m.termOptions as TermOptions);
      spill = new TermSpillWriter(spillPath(me));
      return { result: null };
    }
    case 'count': {
      // Papers arrive a chunk at a time, so their text is garbage a chunk at a time too.
      const titles = m.titles as string[];
      const abstracts = m.abstracts as string[];
      let titleTerms = 0;
      const onTitle = (c: TermCounter) => {
        titleTerms = c.size;
        if (titleTf.length < c.size) titleTf = new Float32Array(c.size * 2);
        titleTf.set(c.tf.subarray(0, c.size));
      };
      for (let i = 0; i < titles.length; i++) {
        titleTerms = 0;
        spill!.add(counter!.count(titles[i]!, abstracts[i]!, onTitle), titleTf, titleTerms);
      }
      return { result: null };
    }
    case 'counted': {
      spill!.close();
      const result = { rows: spill!.rows, bytes: spill!.bytes };
      spill = null;
      counter = null;
      return { result };
    }
    case 'df': {
      // Document frequencies of this thread's share of the hashes, over every training paper.
      role = m.role as Uint8Array;
      const df = new DfCounter(me, threads, m.maxTerms as number | undefined);
      forEachRow((_, r) => df.addRow(r.hashes), (a) => role[a] === ROLE_TRAIN);
      const distinct = df.size;
      const { keys, counts } = df.candidates(m.minDf as number);
      return { result: { keys, counts, distinct, prunes: df.prunes }, transfer: [keys.buffer as ArrayBuffer, counts.buffer as ArrayBuffer] };
    }
    case 'vectorize': {
      const vocab = new Vocabulary(m.terms as Uint32Array, m.idf as Float32Array);
      const cap = m.rowCapacity as number;
      hasTitles = m.titles as boolean;
      windowBytes = m.windowBytes as number;
      labelPtr = m.labelPtr as Int32Array;
      labelIdx = m.labelIdx as Int32Array;
      cols = vocab.size;
      const idx = new Int32Array(cap);
      const val = new Float32Array(cap);
      const tIdx = new Int32Array(cap);
      const tVal = new Float32Array(cap);
      const writer = new RowCacheWriter(join(dir, `rows-${me}.bin`));
      const valid = new CsrBuilder();
      // The held-out papers' terms too, for recalibrating a pruned model (held-out.ts).
      const heldHashes: Uint32Array[] = [];
      const heldTf: Float32Array[] = [];
      const heldPtr = [0];
      // This thread's shard: every T-th training paper and every T-th validation paper, in corpus order.
      let trainSeen = 0;
      let validSeen = 0;
      const mine = (a: number) => {
        const r = role[a];
        if (r === ROLE_TRAIN) return trainSeen++ % threads === me;
        if (r === ROLE_VALID) return validSeen++ % threads === me;
        return false;
      };
      forEachRow((a, r) => {
        const n = vectorizeTerms(vocab, r.hashes, r.tf, r.n, idx, val);
        if (role[a] === ROLE_VALID) {
          valid.add(idx, val, n);
          heldHashes.push(r.hashes.slice());
          heldTf.push(r.tf.slice());
          heldPtr.push(heldPtr[heldPtr.length - 1]! + r.n);
          return;
        }
        const tn = hasTitles ? vectorizeTerms(vocab, r.hashes, r.titleTf, r.titleTerms, tIdx, tVal) : 0;
        writer.add(idx, val, n, tIdx, tVal, tn);
      }, mine);
      cache = writer.finish();
      xValid = valid.finish(cols);
      const held = { ptr: Int32Array.from(heldPtr), hashes: new Uint32Array(heldPtr[heldPtr.length - 1]!), tf: new Float32Array(heldPtr[heldPtr.length - 1]!) };
      heldHashes.forEach((h, i) => held.hashes.set(h, heldPtr[i]!));
      heldTf.forEach((t, i) => held.tf.set(t, heldPtr[i]!));
      return { result: { rows: cache.rows, cacheBytes: cache.bytes, validRows: xValid.rows, held }, transfer: [held.ptr.buffer, held.hashes.buffer, held.tf.buffer] };
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
      passWindows = [];
      loaded = null;
      wholeOrder = null;
      return { result: null };
    }
    case 'epoch': {
      const epoch = m.epoch as number;
      const part = m.part as number;
      const parts = m.parts as number;
      const seed = m.seed as number;
      const rows = cache!.rows;
      if (part === 0) planPass(seed, epoch);
      const from = Math.floor((rows * part) / parts);
      const to = Math.floor((rows * (part + 1)) / parts);
      const dropAbstract = m.dropAbstract as number;
      let coins: Float32Array | null = null;
      if (dropAbstract > 0 && hasTitles) {
        const rng = seededRng((seed * 31 + epoch * 1009 + part * 17 + me) >>> 0);
        coins = new Float32Array(to - from);
        for (let i = 0; i < coins.length; i++) coins[i] = rng();
      }
      const lrStart = m.lrStart as number;
      const lrEnd = m.lrEnd as number;
      const lrAt = (t: number) => lrStart + ((lrEnd - lrStart) * (t - from)) / Math.max(1, to - from);
      let loss = 0;
      // The pass's rows [from, to) may span windows: each gets its slice of the learning-rate ramp.
      for (let w = 0; w < passWindows.length; w++) {
        const ws = passStarts[w]!;
        const we = passStarts[w + 1]!;
        const a = Math.max(from, ws);
        const z = Math.min(to, we);
        if (a >= z) continue;
        const win = windowAt(w, seed, epoch);
        loss += sgdEpoch({
          loss: lossFor(m.loss as LossName),
          classes,
          x: win.window.x,
          xTitle: hasTitles ? win.window.xTitle : null,
          labelPtr: win.labelPtr,
          labelIdx: win.labelIdx,
          order: win.order.subarray(a - ws, z - ws),
          slots: slots!,
          weights: copies[me]!,
          bias: biasCopies[me]!,
          classWeight: (m.classWeight as Float32Array | null) ?? null,
          lrStart: lrAt(a),
          lrEnd: lrAt(z),
          l2: m.l2 as number,
          dropAbstract,
          coins: coins ? coins.subarray(a - from, z - from) : null,
          archiveShare: (m.archiveShare as ArchiveShare | null) ?? null,
          crossListLoss: m.crossListLoss as number,
          crossListBias: crossBiasCopies[me] ?? null,
        });
      }
      return { result: { loss, rows: to - from } };
    }
    case 'close': {
      cache?.close();
      cache = null;
      return { result: null };
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

function spillPath(worker: number): string {
  return join(dir, `terms-${worker}.bin`);
}

/**
 * Every spilled row whose arrival index passes `want`, in arrival order: arrival a is row
 * floor(a / T) of thread a mod T's spill file. `want` is asked of every arrival, in order.
 */
function forEachRow(fn: (arrival: number, row: TermSpillReader) => void, want: (arrival: number) => boolean): void {
  const readers = Array.from({ length: threads }, (_, k) => new TermSpillReader(spillPath(k)));
  try {
    for (let a = 0; a < role.length; a++) {
      if (!want(a)) continue;
      const r = readers[a % threads]!;
      r.skipTo(Math.floor(a / threads));
      r.next();
      fn(a, r);
    }
  } finally {
    for (const r of readers) r.close();
  }
}

/**
 * Lay out one pass over the shard. When the whole shard fits in one window it stays loaded, and
 * each pass reshuffles the last pass's order. Otherwise the blocks are shuffled and grouped into
 * windows of at most `windowBytes`, and each window's rows are shuffled when it is loaded: a
 * window holds blocks from all over the corpus, so a pass still mixes old and new papers.
 */
function planPass(seed: number, epoch: number): void {
  const c = cache!;
  const all = Array.from({ length: c.blocks }, (_, b) => b);
  const rng = seededRng((seed ^ Math.imul(epoch + 1, 0x9e3779b1) ^ Math.imul(me + 1, 0x85ebca6b)) >>> 0);
  if (c.bytesOf(all) <= windowBytes) {
    passWindows = [all];
    passStarts = [0, c.rows];
    wholeOrder ??= Int32Array.from({ length: c.rows }, (_, i) => i);
    shuffleInPlace(wholeOrder, rng);
    return;
  }
  shuffleInPlace(all, rng);
  passWindows = [];
  passStarts = [0];
  let current: number[] = [];
  for (const b of all) {
    if (current.length > 0 && c.bytesOf([...current, b]) > windowBytes) {
      passWindows.push(current);
      current = [];
    }
    current.push(b);
  }
  passWindows.push(current);
  for (const w of passWindows) passStarts.push(passStarts[passStarts.length - 1]! + c.rowsOf(w));
  c.reserve(passWindows);
  loaded = null;
}

/** Window w of this pass, loaded (with its rows' labels and a seeded order) if it is not already. */
function windowAt(w: number, seed: number, epoch: number): NonNullable<typeof loaded> {
  if (wholeOrder) {
    if (!loaded) {
      loaded = { index: 0, window: cache!.load(passWindows[0]!, cols), order: wholeOrder, labelPtr, labelIdx };
    }
    loaded.order = wholeOrder;
    return loaded;
  }
  if (loaded && loaded.index === w) return loaded;
  loaded = null;
  const window = cache!.load(passWindows[w]!, cols);
  const lp = new Int32Array(window.x.rows + 1);
  let n = 0;
  let r = 0;
  for (const first of window.blocks) {
    const rowsHere = Math.min(BLOCK_ROWS, cache!.rows - first);
    for (let i = 0; i < rowsHere; i++) {
      n += labelPtr[first + i + 1]! - labelPtr[first + i]!;
      lp[++r] = n;
    }
  }
  const li = new Int32Array(n);
  r = 0;
  for (const first of window.blocks) {
    const rowsHere = Math.min(BLOCK_ROWS, cache!.rows - first);
    li.set(labelIdx.subarray(labelPtr[first]!, labelPtr[first + rowsHere]!), lp[r]!);
    r += rowsHere;
  }
  const order = Int32Array.from({ length: window.x.rows }, (_, i) => i);
  shuffleInPlace(order, seededRng((seed ^ Math.imul(epoch + 1, 0x9e3779b1) ^ Math.imul(me + 1, 0x85ebca6b) ^ Math.imul(w + 1, 0xc2b2ae35)) >>> 0));
  loaded = { index: w, window, order, labelPtr: lp, labelIdx: li };
  return loaded;
}

/** Fisher–Yates with the caller's generator (the order training has always drawn). */
function shuffleInPlace(a: Int32Array | number[], rng: () => number): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = a[i]!;
    a[i] = a[j]!;
    a[j] = t;
  }
}

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
