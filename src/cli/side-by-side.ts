import { basename } from 'node:path';
import type { EnsembleEvaluation } from '../evaluation/ensemble-evaluation.js';
import type { Evaluation } from '../evaluation/evaluate.js';
import { formatMetric, METRIC_VIEWS, viewMetrics, type MetricInfo } from '../evaluation/metric-catalog.js';

/** The metrics a side-by-side table shows, in order (labels and formats from the metric catalogue). */
const ROWS = viewMetrics(METRIC_VIEWS.sideBySide);

/** Members and the ensemble in columns, one metric per row. */
export function formatSideBySide(e: EnsembleEvaluation): string {
  const columns: { title: string; ev: Evaluation }[] = [
    ...e.members.map((m) => ({ title: `${basename(m.name.replace(/\/+$/, ''))} (w=${m.weight.toFixed(2)})`, ev: m.evaluation })),
    { title: e.combine === 'mean' ? 'ensemble' : `ensemble (${e.combine})`, ev: e.ensemble },
  ];
  const cell = (ev: Evaluation, r: MetricInfo) => {
    const v = (ev as unknown as Record<string, number | undefined>)[r.key];
    if (typeof v !== 'number') return undefined;
    return formatMetric(r.kind, v);
  };
  // A multi-label member in a primary ensemble lacks some of the ensemble's metrics: a dash then.
  const rows = ROWS.filter((r) => cell(e.ensemble, r) !== undefined);
  const width = Math.max(...columns.map((c) => c.title.length), 9);
  const lines = [`${'papers'.padEnd(16)}${String(e.ensemble.n).padStart(width + 2)}`, `${''.padEnd(16)}${columns.map((c) => c.title.padStart(width + 2)).join('')}`];
  for (const r of rows) lines.push(`${r.viewLabel.padEnd(16)}${columns.map((c) => (cell(c.ev, r) ?? '–').padStart(width + 2)).join('')}`);
  if (e.search) {
    const what = e.search.searched ? 'weights' : 'temperature';
    const temperature = !e.search.searched || e.search.temperature !== 1 ? `, temperature ${e.search.temperature.toFixed(3)} (--temperature ${Number(e.search.temperature.toPrecision(4))} reuses it)` : '';
    lines.push(`${what} tuned on ${e.search.papers} validation papers: log-loss ${e.search.logLoss.toFixed(4)}${temperature} (equal weights ${e.search.equalLogLoss.toFixed(4)})`);
  } else if (e.temperature !== 1) {
    lines.push(`temperature ${e.temperature.toFixed(3)} (given)`);
  }
  return lines.join('\n');
}
