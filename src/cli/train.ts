import { access, constants, stat } from 'node:fs/promises';
import { emptyReport } from '../corpus/canonical.js';
import { NoPapersError, TrainingCacheError, trainLinear, UnlabelledValidationError } from '../models/linear/train.js';
import { DEFAULT_TRAIN_OPTIONS, type TrainOptions } from '../models/linear/train-settings.js';
import { DEFAULT_SAMPLE_LIMIT, loadPaperSample } from '../evaluation/experiments/sample.js';
import { intOption, parseCommandArgs, parseDuration, requireOption } from './args.js';
import { type Command } from './command.js';
import { UsageError, UserError } from '../base/errors.js';
import { checkOutputFile } from '../base/output-path.js';
import { Progress } from './progress.js';
import { skipSummary } from './skip-summary.js';
import { readTrainConfig, settingFlags, settingsByFlag, settingsHelp, trainOptionsFrom } from './train-options.js';
import { splitRandom } from '../corpus/split.js';
import { DEFAULT_SEARCH_SPACE } from '../evaluation/tuning/search-space.js';
import { tune, type TuneResult } from '../evaluation/tuning/tune.js';
import { parseFormat } from './stats.js';
import { columnChoice, columnOptions, columnUsage } from './column-options.js';
import type { ReadOptions } from '../corpus/load.js';

const d = DEFAULT_TRAIN_OPTIONS;

/** Validation papers the --time-budget search scores on at most (a seeded sample of --valid). */
const SEARCH_VALID_SAMPLE = 50_000;


export const command: Command = {
  name: 'train',
  usage: `Usage: arxiv-classifier train --data TRAIN --task primary|multilabel|group --out MODEL [options]

Train a linear model over TF-IDF word n-grams (multinomial logistic regression for primary and
group, one-vs-rest for multilabel) with SGD on all cores. TRAIN may be any format 'ingest' reads.
TRAIN is read once, as a stream: papers' terms and feature rows go to a disk cache, and memory
holds the weights, a window of rows per thread and about 70 bytes per paper (labels, month, id),
so all of arXiv (2.7M papers) trains in under 3 GB. --time-budget searches on a sample of at most
${DEFAULT_SAMPLE_LIMIT.toLocaleString('en')} papers, then trains on all of TRAIN.

Options:
  --data FILE          training papers (repeatable)
  --valid FILE         validation papers for early stopping and calibration
                       (default: a stratified ${d.validFraction} of TRAIN)
  --out MODEL          model file to write
${settingsHelp()}
  --config FILE        JSON file of options (keys as in TrainOptions); flags override it
  --time-budget D      first search the settings that matter (random search, the defaults
                       first) for at most D (90s, 10m, 1h), scored on --valid or on a held-out
                       10% of TRAIN, then train with the best; settings given by flag or
                       --config are kept in every trial, not searched; see also 'tune'
  --quantize           write int8 weights (about 4x smaller)
  --quantized-out FILE also write an int8 copy of the model here
  --prune N            saved files keep only the N features that move scores most
  --format F           input format; guessed from the file when absent
${columnUsage("TRAIN and --valid", 23)}
  --cache-dir DIR      folder for the disk cache of counted terms and feature rows (default
                       the system's temporary folder; about 4.5 KB a paper at its peak, 12 GB
                       for 2.7M papers; removed at the end)
  --json               print the training report as JSON
  -h, --help           this help`,
  async run(argv) {
    const { values } = parseCommandArgs(argv, {
      data: { type: 'string', multiple: true },
      valid: { type: 'string' },
      out: { type: 'string' },
      ...settingFlags(),
      config: { type: 'string' },
      'time-budget': { type: 'string' },
      quantize: { type: 'boolean' },
      'quantized-out': { type: 'string' },
      prune: { type: 'string' },
      format: { type: 'string' },
      ...columnOptions(),
      'cache-dir': { type: 'string' },
      json: { type: 'boolean' },
    });
    const data = values.data ?? [];
    if (data.length === 0) throw new UsageError('--data is required');
    const out = requireOption(values.out, 'out');
    const config = values.config ? await readTrainConfig(values.config) : {};
    const { options, threads } = trainOptionsFrom(values, config);
    const task = options.task;
    const prune = values.prune === undefined ? undefined : intOption(values.prune, 'prune', 0);
    if (prune !== undefined && prune < 1) throw new UsageError('--prune must be >= 1');
    const budget = values['time-budget'] === undefined ? undefined : parseDuration(values['time-budget']);
    // Before reading and training, which may take long: what they make must have somewhere to go.
    await checkOutputFile(out, '--out', [...data, values.valid]);
    if (values['quantized-out']) await checkOutputFile(values['quantized-out'], '--quantized-out', [...data, values.valid]);

    const format = parseFormat(values.format);
    const columns = columnChoice(values);
    const read: Pick<ReadOptions, 'format' | 'columns'> = { ...(format ? { format } : {}), ...(columns ? { columns } : {}) };
    const cacheDir = values['cache-dir'];
    if (cacheDir !== undefined) await checkCacheDir(cacheDir);
    const readReport = emptyReport();
    const validReport = emptyReport();
    let tuning: TuneResult | null = null;
    if (budget !== undefined) {
      // What the user set, by flag or in --config, is not searched: every trial trains with it, so
      // the score the search reports is the score of the model that will be trained.
      const chosen = new Set<string>([...settingsByFlag(values), ...Object.keys(config)]);
      tuning = await searchSettings(data, values.valid, read, options, threads, chosen, budget);
      Object.assign(options, tuning.config);
    }
    const progress = new Progress('reading', undefined, { unit: 'papers' });
    let phase = 'reading';
    let result;
    try {
      result = await trainLinear(
        { files: data, ...read, report: readReport },
        values.valid ? { files: [values.valid], ...read, report: validReport } : null,
        options,
        (p) => {
          const name = p.phase === 'epoch' ? 'training' : p.phase === 'features' ? 'vocabulary and features' : p.phase;
          if (name !== phase) {
            progress.phase(name, p.total);
            phase = name;
          }
          if (p.phase === 'reading') progress.update(p.papers!);
          else if (p.phase === 'epoch') progress.update(p.papers!, `epoch ${p.epoch} of ${p.of}${p.loss !== undefined ? `: loss ${p.loss.toFixed(4)}, valid loss ${p.validLoss!.toFixed(4)}, valid accuracy ${p.validAccuracy!.toFixed(4)}` : ''}`);
          else progress.update(0);
        },
        { threads, cacheDir },
      );
    } catch (e) {
      if (e instanceof NoPapersError) {
        const [report, files] = e.which === 'valid' ? [validReport, values.valid!] : [readReport, data.join(', ')];
        const skipped = skipSummary(report, files);
        throw new UserError(`${e.which === 'valid' ? `${files}: no usable validation papers` : `no usable papers in ${files}`}${skipped ? `: ${skipped}` : ''}`);
      }
      if (e instanceof UnlabelledValidationError) throw new UserError(`${values.valid}: ${e.message}`);
      if (e instanceof RangeError || e instanceof TrainingCacheError) throw new UserError(e.message);
      throw e;
    } finally {
      progress.done();
    }
    for (const [report, files] of [[readReport, data.join(', ')], [values.valid ? validReport : null, values.valid]] as const) {
      const line = report && files ? skipSummary(report, files) : null;
      if (line) process.stderr.write(line + '\n');
    }
    const { report } = result;
    // Pruning changes the scores: the temperature (and thresholds) are fitted again on the same held-out papers.
    const model = prune ? result.model.pruned(prune).recalibrated(result.validation) : result.model;
    await model.save(out, { quantize: values.quantize ?? false });
    if (values['quantized-out']) await model.save(values['quantized-out'], { quantize: true });
    // maxRSS covers the whole process, worker threads included (kilobytes on Linux).
    const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
    const summary = {
      out,
      task,
      skipped: readReport.skipped,
      ...report,
      // What was saved: with --prune, fewer features and a temperature fitted again.
      features: model.vocab.size,
      temperature: model.spec.temperature,
      validation: model.info.validation,
      peakRssMb,
      ...(tuning ? { tuning: { trials: tuning.trials.length, best: tuning.best, metric: tuning.metric, searchSeconds: tuning.elapsedSeconds, stoppedBecause: tuning.stoppedBecause } } : {}),
    };
    if (values.json) process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
    else {
      const last = report.epochs[report.epochs.length - 1];
      process.stderr.write(
        `trained ${task} model on ${report.papers} papers (${report.classes} classes, ${summary.features} features) in ${report.seconds.toFixed(1)}s\n` +
          (report.validPapers > 0
            ? `validation: ${report.validPapers} papers, accuracy ${(model.info.validation.accuracy ?? 0).toFixed(4)}, log-loss ${(model.info.validation.logLoss ?? 0).toFixed(4)} (kept epoch ${report.bestEpoch} of ${last?.epoch}), temperature ${summary.temperature.toFixed(3)}\n`
            : `validation: none (too few papers to hold any out): no early stopping, probabilities not calibrated; give --valid\n`) +
          (summary.features === 0 ? `warning: the model has no features (no term is in --min-df papers): it answers every paper with the base rates\n` : '') +
          ('skipped' in report.priorShift
            ? `class prior: all of TRAIN (${report.priorShift.skipped})\n`
            : `class prior: the newest months, ${formatMonth(report.priorShift.from)} to ${formatMonth(report.priorShift.to)} (${report.priorShift.papers} papers)\n`) +
          (report.thinClasses.length ? `warning: ${report.thinClasses.length} classes have fewer than 2 training papers: ${report.thinClasses.slice(0, 10).join(', ')}\n` : '') +
          `wrote ${out}\n`,
      );
    }
    return 0;
  },
};

function formatMonth(yyyymm: number): string {
  return `${Math.floor(yyyymm / 100)}-${String(yyyymm % 100).padStart(2, '0')}`;
}

/** `--time-budget`: random search on a validation set (the given one, or 10% held out of TRAIN). */
async function searchSettings(data: readonly string[], validPath: string | undefined, read: Pick<ReadOptions, 'format' | 'columns'>, options: TrainOptions, threads: number, chosen: ReadonlySet<string>, budgetSeconds: number): Promise<TuneResult> {
  const space = DEFAULT_SEARCH_SPACE.filter((p) => !chosen.has(p.key));
  if (space.length === 0) throw new UsageError(`--time-budget has nothing to search: ${DEFAULT_SEARCH_SPACE.map((p) => p.key).join(', ')} are all given`);
  const { papers } = await loadPaperSample(data, DEFAULT_SAMPLE_LIMIT, options.seed, read);
  if (papers.length === 0) throw new UserError(`no usable papers in ${data.join(', ')}`);
  const valid = validPath ? (await loadPaperSample([validPath], SEARCH_VALID_SAMPLE, options.seed, read)).papers : null;
  const held = valid && valid.length > 0 ? { train: papers, valid } : (() => {
    const s = splitRandom(papers, { test: 0, valid: 0.1, seed: options.seed });
    return { train: s.train, valid: s.valid };
  })();
  const bar = new Progress('tuning');
  try {
    return await tune(held.train, held.valid, {
      scheme: { task: options.task, top: options.top, minCount: options.minCount, balance: options.balance, includeCrossLists: options.includeCrossLists },
      seed: options.seed,
      threads,
      fixed: Object.fromEntries(Object.entries(options).filter(([k]) => chosen.has(k) || !DEFAULT_SEARCH_SPACE.some((p) => p.key === k))),
      space,
      budgetSeconds,
      onTrial: (t) => bar.update(t.trial, `trial ${t.trial}: ${t.metric} ${t.score === null ? 'failed' : t.score.toFixed(4)}`),
    });
  } catch (e) {
    if (e instanceof UnlabelledValidationError && validPath) throw new UserError(`${validPath}: ${e.message}`);
    if (e instanceof RangeError) throw new UserError(e.message);
    throw e;
  } finally {
    bar.done();
  }
}

/** The cache folder must exist and take writes before a long read begins. */
async function checkCacheDir(dir: string): Promise<void> {
  try {
    const s = await stat(dir);
    if (!s.isDirectory()) throw new UserError(`--cache-dir ${dir}: not a folder`);
    await access(dir, constants.W_OK);
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(`--cache-dir ${dir}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such folder' : 'cannot write there'}`);
  }
}
