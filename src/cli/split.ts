import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { InputChangedError, PART_NAMES, splitFile, type SplitRule } from '../corpus/split-file.js';
import { parseYearMonth } from '../corpus/split.js';
import { FORMAT_NAMES } from '../sources/source.js';
import { intOption, numberOption, parseCommandArgs, requireOption, threadsOption } from './args.js';
import { type Command } from './command.js';
import { fileErrorText, UsageError, UserError } from '../base/errors.js';
import { Progress } from './progress.js';
import { skipSummary } from './skip-summary.js';
import { checkReadable, parseFormat } from './stats.js';
import { columnChoice, columnOptions, columnUsage } from './column-options.js';

export const command: Command = {
  name: 'split',
  usage: `Usage: arxiv-classifier split CORPUS --out-dir DIR [--by random|time] [options]

Write DIR/train.jsonl, DIR/valid.jsonl and DIR/test.jsonl as canonical JSONL. CORPUS may be any
ingestable format; duplicate ids keep the latest version.
Memory grows with the corpus: ~50 bytes a paper (id hash, primary, month) held between two reads.

  --by random     stratified by primary category: each category is split in the given
                  proportions (a category with one paper stays in train). Seeded, deterministic.
  --by time       by submission month, taken from the arXiv id (2301.01234 → 2023-01,
                  hep-th/9901001 → 1999-01) or else the date field: papers before --before are
                  train, the rest test. Valid is the months from --valid-from up to --before when
                  given, else a random stratified --valid fraction of train. Undated papers are
                  left out and counted.

Options:
  --out-dir DIR   where to write the three files (created if needed)
  --by MODE       random (default) or time
  --test F        random: test fraction (default 0.1)
  --valid F       valid fraction (default 0.1; 0 for none)
  --seed N        random seed (default 42)
  --before YYMM   time: first month of test (YYMM, YYYYMM or YYYY-MM)
  --valid-from YYMM  time: first month of valid
  --gzip          write .jsonl.gz
  --format F      input format: auto (default: detect from the content), ${FORMAT_NAMES.join(', ')}
  --workers N     worker threads for JSON lines (default: up to 2 for large inputs; 0: none)
${columnUsage('CORPUS')}
  --json          print counts as JSON
  -h, --help      this help`,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(
      argv,
      {
        'out-dir': { type: 'string' },
        by: { type: 'string' },
        test: { type: 'string' },
        valid: { type: 'string' },
        seed: { type: 'string' },
        before: { type: 'string' },
        'valid-from': { type: 'string' },
        gzip: { type: 'boolean' },
        format: { type: 'string' },
        workers: { type: 'string' },
        json: { type: 'boolean' },
        ...columnOptions(),
      },
      true,
    );
    if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'CORPUS is required' : `expected one CORPUS, got ${positionals.length}`);
    const path = positionals[0]!;
    const outDir = requireOption(values['out-dir'], 'out-dir');
    const by = values.by ?? 'random';
    if (by !== 'random' && by !== 'time') throw new UsageError(`--by must be random or time, got "${by}"`);
    const test = fraction(values.test, 'test', 0.1);
    const valid = fraction(values.valid, 'valid', 0.1);
    const seed = intOption(values.seed, 'seed', 42);
    const format = parseFormat(values.format);
    const columns = columnChoice(values);
    const workers = values.workers === undefined ? undefined : threadsOption(values.workers, 'workers', 0);
    let before: number | undefined;
    let validFrom: number | undefined;
    if (by === 'time') {
      before = month(requireOption(values.before, 'before'), 'before');
      if (values['valid-from'] !== undefined) validFrom = month(values['valid-from'], 'valid-from');
      if (validFrom !== undefined && validFrom > before) throw new UsageError('--valid-from must not be after --before');
      if (values.test !== undefined) throw new UsageError('--test applies to --by random; --by time puts everything from --before on in test');
    } else {
      if (values.before !== undefined || values['valid-from'] !== undefined) throw new UsageError('--before and --valid-from apply to --by time');
      if (test + valid >= 1) throw new UsageError(`--test + --valid must be < 1, got ${test + valid}`);
    }
    await checkReadable(path);

    await mkdir(outDir, { recursive: true }).catch((e: unknown) => {
      throw new UserError(`cannot create ${outDir}: ${fileErrorText(e)}`);
    });
    const ext = values.gzip ? '.jsonl.gz' : '.jsonl';
    const files = { train: join(outDir, `train${ext}`), valid: join(outDir, `valid${ext}`), test: join(outDir, `test${ext}`) };
    const rule: SplitRule = by === 'time' ? { by, before: before!, ...(validFrom !== undefined ? { validFrom } : {}), valid, seed } : { by, test, valid, seed };
    const progress = new Progress('reading', undefined, { unit: 'records' });
    let result;
    try {
      result = await splitFile(path, { rule, files, ...(format ? { format } : {}), ...(columns ? { columns } : {}), ...(workers !== undefined ? { workers } : {}), progress });
    } catch (e) {
      if (e instanceof InputChangedError) throw new UserError(e.message);
      throw e;
    } finally {
      progress.done();
    }
    const { report, counts, classes, undated } = result;
    if (result.papers === 0) {
      const reasons = Object.entries(report.skipped).map(([k, v]) => `${k} ${v}`).join(', ');
      throw new UserError(`${path}: no usable records (read ${report.read}${reasons ? `, skipped: ${reasons}` : ''})`);
    }
    const skipped = skipSummary(report, path);
    if (skipped) process.stderr.write(skipped + '\n');
    if (counts.train + counts.valid + counts.test === 0) {
      throw new UserError(`${path}: none of its ${result.papers} papers has a month (an arXiv id with one, or a date), so --by time has nothing to split; nothing was written`);
    }

    const summary = {
      corpus: path,
      by,
      ...(by === 'random' ? { test, valid, seed } : { before: String(before), ...(validFrom !== undefined ? { validFrom: String(validFrom) } : { valid, seed }) }),
      ingest: { read: report.read, kept: report.kept, skipped: report.skipped },
      counts,
      classes,
      ...(undated !== undefined ? { undated } : {}),
      files,
    };
    if (values.json) {
      process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
    } else {
      process.stdout.write(`${path}: ${result.papers} papers → ${outDir}\n`);
      for (const part of PART_NAMES) {
        process.stdout.write(`  ${part.padEnd(5)} ${String(counts[part]).padStart(9)}  ${String(classes[part]).padStart(4)} primary categories  ${files[part]}\n`);
      }
      if (undated !== undefined && undated > 0) process.stdout.write(`  ${undated} papers without a month (no dated id or date) left out\n`);
    }
    return 0;
  },
};

function fraction(value: string | undefined, name: string, fallback: number): number {
  const v = numberOption(value, name, fallback);
  if (v < 0 || v >= 1) throw new UsageError(`--${name} must be in [0, 1), got ${value}`);
  return v;
}

function month(value: string, name: string): number {
  try {
    return parseYearMonth(value);
  } catch (e) {
    throw new UsageError(`--${name}: ${(e as Error).message}`);
  }
}
