import { element, escapeXml, text } from '../svg.js';
import { bandLabels, textWidth } from './axis.js';
import { chartFrame } from './frame.js';
import { blueScale, FONT, FONT_SIZE, INK } from './theme.js';

export interface HeatmapOptions {
  title: string;
  rowLabels: readonly string[];
  columnLabels: readonly string[];
  /** counts[row][column]. */
  counts: readonly (readonly number[])[];
  /** Axis titles. */
  rowTitle: string;
  columnTitle: string;
  cell?: number;
}

/**
 * Count matrix coloured by each cell's share of its row (for a confusion matrix: the share of a
 * true class's papers given each prediction, so rare and common classes read alike). Cells of at
 * least 5% print their percentage; every cell's count and share is in its tooltip.
 */
export function heatmap(o: HeatmapOptions): string {
  const cell = o.cell ?? 24;
  const rows = o.rowLabels.length;
  const cols = o.columnLabels.length;
  if (o.counts.length !== rows || o.counts.some((r) => r.length !== cols)) {
    throw new RangeError(`heatmap counts must be ${rows} × ${cols}`);
  }
  const left = Math.ceil(Math.max(40, ...o.rowLabels.map((l) => textWidth(l)))) + 40;
  const top = 40;
  const colLabelSpace = Math.ceil(Math.max(30, ...o.columnLabels.map((l) => textWidth(l))) * 0.87) + 16;
  const width = Math.max(360, left + cols * cell + 20, Math.ceil(textWidth(o.title, 14)) + 24);
  const height = top + rows * cell + colLabelSpace + 34;
  let cells = '';
  for (let r = 0; r < rows; r++) {
    const total = o.counts[r]!.reduce((a, b) => a + b, 0);
    for (let c = 0; c < cols; c++) {
      const v = o.counts[r]![c]!;
      const share = total ? v / total : 0;
      const x = left + c * cell;
      const y = top + r * cell;
      const tip = `${o.rowLabels[r]} → ${o.columnLabels[c]}: ${v} (${(share * 100).toFixed(1)}% of ${total})`;
      cells += element('rect', { class: 'cell', x, y, width: cell, height: cell, fill: blueScale(share), stroke: '#fff', 'stroke-width': 1 }, element('title', {}, escapeXml(tip)));
      if (share >= 0.05) {
        cells += text({ x: x + cell / 2, y: y + cell / 2 + 4, 'text-anchor': 'middle', 'font-size': FONT_SIZE - 2, 'font-family': FONT, fill: share > 0.45 ? '#fff' : INK, 'pointer-events': 'none' }, String(Math.round(share * 100)));
      }
    }
  }
  let body = element('g', { class: 'cells' }, cells);
  body += bandLabels(o.rowLabels, (i) => top + i * cell + cell / 2, 'left', left);
  body += bandLabels(o.columnLabels, (i) => left + i * cell + cell / 2, 'bottom', top + rows * cell, true);
  const cy = top + (rows * cell) / 2;
  body += text({ class: 'axis-label', x: 14, y: cy, 'text-anchor': 'middle', transform: `rotate(-90 14 ${cy})`, 'font-size': FONT_SIZE + 1, 'font-family': FONT, fill: INK }, o.rowTitle);
  body += text({ class: 'axis-label', x: left + (cols * cell) / 2, y: height - 10, 'text-anchor': 'middle', 'font-size': FONT_SIZE + 1, 'font-family': FONT, fill: INK }, o.columnTitle);
  return chartFrame('heatmap', width, height, o.title, body);
}
