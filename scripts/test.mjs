// Runs the test files under test/ with node:test (Node 20's --test does not glob .ts files, so we
// list them ourselves and hand them to one runner).
//
//   node scripts/test.mjs [--fast] [--verbose] [substring…]
//
// Substrings pick the files whose path contains any of them. --fast leaves out the files in SLOW
// below (the edit-test loop: `npm run test:fast`). Output is scripts/test-reporter.mjs: a dot per
// passing test, each failure in full, skipped tests with their reasons, then node's own counts;
// --verbose prints node's spec reporter instead.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

/**
 * What `--fast` leaves out, and why; docs/DEVELOPING.md points here. Every file here still runs in
 * `npm test`. CPU seconds are one file's, measured on the 2-core development machine.
 */
export const SLOW = {
  'test/package/pack.test.ts': 'packs the package and installs the tarball, compiling better-sqlite3 (minutes)',
  'test/readme.test.ts': 'runs every README and docs/api.md command: ingest, train, evaluate, serve',
  'test/report/browser.test.ts': 'renders reports in Chromium',
  'test/browser/browser.test.ts': 'builds the browser bundle and runs it in Chromium',
  'test/serving/web-page.test.ts': 'drives the web page in Chromium',
  'test/models/train.test.ts': 'trains dozens of models end to end (52 CPU s)',
  'test/cli/classify-io.test.ts': 'the CLI over input files of every format, in child processes (25 CPU s)',
  'test/models/train-stream.test.ts': 'trains from files on threads (19 CPU s)',
  'test/cli/learner-cli.test.ts': 'train, evaluate and tune through the CLI (16 CPU s)',
  'test/evaluation/tuning.test.ts': 'hyper-parameter searches, each training many models (11 CPU s)',
  'test/corpus/fuzz-ingest.test.ts': 'fuzzes every input format with damaged files (8 CPU s)',
  'test/evaluation/experiments.test.ts': 'runs experiment presets, training each model (6 CPU s)',
  'test/corpus/ingest-shared.test.ts': 'ingests the ../shared snapshot when it is there (6 CPU s)',
  'test/serving/start-failures.test.ts': 'starts `serve` processes that must fail, and waits for them',
  'test/serving/process.test.ts': 'starts `serve` processes and signals them (workers, SIGTERM, SIGHUP)',
  'test/serving/fuzz-http.test.ts': 'fuzzes the HTTP server',
  'test/serving/server.test.ts': 'every HTTP route end to end, on a model it trains first',
  'test/serving/feedback.test.ts': 'the feedback store through the server, with SQLite under lock',
  'test/corpus/ingest.test.ts': 'ingests every input shape through the CLI (10 CPU s)',
  'test/cli/option-checks.test.ts': 'every command\'s option checks through the CLI (8 CPU s)',
  'test/evaluation/evaluate-file.test.ts': 'evaluates models on files, training them first (6 CPU s)',
  'test/models/ensemble.test.ts': 'ensembles evaluated through the CLI, training each member',
  'test/serving/feedback-damaged.test.ts': 'damaged SQLite feedback stores under a running server',
  'test/models/kernels.test.ts': 'the wasm and JS kernels compared at many sizes, also on worker threads',
  'test/cli/evaluate-stream.test.ts': 'evaluate through the CLI over streamed files',
  'test/cli/report-cli.test.ts': 'reports rendered through the CLI, training the models first',
  'test/corpus/synthetic-id.test.ts': 'ingests papers without ids through the CLI',
  'test/corpus/split-file.test.ts': 'splits corpus files of many shapes on disk',
  'test/cli/split-stats.test.ts': 'split and stats through the CLI',
};

/** test:fast runs no browser: browser tests in the files it keeps skip, saying so. */
const NO_BROWSER = '(none: test:fast runs no browser)';

function find(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...find(p));
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const args = process.argv.slice(2);
const fast = args.includes('--fast');
const verbose = args.includes('--verbose');
const filter = args.filter((a) => !a.startsWith('--'));
const unknown = args.filter((a) => a.startsWith('--') && a !== '--fast' && a !== '--verbose');
if (unknown.length) {
  console.error(`unknown option ${unknown[0]}: node scripts/test.mjs [--fast] [--verbose] [substring…]`);
  process.exit(2);
}
const all = find('test').map((f) => f.split('\\').join('/'));
const files = all
  .filter((f) => filter.length === 0 || filter.some((s) => f.includes(s)))
  .filter((f) => !fast || !(f in SLOW))
  .sort();
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
if (fast) console.log(`test:fast: ${files.length} files, no browser; leaves out ${Object.keys(SLOW).filter((f) => all.includes(f)).length} slow ones that npm test runs (scripts/test.mjs lists them)`);
const reporter = verbose ? 'spec' : new URL('./test-reporter.mjs', import.meta.url).href;
const concurrency = fast ? Math.max(3, availableParallelism()) : 2;
const env = fast ? { ...process.env, CHROMIUM_PATH: NO_BROWSER, AXC_CHROMIUM: NO_BROWSER } : process.env;
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, `--test-reporter=${reporter}`, '--test-reporter-destination=stdout', ...files], { stdio: 'inherit', env });
process.exit(r.status ?? 1);
