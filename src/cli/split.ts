import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { CorpusWriter } from '../corpus/corpus-file.js';
import { loadPapers } from '../corpus/load.js';
import type { PaperRecord } from '../corpus/record.js';
import { parseYearMonth, splitRandom, splitTime, type Split } from '../corpus/split.js';
import { FORMAT_NAMES } from '../sources/source.js';
import { intOption, numberOption, parseCommandArgs, requireOption } from './args.js';
import { UsageError, UserError, type Command } from './command.js';
import { Progress } from './progress.js';
import { checkReadable, parseFormat } from './stats.js';

export const command: Command = {
  name: 'split',
  summary: 'Split a corpus into train, valid and test files (random stratified or by time)',
  usage: `Usage: arxiv-classifier split CORPUS --out-dir DIR [--by random|time] [options]

Write DIR/train.jsonl, DIR/valid.jsonl and DIR/test.jsonl as canonical JSONL. CORPUS may be any
ingestable format; duplicate ids keep the latest version.

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
        json: { type: 'boolean' },
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

    const progress = new Progress('loading');
    const { papers, report } = await loadPapers(path, { ...(format ? { format } : {}), onProgress: (n) => progress.update(n, 'records') });
    progress.done();
    if (papers.length === 0) {
      const skipped = Object.entries(report.skipped).map(([k, v]) => `${k} ${v}`).join(', ');
      throw new UserError(`${path}: no usable records (read ${report.read}${skipped ? `, skipped: ${skipped}` : ''})`);
    }
    let split: Split;
    let undated: number | undefined;
    if (by === 'time') {
      const t = splitTime(papers, { before: before!, ...(validFrom !== undefined ? { validFrom } : { valid }), seed });
      split = t;
      undated = t.undated;
    } else {
      split = splitRandom(papers, { test, valid, seed });
    }

    await mkdir(outDir, { recursive: true }).catch((e: Error) => {
      throw new UserError(`cannot create ${outDir}: ${e.message}`);
    });
    const ext = values.gzip ? '.jsonl.gz' : '.jsonl';
    const files = { train: join(outDir, `train${ext}`), valid: join(outDir, `valid${ext}`), test: join(outDir, `test${ext}`) };
    for (const part of ['train', 'valid', 'test'] as const) await writeCorpus(files[part], split[part]);

    const counts = { train: split.train.length, valid: split.valid.length, test: split.test.length };
    const classes = { train: distinctPrimary(split.train), valid: distinctPrimary(split.valid), test: distinctPrimary(split.test) };
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
      process.stdout.write(`${path}: ${papers.length} papers → ${outDir}\n`);
      for (const part of ['train', 'valid', 'test'] as const) {
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

function distinctPrimary(papers: readonly PaperRecord[]): number {
  return new Set(papers.map((p) => p.primary)).size;
}

async function writeCorpus(path: string, papers: readonly PaperRecord[]): Promise<void> {
  const w = new CorpusWriter(path);
  try {
    for (const p of papers) await w.write(p);
    await w.close();
  } catch (e) {
    await w.abort();
    throw new UserError(`cannot write ${path}: ${(e as Error).message}`);
  }
}
