/**
 * The ingest fast path's string copy (copyNormalizedString in json-bytes.ts) in WebAssembly SIMD
 * (tools/json-text.wat), sixteen bytes at a time: title and abstract are most of every line, and
 * this copy was most of the fast path's time. Measured on a synthetic OAI file's abstracts
 * (hard-wrapped, with TeX and accents), one core: about 4× the JS copy.
 *
 * The module owns its memory. A chunk of input is copied into it at offset 0 (so indices into the
 * chunk are addresses, and the JS parts of the fast path read the same bytes through `bytes`),
 * followed by two output slots as large as the chunk, since no line and so no copy is longer.
 * `load` may grow the memory, which replaces its buffer: views from an earlier `load` are stale.
 */
import { Buffer } from 'node:buffer';
import { copied, copyUnicodeEscape } from './json-bytes.js';
import { JSON_TEXT_WASM } from './json-text-wasm.js';
import { wasmApi, type WasmModuleObject } from '../wasm/wasm-api.js';

interface WasmGlobal {
  value: number;
}
interface Exports {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
  copy_text(i: number, end: number, o: number, start: number): number;
  next: WasmGlobal;
  out_end: WasmGlobal;
}

const PAGE = 65536;
/** Room after each region, so a 16-byte load or store near its end stays inside the memory. */
const PAD = 64;

let compiled: WasmModuleObject | null | undefined;

function compiledModule(): WasmModuleObject | null {
  if (compiled === undefined) {
    try {
      compiled = wasmApi ? new wasmApi.Module(Buffer.from(JSON_TEXT_WASM, 'base64')) : null;
    } catch {
      compiled = null; // no SIMD (or no WebAssembly at all, e.g. --jitless): the JS copy runs
    }
  }
  return compiled;
}

export class JsonTextKernel {
  private readonly wasm: Exports;
  private u8: Uint8Array;
  private slotBytes = 0;
  /** The loaded chunk (a view of the module's memory). */
  bytes: Buffer = Buffer.alloc(0);
  /** A DataView over exactly `bytes`. */
  view: DataView = new DataView(new ArrayBuffer(0));

  private constructor(instance: { readonly exports: unknown }) {
    this.wasm = instance.exports as Exports;
    this.u8 = new Uint8Array(this.wasm.memory.buffer);
  }

  /** A kernel, or undefined where this runtime cannot run it. */
  static create(): JsonTextKernel | undefined {
    const module = compiledModule();
    if (!module) return undefined;
    return new JsonTextKernel(new wasmApi!.Instance(module, {}));
  }

  /** Copy `length` bytes of `source` to the start of the memory and size both output slots to match. */
  load(source: ArrayBuffer, length: number): void {
    const slot = length + PAD;
    const need = PAD + length + 2 * slot;
    const have = this.wasm.memory.buffer.byteLength;
    if (need > have) this.wasm.memory.grow(Math.ceil((need - have) / PAGE));
    this.u8 = new Uint8Array(this.wasm.memory.buffer);
    this.u8.set(new Uint8Array(source, 0, length), 0);
    this.slotBytes = slot;
    this.bytes = Buffer.from(this.wasm.memory.buffer, 0, length);
    this.view = new DataView(this.wasm.memory.buffer, 0, length);
  }

  /** Where output slot k (0 or 1) starts in the memory. */
  private slotStart(k: number): number {
    return PAD + this.bytes.length + k * this.slotBytes;
  }

  /**
   * copyNormalizedString of the string whose opening quote is at `i` of the loaded chunk (before
   * `end`) into slot k: its length in bytes, or -1 when invalid. Sets copied.next.
   */
  copy(i: number, end: number, k: number): number {
    const start = this.slotStart(k);
    const { copy_text, next, out_end } = this.wasm;
    let at = i + 1;
    let o = start;
    for (;;) {
      const status = copy_text(at, end, o, start);
      if (status === 0) {
        copied.next = next.value;
        return out_end.value - start;
      }
      if (status < 0) return -1;
      // A \u escape: rare in metadata, so decoded by the JS copy's own code.
      if (!copyUnicodeEscape(this.u8, next.value, end, this.u8, out_end.value, start)) return -1;
      at = copied.next;
      o = copied.end;
    }
  }

  /** The first `length` bytes of slot k. */
  slot(k: number, length: number): Uint8Array {
    const start = this.slotStart(k);
    return this.u8.subarray(start, start + length);
  }
}
