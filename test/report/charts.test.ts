import { test } from 'node:test';
import assert from 'node:assert/strict';
import { barChart } from '../../src/report/charts/bar-chart.js';
import { heatmap } from '../../src/report/charts/heatmap.js';
import { histogram } from '../../src/report/charts/histogram.js';
import { reliabilityDiagram } from '../../src/report/charts/reliability-diagram.js';
import { formatTick, linearScale, niceTicks } from '../../src/report/charts/scale.js';
import { blueScale } from '../../src/report/charts/theme.js';

/** Attribute values of every element with the given class, e.g. the widths of all bars. */
function attrOf(svg: string, cls: string, attr: string): number[] {
  const out: number[] = [];
  for (const m of svg.matchAll(new RegExp(`<[a-z]+ class="${cls}"[^>]*>`, 'g'))) {
    const a = new RegExp(` ${attr}="([^"]+)"`).exec(m[0]);
    if (a) out.push(Number(a[1]));
  }
  return out;
}
const texts = (svg: string, cls: string) => [...svg.matchAll(new RegExp(`<text class="${cls}"[^>]*>([^<]*)</text>`, 'g'))].map((m) => m[1]);

test('niceTicks steps by 1, 2 or 5 × 10^k and covers the domain', () => {
  // [0, 1] in ~5 steps: raw step .2 → exactly 0.2.
  assert.deepEqual(niceTicks(0, 1, 5), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  // [0, 1234]: raw 246.8 → magnitude 100, 2.468 rounds up to 5 → step 500, last tick ≥ 1234.
  assert.deepEqual(niceTicks(0, 1234, 5), [0, 500, 1000, 1500]);
  // [0, 38] in 5: raw 7.6 → step 10.
  assert.deepEqual(niceTicks(0, 38, 5), [0, 10, 20, 30, 40]);
  // A single value widens to [v, 2v]; 0 widens to [0, 1].
  assert.deepEqual(niceTicks(3, 3, 3), [3, 4, 5, 6]);
  assert.deepEqual(niceTicks(0, 0, 2), [0, 0.5, 1]);
  assert.throws(() => niceTicks(0, Infinity), RangeError);
});

test('linearScale maps the widened domain onto the range', () => {
  const x = linearScale(0, 0.9, 100, 300, 5);
  // Ticks 0 … 1 by .2, so the domain widens to [0, 1]: .5 → 200.
  assert.deepEqual(x.domain, [0, 1]);
  assert.equal(x(0.5), 200);
  assert.equal(x(1), 300);
  const y = linearScale(0, 100, 250, 50, 5); // inverted, as for a y axis
  assert.equal(y(0), 250);
  assert.equal(y(100), 50);
  assert.equal(formatTick(20000), '20k');
  assert.equal(formatTick(0.30000000000000004), '0.3');
});

test('barChart: bar lengths proportional to values, labelled axes, escaped text', () => {
  const svg = barChart({
    title: 'F1 <per> class',
    bars: [
      { label: 'a&b', value: 0.5 },
      { label: 'cs.CL', value: 1 },
      { label: 'x', value: 0.25 },
    ],
    valueLabel: 'F1',
    categoryLabel: 'class',
    max: 1,
  });
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" class="chart chart-bar"/);
  const widths = attrOf(svg, 'bar', 'width');
  assert.equal(widths.length, 3);
  assert.ok(Math.abs(widths[0]! / widths[1]! - 0.5) < 0.01 && Math.abs(widths[2]! / widths[1]! - 0.25) < 0.01, `widths ${widths}`);
  assert.deepEqual(texts(svg, 'axis-label'), ['F1', 'class']);
  // Value axis ticks 0 … 1 by .2.
  assert.deepEqual(texts(svg, 'tick-label').slice(0, 6), ['0', '0.2', '0.4', '0.6', '0.8', '1']);
  assert.ok(texts(svg, 'tick-label').includes('a&amp;b'));
  assert.ok(svg.includes('F1 &lt;per&gt; class'));
  assert.ok(!svg.includes('a&b'), 'unescaped label');
});

test('histogram: one column per bin, heights proportional, sparse labels when dense', () => {
  const columns = Array.from({ length: 40 }, (_, i) => ({ label: `m${i}`, value: i === 0 ? 0 : i % 2 ? 10 : 20 }));
  const svg = histogram({ title: 'Months', columns, xLabel: 'month', yLabel: 'papers' });
  const heights = attrOf(svg, 'bar', 'height');
  assert.equal(heights.length, 40);
  assert.equal(heights[0], 0);
  assert.ok(Math.abs(heights[2]! / heights[1]! - 2) < 0.01);
  assert.deepEqual(texts(svg, 'axis-label'), ['papers', 'month']);
  // 40 columns, unrotated: every ceil(40/16) = 3rd label is written, the rest are empty.
  const labels = texts(svg, 'tick-label').filter((t) => t!.startsWith('m'));
  assert.deepEqual(labels.slice(0, 3), ['m0', 'm3', 'm6']);
});

test('heatmap: colour by row share, percentages in cells ≥ 5%', () => {
  const svg = heatmap({ title: 'CM', rowLabels: ['a', 'b'], columnLabels: ['a', 'b'], counts: [[3, 1], [0, 0]], rowTitle: 'true', columnTitle: 'predicted' });
  const fills = [...svg.matchAll(/<rect class="cell"[^>]* fill="([^"]+)"/g)].map((m) => m[1]);
  // Row a: shares .75, .25; row b has no papers → shares 0.
  assert.deepEqual(fills, [blueScale(0.75), blueScale(0.25), blueScale(0), blueScale(0)]);
  assert.equal(blueScale(0), 'rgb(255,255,255)');
  assert.equal(blueScale(1), 'rgb(8,48,107)');
  assert.ok(svg.includes('>75</text>') && svg.includes('>25</text>'));
  assert.deepEqual(texts(svg, 'axis-label'), ['true', 'predicted']);
  assert.ok(svg.includes('a → b: 1 (25.0% of 4)'));
  assert.throws(() => heatmap({ title: '', rowLabels: ['a'], columnLabels: ['a', 'b'], counts: [[1]], rowTitle: '', columnTitle: '' }), RangeError);
});

test('reliabilityDiagram: a bar per non-empty bin, heights = accuracy, a diagonal', () => {
  const bins = [
    { lower: 0, upper: 0.5, count: 0, confidence: 0, accuracy: 0 },
    { lower: 0.5, upper: 0.75, count: 4, confidence: 0.6, accuracy: 0.5 },
    { lower: 0.75, upper: 1, count: 2, confidence: 0.9, accuracy: 1 },
  ];
  const svg = reliabilityDiagram({ title: 'R', bins, note: 'ECE 0.1' });
  const heights = attrOf(svg, 'bar', 'height');
  assert.equal(heights.length, 2);
  assert.ok(Math.abs(heights[1]! / heights[0]! - 2) < 0.01);
  assert.equal(attrOf(svg, 'confidence', 'cx').length, 2);
  assert.match(svg, /class="diagonal"/);
  assert.deepEqual(texts(svg, 'axis-label'), ['accuracy', 'confidence (top-label probability)']);
  assert.ok(svg.includes('ECE 0.1'));
});
