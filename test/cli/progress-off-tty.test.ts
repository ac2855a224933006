/**
 * Off a terminal (a log, CI, a pipe), every long command prints a plain progress line at least
 * every 5 seconds (src/cli/progress.ts). Here the clock the progress lines read moves six seconds per
 * reading, so a command that reports its progress prints a line at each report of its progress.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, mock, test } from 'node:test';
import { run } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'axc-progress-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const corpus = join(dir, 'corpus.jsonl');
const TITLES = ['Graphene ribbons and electron transport', 'Graph coloring with few colors', 'Attention networks for translation', 'Dark matter halos of galaxies'];
const CATS = ['cond-mat.mes-hall', 'math.CO', 'cs.CL', 'astro-ph.GA'];
writeFileSync(
  corpus,
  Array.from({ length: 6000 }, (_, i) => JSON.stringify({ id: `2101.${String(i).padStart(5, '0')}`, title: `${TITLES[i % 4]} ${i}`, abstract: 'We study it.', categories: [CATS[i % 4]], date: `2021-0${1 + (i % 6)}-05` })).join('\n') + '\n',
);

/** Run the CLI with stderr not a terminal and a clock that moves six seconds per reading. */
async function runOffTerminal(argv: string[]): Promise<{ code: number; err: string }> {
  const wasTty = process.stderr.isTTY;
  process.stderr.isTTY = false;
  let t = Date.now();
  const clock = mock.method(Date, 'now', () => (t += 6000));
  try {
    return await run(argv);
  } finally {
    clock.mock.restore();
    process.stderr.isTTY = wasTty;
  }
}

const model = join(dir, 'model.axcm');
const commands: [string, string[], RegExp][] = [
  ['ingest', ['ingest', corpus, '--out', join(dir, 'ingested.jsonl')], /^ingest: [\d.k]+ records/m],
  ['stats', ['stats', corpus], /^reading: [\d.k]+ records/m],
  ['split', ['split', corpus, '--out-dir', join(dir, 'split')], /^reading \(pass 1 of 2\): [\d.k]+ records/m],
  ['train', ['train', '--data', corpus, '--out', model, '--epochs', '2', '--min-df', '1', '--threads', '1'], /^(reading|epochs?|features)[^:\n]*: /m],
  ['classify --input', ['classify', '--model', model, '--input', corpus, '--out', join(dir, 'p.jsonl'), '--threads', '1'], /^classifying: [\d.k]+/m],
  ['evaluate', ['evaluate', '--model', model, '--data', corpus, '--threads', '1'], /^evaluating: [\d.k]+/m],
];
for (const [name, argv, line] of commands) {
  test(`${name} prints plain progress lines when stderr is not a terminal`, { timeout: 120_000 }, async () => {
    const r = await runOffTerminal(argv);
    assert.equal(r.code, 0, r.err);
    assert.doesNotMatch(r.err, /\r/);
    assert.match(r.err, line, r.err.slice(0, 2000));
  });
}
