import { element, text } from '../svg.js';
import type { LinearScale } from './scale.js';
import { formatTick } from './scale.js';
import { FONT, FONT_SIZE, GRID, INK, MUTED } from './theme.js';

/**
 * Axes: a baseline, tick marks with value labels, optional grid lines across the plot, and an
 * axis title. Every text carries a class (`tick-label`, `axis-label`) so tests can find them.
 */

export interface AxisOptions {
  /** The axis title, e.g. "F1" or "papers". */
  label: string;
  /** Where the plot area spans on the other axis, for grid lines and placement. */
  from: number;
  to: number;
  grid?: boolean;
  format?: (v: number) => string;
  /** Distance from the axis line to the title's baseline (bottom axis; default 32). */
  titleOffset?: number;
}

/** Horizontal axis at y = options.to (the bottom of the plot), ticks below it. */
export function bottomAxis(scale: LinearScale, options: AxisOptions): string {
  const y = options.to;
  const fmt = options.format ?? formatTick;
  const [x0, x1] = scale.range;
  let out = element('line', { x1: x0, x2: x1, y1: y, y2: y, stroke: INK, 'stroke-width': 1 });
  for (const t of scale.ticks) {
    const x = scale(t);
    if (options.grid) out += element('line', { x1: x, x2: x, y1: options.from, y2: y, stroke: GRID, 'stroke-width': 1 });
    out += element('line', { x1: x, x2: x, y1: y, y2: y + 4, stroke: INK });
    out += text({ class: 'tick-label', x, y: y + 15, 'text-anchor': 'middle', 'font-size': FONT_SIZE, 'font-family': FONT, fill: MUTED }, fmt(t));
  }
  out += text({ class: 'axis-label', x: (x0 + x1) / 2, y: y + (options.titleOffset ?? 32), 'text-anchor': 'middle', 'font-size': FONT_SIZE + 1, 'font-family': FONT, fill: INK }, options.label);
  return element('g', { class: 'axis axis-x' }, out);
}

/** Vertical axis at x = options.from (the left of the plot), ticks to its left. */
export function leftAxis(scale: LinearScale, options: AxisOptions): string {
  const x = options.from;
  const fmt = options.format ?? formatTick;
  const [y0, y1] = scale.range;
  let out = element('line', { x1: x, x2: x, y1: y0, y2: y1, stroke: INK, 'stroke-width': 1 });
  for (const t of scale.ticks) {
    const y = scale(t);
    if (options.grid) out += element('line', { x1: x, x2: options.to, y1: y, y2: y, stroke: GRID, 'stroke-width': 1 });
    out += element('line', { x1: x - 4, x2: x, y1: y, y2: y, stroke: INK });
    out += text({ class: 'tick-label', x: x - 7, y: y + 4, 'text-anchor': 'end', 'font-size': FONT_SIZE, 'font-family': FONT, fill: MUTED }, fmt(t));
  }
  const cy = (y0 + y1) / 2;
  const lx = x - 44;
  out += text({ class: 'axis-label', x: lx, y: cy, 'text-anchor': 'middle', transform: `rotate(-90 ${lx} ${cy})`, 'font-size': FONT_SIZE + 1, 'font-family': FONT, fill: INK }, options.label);
  return element('g', { class: 'axis axis-y' }, out);
}

/** Category labels along a band axis (one label per band), left of the plot or below it. */
export function bandLabels(labels: readonly string[], at: (i: number) => number, side: 'left' | 'bottom', offset: number, rotate = false): string {
  let out = '';
  labels.forEach((label, i) => {
    const p = at(i);
    if (side === 'left') {
      out += text({ class: 'tick-label', x: offset - 6, y: p + 4, 'text-anchor': 'end', 'font-size': FONT_SIZE, 'font-family': FONT, fill: INK }, label);
    } else if (rotate) {
      out += text({ class: 'tick-label', x: p + 4, y: offset + 8, 'text-anchor': 'end', transform: `rotate(-60 ${p + 4} ${offset + 8})`, 'font-size': FONT_SIZE, 'font-family': FONT, fill: INK }, label);
    } else {
      out += text({ class: 'tick-label', x: p, y: offset + 15, 'text-anchor': 'middle', 'font-size': FONT_SIZE, 'font-family': FONT, fill: INK }, label);
    }
  });
  return element('g', { class: 'axis axis-band' }, out);
}

/** Rough width of a label in the chart font, to size margins without measuring text. */
export function textWidth(s: string, size = FONT_SIZE): number {
  return s.length * size * 0.6;
}
