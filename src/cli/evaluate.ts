import { basename } from 'node:path';
import { loadPapers } from '../corpus/load.js';
import { evaluateBackendDetailed, evaluateDetailed, type Evaluation } from '../evaluation/evaluate.js';
import { evaluateEnsemble } from '../evaluation/ensemble-evaluation.js';
import { Ensemble } from '../models/ensemble.js';
import { formatSideBySide } from './side-by-side.js';
import { buildEvaluationReport } from '../report/evaluation-report.js';
import { renderEvaluationReport } from '../report/render-evaluation.js';
import { parseCommandArgs, requireOption } from './args.js';
import { type Command } from './command.js';
import { UsageError, UserError } from '../base/errors.js';
import { BACKEND_OPTIONS, BACKEND_USAGE, backendCall, backendOptions, reportUsage, resolveBackend, resolveModel } from './model-option.js';
import { reportFormat, writeReport } from './report-option.js';
import { skipSummary } from './skip-summary.js';
import { parseFormat } from './stats.js';

export const command: Command = {
  name: 'evaluate',
  summary: 'Measure a model on labelled papers: accuracy, top-k, F1, calibration',
  usage: `Usage: arxiv-classifier evaluate [--model MODEL] --data TEST [--json] [--title-only] [--report FILE]

TEST may be in any format 'ingest' reads; its labels are canonicalised and mapped through the
model's own label scheme. Papers with a label the model never saw count as errors.

Options:
  --data FILE     labelled test papers
  --title-only    classify from titles alone
  --format F      input format; guessed from the file when absent
  --json          print one JSON object
  --report FILE   also write a full report: per-class table, confusion matrix, calibration,
                  worst confusions with example titles. Format from the file name (.html, .md,
                  .json, .csv) or --report-format. HTML is one offline file with SVG charts;
                  JSON is what 'compare' reads; CSV is the per-class table.
  --report-format F  html, md, json or csv
  --name NAME     the model's name in the report (default: the model file's base name)
  -h, --help      this help

${BACKEND_USAGE}
With --backend ensemble, each member and the ensemble are shown side by side.`,
  async run(argv) {
    const { values } = parseCommandArgs(argv, {
      ...BACKEND_OPTIONS,
      data: { type: 'string' },
      'title-only': { type: 'boolean' },
      format: { type: 'string' },
      json: { type: 'boolean' },
      report: { type: 'string' },
      'report-format': { type: 'string' },
      name: { type: 'string' },
    });
    const data = requireOption(values.data, 'data');
    const reportPath = values.report;
    const format = reportPath === undefined ? undefined : reportFormat(reportPath, values['report-format']);
    if (reportPath === undefined && values['report-format'] !== undefined) throw new UsageError('--report-format needs --report');
    const chosen = backendOptions(values);
    // A linear model file is evaluated in-process and synchronously (which also times single calls);
    // other backends through their async interface.
    const model = chosen.backend === 'linear' ? await resolveModel(chosen.model) : await resolveBackend(values);
    const { papers, report: ingest } = await loadPapers(data, { format: parseFormat(values.format) });
    if (papers.length === 0) throw new UserError(`no labelled papers in ${data} (${JSON.stringify(ingest.skipped)})`);
    const skipped = skipSummary(ingest, data);
    if (skipped) process.stderr.write(skipped + '\n');
    const titleOnly = values['title-only'] ?? false;
    if (model instanceof Ensemble) {
      const both = await backendCall(evaluateEnsemble(model, papers, { titleOnly }));
      const out = { model: 'ensemble', data, skipped: ingest.skipped, ...both.ensemble, members: both.members, weights: both.weights, combine: both.combine, temperature: both.temperature, weightSearch: both.search };
      process.stdout.write((values.json ? JSON.stringify(out, null, 2) : formatSideBySide(both)) + '\n');
      if (reportPath !== undefined && format !== undefined) {
        const name = values.name ?? 'ensemble';
        const report = buildEvaluationReport({ name, modelPath: `ensemble:${values.members ?? ''}`, info: model.info, dataPath: data, skipped: ingest.skipped, titleOnly }, both.ensemble, both.details);
        await writeReport(reportPath, renderEvaluationReport(report, format));
      }
      reportUsage(model);
      return 0;
    }
    const { summary: result, details } = 'predictProbaAsync' in model ? await backendCall(evaluateBackendDetailed(model, papers, { titleOnly })) : evaluateDetailed(model, papers, { titleOnly });
    if (reportPath !== undefined && format !== undefined) {
      const modelPath = values.model ?? 'default';
      const name = values.name ?? (values.model ? basename(values.model).replace(/\.axcm$/, '') : 'default');
      const report = buildEvaluationReport({ name, modelPath, info: model.info, dataPath: data, skipped: ingest.skipped, titleOnly }, result, details);
      await writeReport(reportPath, renderEvaluationReport(report, format));
    }
    const usage = 'usage' in model && model.usage ? { usage: model.usage() } : {};
    const out = { model: values.model ?? (model.info.backend === 'linear' ? 'default' : model.info.backend), backend: model.info.backend, data, skipped: ingest.skipped, ...result, ...usage };
    if (values.json) process.stdout.write(JSON.stringify(out, null, 2) + '\n');
    else process.stdout.write(formatEvaluation(result) + '\n');
    if ('predictProbaAsync' in model) reportUsage(model);
    return 0;
  },
};

export function formatEvaluation(e: Evaluation): string {
  const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
  if (e.task === 'multilabel') {
    return [
      `papers           ${e.n}`,
      `micro-F1         ${e.microF1.toFixed(4)}`,
      `samples-F1       ${e.samplesF1.toFixed(4)}`,
      `macro-F1         ${e.macroF1.toFixed(4)}`,
      `precision        ${e.precision.toFixed(4)}`,
      `recall           ${e.recall.toFixed(4)}`,
      `P@1              ${e.precisionAt1.toFixed(4)}`,
      `primary top-1    ${pct(e.accuracy)}`,
      `papers/s         ${e.papersPerSecond.toFixed(0)}`,
    ].join('\n');
  }
  return [
    `papers           ${e.n}${e.unseenLabel ? ` (${e.unseenLabel} with a label the model never saw)` : ''}`,
    `accuracy         ${pct(e.accuracy)}`,
    `top-5            ${pct(e.top5)}`,
    `macro-F1         ${e.macroF1.toFixed(4)}`,
    `weighted-F1      ${e.weightedF1.toFixed(4)}`,
    `in-category P@1  ${pct(e.inCategoryP1)}`,
    `group accuracy   ${pct(e.groupAccuracy)}`,
    `ECE              ${e.ece.toFixed(4)}`,
    `papers/s         ${e.papersPerSecond.toFixed(0)}`,
  ].join('\n');
}
