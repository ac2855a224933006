import { barChart } from './charts/bar-chart.js';
import { heatmap } from './charts/heatmap.js';
import { reliabilityDiagram } from './charts/reliability-diagram.js';
import { OTHER_ROW } from '../evaluation/evaluate.js';
import type { EvaluationReport } from './evaluation-report.js';

/** The charts of an evaluation report, as standalone SVG documents (null where not applicable). */
export interface EvaluationCharts {
  classF1: string;
  confusion: string | null;
  reliability: string | null;
}

/** Classes in the F1 bar chart: the best supported ones, so the chart stays readable. */
export const F1_BARS = 40;

export function evaluationCharts(r: EvaluationReport): EvaluationCharts {
  const rows = r.details.classes.filter((c) => c.support > 0).slice(0, F1_BARS);
  const classF1 = barChart({
    title: `F1 per class (${rows.length} largest classes by test support)`,
    bars: rows.map((c) => ({ label: c.code, value: c.f1, tooltip: `${c.code} ${c.name}: F1 ${c.f1.toFixed(3)}, P ${c.precision.toFixed(3)}, R ${c.recall.toFixed(3)}, support ${c.support}` })),
    valueLabel: 'F1',
    categoryLabel: 'class (by support)',
    max: 1,
    format: (v) => v.toFixed(2),
  });
  const cm = r.details.confusion;
  const confusion = cm
    ? heatmap({
        title: `Confusion matrix, ${cm.labels.filter((l) => l !== OTHER_ROW).length} largest classes (% of each true class)`,
        rowLabels: cm.labels,
        columnLabels: cm.labels,
        counts: cm.counts,
        rowTitle: 'true class',
        columnTitle: 'predicted class',
      })
    : null;
  const ece = (r.summary as { ece?: number }).ece;
  const reliability = r.details.reliability
    ? reliabilityDiagram({ title: 'Reliability diagram', bins: r.details.reliability, ...(ece !== undefined ? { note: `ECE ${ece.toFixed(4)}` } : {}) })
    : null;
  return { classF1, confusion, reliability };
}
