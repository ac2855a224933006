import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { madeUpOaiSnapshot } from '../made-up-papers.js';
import { run } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'axc-evaluate-stream-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

test('evaluate --help says what grows with the test set', async () => {
  const r = await run(['evaluate', '--help']);
  assert.equal(r.code, 0);
  assert.match(r.out, /TEST is streamed: memory does not grow with its size, except for a 64-bit hash of each paper id/);
  assert.match(r.out, /The first record of an id counts/);
});

test('evaluate: the same numbers in this thread and on threads; duplicates and bad lines reported with file:line', async () => {
  const lines = madeUpOaiSnapshot(300).trimEnd().split('\n');
  const data = join(dir, 'test.jsonl');
  writeFileSync(data, [lines[0], 'not json', ...lines.slice(1), lines[5], lines[6]].join('\n') + '\n');
  const outputs = [];
  for (const threads of ['1', '2']) {
    const r = await run(['evaluate', '--data', data, '--json', '--threads', threads]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, new RegExp(`skipped 3 of 303 records in ${data}: duplicate 2, bad-json 1 \\(first: ${data}:302: duplicate id \\S+: left out, the record on line 7 was scored\\)`));
    const { papersPerSecond, latencyP50Ms, latencyP99Ms, ...rest } = JSON.parse(r.out) as Record<string, unknown>;
    assert.ok(typeof papersPerSecond === 'number' && typeof latencyP50Ms === 'number' && typeof latencyP99Ms === 'number');
    assert.equal(rest.n, 300);
    assert.deepEqual(rest.skipped, { 'bad-json': 1, duplicate: 2 });
    outputs.push(rest);
  }
  assert.deepStrictEqual(outputs[1], outputs[0]);
});

test('evaluate: a file with no labelled papers is an error naming what was skipped', async () => {
  const data = join(dir, 'empty.jsonl');
  writeFileSync(data, '{"id": "x", "title": "t", "categories": "zz.QQ"}\nnot json\n');
  const r = await run(['evaluate', '--data', data]);
  assert.equal(r.code, 1);
  assert.match(r.err, /no labelled papers in .*empty\.jsonl \(\{"no-valid-category":1,"bad-json":1\}\)/);
});
