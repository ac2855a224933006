/**
 * An ArrayBuffer that reserves address space up to `maxBytes` and commits pages only as they are
 * used. Growing it never copies, and `resize(0)` gives its memory back at once. A plain buffer
 * that is no longer referenced is only freed when a garbage collection runs, and a training
 * thread that spends its time in WebAssembly allocates too little to trigger one, so large
 * scratch kept there would stay resident for the rest of training.
 */
export type ResizableBuffer = ArrayBuffer & { resize(bytes: number): void; readonly maxByteLength: number };

export function resizableBuffer(bytes: number, maxBytes: number): ResizableBuffer {
  const buffer = new (ArrayBuffer as unknown as new (n: number, o: { maxByteLength: number }) => ResizableBuffer)(bytes, { maxByteLength: Math.max(bytes, maxBytes) });
  // Engines before resizable buffers (Node < 20, Firefox < 128, Safari < 16.4) ignore the option.
  if (typeof buffer.resize !== 'function') throw new Error('this JavaScript engine has no resizable ArrayBuffers (Node 20 or later is needed)');
  return buffer;
}
