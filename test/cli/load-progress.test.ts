import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadPapers } from '../../src/corpus/load.js';
import { run } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'axc-'));
const path = join(dir, 'corpus.jsonl');
const lines: string[] = [];
for (let i = 0; i < 3000; i++) {
  lines.push(JSON.stringify({ id: `2101.${String(i).padStart(5, '0')}`, title: `T${i}`, abstract: 'A.', categories: [i % 2 ? 'cs.LG' : 'math.CO'], date: '2021-01-05' }));
}
writeFileSync(path, lines.join('\n') + '\n');

test('loadPapers reports progress every 1024 records read', async () => {
  const seen: number[] = [];
  const { papers } = await loadPapers(path, { onProgress: (n) => seen.push(n) });
  assert.equal(papers.length, 3000);
  assert.deepEqual(seen, [1024, 2048]);
});

/** Run the CLI as if stderr were a terminal (Progress draws only then). */
async function runOnTerminal(argv: string[]): Promise<{ code: number; err: string }> {
  const wasTty = process.stderr.isTTY;
  const ci = process.env.CI;
  process.stderr.isTTY = true;
  delete process.env.CI;
  try {
    return await run(argv);
  } finally {
    process.stderr.isTTY = wasTty;
    if (ci !== undefined) process.env.CI = ci;
  }
}

const drawn: [string[], RegExp][] = [
  [['stats', path], /\r\x1b\[Kreading \[#+\] 100\.0% .* 3000 records/],
  [['split', path, '--out-dir', join(dir, 'split')], /\r\x1b\[Kreading \(pass 1 of 2\) \[#+\] 100\.0% .* 3000 records[\s\S]*writing \(pass 2 of 2\) \[#+\] 100\.0% .* 3000 records/],
];
for (const [argv, line] of drawn) {
  test(`${argv[0]} draws a progress line on stderr while reading`, async () => {
    const r = await runOnTerminal(argv);
    assert.equal(r.code, 0);
    assert.match(r.err, line);
  });
}
