import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';

// A server that cannot start must say why and exit non-zero, not print the error and hang on
// the threads and database it had already opened.
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'axc-start-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function serve(args: string[]): Promise<{ code: number | string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/bin.ts', 'serve', '--port', '0', ...args], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  return new Promise((resolve) => {
    // Long enough to start on a busy machine; a start-up failure that hangs is killed here.
    const timer = setTimeout(() => child.kill('SIGKILL'), 40_000);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? signal ?? -1, stderr });
    });
  });
}

const corrupt = join(dir, 'corrupt.sqlite');
writeFileSync(corrupt, 'this is not a SQLite database, only text long enough to look like a header');
const wrongSchema = join(dir, 'other.sqlite');
const db = new Database(wrongSchema);
db.exec('CREATE TABLE feedback (x INTEGER)');
db.close();
mkdirSync(join(dir, 'a-folder.sqlite'));

const cases: [string, string, RegExp][] = [
  ['a missing folder', join(dir, 'no-such-folder', 'f.sqlite'), /cannot open the feedback store/],
  ['a file that is not SQLite', corrupt, /not a feedback store/],
  ['a store with another schema', wrongSchema, /not a feedback store/],
  ['a folder', join(dir, 'a-folder.sqlite'), /feedback store/],
];

for (const workers of ['1', '2']) {
  for (const [what, path, message] of cases) {
    test(`serve --feedback-db on ${what} (--workers ${workers}) exits 1 with the reason`, { timeout: 60_000 }, async () => {
      const r = await serve(['--feedback-db', path, '--workers', workers]);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, message);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'a stack trace');
    });
  }
}

test('serve --report on a folder is refused before anything starts', { timeout: 60_000 }, async () => {
  const r = await serve(['--report', dir, '--feedback-db', 'none']);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /--report .*: not a file/);
});
