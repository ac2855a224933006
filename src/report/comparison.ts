import { csvTable } from './csv.js';
import type { ComparableReport } from './evaluation-report.js';
import { mdTable } from './markdown.js';
import { formatMetric, METRICS, type MetricInfo } from '../evaluation/metric-catalog.js';

/** Several models' numbers side by side: one row per metric, one column per report. */
export interface Comparison {
  models: { name: string; task: string }[];
  rows: ComparisonRow[];
  /** Why no best is marked (different tasks, or different test papers); null when one is. */
  noBest: string | null;
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
  // A primary model's micro-F1 and a multi-label model's are different measures, and scores on
  // different test papers are not a contest either: no winner then.
  const tasks = [...new Set(reports.map((r) => r.task))];
  const datas = [...new Set(reports.map((r) => `${r.data.file ?? 'a file not named'} (${r.data.n} papers)`))];
  const noBest = tasks.length > 1 ? `different tasks (${tasks.join(', ')}): the same metric measures different things` : datas.length > 1 ? `different test data (${datas.join('; ')}): scores on different papers are not comparable` : null;
  const sameTask = noBest === null;
  for (const m of METRICS) {
    const values = reports.map((r) => r.summary[m.key] ?? null);
    if (values.every((v) => v === null)) continue;
    rows.push({ key: m.key, label: m.label, values, best: sameTask ? bestOf(values, m.better) : null, kind: m.kind });
  }
  const first = reports.find((r) => r.classF1 !== null);
  if (first && classes > 0) {
    for (const code of [...first.classF1!.keys()].slice(0, classes)) {
      const values = reports.map((r) => r.classF1?.get(code) ?? null);
      rows.push({ key: `f1:${code}`, label: `F1 ${code}`, values, best: sameTask ? bestOf(values, 'higher') : null, kind: 'score' });
    }
  }
  return { models: reports.map((r) => ({ name: r.name, task: r.task })), rows, noBest };
}

/** The one model with the best value; null when fewer than two have it or the best is shared. */
function bestOf(values: readonly (number | null)[], better: MetricInfo['better']): number | null {
  if (better === null || values.filter((v) => v !== null).length < 2) return null;
  let best: number | null = null;
  values.forEach((v, i) => {
    if (v === null) return;
    if (best === null || (better === 'higher' ? v > values[best]! : v < values[best]!)) best = i;
  });
  const top = best === null ? null : values[best];
  return values.filter((v) => v === top).length > 1 ? null : best;
}

const cell = (row: ComparisonRow, i: number) => (row.values[i] === null ? '-' : formatMetric(row.kind, row.values[i]!));

/** Plain-text table; the best value of each row is marked with `*`. */
export function comparisonText(c: Comparison): string {
  const header = ['metric', ...c.models.map((m) => m.name)];
  const body = c.rows.map((r) => [r.label, ...c.models.map((_, i) => cell(r, i) + (r.best === i ? '*' : ' '))]);
  const widths = header.map((h, col) => Math.max(h.length, ...body.map((r) => r[col]!.length)));
  const line = (cells: string[]) => cells.map((v, col) => (col === 0 ? v.padEnd(widths[col]!) : v.padStart(widths[col]!))).join('  ').trimEnd();
  const note = c.noBest !== null ? `${c.noBest}, so no best is marked\n` : c.rows.some((r) => r.best !== null) ? '* best of the compared models\n' : '';
  return [line(header), ...body.map(line)].join('\n') + '\n\n' + note;
}

/** Markdown table; the best value of each row is bold. */
export function comparisonMarkdown(c: Comparison): string {
  return mdTable(
    ['metric', ...c.models.map((m) => m.name)],
    c.rows.map((r) => [r.label, ...c.models.map((_, i) => cell(r, i))]),
    [false, ...c.models.map(() => true)],
    (row, col) => row >= 0 && col > 0 && c.rows[row]!.best === col - 1,
  );
}

export function comparisonCsv(c: Comparison): string {
  return csvTable(['metric', ...c.models.map((m) => m.name)], c.rows.map((r) => [r.key, ...r.values.map((v) => (v === null ? '' : v))]));
}
