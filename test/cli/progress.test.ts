import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDuration, Progress, type ProgressOptions } from '../../src/cli/progress.js';

/** A Progress on a fake stream and clock: `at(ms)` moves the clock. */
function fake(options: ProgressOptions = {}) {
  const lines: string[] = [];
  let now = 1_000_000;
  const stream = { isTTY: false, write: (s: string) => lines.push(s) };
  return {
    lines,
    at: (ms: number) => (now = 1_000_000 + ms),
    make: (label: string, total?: number) => new Progress(label, total, { stream, now: () => now, tty: false, intervalMs: 5000, ...options }),
  };
}

test('without a terminal: one plain line per interval with count, rate and ETA; nothing for a short run', () => {
  const f = fake({ unit: 'papers' });
  const p = f.make('writing', 1_000_000);
  f.at(1000);
  p.update(100_000);
  f.at(4999);
  p.update(400_000);
  assert.deepEqual(f.lines, [], 'nothing before the first interval');
  f.at(5000);
  p.update(500_000);
  f.at(6000);
  p.update(600_000);
  assert.deepEqual(f.lines, ['writing: 500.0k papers of 1.00M, 100.0k papers/s, 50.0%, eta 5s, 5s elapsed\n']);
  f.at(10_000);
  p.update(750_000, 'extra note');
  assert.equal(f.lines[1], 'writing: 750.0k papers of 1.00M, 75.0k papers/s, 75.0%, eta 3s, 10s elapsed, extra note\n');
  p.done();
  assert.equal(f.lines[2], 'writing: done, 750.0k papers in 10s, 75.0k papers/s\n');

  const short = fake({ unit: 'papers' });
  const q = short.make('reading');
  short.at(4000);
  q.update(123);
  q.done();
  assert.deepEqual(short.lines, [], 'a run shorter than the interval prints nothing');
});

test('without a terminal: a fraction gives the ETA when only the input size is known; phases restart the clock', () => {
  const f = fake({ unit: 'records' });
  const p = f.make('reading (pass 1 of 2)');
  f.at(20_000);
  p.update(2_000_000, '', 0.8);
  assert.deepEqual(f.lines, ['reading (pass 1 of 2): 2.00M records, 100.0k records/s, 80.0%, eta 5s, 20s elapsed\n']);
  f.at(25_000);
  p.phase('writing (pass 2 of 2)', 2_500_000);
  assert.equal(f.lines[1], 'reading (pass 1 of 2): done, 2.00M records in 25s, 80.0k records/s\n');
  f.at(29_000);
  p.update(1_000_000);
  assert.equal(f.lines.length, 2, 'the interval counts from the start of the phase');
  f.at(30_000);
  p.update(1_250_000);
  assert.equal(f.lines[2], 'writing (pass 2 of 2): 1.25M records of 2.50M, 250.0k records/s, 50.0%, eta 5s, 5s elapsed\n');
  p.done('all written');
  assert.deepEqual(f.lines.slice(3), ['writing (pass 2 of 2): done, 1.25M records in 5s, 250.0k records/s\n', 'all written\n']);
});

test('without a unit (train, tune), the plain line counts bare numbers; messages alone come without a count', () => {
  const f = fake();
  const p = f.make('training', 10);
  f.at(6000);
  p.update(3, 'loss 0.1234');
  assert.deepEqual(f.lines, ['training: 3 of 10, 0.5/s, 30.0%, eta 14s, 6s elapsed, loss 0.1234\n']);

  const m = fake();
  const q = m.make('seed-000');
  m.at(7000);
  q.update(0, 'training fold 2');
  m.at(9000);
  q.done();
  assert.deepEqual(m.lines, ['seed-000: 7s elapsed, training fold 2\n', 'seed-000: done in 9s\n']);
});

test('on a terminal the line is redrawn in place, at most every 100 ms', () => {
  const lines: string[] = [];
  let now = 0;
  const p = new Progress('loading', undefined, { stream: { isTTY: true, write: (s: string) => lines.push(s) }, now: () => now, tty: true });
  now = 200;
  p.update(1024, 'records');
  now = 250;
  p.update(2048, 'records');
  assert.deepEqual(lines, ['\r\x1b[Kloading 1024 0.2s records']);
  now = 400;
  const bar = new Progress('ingest', 100, { stream: { write: (s: string) => lines.push(s) }, now: () => now, tty: true });
  now = 2400;
  bar.update(50, '7 records');
  assert.equal(lines[1], '\r\x1b[Kingest [############------------] 50.0% 2.0s eta 2s 7 records');
  bar.done('finished');
  assert.equal(lines[2], '\r\x1b[Kfinished\n');
});

test('formatDuration', () => {
  assert.equal(formatDuration(4.4), '4s');
  assert.equal(formatDuration(187), '3m07s');
  assert.equal(formatDuration(3720), '1h02m');
});

test('off a terminal, a phase that reports nothing still prints a line each interval, and none after done', async () => {
  const lines: string[] = [];
  const p = new Progress('choosing the vocabulary', undefined, { stream: { write: (t: string) => lines.push(t) }, tty: false, intervalMs: 40 });
  // Timers run late on a loaded machine: wait for two lines, up to 5 s.
  for (let waited = 0; lines.length < 2 && waited < 5000; waited += 20) await new Promise((r) => setTimeout(r, 20));
  assert.ok(lines.length >= 2, `heartbeat lines: ${JSON.stringify(lines)}`);
  assert.match(lines[0]!, /^choosing the vocabulary: \d+s elapsed\n$/);
  p.done();
  const printed = lines.length;
  await new Promise((r) => setTimeout(r, 120));
  assert.equal(lines.length, printed);
});
