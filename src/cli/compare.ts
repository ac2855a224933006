import { readFile } from 'node:fs/promises';
import { compareReports, comparisonCsv, comparisonMarkdown, comparisonText } from '../report/comparison.js';
import { parseComparableReport, type ComparableReport } from '../report/evaluation-report.js';
import { intOption, parseCommandArgs } from './args.js';
import { type Command } from './command.js';
import { fileErrorText, UsageError, UserError } from '../base/errors.js';

export const command: Command = {
  name: 'compare',
  usage: `Usage: arxiv-classifier compare REPORT.json... [--format text|md|csv] [--json] [--classes N]

Each REPORT is a file written by 'evaluate --report X.json' (or the output of 'evaluate --json').
Prints one row per metric and one column per report; the best value of each row is marked
(* in text, bold in Markdown).

Options:
  --format F      text (default), md or csv
  --json          print the comparison as JSON
  --classes N     also compare per-class F1 for the N largest classes of the first report
  --names A,B,..  column names (default: each report's model name)
  -h, --help      this help`,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(
      argv,
      { format: { type: 'string' }, json: { type: 'boolean' }, classes: { type: 'string' }, names: { type: 'string' } },
      true,
    );
    if (positionals.length === 0) throw new UsageError('at least one REPORT is required');
    const format = values.format ?? 'text';
    if (format !== 'text' && format !== 'md' && format !== 'csv') throw new UsageError(`--format must be text, md or csv, got "${format}"`);
    if (values.json && values.format !== undefined) throw new UsageError('--json and --format are exclusive');
    const classes = intOption(values.classes, 'classes', 0);
    if (classes < 0) throw new UsageError(`--classes must be >= 0, got ${classes}`);
    const names = values.names?.split(',');
    if (names && names.length !== positionals.length) throw new UsageError(`--names has ${names.length} names for ${positionals.length} reports`);

    const reports: ComparableReport[] = [];
    for (const [i, file] of positionals.entries()) {
      let content: string;
      try {
        content = await readFile(file, 'utf8');
      } catch (e) {
        throw new UserError(`cannot read ${file}: ${fileErrorText(e)}`);
      }
      let r: ComparableReport;
      try {
        r = parseComparableReport(content, file);
      } catch (e) {
        throw new UserError((e as Error).message);
      }
      reports.push(names ? { ...r, name: names[i]! } : r);
    }
    const c = compareReports(reports, classes);
    if (values.json) process.stdout.write(JSON.stringify(c, null, 2) + '\n');
    else process.stdout.write(format === 'md' ? comparisonMarkdown(c) : format === 'csv' ? comparisonCsv(c) : comparisonText(c));
    return 0;
  },
};
