import { stat } from 'node:fs/promises';
import { emptyReport, type IngestReport } from '../corpus/canonical.js';
import { streamPapers } from '../corpus/stream-papers.js';
import { computeStats, type CorpusStats, type LengthStats } from '../corpus/stats.js';
import { FORMAT_NAMES, type FormatName } from '../sources/source.js';
import { groupName } from '../taxonomy/taxonomy.js';
import { intOption, parseCommandArgs } from './args.js';
import { type Command } from './command.js';
import { fileErrorText, UsageError, UserError } from '../base/errors.js';
import { checkOutputFile } from '../base/output-path.js';
import { notAFileError } from '../sources/open.js';
import { renderStatsReport } from '../report/stats-report.js';
import { Progress } from './progress.js';
import { reportFormat, writeReport } from './report-option.js';
import { columnChoice, columnOptions, columnUsage } from './column-options.js';

export const command: Command = {
  name: 'stats',
  usage: `Usage: arxiv-classifier stats CORPUS [--json] [--top N] [--format F] [--report FILE]

Read a corpus in any ingestable format in one streaming pass and describe it: records, distinct
categories, papers per group, categories per paper, title and abstract lengths (percentiles),
date range and the most frequent categories. Records are counted as read (no deduplication).
Memory does not grow with the corpus: only counters and fixed-size histograms are kept.

Options:
  --json          machine-readable output
  --top N         rows in the category table (default 20; 0 for all)
  --format F      input format: auto (default: detect from the content), ${FORMAT_NAMES.join(', ')}
${columnUsage('CORPUS')}
  --report FILE   also write a report with charts (category frequencies, categories per paper,
                  length and month histograms) and every category. Format from the file name
                  (.html, .md, .json, .csv) or --report-format; HTML is one offline file.
  --report-format F  html, md, json or csv
  -h, --help      this help`,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(
      argv,
      { json: { type: 'boolean' }, top: { type: 'string' }, format: { type: 'string' }, report: { type: 'string' }, 'report-format': { type: 'string' }, ...columnOptions() },
      true,
    );
    if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'CORPUS is required' : `expected one CORPUS, got ${positionals.length}`);
    const path = positionals[0]!;
    const top = intOption(values.top, 'top', 20);
    if (top < 0) throw new UsageError(`--top must be >= 0, got ${top}`);
    const format = parseFormat(values.format);
    const columns = columnChoice(values);
    const reportPath = values.report;
    if (reportPath === undefined && values['report-format'] !== undefined) throw new UsageError('--report-format needs --report');
    const outFormat = reportPath === undefined ? undefined : reportFormat(reportPath, values['report-format']);
    // Before the corpus is read, which takes minutes on the full snapshot: the report must have somewhere to go.
    if (reportPath !== undefined) await checkOutputFile(reportPath, '--report', [path]);
    await checkReadable(path);

    const report = emptyReport();
    const progress = new Progress('reading', undefined, { unit: 'records' });
    const papers = streamPapers(path, { ...(format ? { format } : {}), ...(columns ? { columns } : {}), report, onProgress: (n, fraction) => progress.update(n, '', fraction) });
    // A report lists every category; what is printed keeps its --top rows.
    const full = await computeStats(papers, reportPath === undefined && top > 0 ? { top } : { distributions: reportPath !== undefined });
    progress.done();
    if (full.records === 0) throw new UserError(`${path}: no usable records (${describeReport(report)})`);
    if (reportPath !== undefined && outFormat !== undefined) await writeReport(reportPath, renderStatsReport(path, full, outFormat));
    const { distributions: _, ...printed } = full;
    const stats: CorpusStats = top > 0 ? { ...printed, top: printed.top.slice(0, top) } : printed;

    if (values.json) {
      process.stdout.write(JSON.stringify({ corpus: path, ingest: ingestSummary(report), ...stats }, null, 2) + '\n');
      return 0;
    }
    process.stdout.write(formatStats(path, stats, report));
    return 0;
  },
};

/** A --format value: undefined for auto (detect from the content, the default), as ingest takes it. */
export function parseFormat(value: string | undefined): FormatName | undefined {
  if (value === undefined || value === 'auto') return undefined;
  if (!(FORMAT_NAMES as readonly string[]).includes(value)) throw new UsageError(`--format must be auto or one of ${FORMAT_NAMES.join(', ')}, got "${value}"`);
  return value as FormatName;
}

export async function checkReadable(path: string): Promise<void> {
  let info;
  try {
    info = await stat(path);
  } catch (e) {
    throw new UserError(`cannot read ${path}: ${fileErrorText(e)}`);
  }
  if (info.isDirectory()) throw new UserError(`cannot read ${path}: not a file`);
  if (!info.isFile()) throw notAFileError(path);
}

function ingestSummary(r: IngestReport) {
  return { read: r.read, kept: r.kept, skipped: r.skipped };
}

function describeReport(r: IngestReport): string {
  const skipped = Object.entries(r.skipped).map(([k, v]) => `${k} ${v}`);
  return `read ${r.read}, kept ${r.kept}${skipped.length ? `, skipped: ${skipped.join(', ')}` : ''}`;
}

function pct(n: number, total: number): string {
  return total === 0 ? '0.0%' : `${((100 * n) / total).toFixed(1)}%`;
}

function table(rows: string[][], alignRight: boolean[]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => '  ' + r.map((cell, c) => (alignRight[c] ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  ').trimEnd()).join('\n') + '\n';
}

/** The readable report printed without --json. */
export function formatStats(path: string, s: CorpusStats, report: IngestReport): string {
  const out: string[] = [];
  out.push(`${path}: ${s.records} records (${describeReport(report)})\n`);
  out.push(`categories: ${s.distinctPrimary} distinct primary, ${s.distinctCategories} with cross-lists; ${s.meanCategories.toFixed(2)} per paper, ${pct(Math.round(s.multiLabelShare * s.records), s.records)} multi-label\n`);
  out.push('\npapers per group (primary):\n');
  const groups = Object.entries(s.groups).sort((a, b) => b[1] - a[1]);
  out.push(table(groups.map(([g, n]) => [g, groupName(g as keyof CorpusStats['groups']), String(n), pct(n, s.records)]), [false, false, true, true]));
  out.push('\ncategories per paper:\n');
  out.push(table(s.categoriesPerPaper.map((r) => [String(r.categories), String(r.papers), pct(r.papers, s.records)]), [true, true, true]));
  out.push('\nlengths:\n');
  const l = (name: string, v: LengthStats) => [name, ...[v.p5, v.p25, v.p50, v.p75, v.p95, v.max, v.mean].map(String)];
  out.push(
    table(
      [
        ['', 'p5', 'p25', 'p50', 'p75', 'p95', 'max', 'mean'],
        l('title words', s.lengths.title.words),
        l('title chars', s.lengths.title.chars),
        l('abstract words', s.lengths.abstract.words),
        l('abstract chars', s.lengths.abstract.chars),
      ],
      [false, true, true, true, true, true, true, true],
    ),
  );
  out.push(`\ndates: ${s.dates.min ?? '-'} .. ${s.dates.max ?? '-'} (${s.dates.missing} without a date)\n`);
  out.push(`months from ids: ${s.months.min ?? '-'} .. ${s.months.max ?? '-'} (${s.months.missing} without)\n`);
  out.push(`\ntop ${s.top.length} categories:\n`);
  out.push(table([['code', 'name', 'primary', 'all'], ...s.top.map((r) => [r.code, r.name, String(r.primary), String(r.all)])], [false, false, true, true]));
  return out.join('');
}
