import { csvTable } from './csv.js';
import type { EvaluationReport } from './evaluation-report.js';

/** The per-class report as CSV, one row per class, full precision. */
export function evaluationCsv(r: EvaluationReport): string {
  return csvTable(
    ['class', 'name', 'group', 'support', 'predicted', 'correct', 'precision', 'recall', 'f1'],
    r.details.classes.map((c) => [c.code, c.name, c.group, c.support, c.predicted, c.correct, c.precision, c.recall, c.f1]),
  );
}
