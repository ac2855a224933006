export type GrowableArray = Uint8Array | Uint16Array | Uint32Array | Int32Array | Float32Array | Float64Array;

/**
 * A copy of `a` with room for at least `need` entries: twice its length, or `need` if that is
 * more, so that adding one entry at a time copies each entry a bounded number of times.
 */
export function grown<T extends GrowableArray>(a: T, need: number): T {
  const b = new (a.constructor as new (n: number) => T)(Math.max(need, a.length * 2));
  b.set(a as never);
  return b;
}
