import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emptyReport } from '../../src/corpus/canonical.js';
import { TrainingCacheError, TrainingMemoryError, trainLinear } from '../../src/models/linear/train.js';
import { syntheticPapers } from './synthetic.js';
import type { PaperRecord } from '../../src/corpus/record.js';

const dir = mkdtempSync(join(tmpdir(), 'axc-train-stream-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

const train = syntheticPapers(60, 1);
const probe = syntheticPapers(10, 2).map((p) => ({ title: p.title, abstract: p.abstract }));
const fast = { epochs: 4, minDf: 1, lr: 0.5, seed: 7, task: 'primary' as const };
/** Two threads on every machine: the weights depend on the thread count. */
const two = { threads: 2 };

function writeJsonl(name: string, papers: readonly PaperRecord[], extra: (lines: string[]) => void = () => {}): string {
  const lines = papers.map((p) => JSON.stringify({ id: p.id, title: p.title, abstract: p.abstract, categories: p.categories }));
  extra(lines);
  const file = join(dir, name);
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

test('training streamed from a file gives the model training on the same papers in memory gives', async () => {
  const file = writeJsonl('train.jsonl', train);
  const fromFile = await trainLinear({ files: file }, null, fast, () => {}, two);
  const fromArray = await trainLinear(train, null, fast, () => {}, two);
  assert.equal(fromFile.report.papers, fromArray.report.papers);
  assert.equal(fromFile.model.info.training.dataHash, fromArray.model.info.training.dataHash);
  assert.deepEqual(fromFile.model.predictProba(probe), fromArray.model.predictProba(probe));
  assert.ok(fromFile.report.memory.spillBytes > 0 && fromFile.report.memory.rowCacheBytes > 0, 'it went through the disk cache');
});

test('a shard larger than the SGD window is read a window at a time: deterministic, and as accurate', async () => {
  const whole = await trainLinear(train, null, fast, () => {}, two);
  const windowed = await trainLinear(train, null, fast, () => {}, { ...two, windowBytes: 1 });
  const again = await trainLinear(train, null, fast, () => {}, { ...two, windowBytes: 1 });
  assert.deepEqual(windowed.model.predictProba(probe), again.model.predictProba(probe), 'same seed, same model');
  assert.notDeepEqual(windowed.model.predictProba(probe), whole.model.predictProba(probe), 'the windows really changed the order');
  const top = (m: typeof whole.model) => probe.map((p) => m.predict(p, { k: 1 }).labels[0]!.code);
  const agree = top(windowed.model).filter((c, i) => c === top(whole.model)[i]).length;
  assert.ok(agree >= probe.length * 0.9, `windowed and whole agree on ${agree} of ${probe.length}`);
});

test('a later duplicate of a paper replaces it, in files as in memory', async () => {
  const renamed = train.map((p, i) => (i === 5 ? { ...p, categories: ['math.NT'], primary: 'math.NT' } : p));
  const file = writeJsonl('dups.jsonl', train, (lines) => lines.push(JSON.stringify({ id: train[5]!.id, title: train[5]!.title, abstract: train[5]!.abstract, categories: ['math.NT'] })));
  const r = await trainLinear({ files: file }, null, fast, () => {}, two);
  assert.equal(r.report.papers + r.report.validPapers, train.length, 'the duplicate is not a paper of its own');
  const inMemory = await trainLinear([...train, renamed[5]!], null, fast, () => {}, two);
  assert.equal(r.report.papers, inMemory.report.papers);
});

test('a corrupt line in the middle is counted with its line number and training goes on', async () => {
  const file = writeJsonl('corrupt.jsonl', train, (lines) => lines.splice(100, 0, '{"id": "broken", "title": '));
  const report = emptyReport();
  const r = await trainLinear({ files: file, report }, null, fast, () => {}, two);
  assert.equal(r.report.papers + r.report.validPapers, train.length);
  assert.deepEqual(report.skipped, { 'bad-json': 1 });
  const example = report.examples['bad-json']![0]!;
  assert.ok(example.file.endsWith('corrupt.jsonl') && example.line === 101, JSON.stringify(example));
});

test('the memory guard stops training before the weights are made, and says what to change', async () => {
  await assert.rejects(trainLinear(train, null, fast, () => {}, { ...two, memoryLimitBytes: 1 << 16 }), (e: unknown) => {
    assert.ok(e instanceof TrainingMemoryError, String(e));
    assert.match((e as Error).message, /--max-features/);
    return true;
  });
});

test('a cache folder that cannot be made is a clear error', async () => {
  const notADir = join(dir, 'a-file');
  writeFileSync(notADir, 'x');
  await assert.rejects(trainLinear(train, null, fast, () => {}, { ...two, cacheDir: notADir }), (e: unknown) => e instanceof TrainingCacheError && /--cache-dir/.test((e as Error).message));
});

test('nothing is left in the cache folder, after training or after a failure', async () => {
  const cache = join(dir, 'cache');
  mkdirSync(cache);
  await trainLinear(train, null, fast, () => {}, { ...two, cacheDir: cache });
  assert.deepEqual(readdirSync(cache), []);
  await assert.rejects(trainLinear(train, null, { ...fast, task: 'primary', top: 1 }, () => {}, { ...two, cacheDir: cache }), /at least 2 classes/);
  assert.deepEqual(readdirSync(cache), []);
});

test('a disk that fills while training writes its cache: a clear error, no cache and no model left behind', (t) => {
  const mount = join(dir, 'tiny');
  mkdirSync(mount);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', mount], { stdio: 'ignore' });
  } catch {
    t.skip('needs a small tmpfs, which only root can mount here');
    return;
  }
  try {
    const file = writeJsonl('big.jsonl', syntheticPapers(400, 3));
    const out = join(dir, 'full.axcm');
    let stderr = '';
    let status = 0;
    try {
      execFileSync(process.execPath, ['--import', 'tsx', 'src/cli/bin.ts', 'train', '--data', file, '--out', out, '--min-df', '1', '--epochs', '1', '--cache-dir', mount], { stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      const err = e as { status: number; stderr: Buffer };
      status = err.status;
      stderr = err.stderr.toString();
    }
    assert.equal(status, 1, stderr);
    assert.match(stderr, /disk is full/);
    assert.match(stderr, /--cache-dir/);
    assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
    assert.deepEqual(readdirSync(mount), []);
    assert.ok(!existsSync(out), 'no model file');
  } finally {
    execFileSync('umount', [mount], { stdio: 'ignore' });
  }
});
