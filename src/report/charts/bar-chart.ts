import { element, escapeXml, text } from '../svg.js';
import { bandLabels, bottomAxis, textWidth } from './axis.js';
import { chartFrame } from './frame.js';
import { linearScale } from './scale.js';
import { BAR, FONT, FONT_SIZE, INK, MUTED } from './theme.js';

export interface Bar {
  label: string;
  value: number;
  /** Hover text; defaults to "label: value". */
  tooltip?: string;
}

export interface BarChartOptions {
  title: string;
  bars: readonly Bar[];
  /** Title of the value axis. */
  valueLabel: string;
  /** Title of the category axis. */
  categoryLabel: string;
  /** Fix the value axis to [0, max] (e.g. 1 for scores); otherwise it fits the data. */
  max?: number;
  width?: number;
  /** Value printed at the end of each bar. */
  format?: (v: number) => string;
}

const ROW = 16;

/** Horizontal bars, one row per category, in the order given. */
export function barChart(o: BarChartOptions): string {
  const width = o.width ?? 720;
  const longest = Math.max(0, ...o.bars.map((b) => textWidth(b.label)));
  const left = Math.max(90, Math.ceil(longest) + 58);
  const right = 56;
  const top = 44;
  const plotH = Math.max(ROW, o.bars.length * ROW);
  const height = top + plotH + 48;
  const max = o.max ?? Math.max(0, ...o.bars.map((b) => b.value));
  const x = linearScale(0, max > 0 ? max : 1, left, width - right, 5);
  const fmt = o.format ?? ((v: number) => String(v));
  let body = bottomAxis(x, { label: o.valueLabel, from: top, to: top + plotH, grid: true });
  let bars = '';
  o.bars.forEach((b, i) => {
    const y = top + i * ROW;
    const w = Math.max(0, x(b.value) - left);
    const tip = b.tooltip ?? `${b.label}: ${fmt(b.value)}`;
    bars += element('rect', { class: 'bar', x: left, y: y + 2, width: w, height: ROW - 4, fill: BAR }, element('title', {}, escapeXml(tip)));
    bars += text({ class: 'bar-value', x: left + w + 4, y: y + ROW / 2 + 4, 'font-size': FONT_SIZE - 1, 'font-family': FONT, fill: MUTED }, fmt(b.value));
  });
  body += element('g', { class: 'bars' }, bars);
  body += bandLabels(
    o.bars.map((b) => b.label),
    (i) => top + i * ROW + ROW / 2,
    'left',
    left,
  );
  // The category axis title sits above its labels, not turned along them: a chart of three bars
  // is too short for a vertical title.
  body += text({ class: 'axis-label', x: left - 6, y: top - 6, 'text-anchor': 'end', 'font-size': FONT_SIZE + 1, 'font-family': FONT, fill: INK }, o.categoryLabel);
  return chartFrame('bar', width, height, o.title, body);
}
