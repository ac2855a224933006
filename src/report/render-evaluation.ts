import { evaluationCsv } from './evaluation-csv.js';
import { evaluationHtml } from './evaluation-html.js';
import { evaluationMarkdown } from './evaluation-markdown.js';
import type { EvaluationReport } from './evaluation-report.js';

/** An evaluation report in one of the file formats `evaluate --report` writes. */
export function renderEvaluationReport(report: EvaluationReport, format: 'html' | 'md' | 'json' | 'csv'): string {
  switch (format) {
    case 'html':
      return evaluationHtml(report);
    case 'md':
      return evaluationMarkdown(report);
    case 'csv':
      return evaluationCsv(report);
    case 'json':
      return JSON.stringify(report, null, 1) + '\n';
  }
}
