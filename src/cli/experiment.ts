import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseYearMonth } from '../corpus/split.js';
import { experimentMarkdown } from '../evaluation/experiments/markdown.js';
import { findPreset, PRESETS } from '../evaluation/experiments/presets.js';
import { runExperiment } from '../evaluation/experiments/runner.js';
import { DEFAULT_SAMPLE_LIMIT, loadPaperSample } from '../evaluation/experiments/sample.js';
import { intOption, parseCommandArgs, threadsOption } from './args.js';
import { type Command } from './command.js';
import { UsageError, UserError } from '../base/errors.js';
import { checkOutputDirectory } from '../base/output-path.js';
import { Progress } from './progress.js';
import { parseFormat } from './stats.js';
import { columnChoice, columnOptions, columnUsage } from './column-options.js';

const names = PRESETS.map((p) => p.name);

export const command: Command = {
  name: 'experiment',
  usage: `Usage: arxiv-classifier experiment NAME --data CORPUS [--out DIR] [options]

Run one preset: build its classes and split, train our linear learner once per variant, and
print its results table with the number the seed notebook reported in parentheses.

Presets:
${PRESETS.map((p) => `  ${p.name.padEnd(11)} ${p.title}`).join('\n')}

Options:
  --data FILE      corpus (repeatable; any format 'ingest' reads)
  --out DIR        also write DIR/NAME.json and DIR/NAME.md
  --limit N        use a uniform random sample of at most N papers (seeded; default
                   ${DEFAULT_SAMPLE_LIMIT.toLocaleString('en')}: the models train in memory, about 2 KB a paper)
  --seed N         seed for sampling, splitting and training (default 1)
  --threads N      training threads (default: all cores)
  --before MONTH   time-split only: first test month (YYMM, YYYYMM or YYYY-MM)
  --epochs N       override the learner's epochs (quick runs)
  --format F       input format; guessed from the file when absent
${columnUsage('--data', 19)}
  --json           print the result as JSON instead of Markdown
  --list           list the presets and exit
  -h, --help       this help`,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(
      argv,
      {
        data: { type: 'string', multiple: true },
        out: { type: 'string' },
        limit: { type: 'string' },
        seed: { type: 'string' },
        threads: { type: 'string' },
        before: { type: 'string' },
        epochs: { type: 'string' },
        format: { type: 'string' },
        json: { type: 'boolean' },
        list: { type: 'boolean' },
        ...columnOptions(),
      },
      true,
    );
    if (values.list) {
      for (const p of PRESETS) process.stdout.write(`${p.name}\t${p.title}\n`);
      return 0;
    }
    if (positionals.length !== 1) throw new UsageError(`give exactly one preset name (${names.join(', ')})`);
    const name = positionals[0]!;
    const preset = findPreset(name);
    if (!preset) throw new UsageError(`unknown preset "${name}"; presets: ${names.join(', ')}`);
    const data = values.data ?? [];
    if (data.length === 0) throw new UsageError('--data is required');
    const seed = intOption(values.seed, 'seed', 1);
    const limit = values.limit === undefined ? undefined : intOption(values.limit, 'limit', 0);
    if (limit !== undefined && limit < 1) throw new UsageError('--limit must be >= 1');
    const threads = values.threads === undefined ? undefined : threadsOption(values.threads, 'threads', 1);
    const epochs = values.epochs === undefined ? undefined : intOption(values.epochs, 'epochs', 1);
    if (epochs !== undefined && epochs < 1) throw new UsageError('--epochs must be >= 1');
    if (values.before !== undefined && preset.split.kind !== 'time') throw new UsageError(`--before applies to time splits only, not to ${name}`);
    if (values.before !== undefined) {
      try {
        parseYearMonth(values.before);
      } catch (e) {
        throw new UsageError(`--before: ${(e as Error).message}`);
      }
    }
    const format = parseFormat(values.format);
    const columns = columnChoice(values);
    // Checked before the experiment, which trains several models: a file in the way is found now.
    if (values.out !== undefined) await checkOutputDirectory(values.out, '--out');

    const reading = new Progress('reading');
    const sample = await loadPaperSample(data, limit ?? DEFAULT_SAMPLE_LIMIT, seed, { format, ...(columns ? { columns } : {}) });
    const papers = sample.papers;
    const read = sample.offered;
    reading.done();
    if (papers.length === 0) throw new UserError(`no usable papers in ${data.join(', ')}`);

    const progress = new Progress(name);
    let result;
    try {
      result = await runExperiment(preset, papers, {
        seed,
        ...(threads !== undefined ? { threads } : {}),
        ...(values.before !== undefined ? { before: values.before } : {}),
        ...(epochs !== undefined ? { train: { epochs } } : {}),
        onProgress: (m) => progress.update(0, m),
      });
    } catch (e) {
      if (e instanceof RangeError) throw new UserError(`${name}: ${e.message}`);
      throw e;
    }
    progress.done();
    const sampled = read > papers.length;
    const full = { ...result, data, read, ...(limit !== undefined || sampled ? { limit: limit ?? DEFAULT_SAMPLE_LIMIT } : {}), command: `arxiv-classifier experiment ${argv.join(' ')}` };
    const md = experimentMarkdown(result) + `\nCommand: \`${full.command}\`${limit !== undefined || sampled ? ` (a seeded sample of ${papers.length} of ${read} papers)` : ''}\n`;
    if (values.out) {
      try {
        await mkdir(values.out, { recursive: true });
        await writeFile(join(values.out, `${name}.json`), JSON.stringify(full, null, 2) + '\n');
        await writeFile(join(values.out, `${name}.md`), md);
      } catch (e) {
        throw new UserError(`cannot write the results to --out ${values.out}: ${(e as Error).message}`);
      }
    }
    process.stdout.write(values.json ? JSON.stringify(full, null, 2) + '\n' : md);
    return 0;
  },
};
