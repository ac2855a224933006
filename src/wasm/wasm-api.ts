/**
 * The parts of the WebAssembly JS API the project uses. Its lib settings (ES2022, no DOM) do not
 * declare `WebAssembly`, and a runtime may lack it (`node --jitless`), so every user takes it from
 * here and keeps a plain-JS path for when `wasmApi` is undefined.
 */

/** A linear memory; a `WebAssembly.Memory` satisfies it. */
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  /** Grow by `deltaPages` pages of 64 KiB; returns the old size in pages; RangeError past the maximum. */
  grow(deltaPages: number): number;
}

export interface WasmModuleObject {
  readonly __wasmModule?: never;
}

export interface WasmApi {
  Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
  Module: new (bytes: Uint8Array) => WasmModuleObject;
  Instance: new (module: WasmModuleObject, imports: Record<string, Record<string, unknown>>) => { readonly exports: Record<string, unknown> };
  validate(bytes: Uint8Array): boolean;
}

/** This runtime's WebAssembly, or undefined where it has none. */
export const wasmApi: WasmApi | undefined = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

/** Bytes in one WebAssembly page, the unit `memory.grow` counts in. */
export const WASM_PAGE_BYTES = 65536;

/** Decodes base64 with `atob`, which Node and browsers both have (Buffer is Node-only). */
export function fromBase64(text: string): Uint8Array {
  const binary = (globalThis as unknown as { atob(s: string): string }).atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}
