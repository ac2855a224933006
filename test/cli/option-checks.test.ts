import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadModel } from '../../src/models/load-model.js';
import { syntheticPapers } from '../models/synthetic.js';
import { run } from './run-cli.js';
import { didYouMean } from '../../src/cli/args.js';

const dir = mkdtempSync(join(tmpdir(), 'axc-option-checks-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const trainFile = join(dir, 'train.jsonl');
writeFileSync(trainFile, syntheticPapers(15, 3).map((p) => JSON.stringify(p)).join('\n') + '\n');
const quick = ['--epochs', '2', '--min-df', '1', '--threads', '1'];
/** A file that does not exist: a command that checks its options first never gets to read it. */
const missing = join(dir, 'missing.jsonl');
const noStack = /\n\s+at /;

test('train: every numeric option is checked, from a flag or from --config, before reading (exit 2 naming it)', async () => {
  const out = join(dir, 'x.axcm');
  const badFlags: [string, RegExp][] = [
    ['--lr=0', /--lr must be a number > 0, got "0"/],
    ['--lr=-1', /--lr must be a number > 0/],
    ['--lr=Infinity', /--lr must be a number > 0/],
    ['--l2=-1', /--l2 must be a number >= 0/],
    ['--title-weight=-1', /--title-weight must be 0 \(off\) or in \[0\.001, 1000\]/],
    ['--title-weight=1e-50', /--title-weight must be 0 \(off\) or in \[0\.001, 1000\]/],
    ['--max-features=0', /--max-features must be an integer >= 1/],
    ['--min-df=0', /--min-df must be an integer >= 1/],
    ['--top=0', /--top must be an integer >= 1/],
    ['--ngrams=2.5', /--ngrams must be an integer from 1 to 4/],
    ['--epochs=1e400', /--epochs must be 'auto' or an integer >= 1/],
    ['--epochs=automatic', /--epochs must be 'auto' or an integer >= 1, got "automatic"/],
    ['--seed=1.5', /--seed must be an integer/],
    ['--char-ngrams=1', /--char-ngrams must be 0 \(off\) or an integer from 2 to 8/],
    ['--drop-abstract=1', /--drop-abstract must be in \[0, 1\)/],
  ];
  for (const [flag, message] of badFlags) {
    const r = await run(['train', '--data', missing, '--out', out, flag]);
    assert.equal(r.code, 2, `${flag}: ${r.err}`);
    assert.match(r.err, message, flag);
  }
  const config = join(dir, 'config.json');
  const badConfigs: [string, RegExp][] = [
    ['{"ngrams": 2.5}', /--config .*config\.json: "ngrams" must be an integer from 1 to 4, got 2\.5/],
    ['{"top": "5"}', /"top" must be an integer >= 1, got "5"/],
    ['{"lr": 1e999}', /"lr" must be a number > 0, got Infinity/],
    ['{"epochs": "5"}', /"epochs" must be 'auto' or an integer >= 1, got "5"/],
    ['{"validFraction": 1}', /"validFraction" must be in \(0, 1\)/],
    ['{"learningRate": 1}', /unknown option "learningRate"/],
    ['{"includeCrossLists": 1}', /"includeCrossLists" must be true or false/],
  ];
  for (const [json, message] of badConfigs) {
    writeFileSync(config, json);
    const r = await run(['train', '--data', missing, '--out', out, '--config', config]);
    assert.equal(r.code, 2, `${json}: ${r.err}`);
    assert.match(r.err, message, json);
  }
  for (const json of ['null', '[1]', '7']) {
    writeFileSync(config, json);
    const r = await run(['train', '--data', missing, '--out', out, '--config', config]);
    assert.equal(r.code, 1, `${json}: ${r.err}`);
    assert.match(r.err, /config\.json: not a JSON config \(expected an object of options/, json);
    assert.doesNotMatch(r.err, noStack);
  }
  // A flag overrides a legal config value; the config's other values reach the model.
  writeFileSync(config, JSON.stringify({ ngrams: 1, lr: 1.5, epochs: 2 }));
  const ok = await run(['train', '--data', trainFile, '--out', out, '--config', config, '--lr', '1', '--min-df', '1', '--threads', '1']);
  assert.equal(ok.code, 0, ok.err);
  const saved = (await loadModel(out)).info.training.options as Record<string, unknown>;
  assert.deepEqual([saved.ngrams, saved.lr, saved.epochs], [1, 1, 2]);
});

test('train: diverging settings fail with a clear message, not a NaN in the saved metadata', async () => {
  for (const flag of ['--lr=1e300', '--l2=1e10']) {
    const r = await run(['train', '--data', trainFile, '--out', join(dir, 'nan.axcm'), ...quick, flag]);
    assert.equal(r.code, 1, `${flag}: ${r.err}`);
    assert.match(r.err, /^arxiv-classifier train: training diverged \(the loss became NaN in epoch 1\): try a lower learning rate/, flag);
    assert.doesNotMatch(r.err, /metadata|NaN, which JSON/, flag);
  }
});

test('train and tune check --prune and where their output goes before reading or training', async () => {
  const cases: [string[], number, RegExp][] = [
    [['train', '--data', missing, '--out', join(dir, 'x.axcm'), '--prune', '0'], 2, /--prune must be >= 1/],
    [['train', '--data', missing, '--out', join(dir, 'x.axcm'), '--prune', 'abc'], 2, /--prune must be an integer, got "abc"/],
    [['train', '--data', missing, '--out', join(dir, 'nowhere', 'x.axcm')], 1, /--out .*nowhere\/x\.axcm: directory .*nowhere does not exist/],
    [['train', '--data', missing, '--out', join(dir, 'x.axcm'), '--quantized-out', join(dir, 'nowhere', 'q.axcm')], 1, /--quantized-out .*nowhere/],
    [['tune', '--data', missing, '--valid', missing, '--time-budget', '1h', '--out', join(dir, 'nowhere', 'best.json')], 1, /--out .*nowhere\/best\.json: directory .*nowhere does not exist/],
    [['tune', '--data', missing, '--valid', missing, '--time-budget', '1h', '--trials-out', join(dir, 'nowhere', 't.jsonl')], 1, /--trials-out .*nowhere/],
  ];
  for (const [argv, code, message] of cases) {
    const r = await run(argv);
    assert.equal(r.code, code, `${argv.join(' ')}: ${r.err}`);
    assert.match(r.err, message, argv.join(' '));
    assert.doesNotMatch(r.err, /missing\.jsonl/, 'the data was never read');
  }
});

test('train --valid with no usable papers is an error naming the file, not a silent hold-out of TRAIN', async () => {
  const unknownLabel = join(dir, 'valid-unknown.jsonl');
  writeFileSync(unknownLabel, JSON.stringify({ id: 'v1', title: 'prime zeta', abstract: 'modular', categories: 'foo.BAR' }) + '\n');
  const r = await run(['train', '--data', trainFile, '--valid', unknownLabel, '--out', join(dir, 'v.axcm'), ...quick]);
  assert.equal(r.code, 1, r.err);
  assert.match(r.err, /^arxiv-classifier train: .*valid-unknown\.jsonl: no usable validation papers/);
  // Papers of a real category that training never saw: nothing to stop early or calibrate on either.
  const otherClass = join(dir, 'valid-other.jsonl');
  writeFileSync(otherClass, JSON.stringify({ id: 'v2', title: 'galaxy', abstract: 'stars', categories: 'astro-ph.GA' }) + '\n');
  const o = await run(['train', '--data', trainFile, '--valid', otherClass, '--out', join(dir, 'v.axcm'), ...quick]);
  assert.equal(o.code, 1, o.err);
  assert.match(o.err, /^arxiv-classifier train: .*valid-other\.jsonl: none of the 1 validation papers has a label among the 4 classes/);
});

test('train and evaluate say on stderr what they skipped, in text mode too', async () => {
  const weird = join(dir, 'weird.jsonl');
  const extra = [
    JSON.stringify({ id: 'w1', title: 'prime', abstract: 'zeta', categories: 'foo.BAR' }),
    JSON.stringify({ id: 'w2', title: 'prime', abstract: 'zeta', categories: 'I.2.6' }),
    JSON.stringify({ id: 'w3', title: 'prime', abstract: 'zeta' }),
    '{broken',
  ];
  writeFileSync(weird, readFileSync(trainFile, 'utf8') + extra.join('\n') + '\n');
  const model = join(dir, 'weird.axcm');
  const t = await run(['train', '--data', weird, '--out', model, ...quick]);
  assert.equal(t.code, 0, t.err);
  const summary = /skipped 4 of 64 records in .*weird\.jsonl: no-valid-category 2, bad-json 1, no-category 1 \(first: .*weird\.jsonl:61: no arXiv category in \[foo\.BAR\]\)\n/;
  assert.match(t.err, summary);
  const e = await run(['evaluate', '--model', model, '--data', weird]);
  assert.equal(e.code, 0, e.err);
  assert.match(e.out, /^papers\s+60\n/);
  assert.match(e.err, summary);
  const clean = await run(['evaluate', '--model', model, '--data', trainFile]);
  assert.doesNotMatch(clean.err, /skipped/, 'nothing to report when nothing was skipped');
  // tune reads the same way, for its data and its validation papers.
  const tuned = await run(['tune', '--data', weird, '--valid', weird, '--time-budget', '1s', '--out', join(dir, 'best.json')]);
  assert.equal(tuned.code, 0, tuned.err);
  assert.equal(tuned.err.match(new RegExp(summary.source, 'g'))?.length, 2, tuned.err);
});

test('feedback, experiment and taxonomy: bad arguments get messages and exit codes, not stacks', async () => {
  const notDb = join(dir, 'feedback.jsonl');
  writeFileSync(notDb, '{"not": "a database, but long enough to have a header page"}\n'.repeat(20));
  for (const argv of [['feedback', 'count', '--db', notDb], ['feedback', 'export', '--db', notDb, '--out', join(dir, 'fb.jsonl')]]) {
    const r = await run(argv);
    assert.equal(r.code, 1, r.err);
    assert.match(r.err, /^arxiv-classifier feedback: .*feedback\.jsonl: not a feedback store \(file is not a database\)\n$/);
  }
  const file = join(dir, 'a-file');
  writeFileSync(file, '');
  for (const out of [file, join(file, 'sub')]) {
    const x = await run(['experiment', 'seed-000', '--data', missing, '--out', out]);
    assert.equal(x.code, 1, x.err);
    assert.match(x.err, /^arxiv-classifier experiment: --out .*a-file.*is not a directory\n$/);
  }
  const g = await run(['taxonomy', '--group', 'bogus']);
  assert.equal(g.code, 2);
  assert.match(g.err, /--group must be one of physics, math, cs, .*got "bogus"/);
  const cs = await run(['taxonomy', '--group', 'cs']);
  assert.equal(cs.code, 0);
  assert.match(cs.out, /\n\d+ categories\n$/);
  assert.doesNotMatch(cs.out, /\n0 categories/);
  // Codes without --resolve, or --resolve without codes, would otherwise be ignored.
  const stray = await run(['taxonomy', 'math.IT']);
  assert.equal(stray.code, 2);
  assert.match(stray.err, /unexpected "math.IT": to resolve codes, add --resolve/);
  const empty = await run(['taxonomy', '--resolve']);
  assert.equal(empty.code, 2);
  assert.match(empty.err, /--resolve needs the codes to resolve/);
});

test('bad usage is one line and a pointer to --help: a misspelt option names the nearest one, a negative value gets our check', async () => {
  const misspelt = await run(['classify', '--titel', 'Graphene']);
  assert.equal(misspelt.code, 2);
  assert.equal(misspelt.err.trim().split('\n').length, 2, misspelt.err);
  assert.match(misspelt.err, /unknown option --titel \(did you mean --title\?\)/);
  assert.match(misspelt.err, /run 'arxiv-classifier classify --help'/);
  const negative = await run(['classify', '--title', 'Graphene', '--k', '-1']);
  assert.equal(negative.code, 2);
  assert.match(negative.err, /--k must be an integer >= 1, got -1/);
  const threshold = await run(['classify', '--title', 'Graphene', '--threshold', '2']);
  assert.equal(threshold.code, 2);
  assert.match(threshold.err, /--threshold must be a number from 0 to 1, got 2/);
  const command = await run(['clasify']);
  assert.equal(command.code, 2);
  assert.match(command.err, /unknown command "clasify" \(did you mean classify\?\)/);
  assert.equal(didYouMean('zzzzzz', ['title', 'abstract']), '', 'nothing near: no guess');
});

test('--threads and --workers are capped: each thread holds its own copy of a model, so a typo must not fill memory', async () => {
  const cases: [string[], RegExp][] = [
    [['classify', '--input', missing, '--threads', '1000'], /--threads must be from 1 to 64, got 1000/],
    [['classify', '--input', missing, '--threads', '0'], /--threads must be from 1 to 64, got 0/],
    [['evaluate', '--data', missing, '--threads', '65'], /--threads must be from 1 to 64, got 65/],
    [['ingest', missing, '--out', join(dir, 'o.jsonl'), '--workers', '1000'], /--workers must be from 0 to 64, got 1000/],
    [['split', missing, '--out-dir', dir, '--workers', '-1'], /--workers must be from 0 to 64, got -1/],
    [['train', '--data', missing, '--out', join(dir, 'x.axcm'), '--threads', '1000'], /--threads must be an integer from 1 to 64/],
    [['tune', '--data', missing, '--valid', missing, '--time-budget', '1m', '--threads', '100'], /--threads must be from 1 to 64, got 100/],
    [['serve', '--workers', '500'], /--workers must be from 1 to 64, got 500/],
  ];
  for (const [argv, message] of cases) {
    const r = await run(argv);
    assert.equal(r.code, 2, `${argv.join(' ')}: ${r.err}`);
    assert.match(r.err, message, argv.join(' '));
    assert.doesNotMatch(r.err, noStack);
  }
});

test('ingest --out: a name that promises another format is refused; .GZ in capitals compresses too', async () => {
  for (const name of ['corpus.csv', 'corpus.json', 'corpus.PARQUET', 'corpus.tsv.gz']) {
    const r = await run(['ingest', missing, '--out', join(dir, name)]);
    assert.equal(r.code, 2, name);
    assert.match(r.err, /ingest writes JSON lines; name the file \.jsonl/, name);
  }
  const out = join(dir, 'corpus.JSONL.GZ');
  const r = await run(['ingest', trainFile, '--out', out]);
  assert.equal(r.code, 0, r.err);
  const bytes = readFileSync(out);
  assert.deepEqual([bytes[0], bytes[1]], [0x1f, 0x8b], 'gzip magic');
});

test('an output that is also an input is refused before any work: it would be written over the papers being read', async () => {
  const copy = join(dir, 'papers-copy.jsonl');
  writeFileSync(copy, readFileSync(trainFile));
  const before = readFileSync(copy, 'utf8');
  for (const argv of [
    ['train', '--data', copy, '--out', copy, ...quick],
    ['train', '--data', trainFile, '--valid', copy, '--out', join(dir, 'm.axcm'), '--quantized-out', copy, ...quick],
    ['tune', '--data', trainFile, '--valid', copy, '--time-budget', '1s', '--trials-out', copy],
    ['evaluate', '--data', copy, '--report', copy, '--report-format', 'json'],
    ['stats', copy, '--report', copy, '--report-format', 'json'],
    ['quantize', '--model', 'primary', '--prune', '100', '--valid', copy, '--out', copy],
  ]) {
    const r = await run(argv);
    assert.equal(r.code, 2, `${argv.join(' ')}: ${r.err}`);
    assert.match(r.err, /papers-copy\.jsonl is also an input of this command/, argv[0]);
    assert.equal(readFileSync(copy, 'utf8'), before, argv[0]);
  }
});

test('tune and train --time-budget stop before the search when no validation paper has a class of the training papers', async () => {
  const unseen = join(dir, 'unseen-valid.jsonl');
  writeFileSync(unseen, Array.from({ length: 5 }, (_, i) => JSON.stringify({ id: `2601.0000${i}`, title: `Auction design ${i}`, abstract: 'Mechanism design for auctions.', categories: 'econ.TH' })).join('\n') + '\n');
  for (const argv of [
    ['tune', '--data', trainFile, '--valid', unseen, '--time-budget', '10m', '--threads', '1', '--out', join(dir, 'never-best.json')],
    ['train', '--data', trainFile, '--valid', unseen, '--time-budget', '10m', '--threads', '1', '--out', join(dir, 'tb.axcm')],
  ]) {
    const t0 = Date.now();
    const r = await run(argv);
    assert.equal(r.code, 1, `${argv[0]}: ${r.err}`);
    assert.match(r.err, /unseen-valid\.jsonl: none of the 5 validation papers has a label among the \d+ classes/, argv[0]);
    assert.ok(Date.now() - t0 < 60_000, `${argv[0]} searched before refusing`);
    assert.ok(!existsSync(join(dir, 'never-best.json')));
  }
});

test('train on too few papers to hold any out says there was no validation, rather than a score of 0; no features is a warning', async () => {
  const tiny = join(dir, 'tiny.jsonl');
  writeFileSync(tiny, syntheticPapers(2, 3).map((p) => JSON.stringify(p)).join('\n') + '\n');
  const out = join(dir, 'tiny.axcm');
  const r = await run(['train', '--data', tiny, '--out', out, '--threads', '1', '--min-df', '1']);
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /validation: none \(too few papers to hold any out\)/);
  assert.doesNotMatch(r.err, /accuracy 0\.0000/);
  const validation = (await loadModel(out)).info.validation;
  assert.deepEqual([validation.papers, validation.accuracy, validation.logLoss], [0, null, null]);
  const none = await run(['train', '--data', tiny, '--out', join(dir, 'none.axcm'), '--threads', '1', '--min-df', '1000']);
  assert.equal(none.code, 0, none.err);
  assert.match(none.err, /warning: the model has no features/);
});

test('train says how many records it left out as duplicates of an id, as ingest and evaluate do', async () => {
  const lines = readFileSync(trainFile, 'utf8').trim().split('\n');
  const dup = join(dir, 'dup.jsonl');
  writeFileSync(dup, [...lines, ...lines.slice(0, 3)].join('\n') + '\n');
  const r = await run(['train', '--data', dup, '--out', join(dir, 'dup.axcm'), ...quick, '--json']);
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, new RegExp(`skipped 3 of ${lines.length + 3} records in .*dup\\.jsonl: duplicate 3`));
  const summary = JSON.parse(r.out) as { skipped: Record<string, number>; papers: number };
  assert.deepEqual(summary.skipped, { duplicate: 3 });
});

test('experiment --before that is not a month is bad usage; a --before past the data is an error, not an empty test; --config names a missing file', async () => {
  const bad = await run(['experiment', 'time-split', '--data', trainFile, '--before', 'abc']);
  assert.equal(bad.code, 2, bad.err);
  assert.match(bad.err, /--before: expected a month as YYMM, YYYYMM or YYYY-MM, got "abc"/);
  const late = await run(['experiment', 'time-split', '--data', trainFile, '--before', '2999-01']);
  assert.equal(late.code, 1, late.err);
  assert.match(late.err, /time-split: the split left no test papers after the cut \(nothing from 2999-01 on\)/);
  assert.doesNotMatch(late.err, /time-split: time-split:/);
  const config = await run(['train', '--data', trainFile, '--out', join(dir, 'c.axcm'), '--config', join(dir, 'no-config.json')]);
  assert.equal(config.code, 1);
  assert.match(config.err, /--config .*no-config\.json: no such file/);
});
