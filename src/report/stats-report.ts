import type { CorpusStats, LengthStats } from '../corpus/stats.js';
import { groupName, type GroupId } from '../taxonomy/taxonomy.js';
import { csvTable } from './csv.js';
import { mdTable } from './markdown.js';
import { cards, figure, htmlPage, htmlTable } from './page.js';
import { statsCharts } from './stats-charts.js';
import { element, escapeXml } from './svg.js';

/** A corpus report in the formats `stats --report` writes. The stats need `distributions`. */

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const lengthRows = (s: CorpusStats): [string, LengthStats][] => [
  ['title words', s.lengths.title.words],
  ['title characters', s.lengths.title.chars],
  ['abstract words', s.lengths.abstract.words],
  ['abstract characters', s.lengths.abstract.chars],
];
const LENGTH_KEYS = ['p5', 'p25', 'p50', 'p75', 'p95', 'max', 'mean'] as const;

function headline(s: CorpusStats): { label: string; value: string }[] {
  return [
    { label: 'papers', value: String(s.records) },
    { label: 'primary categories', value: String(s.distinctPrimary) },
    { label: 'categories incl. cross-lists', value: String(s.distinctCategories) },
    { label: 'multi-label papers', value: pct(s.multiLabelShare) },
    { label: 'categories per paper', value: s.meanCategories.toFixed(2) },
    { label: 'months', value: s.months.min ? `${s.months.min} … ${s.months.max}` : '-' },
  ];
}

export function statsHtml(path: string, s: CorpusStats): string {
  const charts = statsCharts(s);
  const title = `Corpus: ${path.replace(/^.*[\\/]/, '')}`;
  let body = element('h1', {}, escapeXml(title));
  body += element('p', { class: 'meta' }, escapeXml(`${path}: ${s.records} records; dates ${s.dates.min ?? '-'} … ${s.dates.max ?? '-'} (${s.dates.missing} without a date).`));
  body += cards(headline(s));
  body += element('h2', {}, 'Categories');
  body += figure(charts.groups, 'Papers per top-level group, by primary category.', 'groups');
  body += figure(charts.categories, 'Hover a bar for the count including cross-lists; every category is in the table below.', 'categories');
  body += element('h2', {}, 'Multi-label');
  body += figure(charts.categoriesPerPaper, 'How many categories papers list (primary plus cross-lists).', 'categories-per-paper');
  body += element('h2', {}, 'Lengths');
  if (charts.titleWords) body += figure(charts.titleWords, 'Words per title; the last bin holds the longest 1%.', 'title-words');
  if (charts.abstractWords) body += figure(charts.abstractWords, 'Words per abstract; the last bin holds the longest 1%.', 'abstract-words');
  body += htmlTable(
    [{ label: '', text: (r: [string, LengthStats]) => r[0] }, ...LENGTH_KEYS.map((k) => ({ label: k, text: (r: [string, LengthStats]) => String(r[1][k]), value: (r: [string, LengthStats]) => r[1][k] }))],
    lengthRows(s),
    { id: 'lengths' },
  );
  if (charts.months) {
    body += element('h2', {}, 'Time');
    body += figure(charts.months, 'Papers per submission month.', 'months');
  }
  body += element('h2', {}, 'All categories');
  body += element('p', { class: 'muted' }, 'Click a column header to sort.');
  body += element(
    'div',
    { class: 'scroll' },
    htmlTable(
      [
        { label: 'code', text: (c) => c.code },
        { label: 'name', text: (c) => c.name },
        { label: 'primary', text: (c) => String(c.primary), value: (c) => c.primary },
        { label: 'all (with cross-lists)', text: (c) => String(c.all), value: (c) => c.all },
        { label: '% of papers (primary)', text: (c) => pct(s.records ? c.primary / s.records : 0), value: (c) => c.primary },
      ],
      s.top,
      { id: 'categories-table', sortable: true },
    ),
  );
  return htmlPage(title, body);
}

export function statsMarkdown(path: string, s: CorpusStats): string {
  const out: string[] = [`# Corpus: ${path.replace(/^.*[\\/]/, '')}\n`, `\`${path}\`: ${s.records} records; dates ${s.dates.min ?? '-'} … ${s.dates.max ?? '-'}.\n`];
  out.push(mdTable(['', ''], headline(s).map((h) => [h.label, h.value]), [false, true]));
  out.push('\n## Papers per group\n');
  const groups = Object.entries(s.groups).sort((a, b) => b[1] - a[1]);
  out.push(mdTable(['group', 'name', 'papers', 'share'], groups.map(([g, n]) => [g, groupName(g as GroupId), String(n), pct(s.records ? n / s.records : 0)]), [false, false, true, true]));
  out.push('\n## Categories per paper\n');
  out.push(mdTable(['categories', 'papers', 'share'], s.categoriesPerPaper.map((r) => [String(r.categories), String(r.papers), pct(s.records ? r.papers / s.records : 0)]), [true, true, true]));
  out.push('\n## Lengths\n');
  out.push(mdTable(['', ...LENGTH_KEYS], lengthRows(s).map(([k, v]) => [k, ...LENGTH_KEYS.map((q) => String(v[q]))]), [false, ...LENGTH_KEYS.map(() => true)]));
  out.push('\n## Categories\n');
  out.push(mdTable(['code', 'name', 'primary', 'all'], s.top.map((c) => [c.code, c.name, String(c.primary), String(c.all)]), [false, false, true, true]));
  return out.join('\n');
}

export function statsCsv(s: CorpusStats): string {
  return csvTable(['code', 'name', 'primary', 'all'], s.top.map((c) => [c.code, c.name, c.primary, c.all]));
}

export function renderStatsReport(path: string, s: CorpusStats, format: 'html' | 'md' | 'json' | 'csv'): string {
  switch (format) {
    case 'html':
      return statsHtml(path, s);
    case 'md':
      return statsMarkdown(path, s);
    case 'csv':
      return statsCsv(s);
    case 'json':
      return JSON.stringify({ corpus: path, ...s }, null, 1) + '\n';
  }
}
