import { csvTable } from './csv.js';
import type { ComparableReport } from './evaluation-report.js';
import { mdTable } from './markdown.js';
import { formatMetric, METRICS, type MetricInfo } from './metric-catalog.js';

/** Several models' numbers side by side: one row per metric, one column per report. */
export interface Comparison {
  models: { name: string; task: string }[];
  rows: ComparisonRow[];
}

export interface ComparisonRow {
  key: string;
  label: string;
  /** One per model; null where that report lacks the metric (e.g. top10 for a multi-label model). */
  values: (number | null)[];
  /** Index of the best model, when the metric has a direction and at least two models have it. */
  best: number | null;
  kind: MetricInfo['kind'];
}

/**
 * Rows for every catalogued metric some report has, then per-class F1 for the first `classes`
 * classes of the first report that has a per-class table (its order: largest support first).
 */
export function compareReports(reports: readonly ComparableReport[], classes = 0): Comparison {
  const rows: ComparisonRow[] = [];
  for (const m of METRICS) {
    const values = reports.map((r) => r.summary[m.key] ?? null);
    if (values.every((v) => v === null)) continue;
    rows.push({ key: m.key, label: m.label, values, best: bestOf(values, m.better), kind: m.kind });
  }
  const first = reports.find((r) => r.classF1 !== null);
  if (first && classes > 0) {
    for (const code of [...first.classF1!.keys()].slice(0, classes)) {
      const values = reports.map((r) => r.classF1?.get(code) ?? null);
      rows.push({ key: `f1:${code}`, label: `F1 ${code}`, values, best: bestOf(values, 'higher'), kind: 'score' });
    }
  }
  return { models: reports.map((r) => ({ name: r.name, task: r.task })), rows };
}

function bestOf(values: readonly (number | null)[], better: MetricInfo['better']): number | null {
  if (better === null || values.filter((v) => v !== null).length < 2) return null;
  let best: number | null = null;
  values.forEach((v, i) => {
    if (v === null) return;
    if (best === null || (better === 'higher' ? v > values[best]! : v < values[best]!)) best = i;
  });
  return best;
}

const cell = (row: ComparisonRow, i: number) => (row.values[i] === null ? '-' : formatMetric(row.kind, row.values[i]!));

/** Plain-text table; the best value of each row is marked with `*`. */
export function comparisonText(c: Comparison): string {
  const header = ['metric', ...c.models.map((m) => m.name)];
  const body = c.rows.map((r) => [r.label, ...c.models.map((_, i) => cell(r, i) + (r.best === i ? '*' : ' '))]);
  const widths = header.map((h, col) => Math.max(h.length, ...body.map((r) => r[col]!.length)));
  const line = (cells: string[]) => cells.map((v, col) => (col === 0 ? v.padEnd(widths[col]!) : v.padStart(widths[col]!))).join('  ').trimEnd();
  return [line(header), ...body.map(line)].join('\n') + '\n\n* best of the compared models\n';
}

/** Markdown table; the best value of each row is bold. */
export function comparisonMarkdown(c: Comparison): string {
  return mdTable(
    ['metric', ...c.models.map((m) => m.name)],
    c.rows.map((r) => [r.label, ...c.models.map((_, i) => (r.best === i ? `**${cell(r, i)}**` : cell(r, i)))]),
    [false, ...c.models.map(() => true)],
  );
}

export function comparisonCsv(c: Comparison): string {
  return csvTable(['metric', ...c.models.map((m) => m.name)], c.rows.map((r) => [r.key, ...r.values.map((v) => (v === null ? '' : v))]));
}
