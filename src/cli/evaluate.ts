import { formatMetric, METRIC_VIEWS, metricValue, viewMetrics } from '../evaluation/metric-catalog.js';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { emptyReport } from '../corpus/canonical.js';
import { evaluateFile, type FileEvaluation } from '../evaluation/evaluate-file.js';
import type { Evaluation } from '../evaluation/evaluate.js';
import { evaluateEnsembleFile } from '../evaluation/ensemble-evaluation.js';
import { Ensemble } from '../models/ensemble/ensemble.js';
import { modelPathFor } from '../models/load-model.js';
import { PredictPool } from '../models/predict-pool.js';
import { detectFormat } from '../sources/detect.js';
import { formatSideBySide } from './side-by-side.js';
import { columnChoice, columnOptions, columnUsage } from './column-options.js';
import { buildEvaluationReport } from '../report/evaluation-report.js';
import { renderEvaluationReport } from '../report/render-evaluation.js';
import { parseCommandArgs, requireOption, threadsOption } from './args.js';
import { PRIOR_OPTION, PRIOR_USAGE, priorOption, usablePrior } from './prior-option.js';
import { type Command } from './command.js';
import { UsageError, UserError } from '../base/errors.js';
import { checkOutputFile } from '../base/output-path.js';
import { BACKEND_OPTIONS, BACKEND_USAGE, backendCall, backendOptions, reportUsage, resolveBackend } from './model-option.js';
import { Progress } from './progress.js';
import { reportFormat, writeReport } from './report-option.js';
import { skipSummary } from './skip-summary.js';
import { parseFormat } from './stats.js';
import { defaultThreads } from '../parallel/threads.js';

/**
 * Below this much JSON lines a linear model scores in this thread unless --threads asks otherwise:
 * starting threads, each loading the model, costs about what scoring this much does.
 */
const POOL_MIN_BYTES = 32 << 20;

export const command: Command = {
  name: 'evaluate',
  usage: `Usage: arxiv-classifier evaluate [--model MODEL] --data TEST [--json] [--title-only] [--report FILE]

TEST may be in any format 'ingest' reads; its labels are canonicalised and mapped through the
model's own label scheme. Papers with a label the model never saw count as errors. Records that
cannot be read are counted and reported (file:line), never fatal.

TEST is streamed: memory does not grow with its size, except for a 64-bit hash of each paper id
(about 20 bytes a paper: 60 MB for 2.7 million), kept to leave out later records of an id already
scored. The first record of an id counts ('ingest' keeps the highest version instead); the others
are reported as duplicates. A report keeps at most 3 example titles for each pair of classes confused.

Options:
  --data FILE     labelled test papers
  --title-only    classify from titles alone
${PRIOR_USAGE}
  --format F      input format; guessed from the file when absent
${columnUsage('TEST')}
  --json          print one JSON object
  --report FILE   also write a full report: per-class table, confusion matrix, calibration,
                  worst confusions with example titles. Format from the file name (.html, .md,
                  .json, .csv) or --report-format. HTML is one offline file with SVG charts;
                  JSON is what 'compare' reads; CSV is the per-class table.
  --report-format F  html, md, json or csv
  --name NAME     the model's name in the report (default: the model file's base name)
  -h, --help      this help

${BACKEND_USAGE}
With a linear model, JSON lines over 32 MB are read and scored on --threads threads (default: all
cores, at most 8; 1 scores in this thread); papers/s then counts the whole pass, reading included.
With --backend ensemble, each member and the ensemble are shown side by side.`,
  async run(argv) {
    const { values } = parseCommandArgs(argv, {
      ...BACKEND_OPTIONS,
      data: { type: 'string' },
      'title-only': { type: 'boolean' },
      ...PRIOR_OPTION,
      format: { type: 'string' },
      json: { type: 'boolean' },
      report: { type: 'string' },
      'report-format': { type: 'string' },
      name: { type: 'string' },
      ...columnOptions(),
    });
    const data = requireOption(values.data, 'data');
    const reportPath = values.report;
    const format = reportPath === undefined ? undefined : reportFormat(reportPath, values['report-format']);
    if (reportPath === undefined && values['report-format'] !== undefined) throw new UsageError('--report-format needs --report');
    // Before the papers are scored, which takes minutes on the full snapshot: the report must have somewhere to go.
    if (reportPath !== undefined) await checkOutputFile(reportPath, '--report', [data]);
    const chosen = backendOptions(values);
    const threads = values.threads === undefined ? undefined : threadsOption(values.threads, 'threads', 1);
    const model = await resolveBackend(values);
    const ingest = emptyReport();
    const titleOnly = values['title-only'] ?? false;
    const progress = new Progress('evaluating');
    const prior = priorOption(values.prior);
    if (prior !== undefined) usablePrior(model, prior);
    const columns = columnChoice(values);
    const options = { format: parseFormat(values.format), report: ingest, titleOnly, prior, ...(columns ? { columns } : {}), onProgress: (n: number) => progress.update(n) };
    const checked = () => {
      progress.done();
      if (ingest.kept <= 0) throw new UserError(`no labelled papers in ${data} (${JSON.stringify(ingest.skipped)})`);
      const skipped = skipSummary(ingest, data);
      if (skipped) process.stderr.write(skipped + '\n');
    };
    if (model instanceof Ensemble) {
      const both = await backendCall(evaluateEnsembleFile(model, data, options));
      checked();
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
    const pool = chosen.backend === 'linear' && (await wantsPool(data, options.format, threads)) ? await backendCall(PredictPool.open(modelPathFor(chosen.model)!, threads ?? defaultThreads())) : undefined;
    let evaluated: FileEvaluation;
    try {
      evaluated = await backendCall(evaluateFile(model, data, { ...options, ...(pool ? { pool } : {}) }));
    } finally {
      await pool?.close();
    }
    checked();
    const { summary: result, details } = evaluated;
    if (reportPath !== undefined && format !== undefined) {
      const modelPath = values.model ?? 'default';
      const name = values.name ?? (values.model ? basename(values.model).replace(/\.axcm$/, '') : 'default');
      const report = buildEvaluationReport({ name, modelPath, info: model.info, dataPath: data, skipped: ingest.skipped, titleOnly }, result, details);
      await writeReport(reportPath, renderEvaluationReport(report, format));
    }
    const usage = model.usage ? { usage: model.usage() } : {};
    const out = { model: values.model ?? (model.info.backend === 'linear' ? 'default' : model.info.backend), backend: model.info.backend, data, skipped: ingest.skipped, ...result, ...usage };
    if (values.json) process.stdout.write(JSON.stringify(out, null, 2) + '\n');
    else process.stdout.write(formatEvaluation(result) + '\n');
    reportUsage(model);
    return 0;
  },
};

/** Threads pay for a JSON-lines file when asked for, or by default when it is big. */
async function wantsPool(data: string, format: ReturnType<typeof parseFormat>, threads: number | undefined): Promise<boolean> {
  if (threads === 1) return false;
  if ((format ?? (await detectFormat(data))) !== 'jsonl') return false;
  if (threads !== undefined) return true;
  return (await stat(data)).size >= POOL_MIN_BYTES && defaultThreads() > 1;
}

export function formatEvaluation(e: Evaluation): string {
  const unseen = e.task !== 'multilabel' && e.unseenLabel ? ` (${e.unseenLabel} with a label the model never saw)` : '';
  const lines = [`${'papers'.padEnd(17)}${e.n}${unseen}`];
  for (const m of viewMetrics(e.task === 'multilabel' ? METRIC_VIEWS.textMultiLabel : METRIC_VIEWS.text)) {
    const v = metricValue(e, m.key);
    if (v !== undefined) lines.push(`${m.viewLabel.padEnd(17)}${formatMetric(m.kind, v)}`);
  }
  return lines.join('\n');
}
