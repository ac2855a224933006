import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { renameDurably, tempPathBeside, writeFileAtomic } from '../../src/base/atomic-file.js';
import { writeReport } from '../../src/cli/report-option.js';

const dir = mkdtempSync(join(tmpdir(), 'axc-atomic-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** The pid of a process that has ended (a killed writer's). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(r.stdout.toString());
}

test('temp files a killed process left beside a file are removed by the next write of it', async () => {
  const target = join(dir, 'corpus.jsonl');
  const dead = deadPid();
  const stale = [`.corpus.jsonl.${dead}.abc123.tmp`, `.corpus.jsonl.${dead}.17000.dedupe.tmp`];
  // Another file's temps, and a live process's (this one's), are not ours to remove.
  const kept = [`.other.jsonl.${dead}.abc.tmp`, `.corpus.jsonl.${process.pid}.live.tmp`, 'corpus.jsonl.notes'];
  for (const name of [...stale, ...kept]) writeFileSync(join(dir, name), 'x');
  await writeFileAtomic(target, 'new\n');
  assert.equal(readFileSync(target, 'utf8'), 'new\n');
  assert.deepEqual(readdirSync(dir).sort(), [...kept, 'corpus.jsonl'].sort());

  writeFileSync(join(dir, stale[0]!), 'x');
  const tmp = tempPathBeside(target, 'mine');
  writeFileSync(tmp, 'renamed\n');
  await renameDurably(tmp, target);
  assert.equal(readFileSync(target, 'utf8'), 'renamed\n');
  assert.ok(!readdirSync(dir).includes(stale[0]!));
});

test('a failed --report write leaves the old report and no temp file', async () => {
  const sub = join(dir, 'reports');
  mkdirSync(sub);
  const report = join(sub, 'report.html');
  await writeReport(report, '<p>old</p>');
  // A folder where the temp file would go cannot be opened as a file: the write fails part way.
  await assert.rejects(writeFileAtomic(join(sub, 'missing', 'r.html'), 'x'), /ENOENT/);
  await assert.rejects(writeReport(join(sub, 'missing', 'r.html'), 'x'), /cannot write report/);
  assert.equal(readFileSync(report, 'utf8'), '<p>old</p>');
  assert.deepEqual(readdirSync(sub), ['report.html']);
});
