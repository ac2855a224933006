#!/usr/bin/env node
import { removeTempsNow } from '../base/temp-files.js';
import { main } from './main.js';

// A reader that stops early (`arxiv-classifier taxonomy | head`) closes the pipe: that ends the
// output, as it does for other Unix tools, and is no reason for an 'Unhandled error' crash.
// Commands that stream much output (classify) also stop their work when it happens.
let stdoutFailed = false;
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') return;
  if (!stdoutFailed) process.stderr.write(`arxiv-classifier: cannot write to stdout: ${e.message}\n`);
  stdoutFailed = true;
});

// Ctrl-C or SIGTERM ends a command without the temporary files it was writing, which on the
// full snapshot are gigabytes (128 + the signal's number, as a shell reports it). `serve` has
// handlers of its own: it finishes the requests in flight first.
if (process.argv[2] !== 'serve') {
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    process.once(signal, () => {
      removeTempsNow();
      process.stderr.write(`\narxiv-classifier: stopped by ${signal}\n`);
      process.exit(code);
    });
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = stdoutFailed && code === 0 ? 1 : code;
  },
  (e: unknown) => {
    process.stderr.write(`arxiv-classifier: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exitCode = 1;
  },
);
