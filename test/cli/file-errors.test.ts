import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { run } from './run-cli.js';

// A folder or file in the wrong place is named in words, never as Node's raw error text.
const dir = mkdtempSync(join(tmpdir(), 'axc-file-errors-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('file-system errors read as words: the path, then what is wrong', async () => {
  const folder = join(dir, 'a-folder');
  mkdirSync(folder);
  const file = join(dir, 'papers.jsonl');
  writeFileSync(file, '{"id":"1","title":"Graphene","abstract":"x","categories":["cond-mat.mes-hall"]}\n');
  const cases: [string[], RegExp][] = [
    [['compare', folder, join(dir, 'nope.json')], /cannot read .*a-folder: is a directory, expected a file/],
    [['split', file, '--out-dir', file], /cannot create .*papers\.jsonl: already exists/],
    [['serve', '--model', folder, '--port', '0', '--feedback-db', 'none'], /a-folder: cannot read model file: is a directory/],
  ];
  for (const [argv, message] of cases) {
    const r = await run(argv);
    assert.equal(r.code, 1, `${argv.join(' ')}: ${r.err}`);
    assert.match(r.err, message);
    assert.doesNotMatch(r.err, /EISDIR|EEXIST|ENOENT|illegal operation/);
  }
});

test('a pipe or a device as the papers is a one-line error, not a stack trace: readers look at a file twice', async () => {
  for (const argv of [
    ['evaluate', '--data', '/dev/null'],
    ['ingest', '/dev/null', '--out', join(tmpdir(), `axc-never-${process.pid}.jsonl`)],
    ['train', '--data', '/dev/null', '--out', join(tmpdir(), `axc-never-${process.pid}.axcm`), '--threads', '1'],
    ['stats', '/dev/null'],
  ]) {
    const r = await run(argv);
    assert.equal(r.code, 1, `${argv[0]}: ${r.err}`);
    assert.match(r.err, /\/dev\/null: is a pipe or a device, not a file; save the papers to a file first/, argv[0]);
    assert.doesNotMatch(r.err, /\n\s+at /, argv[0]);
  }
});
