import { createMemory, WasmArena } from '../wasm/memory.js';
import { fromBase64, WASM_PAGE_BYTES, wasmApi, type WasmModuleObject } from '../wasm/wasm-api.js';
import { FEATURE_COUNTER_WASM } from './feature-counter-wasm.js';
import { hashString } from './hash.js';
import type { WordCounts } from './known-words.js';
import { STOP_WORDS } from './stop-words.js';
import { MAX_CHAR_NGRAMS, TermHasher, type TermOptions } from './terms.js';
import { FORMATTING, foldText, HASH_MATH, HASH_NUM, WORD } from './tokenize.js';
import type { Vocabulary } from './vocabulary.js';

/** Bits of the filter that answers most misses (128 KiB for 20): it stays in the CPU cache. */
const FILTER_BITS = 20;

/**
 * Longest field (UTF-16 code units, after NFKC) the WebAssembly path counts; longer ones go the
 * TypeScript way. arXiv caps abstracts at 1,920 characters; full texts (arXiver's markdown) are longer.
 */
const WASM_FIELD_CAP = 1 << 15;
/** Longest word n-grams the WebAssembly path takes (its list of a paper's features is sized by them). */
const WASM_MAX_NGRAMS = 4;

/** Which path counts: 'auto' (default) takes WebAssembly where the runtime has it and the options allow. */
export type FeatureCounterBackend = 'auto' | 'js';

/** The exports of tools/feature-counter.as.ts. */
interface CounterExports {
  init(...offsetsAndHashes: number[]): void;
  count(n: number, ngrams: number, charN: number, weight: number, size: number): number;
  countAscii(n: number, ngrams: number, charN: number, weight: number, size: number): number;
  resetWords(): void;
  wordCount(which: 0 | 1 | 2 | 3): number;
}

interface WasmCounter {
  exports: CounterExports;
  /** Where an ASCII field is encoded for `countAscii`, and where any other field is copied, folded, for `count`. */
  bytes: Uint8Array;
  text: Uint16Array;
  touched: Int32Array;
}

let compiled: WasmModuleObject | null | undefined;

function counterModule(): WasmModuleObject | null {
  if (compiled === undefined) {
    try {
      compiled = wasmApi ? new wasmApi.Module(fromBase64(FEATURE_COUNTER_WASM)) : null;
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

const encoder = new TextEncoder();

/**
 * One paper → its TF-IDF row over a fixed vocabulary, for prediction. Unlike `TermCounter` +
 * `vectorizeTerms` (which training needs, to count every term before the vocabulary exists), each
 * n-gram is looked up in the vocabulary as it is made and counted where it is found: most n-grams
 * are not features, and a Bloom filter drops them before they touch the table. Rows come out
 * identical to the two-step path: features in first-seen order, weights added in the same order.
 *
 * The table is this class's own rather than the vocabulary's index: a slot holds the term, its
 * feature, its IDF and the paper's running count side by side, so a feature costs one cache line
 * where separate key, count and IDF arrays cost three. Between papers the model's weights stream
 * through the cache and evict these tables, so those lines are mostly misses.
 *
 * Where WebAssembly runs, tokenising, hashing and the lookups run in it (tools/feature-counter.as.ts,
 * over the same table, kept in its memory): in one thread that counted the benchmark's test
 * papers in about 17 µs each where the TypeScript path took 28 (docs/benchmarks.md, "Feature
 * counting alone"). Papers with a field over 32,768 characters take the TypeScript path; both
 * give identical rows.
 */
export class FeatureCounter {
  /** Four 32-bit words a slot: term (int32 bits), feature + 1 (0: empty), IDF, count (float32). */
  private readonly slots: Int32Array;
  private readonly slotFloats: Float32Array;
  private readonly mask: number;
  private readonly shift: number;
  private readonly filter: Int32Array;
  /** Slot offsets (into `slots`) of the features of the paper being counted, first-seen order. */
  private touched = new Int32Array(1024);
  private size = 0;
  private readonly terms: TermHasher;
  private readonly wasm: WasmCounter | null;
  /** Whether the WebAssembly module counted every field of the last paper, and with it its words. */
  private wordsCounted = false;

  constructor(
    readonly vocab: Vocabulary,
    readonly options: TermOptions,
    backend: FeatureCounterBackend = 'auto',
  ) {
    let cap = 16;
    while (cap < vocab.size * 2) cap *= 2;
    const filterWords = 1 << (FILTER_BITS - 5);
    const cn = options.charNgrams ?? 0;
    // The module takes n-gram lengths as int32: other values (which training never makes) stay in TypeScript.
    const fits = Number.isInteger(options.ngrams) && options.ngrams <= WASM_MAX_NGRAMS && Number.isInteger(cn) && cn <= MAX_CHAR_NGRAMS;
    const module = backend === 'auto' && fits ? counterModule() : null;
    if (module) {
      const { counter, slots, filter } = wasmCounter(module, cap, filterWords, Math.max(1, options.ngrams), cn > 0);
      this.wasm = counter;
      this.slots = slots;
      this.filter = filter;
    } else {
      this.wasm = null;
      this.slots = new Int32Array(cap * 4);
      this.filter = new Int32Array(filterWords);
    }
    this.slotFloats = new Float32Array(this.slots.buffer, this.slots.byteOffset, this.slots.length);
    this.mask = cap - 1;
    this.shift = 32 - Math.log2(cap);
    for (let f = 0; f < vocab.size; f++) {
      const key = vocab.terms[f]!;
      const b = Math.imul(key, 0x9e3779b1) >>> (32 - FILTER_BITS);
      this.filter[b >>> 5]! |= 1 << (b & 31);
      let s = Math.imul(key, 0x9e3779b1) >>> this.shift;
      while (this.slots[(s << 2) + 1] !== 0) s = (s + 1) & this.mask;
      this.slots[s << 2] = key | 0;
      this.slots[(s << 2) + 1] = f + 1;
      this.slotFloats[(s << 2) + 2] = vocab.idf[f]!;
    }
    this.terms = new TermHasher(options.ngrams, options.charNgrams ?? 0);
  }

  /** Which path counts: 'wasm' or 'js'. */
  get backend(): 'wasm' | 'js' {
    return this.wasm ? 'wasm' : 'js';
  }

  /**
   * Writes the L2-normalised sublinear TF-IDF row of one paper into `outIdx`/`outVal` and returns
   * its number of features; a paper with more distinct features than `outIdx` holds keeps its first.
   */
  vectorize(title: string, abstract: string, outIdx: Int32Array, outVal: Float32Array): number {
    let size = this.wasm ? this.countWasm(this.wasm, title, abstract) : -1;
    // A title weighted 0 is not scanned, but its words still count for the reliability signal.
    this.wordsCounted = size >= 0 && (!title || this.options.titleWeight > 0);
    let touched = this.wasm ? this.wasm.touched : this.touched;
    if (size < 0) {
      this.size = 0;
      this.addField(title, this.options.titleWeight);
      this.addField(abstract, 1);
      size = this.size;
      touched = this.touched;
    }
    const slots = this.slots;
    const floats = this.slotFloats;
    const n = Math.min(size, outIdx.length);
    let norm = 0;
    for (let k = 0; k < n; k++) {
      const at = touched[k]!;
      const t = floats[at + 3]!;
      // Sublinear TF; weights below 1 (a down-weighted title) stay linear so they never turn negative.
      const v = (t >= 1 ? 1 + Math.log(t) : t) * floats[at + 2]!;
      outIdx[k] = slots[at + 1]! - 1;
      outVal[k] = v;
      norm += v * v;
    }
    this.clearCounts(touched, size);
    if (n === 0) return 0;
    const inv = 1 / Math.sqrt(norm);
    for (let k = 0; k < n; k++) outVal[k]! *= inv;
    return n;
  }

  /**
   * The last vectorised paper's words as KnownWords.count would count them against this
   * vocabulary, into `out`; false where the WebAssembly path did not see all of its text (no
   * WebAssembly, a field too long for it, a title weighted 0) and KnownWords must count them.
   */
  wordCounts(out: WordCounts): boolean {
    if (!this.wordsCounted) return false;
    const e = this.wasm!.exports;
    out.words = e.wordCount(0);
    out.functionWords = e.wordCount(1);
    out.content = e.wordCount(2);
    out.known = e.wordCount(3);
    return true;
  }

  /** The number of features of the paper counted in WebAssembly, or -1 (nothing counted) where a field is too long for it. */
  private countWasm(w: WasmCounter, title: string, abstract: string): number {
    w.exports.resetWords();
    const size = this.countFieldWasm(w, title, this.options.titleWeight, 0);
    if (size < 0) return -1;
    const all = this.countFieldWasm(w, abstract, 1, size);
    if (all < 0) this.clearCounts(w.touched, size);
    return all;
  }

  /** Zero the counts of the first `size` touched slots: zero means "not seen yet" to the next paper. */
  private clearCounts(touched: Int32Array, size: number): void {
    const floats = this.slotFloats;
    for (let k = 0; k < size; k++) floats[touched[k]! + 3] = 0;
  }

  private countFieldWasm(w: WasmCounter, text: string, weight: number, size: number): number {
    if (!text || weight <= 0) return size;
    if (text.length > WASM_FIELD_CAP) return -1;
    const ngrams = Math.max(1, this.options.ngrams);
    const charN = Math.max(0, this.options.charNgrams ?? 0);
    const { read, written } = encoder.encodeInto(text, w.bytes);
    // One byte per character: all ASCII, so case folding is all there is to do, and the module does it.
    if (read === text.length && written === read) return w.exports.countAscii(text.length, ngrams, charN, weight, size);
    const folded = foldText(text);
    if (folded.length > WASM_FIELD_CAP) return -1;
    const t = w.text;
    for (let i = 0; i < folded.length; i++) t[i] = folded.charCodeAt(i);
    return w.exports.count(folded.length, ngrams, charN, weight, size);
  }

  private addField(text: string, weight: number): void {
    if (!text || weight <= 0) return;
    const n = this.terms.hash(text);
    const h = this.terms.hashes;
    const { slots, filter, mask, shift } = this;
    const floats = this.slotFloats;
    for (let k = 0; k < n; k++) {
      const key = h[k]!;
      const mixed = Math.imul(key, 0x9e3779b1);
      const b = mixed >>> (32 - FILTER_BITS);
      if ((filter[b >>> 5]! & (1 << (b & 31))) === 0) continue;
      const want = key | 0;
      let s = mixed >>> shift;
      let at = s << 2;
      while (slots[at] !== want || slots[at + 1] === 0) {
        if (slots[at + 1] === 0) break;
        s = (s + 1) & mask;
        at = s << 2;
      }
      if (slots[at + 1] === 0) continue; // a filter false positive: not a feature
      // Weights are positive, so zero means "not seen yet in this paper".
      if (floats[at + 3] === 0) {
        if (this.size === this.touched.length) {
          const t = new Int32Array(this.size * 2);
          t.set(this.touched);
          this.touched = t;
        }
        this.touched[this.size++] = at;
      }
      floats[at + 3]! += weight;
    }
  }
}

/**
 * A memory holding the WebAssembly counter's tables and buffers (layout in
 * tools/feature-counter.as.ts), its instance, and views of the vocabulary table and filter for
 * the constructor to fill.
 */
function wasmCounter(module: WasmModuleObject, cap: number, filterWords: number, ngrams: number, charGrams: boolean): { counter: WasmCounter; slots: Int32Array; filter: Int32Array } {
  const names = [...FORMATTING];
  const nameChars = names.join('');
  const memory = createMemory({ initialBytes: WASM_PAGE_BYTES });
  const arena = new WasmArena(memory);
  const place = (bytes: number): number => arena.alloc(bytes);
  const word = place(WORD.length);
  const filter = place(filterWords * 4);
  const slots = place(cap * 16);
  const text = place(WASM_FIELD_CAP * 2);
  const bytes = place(WASM_FIELD_CAP);
  const toks = place(WASM_FIELD_CAP * 4);
  const starts = place(WASM_FIELD_CAP * 4);
  const ends = place(WASM_FIELD_CAP * 4);
  // At most one token per character, so a field has at most WASM_FIELD_CAP × ngrams word terms.
  // Tokens overlap only where a compound is also counted whole, so their lengths add up to at most
  // twice the field's, and each gives at most its length + 2 character n-grams: at most 4 more a character.
  const touchedLength = 2 * WASM_FIELD_CAP * (ngrams + (charGrams ? 4 : 0));
  const touched = place(touchedLength * 4);
  const chars = place(nameChars.length * 2);
  const fmt = place(names.length * 12);
  let stopSlots = 16;
  while (stopSlots < STOP_WORDS.size * 4) stopSlots *= 2;
  const stops = place(stopSlots * 8);
  // Nothing is allocated after this, so the memory no longer grows and these views stay valid.
  const buffer = memory.buffer;
  new Uint8Array(buffer, word, WORD.length).set(WORD);
  const u16 = new Uint16Array(buffer);
  for (let i = 0; i < nameChars.length; i++) u16[chars / 2 + i] = nameChars.charCodeAt(i);
  const table = new Uint32Array(buffer, fmt, names.length * 3);
  let offset = chars / 2;
  names.forEach((name, e) => {
    table[e * 3] = hashString(name);
    table[e * 3 + 1] = offset;
    table[e * 3 + 2] = name.length;
    offset += name.length;
  });
  const stopTable = new Uint32Array(buffer, stops, stopSlots * 2);
  for (const w of STOP_WORDS) {
    const h = hashString(w) >>> 0;
    let s = h & (stopSlots - 1);
    while (stopTable[s * 2] !== 0) s = (s + 1) & (stopSlots - 1);
    stopTable[s * 2] = 1;
    stopTable[s * 2 + 1] = h;
  }
  const exports = new wasmApi!.Instance(module, { env: { memory } }).exports as unknown as CounterExports;
  exports.init(word, filter, slots, cap - 1, 32 - Math.log2(cap), text, bytes, toks, starts, ends, touched, fmt, names.length, HASH_NUM, HASH_MATH, stops, stopSlots - 1);
  return {
    counter: {
      exports,
      bytes: new Uint8Array(buffer, bytes, WASM_FIELD_CAP),
      text: new Uint16Array(buffer, text, WASM_FIELD_CAP),
      touched: new Int32Array(buffer, touched, touchedLength),
    },
    slots: new Int32Array(buffer, slots, cap * 4),
    filter: new Int32Array(buffer, filter, filterWords),
  };
}
