import { loadPapers } from '../corpus/load.js';
import { evaluateClassifier, type Evaluation } from '../evaluation/evaluate.js';
import { parseCommandArgs, requireOption } from './args.js';
import { UserError, type Command } from './command.js';
import { resolveModel } from './model-option.js';
import { parseFormat } from './stats.js';

export const command: Command = {
  name: 'evaluate',
  summary: 'Measure a model on labelled papers: accuracy, top-k, F1, calibration',
  usage: `Usage: arxiv-classifier evaluate [--model MODEL] --data TEST [--json] [--title-only]

TEST may be in any format 'ingest' reads; its labels are canonicalised and mapped through the
model's own label scheme. Papers with a label the model never saw count as errors.

Options:
  --model MODEL   model file (default: the model shipped with the package)
  --data FILE     labelled test papers
  --title-only    classify from titles alone
  --format F      input format; guessed from the file when absent
  --json          print one JSON object
  -h, --help      this help`,
  async run(argv) {
    const { values } = parseCommandArgs(argv, {
      model: { type: 'string' },
      data: { type: 'string' },
      'title-only': { type: 'boolean' },
      format: { type: 'string' },
      json: { type: 'boolean' },
    });
    const data = requireOption(values.data, 'data');
    const model = await resolveModel(values.model);
    const { papers, report } = await loadPapers(data, { format: parseFormat(values.format) });
    if (papers.length === 0) throw new UserError(`no labelled papers in ${data} (${JSON.stringify(report.skipped)})`);
    const result = evaluateClassifier(model, papers, { titleOnly: values['title-only'] ?? false });
    const out = { model: values.model ?? 'default', data, skipped: report.skipped, ...result };
    if (values.json) process.stdout.write(JSON.stringify(out, null, 2) + '\n');
    else process.stdout.write(formatEvaluation(result) + '\n');
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
