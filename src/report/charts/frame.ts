import { element, text } from '../svg.js';
import { FONT, INK } from './theme.js';

/**
 * The outer `<svg>` of every chart: size, viewBox, an accessible title, a white background and
 * the chart title drawn at the top. `name` becomes a class (`chart chart-NAME`) for tests and CSS.
 */
export function chartFrame(name: string, width: number, height: number, title: string, body: string): string {
  const inner =
    element('title', {}, title.replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'))) +
    element('rect', { x: 0, y: 0, width, height, fill: '#fff' }) +
    text({ class: 'chart-title', x: 12, y: 20, 'font-size': 14, 'font-weight': 600, 'font-family': FONT, fill: INK }, title) +
    body;
  return element('svg', { xmlns: 'http://www.w3.org/2000/svg', class: `chart chart-${name}`, width, height, viewBox: `0 0 ${width} ${height}`, role: 'img' }, inner);
}
