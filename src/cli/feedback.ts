import { existsSync } from 'node:fs';
import { exportFeedback, FeedbackStore } from '../serving/feedback-store.js';
import { parseCommandArgs, requireOption } from './args.js';
import { type Command } from './command.js';
import { UsageError, UserError } from '../base/errors.js';
import { defaultFeedbackPath } from '../base/data-dir.js';

export const command: Command = {
  name: 'feedback',
  usage: `Usage: arxiv-classifier feedback export [--db feedback.sqlite] --out FILE.jsonl[.gz]
       arxiv-classifier feedback count [--db feedback.sqlite]

The server (arxiv-classifier serve) stores corrections sent to POST /v1/feedback in a SQLite
file. 'export' writes them as a canonical corpus (one JSON object per line; a paper corrected
more than once keeps its latest correction) for training together with the original corpus:

  arxiv-classifier train --data corpus.jsonl.gz --data feedback.jsonl --out model.axcm

Options:
  --db FILE    the feedback store (default: serve's, ${defaultFeedbackPath()};
               $ARXIV_CLASSIFIER_DATA or $XDG_DATA_HOME move it)
  --out FILE   corpus file to write (export; gzipped when it ends in .gz)
  --json       machine-readable output
  -h, --help   this help`,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, { db: { type: 'string' }, out: { type: 'string' }, json: { type: 'boolean' } }, true);
    const [verb, ...extra] = positionals;
    if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
    const db = values.db ?? defaultFeedbackPath();
    if (verb !== 'export' && verb !== 'count') throw new UsageError(verb ? `unknown verb "${verb}" (export or count)` : 'give a verb: export or count');
    if (!existsSync(db)) throw new UserError(`${db}: no feedback store here (--db)`);
    if (verb === 'count') {
      const store = new FeedbackStore(db, { mustExist: true });
      let n: number;
      try {
        n = store.count();
      } finally {
        await store.close();
      }
      process.stdout.write(values.json ? JSON.stringify({ stored: n }) + '\n' : `${n} corrections in ${db}\n`);
      return 0;
    }
    const out = requireOption(values.out, 'out');
    const r = await exportFeedback(db, out);
    if (values.json) process.stdout.write(JSON.stringify({ ...r, out }) + '\n');
    else process.stderr.write(`exported ${r.written} papers (${r.stored} corrections) → ${out}\n`);
    return 0;
  },
};
