import { appendFile, writeFile } from 'node:fs/promises';
import { writeFileAtomic } from '../base/atomic-file.js';
import { LABEL_TASKS, type LabelTask } from '../corpus/labels.js';
import { emptyReport } from '../corpus/canonical.js';
import { DEFAULT_SAMPLE_LIMIT, loadPaperSample } from '../evaluation/experiments/sample.js';
import { DEFAULT_SEARCH_SPACE } from '../evaluation/tuning/search-space.js';
import { tune, TUNE_METRICS, type TuneMetric } from '../evaluation/tuning/tune.js';
import { UnlabelledValidationError } from '../models/linear/train.js';
import { intOption, parseCommandArgs, parseDuration, requireOption, threadsOption } from './args.js';
import { type Command } from './command.js';
import { UsageError, UserError } from '../base/errors.js';
import { checkOutputFile } from '../base/output-path.js';
import { Progress } from './progress.js';
import { skipSummary } from './skip-summary.js';
import { parseFormat } from './stats.js';
import { columnChoice, columnOptions, columnUsage } from './column-options.js';

export const command: Command = {
  name: 'tune',
  usage: `Usage: arxiv-classifier tune --data TRAIN (--valid VALID | --folds K) --time-budget 10m [options]

Random search over the learner's settings (${DEFAULT_SEARCH_SPACE.map((s) => s.key).join(', ')}).
The first trial is the defaults. Each trial trains on TRAIN and is scored on VALID, or with
--folds K by stratified K-fold cross-validation on TRAIN (mean over folds). A trial starts only
when its estimated time fits in what is left of the budget (the budget counts from the start,
reading included; the first trial always runs). The best settings are written as a JSON file
that 'train --config' reads.

Options:
  --data FILE          training papers (repeatable; any format 'ingest' reads)
  --valid FILE         validation papers to score trials on
  --folds K            K-fold cross-validation on TRAIN instead of --valid
  --time-budget D      wall-clock budget: 90s, 10m, 1h (required)
  --trials-out FILE    JSON lines, one per finished trial (the file is started afresh)
  --out FILE           best config (default: printed on stdout)
  --task T             primary (default), multilabel or group
  --top N, --min-count N, --balance N, --include-cross-lists
                       label scheme, as for train (fixed during the search)
  --metric M           ${TUNE_METRICS.join(', ')} (default accuracy; microF1 for multilabel)
  --max-trials N       stop after N trials even if time is left
  --limit N            tune on a seeded uniform sample of at most N training papers (and
                       of validation papers); default ${DEFAULT_SAMPLE_LIMIT.toLocaleString('en')}: trials hold them in memory,
                       about 2 KB a paper
  --seed N             seed for the search, folds and training (default 1)
  --threads N          training threads (default: all cores)
  --format F           input format; guessed from the file when absent
${columnUsage('--data and --valid', 23)}
  --json               print the whole search (trials, best, config) as JSON
  -h, --help           this help`,
  async run(argv) {
    const start = performance.now();
    const { values } = parseCommandArgs(argv, {
      data: { type: 'string', multiple: true },
      valid: { type: 'string' },
      folds: { type: 'string' },
      'time-budget': { type: 'string' },
      'trials-out': { type: 'string' },
      out: { type: 'string' },
      task: { type: 'string' },
      top: { type: 'string' },
      'min-count': { type: 'string' },
      balance: { type: 'string' },
      'include-cross-lists': { type: 'boolean' },
      metric: { type: 'string' },
      'max-trials': { type: 'string' },
      limit: { type: 'string' },
      seed: { type: 'string' },
      threads: { type: 'string' },
      format: { type: 'string' },
      json: { type: 'boolean' },
      ...columnOptions(),
    });
    const data = values.data ?? [];
    if (data.length === 0) throw new UsageError('--data is required');
    const budget = parseDuration(requireOption(values['time-budget'], 'time-budget'));
    const folds = values.folds === undefined ? 0 : intOption(values.folds, 'folds', 0);
    if (values.folds !== undefined && folds < 2) throw new UsageError('--folds must be >= 2');
    if (folds === 0 && !values.valid) throw new UsageError('give --valid VALID or --folds K');
    if (folds > 0 && values.valid) throw new UsageError('--valid and --folds exclude each other');
    const task = (values.task ?? 'primary') as LabelTask;
    if (!LABEL_TASKS.includes(task)) throw new UsageError(`--task must be one of ${LABEL_TASKS.join(', ')}, got "${task}"`);
    const metric = values.metric as TuneMetric | undefined;
    if (metric !== undefined && !(TUNE_METRICS as readonly string[]).includes(metric)) throw new UsageError(`--metric must be one of ${TUNE_METRICS.join(', ')}, got "${metric}"`);
    const optionalInt = (v: string | undefined, name: string, min: number) => {
      if (v === undefined) return undefined;
      const n = intOption(v, name, 0);
      if (n < min) throw new UsageError(`--${name} must be >= ${min}`);
      return n;
    };
    const top = optionalInt(values.top, 'top', 1);
    const minCount = optionalInt(values['min-count'], 'min-count', 0);
    const balance = optionalInt(values.balance, 'balance', 1);
    const maxTrials = optionalInt(values['max-trials'], 'max-trials', 1);
    const threads = values.threads === undefined ? undefined : threadsOption(values.threads, 'threads', 1);
    const limit = optionalInt(values.limit, 'limit', 1);
    const seed = intOption(values.seed, 'seed', 1);
    const format = parseFormat(values.format);
    const columns = columnChoice(values);
    // Checked before the search, which runs for the whole budget: its result must have somewhere to go.
    if (values.out) await checkOutputFile(values.out, '--out', [...data, values.valid]);
    if (values['trials-out']) await checkOutputFile(values['trials-out'], '--trials-out', [...data, values.valid]);

    const reading = new Progress('reading');
    const read = { data: emptyReport(), valid: emptyReport() };
    const sample = await loadPaperSample(data, limit ?? DEFAULT_SAMPLE_LIMIT, seed, { format, ...(columns ? { columns } : {}), report: read.data });
    const papers = sample.papers;
    const valid = values.valid ? (await loadPaperSample([values.valid], limit ?? DEFAULT_SAMPLE_LIMIT, seed, { format, ...(columns ? { columns } : {}), report: read.valid })).papers : null;
    if (sample.offered > papers.length) process.stderr.write(`tuning on a seeded sample of ${papers.length.toLocaleString('en')} of the ${sample.offered.toLocaleString('en')} papers (--limit)\n`);
    reading.done();
    for (const line of [skipSummary(read.data, data.join(', ')), values.valid ? skipSummary(read.valid, values.valid) : null]) if (line) process.stderr.write(line + '\n');
    if (papers.length === 0) throw new UserError(`no usable papers in ${data.join(', ')}`);
    if (valid && valid.length === 0) throw new UserError(`no usable papers in ${values.valid}`);
    const left = budget - (performance.now() - start) / 1000;
    if (left <= 0) throw new UserError(`reading the data took the whole time budget (${budget} s)`);

    const trialsOut = values['trials-out'];
    if (trialsOut) await writeFile(trialsOut, '');
    const progress = new Progress('tuning');
    let result;
    try {
      result = await tune(papers, valid, {
        scheme: {
          task,
          ...(top !== undefined ? { top } : {}),
          ...(minCount !== undefined ? { minCount } : {}),
          ...(balance !== undefined ? { balance } : {}),
          ...(values['include-cross-lists'] ? { includeCrossLists: true } : {}),
        },
        seed,
        budgetSeconds: left,
        folds,
        ...(metric ? { metric } : {}),
        ...(maxTrials !== undefined ? { maxTrials } : {}),
        ...(threads !== undefined ? { threads } : {}),
        onTrial: async (t) => {
          if (trialsOut) await appendFile(trialsOut, JSON.stringify(t) + '\n');
          progress.update(t.trial, `trial ${t.trial}: ${t.score === null ? 'failed' : t.score.toFixed(4)}`);
        },
      });
    } catch (e) {
      if (e instanceof UnlabelledValidationError && values.valid) throw new UserError(`${values.valid}: ${e.message}`);
      if (e instanceof RangeError) throw new UserError(e.message);
      throw e;
    }
    progress.done();
    const configText = JSON.stringify(result.config, null, 2) + '\n';
    if (values.out) await writeFileAtomic(values.out, configText);
    const totalSeconds = (performance.now() - start) / 1000;
    if (values.json) {
      process.stdout.write(JSON.stringify({ ...result, budgetSeconds: budget, totalSeconds: Number(totalSeconds.toFixed(1)), out: values.out ?? null }, null, 2) + '\n');
    } else {
      if (!values.out) process.stdout.write(configText);
      const first = result.trials[0];
      const ok = result.trials.filter((t) => t.status === 'ok').length;
      process.stderr.write(
        `ran ${result.trials.length} trials (${ok} ok) in ${totalSeconds.toFixed(1)} s of a ${budget} s budget; stopped: ${result.stoppedBecause}` +
          (result.skippedOverBudget ? `, ${result.skippedOverBudget} draws skipped as too slow for the time left` : '') +
          '\n' +
          (result.best ? `best: trial ${result.best.trial}, ${result.metric} ${result.best.score!.toFixed(4)} (defaults: ${first?.score?.toFixed(4) ?? 'failed'})\n` : 'no trial succeeded\n') +
          (values.out ? `wrote ${values.out} (use: arxiv-classifier train --config ${values.out} ...)\n` : ''),
      );
    }
    return result.best ? 0 : 1;
  },
};
