/**
 * An ArrayBuffer that reserves address space up to `maxBytes` and commits pages only as they are
 * used. Growing it never copies, and `resize(0)` gives its memory back at once. A plain buffer
 * that is no longer referenced is only freed when a garbage collection runs, and a training
 * thread that spends its time in WebAssembly allocates too little to trigger one, so large
 * scratch kept there would stay resident for the rest of training.
 */
export type ResizableBuffer = ArrayBuffer & { resize(bytes: number): void; readonly maxByteLength: number };

export function resizableBuffer(bytes: number, maxBytes: number): ResizableBuffer {
  return new (ArrayBuffer as unknown as new (n: number, o: { maxByteLength: number }) => ResizableBuffer)(bytes, { maxByteLength: Math.max(bytes, maxBytes) });
}
