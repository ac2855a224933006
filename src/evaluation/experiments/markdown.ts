import { shortLabel } from '../metric-catalog.js';
import type { ExperimentMetric } from './preset.js';
import type { ExperimentResult } from './runner.js';

export function metricTitle(m: ExperimentMetric): string {
  return shortLabel(m);
}

function fmt(m: ExperimentMetric, v: number | undefined): string {
  if (v === undefined) return '–';
  return m === 'inferenceSeconds' ? v.toFixed(3) : v.toFixed(4);
}

function cell(s: string): string {
  return s.replace(/\|/g, '\\|');
}

/**
 * The results table: one row per variant and test set, each metric as "ours (notebook)" where the
 * notebook reported one. Rows for extra test sets (e.g. months of a time split) follow the main one.
 */
export function resultsTable(r: ExperimentResult): string {
  const head = ['variant', 'test set', 'n', ...r.metrics.map(metricTitle)];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i < 2 ? '---' : '---:')).join('|')}|`];
  for (const row of r.rows) {
    const values = r.metrics.map((m) => {
      const ours = fmt(m, row.values[m]);
      const theirs = row.reported?.[m];
      return theirs === undefined ? ours : `${ours} (${fmt(m, theirs)})`;
    });
    lines.push(`| ${[cell(row.variant), cell(row.testSet), String(row.n), ...values].join(' | ')} |`);
  }
  return lines.join('\n');
}

/** A full section for one result: what was run, the table, notes and any extras. */
export function experimentMarkdown(r: ExperimentResult, heading = '##'): string {
  const out: string[] = [];
  out.push(`${heading} ${r.preset}: ${r.title}`, '');
  const facts = [
    `${r.papers} papers in, ${r.split.train} train` + (r.split.valid ? `, ${r.split.valid} valid` : '') + `, ${r.classes} classes` + (r.split.before ? `, cut at ${r.split.before}` : ''),
    `seed ${r.seed}` + (r.threshold !== undefined ? `, threshold ${r.threshold}` : '') + `, ${r.seconds} s in all`,
  ];
  if (r.notebook) facts.push(`notebook: \`${r.notebook}\` (${r.notebookModel ?? 'see the notebook'}); its numbers in parentheses`);
  out.push(...facts.map((f) => `- ${f}`), '');
  out.push(resultsTable(r), '');
  if (r.notes.length) out.push(...r.notes.map((n) => `- ${n}`), '');
  if (r.classificationReport) {
    const cr = r.classificationReport;
    out.push('Classification report (first variant, test set):', '', '```', cr.text.trimEnd(), '```', '');
    out.push('Confusion matrix (rows true, columns predicted):', '');
    out.push(`| true \\ predicted | ${cr.labels.join(' | ')} |`, `|---|${cr.labels.map(() => '---:').join('|')}|`);
    cr.confusion.forEach((row, i) => out.push(`| ${cr.labels[i]} | ${row.join(' | ')} |`));
    out.push('');
  }
  if (r.perLabel) {
    out.push(`Per label at threshold ${r.threshold ?? 0.5} (first variant, test set), by support:`, '');
    out.push('| label | name | support | precision | recall | F1 |', '|---|---|---:|---:|---:|---:|');
    for (const l of r.perLabel) out.push(`| ${l.code} | ${cell(l.name)} | ${l.support} | ${l.precision.toFixed(3)} | ${l.recall.toFixed(3)} | ${l.f1.toFixed(3)} |`);
    out.push('');
  }
  return out.join('\n');
}
