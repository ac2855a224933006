import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from './run-cli.js';
import { train } from '../../src/index.js';
import { syntheticPapers } from '../models/synthetic.js';

const dir = mkdtempSync(join(tmpdir(), 'axc-prior-cli-'));

test('classify says when it cannot read a text, before the percentages, and in --json', async () => {
  const model = join(dir, 'm.axcm');
  await (await train(syntheticPapers(40, 3), { task: 'primary', epochs: 3, lr: 0.5, minDf: 1, threads: 1 })).save(model);
  const text = await run(['classify', '--model', model, '--title', 'asdkjh qwpoeiru zxcmvn']);
  assert.equal(text.code, 0, text.err);
  assert.match(text.out.split('\n')[0]!, /^uncertain: the model knows none of the words of this text; the guesses below are not to be trusted/);
  const json = await run(['classify', '--model', model, '--title', '12345 67890', '--json']);
  assert.match(JSON.parse(json.out).uncertain.reason, /no words, only numbers/);
  const fine = await run(['classify', '--model', model, '--title', 'string brane holography', '--json']);
  assert.equal(JSON.parse(fine.out).uncertain, undefined);
});

test('--prior takes a word or a file of shares; what the model cannot take is one line of bad usage', async () => {
  const model = join(dir, 'p.axcm');
  await (await train(syntheticPapers(40, 4), { task: 'primary', epochs: 3, lr: 0.5, minDf: 1, threads: 1 })).save(model);
  const shares = join(dir, 'shares.json');
  // As a Windows editor saves it: with a byte-order mark.
  writeFileSync(shares, '\uFEFF' + JSON.stringify({ shares: { 'math.NT': 1 } }));
  const vague = ['--title', 'we study the model', '--json'];
  const withShares = await run(['classify', '--model', model, ...vague, '--prior', shares]);
  assert.equal(withShares.code, 0, withShares.err);
  assert.equal(JSON.parse(withShares.out).labels[0].code, 'math.NT');
  const balanced = await run(['classify', '--model', model, ...vague, '--prior', 'balanced:0.3']);
  assert.equal(balanced.code, 0, balanced.err);
  for (const [prior, message] of [
    ['uniform', /--prior uniform: not corpus, recent, balanced, balanced:X or balanced:X:Y, and no such file/],
    ['balanced:9', /--prior: balanced strength must be a number from 0 to 2, got 9/],
  ] as const) {
    const r = await run(['classify', '--model', model, ...vague, '--prior', prior]);
    assert.equal(r.code, 2);
    assert.match(r.err, message);
  }
  const unknown = join(dir, 'unknown.json');
  writeFileSync(unknown, JSON.stringify({ 'q-fin.ST': 1 }));
  const u = await run(['classify', '--model', model, ...vague, '--prior', unknown]);
  assert.equal(u.code, 2);
  assert.match(u.err, /"q-fin.ST" is not a category, archive or group this model predicts/);
  const notJson = join(dir, 'bad.json');
  writeFileSync(notJson, '{ physics: 1 }');
  const n = await run(['classify', '--model', model, ...vague, '--prior', notJson]);
  assert.equal(n.code, 1);
  assert.match(n.err, /bad\.json: not JSON/);
});
