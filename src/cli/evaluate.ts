import { loadPapers } from '../corpus/load.js';
import { evaluateBackend, type Evaluation } from '../evaluation/evaluate.js';
import { evaluateEnsemble } from '../evaluation/ensemble-evaluation.js';
import { Ensemble } from '../models/ensemble.js';
import { formatSideBySide } from './side-by-side.js';
import { parseCommandArgs, requireOption } from './args.js';
import { UserError, type Command } from './command.js';
import { BACKEND_OPTIONS, BACKEND_USAGE, backendCall, reportUsage, resolveBackend } from './model-option.js';
import { parseFormat } from './stats.js';

export const command: Command = {
  name: 'evaluate',
  summary: 'Measure a model on labelled papers: accuracy, top-k, F1, calibration',
  usage: `Usage: arxiv-classifier evaluate [--model MODEL] --data TEST [--json] [--title-only]

TEST may be in any format 'ingest' reads; its labels are canonicalised and mapped through the
model's own label scheme. Papers with a label the model never saw count as errors.

Options:
  --data FILE     labelled test papers
  --title-only    classify from titles alone
  --format F      input format; guessed from the file when absent
  --json          print one JSON object
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
    });
    const data = requireOption(values.data, 'data');
    const model = await resolveBackend(values);
    const { papers, report } = await loadPapers(data, { format: parseFormat(values.format) });
    if (papers.length === 0) throw new UserError(`no labelled papers in ${data} (${JSON.stringify(report.skipped)})`);
    const evalOptions = { titleOnly: values['title-only'] ?? false };
    if (model instanceof Ensemble) {
      const both = await backendCall(evaluateEnsemble(model, papers, evalOptions));
      const out = { model: 'ensemble', data, skipped: report.skipped, ...both.ensemble, members: both.members, weights: both.weights, weightSearch: both.search };
      process.stdout.write((values.json ? JSON.stringify(out, null, 2) : formatSideBySide(both)) + '\n');
      reportUsage(model);
      return 0;
    }
    const result = await backendCall(evaluateBackend(model, papers, evalOptions));
    const out = { model: values.model ?? (model.info.backend === 'linear' ? 'default' : model.info.backend), backend: model.info.backend, data, skipped: report.skipped, ...result, ...(model.usage ? { usage: model.usage() } : {}) };
    if (values.json) process.stdout.write(JSON.stringify(out, null, 2) + '\n');
    else process.stdout.write(formatEvaluation(result) + '\n');
    reportUsage(model);
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
