/**
 * The look every chart shares, written as SVG presentation attributes rather than page CSS so
 * a chart saved as its own .svg file looks the same as inside a report.
 */
export const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
export const INK = '#222';
export const MUTED = '#666';
export const GRID = '#e3e3e3';
export const BAR = '#3b6ea8';
export const ACCENT = '#d1495b';
export const FONT_SIZE = 11;

/** White to dark blue for shares in [0, 1]; a square root stretches the small shares. */
export function blueScale(share: number): string {
  const t = Math.sqrt(Math.min(1, Math.max(0, share)));
  const lerp = (a: number, b: number) => Math.round(a + (b - a) * t);
  return `rgb(${lerp(255, 8)},${lerp(255, 48)},${lerp(255, 107)})`;
}
