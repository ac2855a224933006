import { element, escapeXml, text } from '../svg.js';
import { bottomAxis, leftAxis } from './axis.js';
import { chartFrame } from './frame.js';
import { linearScale } from './scale.js';
import { ACCENT, BAR, FONT, FONT_SIZE, MUTED } from './theme.js';

export interface ReliabilityPoint {
  lower: number;
  upper: number;
  count: number;
  confidence: number;
  accuracy: number;
}

export interface ReliabilityDiagramOptions {
  title: string;
  bins: readonly ReliabilityPoint[];
  /** Shown in the corner, e.g. the ECE. */
  note?: string;
  size?: number;
}

/**
 * Accuracy per confidence bin as bars over the bin's span, the diagonal of perfect calibration,
 * and each bin's mean confidence as a dot. Bars below the diagonal mean overconfidence. Empty
 * bins draw nothing.
 */
export function reliabilityDiagram(o: ReliabilityDiagramOptions): string {
  const size = o.size ?? 360;
  const left = 64;
  const top = 36;
  const plot = size - left - 20;
  const width = size;
  const height = top + plot + 48;
  const x = linearScale(0, 1, left, left + plot, 5);
  const y = linearScale(0, 1, top + plot, top, 5);
  let body = leftAxis(y, { label: 'accuracy', from: left, to: left + plot, grid: true });
  body += bottomAxis(x, { label: 'confidence (top-label probability)', from: top, to: top + plot, grid: true });
  let bars = '';
  for (const b of o.bins) {
    if (b.count === 0) continue;
    const tip = `${b.lower.toFixed(2)}–${b.upper.toFixed(2)}: ${b.count} papers, confidence ${b.confidence.toFixed(3)}, accuracy ${b.accuracy.toFixed(3)}`;
    bars += element('rect', { class: 'bar', x: x(b.lower) + 1, y: y(b.accuracy), width: Math.max(1, x(b.upper) - x(b.lower) - 2), height: y(0) - y(b.accuracy), fill: BAR, 'fill-opacity': 0.85 }, element('title', {}, escapeXml(tip)));
    bars += element('circle', { class: 'confidence', cx: x(b.confidence), cy: y(b.confidence), r: 2.5, fill: ACCENT });
  }
  body += element('g', { class: 'bars' }, bars);
  body += element('line', { class: 'diagonal', x1: x(0), y1: y(0), x2: x(1), y2: y(1), stroke: MUTED, 'stroke-dasharray': '4 3' });
  if (o.note) body += text({ x: left + 8, y: top + 16, 'font-size': FONT_SIZE, 'font-family': FONT, fill: MUTED }, o.note);
  return chartFrame('reliability', width, height, o.title, body);
}
