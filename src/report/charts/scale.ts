/** A linear map from data values to pixels, with "nice" tick values (1, 2 or 5 × 10^k apart). */
export interface LinearScale {
  (value: number): number;
  domain: [number, number];
  range: [number, number];
  ticks: number[];
}

/**
 * Tick values covering [min, max] about `count` apart on a 1-2-5 step, starting at a multiple of
 * the step. The domain should be extended to the first and last tick (see `linearScale`).
 */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) throw new RangeError(`tick domain must be finite, got [${min}, ${max}]`);
  if (max < min) [min, max] = [max, min];
  if (max === min) max = min === 0 ? 1 : min + Math.abs(min);
  const raw = (max - min) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  const step = (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * mag;
  const first = Math.floor(min / step + 1e-9) * step;
  const ticks: number[] = [];
  for (let v = first; v <= max + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  if (ticks[ticks.length - 1]! < max - step * 1e-9) ticks.push(Number((ticks[ticks.length - 1]! + step).toPrecision(12)));
  return ticks;
}

/** Scale over [min, max] widened to nice tick values, mapped onto [r0, r1]. */
export function linearScale(min: number, max: number, r0: number, r1: number, tickCount = 5): LinearScale {
  const ticks = niceTicks(min, max, tickCount);
  const d0 = Math.min(min, ticks[0]!);
  const d1 = Math.max(max, ticks[ticks.length - 1]!);
  const span = d1 - d0 || 1;
  const scale = ((v: number) => r0 + ((v - d0) / span) * (r1 - r0)) as LinearScale;
  scale.domain = [d0, d1];
  scale.range = [r0, r1];
  scale.ticks = ticks;
  return scale;
}

/** Tick label text: integers plainly, thousands as 12k, fractions with up to 2 decimals. */
export function formatTick(v: number): string {
  if (Math.abs(v) >= 10000 && v % 1000 === 0) return `${v / 1000}k`;
  if (Number.isInteger(v)) return String(v);
  return String(Number(v.toFixed(2)));
}
