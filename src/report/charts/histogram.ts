import { element, escapeXml } from '../svg.js';
import { bandLabels, bottomAxis, leftAxis } from './axis.js';
import { chartFrame } from './frame.js';
import { linearScale } from './scale.js';
import { BAR } from './theme.js';

export interface Column {
  /** Label under the column, e.g. "3" or "100–149". */
  label: string;
  value: number;
  tooltip?: string;
}

export interface HistogramOptions {
  title: string;
  columns: readonly Column[];
  xLabel: string;
  yLabel: string;
  width?: number;
  height?: number;
  /** Label every n-th column only, so dense axes stay readable (default: chosen from the count). */
  labelEvery?: number;
  /** Turn column labels (long ones, e.g. months). */
  rotateLabels?: boolean;
}

/** Vertical columns over ordered bins (counts per value, per length range, per month). */
export function histogram(o: HistogramOptions): string {
  const width = o.width ?? 720;
  const height = o.height ?? 300;
  const left = 70;
  const right = 16;
  const top = 36;
  const bottom = o.rotateLabels ? 92 : 52;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const n = Math.max(1, o.columns.length);
  const band = plotW / n;
  const max = Math.max(0, ...o.columns.map((c) => c.value));
  const y = linearScale(0, max > 0 ? max : 1, top + plotH, top, 5);
  let body = leftAxis(y, { label: o.yLabel, from: left, to: width - right, grid: true });
  let cols = '';
  o.columns.forEach((c, i) => {
    const h = top + plotH - y(c.value);
    cols += element(
      'rect',
      { class: 'bar', x: left + i * band + band * 0.1, y: y(c.value), width: Math.max(1, band * 0.8), height: Math.max(0, h), fill: BAR },
      element('title', {}, escapeXml(c.tooltip ?? `${c.label}: ${c.value}`)),
    );
  });
  body += element('g', { class: 'bars' }, cols);
  // A band axis: baseline and title from bottomAxis (a scale with no ticks), labels per band.
  const every = o.labelEvery ?? Math.max(1, Math.ceil(n / (o.rotateLabels ? 40 : 16)));
  const shown = o.columns.map((c, i) => (i % every === 0 ? c.label : ''));
  const xAxis = Object.assign((v: number) => v, { domain: [0, 1] as [number, number], range: [left, width - right] as [number, number], ticks: [] as number[] });
  body += bottomAxis(xAxis, { label: o.xLabel, from: top, to: top + plotH, titleOffset: bottom - 12 });
  body += bandLabels(shown, (i) => left + i * band + band / 2, 'bottom', top + plotH, o.rotateLabels ?? false);
  return chartFrame('histogram', width, height, o.title, body);
}
