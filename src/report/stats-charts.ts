import type { CorpusStats, HistogramBin } from '../corpus/stats.js';
import { groupName, type GroupId } from '../taxonomy/taxonomy.js';
import { barChart } from './charts/bar-chart.js';
import { histogram } from './charts/histogram.js';

/** The charts of a corpus report, as standalone SVG documents. */
export interface StatsCharts {
  groups: string;
  categories: string;
  categoriesPerPaper: string;
  titleWords: string | null;
  abstractWords: string | null;
  months: string | null;
}

/** Categories in the frequency chart. */
export const CATEGORY_BARS = 30;

const binLabel = (b: HistogramBin) => (b.to === null ? `${b.from}+` : b.to - b.from === 1 ? String(b.from) : `${b.from}–${b.to - 1}`);

function lengthChart(title: string, bins: readonly HistogramBin[] | undefined, what: string): string | null {
  if (!bins || bins.length === 0) return null;
  return histogram({
    title,
    columns: bins.map((b) => ({ label: binLabel(b), value: b.papers, tooltip: `${binLabel(b)} ${what}: ${b.papers} papers` })),
    xLabel: what,
    yLabel: 'papers',
    rotateLabels: true,
  });
}

export function statsCharts(s: CorpusStats): StatsCharts {
  const groups = Object.entries(s.groups)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1]);
  const cats = s.top.slice(0, CATEGORY_BARS);
  const d = s.distributions;
  return {
    groups: barChart({
      title: 'Papers per group (primary category)',
      bars: groups.map(([g, n]) => ({ label: g, value: n, tooltip: `${g} (${groupName(g as GroupId)}): ${n} papers` })),
      valueLabel: 'papers',
      categoryLabel: 'group',
    }),
    categories: barChart({
      title: `${cats.length} most frequent primary categories`,
      bars: cats.map((c) => ({ label: c.code, value: c.primary, tooltip: `${c.code} ${c.name}: ${c.primary} as primary, ${c.all} in all` })),
      valueLabel: 'papers (primary)',
      categoryLabel: 'category',
    }),
    categoriesPerPaper: histogram({
      title: 'Categories per paper (multi-label histogram)',
      columns: s.categoriesPerPaper.map((r) => ({ label: String(r.categories), value: r.papers, tooltip: `${r.categories} categories: ${r.papers} papers` })),
      xLabel: 'categories listed',
      yLabel: 'papers',
      height: 260,
    }),
    titleWords: lengthChart('Title length', d?.titleWords, 'words in title'),
    abstractWords: lengthChart('Abstract length', d?.abstractWords, 'words in abstract'),
    months: d && d.months.length > 1
      ? histogram({
          title: 'Papers per submission month',
          columns: d.months.map((m) => ({ label: m.month, value: m.papers })),
          xLabel: 'month (from the arXiv id, else the date)',
          yLabel: 'papers',
          rotateLabels: true,
        })
      : null,
  };
}
