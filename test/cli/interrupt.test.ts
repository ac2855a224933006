/**
 * Ctrl-C in the middle of a command: the temporary files it was writing go with it (on the full
 * snapshot they are gigabytes), and the exit status says it was interrupted.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { removeTempsNow, trackTemp, untrackTemp } from '../../src/base/temp-files.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'axc-interrupt-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

test('the temp registry removes what is listed, files and folders, and forgets what was finished', () => {
  const file = join(dir, 'a.tmp');
  const folder = join(dir, 'cache');
  const done = join(dir, 'done.tmp');
  writeFileSync(file, 'x');
  mkdirSync(join(folder, 'inner'), { recursive: true });
  writeFileSync(join(folder, 'inner', 'spill.bin'), 'y');
  writeFileSync(done, 'z');
  trackTemp(file);
  trackTemp(folder);
  trackTemp(done);
  trackTemp(join(dir, 'never-made.tmp'));
  untrackTemp(done);
  removeTempsNow();
  assert.equal(existsSync(file), false);
  assert.equal(existsSync(folder), false);
  assert.equal(existsSync(done), true, 'a finished file is not the registry\'s any more');
});

for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
  test(`classify --out stopped by ${signal}: exit ${code}, no temporary file left beside --out`, { timeout: 60_000 }, async () => {
    const out = join(dir, `${signal}.jsonl`);
    // Reading stdin that never ends keeps the command busy with its temp file open.
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/bin.ts', 'classify', '--input', '-', '--out', out, '--threads', '1'], { cwd: ROOT, stdio: ['pipe', 'ignore', 'pipe'] });
    let err = '';
    child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    child.stdin!.write(JSON.stringify({ title: 'Graphene nanoribbons', abstract: 'Electron transport.' }) + '\n');
    const temps = () => readdirSync(dir).filter((n) => n.startsWith(`.${signal}.jsonl.`) && n.endsWith('.tmp'));
    for (const end = Date.now() + 45_000; temps().length === 0; ) {
      if (Date.now() > end) throw new Error(`no temp file appeared:\n${err}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill(signal);
    assert.equal(await exited, code, err);
    assert.deepEqual(temps(), []);
    assert.equal(existsSync(out), false);
    assert.match(err, new RegExp(`stopped by ${signal}`));
  });
}
