import { resizableBuffer, type ResizableBuffer } from '../base/resizable-buffer.js';
import { WASM_PAGE_BYTES, wasmApi, type WasmMemory } from './wasm-api.js';

/**
 * Linear memories and a bump allocator over them, for the WebAssembly kernels (src/models/linear/kernels.ts)
 * and the feature counter (src/text/feature-counter.ts). Every offset is a byte offset.
 *
 * Growing: `memory.grow` (which `WasmArena.alloc`/`reserve` call when they run out of room)
 * replaces `memory.buffer`. For an ordinary memory the old buffer is detached and every view
 * taken from it becomes empty; for a shared memory the old views stay valid but only cover the
 * old size. Either way: take views AFTER allocating, and take them again after anything that may
 * have grown the memory.
 */

/** The largest a 32-bit WebAssembly memory can be: 65536 pages = 4 GiB. */
export const MAX_MEMORY_BYTES = 65536 * WASM_PAGE_BYTES;

/**
 * What the kernels need of a memory. A `WebAssembly.Memory` satisfies it; so does `JsMemory`,
 * the stand-in `createMemory` returns where WebAssembly itself is missing (e.g. `node --jitless`).
 */
export type LinearMemory = WasmMemory;

export interface MemoryOptions {
  /** Initial size, rounded up to whole pages (at least one). */
  initialBytes: number;
  /** Largest size it may grow to, rounded up to whole pages; default and cap 4 GiB. */
  maximumBytes?: number;
  /** A shared memory (its buffer is a SharedArrayBuffer) that worker threads can use too. */
  shared?: boolean;
}

function pagesFor(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / WASM_PAGE_BYTES));
}

export function isShared(buffer: ArrayBuffer | SharedArrayBuffer): buffer is SharedArrayBuffer {
  return typeof SharedArrayBuffer !== 'undefined' && buffer instanceof SharedArrayBuffer;
}

type GrowableSharedBuffer = SharedArrayBuffer & { grow(bytes: number): void };

/**
 * A `LinearMemory` made of a growable SharedArrayBuffer (shared) or a resizable ArrayBuffer, for
 * runtimes without WebAssembly. Its buffer object stays the same when it grows. Only the JS
 * kernels can use it.
 */
export class JsMemory implements LinearMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  private readonly maxPages: number;

  constructor(options: MemoryOptions) {
    const initial = pagesFor(options.initialBytes);
    this.maxPages = Math.min(65536, pagesFor(options.maximumBytes ?? MAX_MEMORY_BYTES));
    if (initial > this.maxPages) throw new RangeError(`initial size ${initial} pages is over the maximum ${this.maxPages}`);
    const init = { maxByteLength: this.maxPages * WASM_PAGE_BYTES };
    this.buffer = options.shared
      ? new (SharedArrayBuffer as unknown as new (n: number, o: typeof init) => SharedArrayBuffer)(initial * WASM_PAGE_BYTES, init)
      : resizableBuffer(initial * WASM_PAGE_BYTES, init.maxByteLength);
  }

  grow(deltaPages: number): number {
    const old = this.buffer.byteLength / WASM_PAGE_BYTES;
    if (!Number.isInteger(deltaPages) || deltaPages < 0 || old + deltaPages > this.maxPages) {
      throw new RangeError(`cannot grow memory of ${old} pages by ${deltaPages} (maximum ${this.maxPages})`);
    }
    const bytes = (old + deltaPages) * WASM_PAGE_BYTES;
    if (isShared(this.buffer)) (this.buffer as GrowableSharedBuffer).grow(bytes);
    else (this.buffer as ResizableBuffer).resize(bytes);
    return old;
  }
}

/**
 * A memory for the kernels: a `WebAssembly.Memory` where WebAssembly exists (shared ones need a
 * maximum; it defaults to 4 GiB, which only reserves address space), else a `JsMemory`.
 */
export function createMemory(options: MemoryOptions): LinearMemory {
  if (!wasmApi) return new JsMemory(options);
  const initial = pagesFor(options.initialBytes);
  const maximum = Math.min(65536, pagesFor(options.maximumBytes ?? MAX_MEMORY_BYTES));
  return new wasmApi.Memory({ initial, maximum, shared: options.shared === true });
}

/**
 * A bump allocator over a `LinearMemory`: hands out aligned byte offsets for the weights, row
 * scratch and score/gradient vectors, growing the memory when it runs out.
 *
 * `alloc` and `reserve` may grow the memory, which invalidates views taken before (see the module
 * comment): allocate first, then take views with `f32`/`i32`, and take them again after any later
 * allocation. Arenas are not thread-safe: let one thread allocate and hand the offsets to the
 * others, or give each thread its own arena over a disjoint range (`start`).
 */
export class WasmArena {
  private top: number;

  /** `start`: the first byte this arena hands out (default 0; offset 0 is a valid address). */
  constructor(
    readonly memory: LinearMemory,
    readonly start = 0,
  ) {
    this.top = start;
  }

  /** The first byte not yet handed out. */
  get used(): number {
    return this.top;
  }

  /** The memory's current size in bytes. */
  get capacity(): number {
    return this.memory.buffer.byteLength;
  }

  /** `bytes` bytes at an offset that is a multiple of `align` (a power of two, at least 4). */
  alloc(bytes: number, align = 16): number {
    if (!Number.isInteger(bytes) || bytes < 0) throw new RangeError(`cannot allocate ${bytes} bytes`);
    if (!Number.isInteger(align) || align < 4 || (align & (align - 1)) !== 0) throw new RangeError(`alignment ${align} is not a power of two >= 4`);
    const at = Math.ceil(this.top / align) * align;
    this.reserve(at + bytes);
    this.top = at + bytes;
    return at;
  }

  /** Room for `length` float32s (16-byte aligned); returns the byte offset. */
  allocF32(length: number): number {
    return this.alloc(length * 4);
  }

  /** Room for `length` int32s (16-byte aligned); returns the byte offset. */
  allocI32(length: number): number {
    return this.alloc(length * 4);
  }

  /**
   * Make the memory at least `totalBytes` long. It grows by what is missing plus headroom of
   * 1/8 of its size (at most 16 MiB) so that a run of small allocations grows it rarely; where the
   * headroom does not fit under the maximum it grows by just what is missing.
   */
  reserve(totalBytes: number): void {
    const have = this.memory.buffer.byteLength;
    if (totalBytes <= have) return;
    const need = Math.ceil((totalBytes - have) / WASM_PAGE_BYTES);
    const havePages = have / WASM_PAGE_BYTES;
    const headroom = Math.min(Math.floor(havePages / 8), 256);
    try {
      this.memory.grow(need + headroom);
    } catch {
      try {
        this.memory.grow(need);
      } catch (e) {
        throw new RangeError(`cannot grow the kernel memory to ${totalBytes} bytes: ${(e as Error).message}`);
      }
    }
  }

  /** Forget every allocation from `to` (default: the arena's start) on; earlier offsets stay valid. */
  reset(to = this.start): void {
    this.top = to;
  }

  /** A Float32Array view of `length` floats at byte offset `offset` of the current buffer. */
  f32(offset: number, length: number): Float32Array {
    return new Float32Array(this.memory.buffer, offset, length);
  }

  /** An Int32Array view of `length` ints at byte offset `offset` of the current buffer. */
  i32(offset: number, length: number): Int32Array {
    return new Int32Array(this.memory.buffer, offset, length);
  }
}

