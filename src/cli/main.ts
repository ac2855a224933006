import { type Command } from './command.js';
import { describeFileError, UsageError, UserError } from '../base/errors.js';
import { VERSION } from '../base/version.js';
import { didYouMean } from './args.js';

/**
 * Commands load lazily so that `classify` does not pay for parsing the code of `train` or
 * `ingest`: cold start matters for a CLI people call in loops.
 */
const COMMANDS: Record<string, { summary: string; load: () => Promise<{ command: Command }> }> = {
  taxonomy: { summary: 'List arXiv categories with names, archives and groups', load: () => import('./taxonomy.js') },
  ingest: { summary: 'Read arXiv metadata in any common format into a canonical corpus', load: () => import('./ingest.js') },
  stats: { summary: 'Describe a corpus: sizes, categories, groups, lengths, dates', load: () => import('./stats.js') },
  split: { summary: 'Split a corpus into train, valid and test files (random stratified or by time)', load: () => import('./split.js') },
  train: { summary: 'Train a classifier on a corpus and save it as one model file', load: () => import('./train.js') },
  quantize: { summary: 'Make a small copy of a model: int8 weights, optionally only its most useful features', load: () => import('./quantize.js') },
  classify: { summary: 'Classify papers: top categories with probabilities and the words behind them', load: () => import('./classify.js') },
  evaluate: { summary: 'Measure a model on labelled papers: accuracy, top-k, F1, calibration', load: () => import('./evaluate.js') },
  compare: { summary: "Put several models' evaluation reports side by side", load: () => import('./compare.js') },
  experiment: { summary: "Reproduce a seed notebook's experiment (or a time split) on a corpus, next to its numbers", load: () => import('./experiment.js') },
  tune: { summary: 'Search learner settings within a time budget; write the best as a train --config file', load: () => import('./tune.js') },
  serve: { summary: 'Serve the model over HTTP (JSON API, feedback, metrics) with a web page', load: () => import('./serve.js') },
  feedback: { summary: 'Export stored feedback (corrections) as a corpus that train reads', load: () => import('./feedback.js') },
};


function mainHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  const lines = Object.entries(COMMANDS).map(([n, c]) => `  ${n.padEnd(width)}  ${c.summary}`);
  return `arxiv-classifier ${VERSION} — place arXiv papers in the arXiv taxonomy

Usage: arxiv-classifier <command> [options]

Commands:
${lines.join('\n')}

Run 'arxiv-classifier <command> --help' for a command's options.
Exit codes: 0 success, 1 failure, 2 bad usage.`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(mainHelp() + '\n');
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write(VERSION + '\n');
    return 0;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    process.stderr.write(`arxiv-classifier: unknown command "${name}"${didYouMean(name, Object.keys(COMMANDS), '')}\n\n${mainHelp()}\n`);
    return 2;
  }
  const { command } = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(command.usage.trimEnd() + '\n');
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (e) {
    if (e instanceof UsageError) {
      // One line and where to look: the whole usage would bury the error.
      process.stderr.write(`arxiv-classifier ${name}: ${e.message}\nrun 'arxiv-classifier ${name} --help' for its options\n`);
      return 2;
    }
    if (e instanceof UserError) {
      process.stderr.write(`arxiv-classifier ${name}: ${e.message}\n`);
      return 1;
    }
    const fileError = describeFileError(e);
    if (fileError !== undefined) {
      process.stderr.write(`arxiv-classifier ${name}: ${fileError}\n`);
      return 1;
    }
    process.stderr.write(`arxiv-classifier ${name}: ${(e as Error | null)?.stack ?? String(e)}\n`);
    return 1;
  }
}
