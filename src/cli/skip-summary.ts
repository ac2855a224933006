import type { IngestReport } from '../corpus/canonical.js';
import type { SkipReason } from '../sources/source.js';

/**
 * One line on what reading left out and why, as ingest reports it, or null when nothing was:
 * a corpus that silently loses records (unknown codes, broken lines) trains or scores on less
 * than its owner thinks.
 */
export function skipSummary(report: IngestReport, files: string): string | null {
  const entries = (Object.entries(report.skipped) as [SkipReason, number][]).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  if (entries.length === 0) return null;
  const total = entries.reduce((s, [, n]) => s + n, 0);
  const first = entries.map(([reason]) => report.examples[reason]?.[0]).find((e) => e !== undefined);
  const example = first ? ` (first: ${first.file}${first.line > 0 ? `:${first.line}` : ''}: ${first.detail})` : '';
  return `skipped ${total} of ${report.read} records in ${files}: ${entries.map(([reason, n]) => `${reason} ${n}`).join(', ')}${example}`;
}
