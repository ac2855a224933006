import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { madeUpOaiSnapshot, madeUpPapers } from './made-up-papers.js';

/**
 * Runs the code blocks of README.md and docs/api.md, so that every command and example shown
 * works. Shell blocks run in order in one temp directory (later blocks use earlier outputs) with
 * `arxiv-classifier` bound to this checkout's CLI; TypeScript blocks run after them, there, with
 * `'arxiv-classifier'` imports pointing at src/index.ts.
 *
 * An HTML comment on the line before a block's fence steers it:
 *   <!-- test: skip (why) -->                      not run (say why)
 *   <!-- test: skip-if-missing COMMAND [--flag] --> skipped, with a note, until the CLI has it
 *   <!-- test: server URL -->                     started in the background; must answer URL
 *   <!-- test: in-repo -->                        run in the repository root, not the temp dir
 * Directives combine with ';'.
 */
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DOCS = ['README.md', 'docs/api.md'];
// tsx by its absolute URL: the blocks run outside the checkout, where 'tsx' would not resolve.
const TSX = import.meta.resolve('tsx');
const CLI = ['--import', TSX, join(ROOT, 'src', 'cli', 'bin.ts')];

interface Block {
  doc: string;
  line: number;
  lang: string;
  code: string;
  directives: string[];
}

function blocksOf(doc: string): Block[] {
  const lines = readFileSync(join(ROOT, doc), 'utf8').split('\n');
  const blocks: Block[] = [];
  let prev = '';
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w+)\s*$/.exec(lines[i]!);
    if (!open) {
      if (lines[i]!.trim()) prev = lines[i]!.trim();
      continue;
    }
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !lines[i]!.startsWith('```'); i++) body.push(lines[i]!);
    const marker = /^<!--\s*test:\s*(.*?)\s*-->$/.exec(prev);
    blocks.push({ doc, line: start + 1, lang: open[1]!, code: body.join('\n'), directives: marker ? marker[1]!.split(';').map((d) => d.trim()) : [] });
    prev = '';
  }
  return blocks;
}

function cliHas(command: string, flag: string | undefined): boolean {
  const r = spawnSync(process.execPath, [...CLI, command, '--help'], { encoding: 'utf8' });
  return r.status === 0 && (flag === undefined || r.stdout.includes(flag));
}

const PRELUDE = `set -euo pipefail\narxiv-classifier() { "${process.execPath}" ${CLI.map((a) => `"${a}"`).join(' ')} "$@"; }\n`;

function runShell(code: string, cwd: string): { status: number | null; out: string } {
  const r = spawnSync('bash', ['-c', PRELUDE + code], { cwd, encoding: 'utf8', env: { ...process.env, CI: '1', ARXIV_CLASSIFIER_DATA: join(cwd, '.arxiv-classifier-data') }, maxBuffer: 64 << 20 });
  return { status: r.status, out: `${r.stdout}\n${r.stderr}` };
}

async function runServer(code: string, cwd: string, url: string): Promise<string> {
  const child = spawn('bash', ['-c', PRELUDE + code], { cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (out += b.toString()));
  try {
    for (const started = Date.now(); Date.now() - started < 60_000; ) {
      if (child.exitCode !== null) return `exited with ${child.exitCode} before answering ${url}:\n${out}`;
      const ok = await fetch(url).then((r) => r.ok, () => false);
      if (ok) return '';
      await new Promise((r) => setTimeout(r, 250));
    }
    return `no answer from ${url} within 60 s:\n${out}`;
  } finally {
    process.kill(-child.pid!, 'SIGTERM');
  }
}

test('every code block in README.md and docs/api.md runs', { timeout: 900_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'axc-readme-'));
  try {
    // The inputs the tour names, small and made up.
    writeFileSync(join(dir, 'arxiv-metadata-oai-snapshot.json'), madeUpOaiSnapshot(800));
    const csvPapers = madeUpPapers(12, 3);
    const quote = (s: string) => `"${s.replaceAll('"', '""')}"`;
    writeFileSync(join(dir, 'papers.csv'), ['title,abstract', ...csvPapers.map((p) => `${quote(p.title)},${quote(p.abstract ?? '')}`)].join('\n') + '\n');

    const blocks = DOCS.filter((d) => existsSync(join(ROOT, d))).flatMap(blocksOf);
    assert.ok(blocks.some((b) => b.lang === 'sh' && b.code.includes('arxiv-classifier classify')), 'README.md should show classify');
    const ordered = [...blocks.filter((b) => b.lang === 'sh'), ...blocks.filter((b) => b.lang === 'ts')];
    let ran = 0;
    const snippets: string[] = [];
    for (const b of ordered) {
      const where = `${b.doc}:${b.line}`;
      const skip = b.directives.find((d) => d.startsWith('skip ') || d === 'skip');
      if (skip) {
        t.diagnostic(`${where}: ${skip}`);
        continue;
      }
      const missing = b.directives.find((d) => d.startsWith('skip-if-missing '));
      if (missing) {
        const [, command, flag] = missing.split(/\s+/);
        if (!cliHas(command!, flag)) {
          t.diagnostic(`${where}: skipped until the CLI has "${command}${flag ? ` ${flag}` : ''}"`);
          continue;
        }
      }
      const cwd = b.directives.includes('in-repo') ? ROOT : dir;
      const server = b.directives.find((d) => d.startsWith('server '));
      if (b.lang === 'sh' && server) {
        const problem = await runServer(b.code, cwd, server.slice('server '.length).trim());
        assert.equal(problem, '', `${where}: ${problem}`);
      } else if (b.lang === 'sh') {
        const r = runShell(b.code, cwd);
        assert.equal(r.status, 0, `${where} failed:\n${b.code}\n---\n${r.out}`);
      } else if (b.lang === 'ts') {
        const file = join(dir, `snippet-${snippets.length}.mts`);
        writeFileSync(file, b.code.replaceAll(`from 'arxiv-classifier'`, `from '${join(ROOT, 'src', 'index.ts')}'`));
        snippets.push(file);
        const r = spawnSync(process.execPath, ['--import', TSX, file], { cwd, encoding: 'utf8' });
        assert.equal(r.status, 0, `${where} failed:\n${b.code}\n---\n${r.stdout}\n${r.stderr}`);
      } else {
        continue;
      }
      ran++;
    }
    // The examples type-check against the library's own types, as a user's editor would check them.
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, allowImportingTsExtensions: true, skipLibCheck: true, types: ['node'], typeRoots: [join(ROOT, 'node_modules', '@types')] },
        files: snippets,
      }),
    );
    const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(dir, 'tsconfig.json')], { encoding: 'utf8' });
    assert.equal(tsc.status, 0, `the TypeScript examples do not type-check:\n${tsc.stdout}${tsc.stderr}`);
    // What the tour says it makes, it made.
    const predictions = readFileSync(join(dir, 'predictions.jsonl'), 'utf8').trim().split('\n');
    assert.equal(predictions.length, csvPapers.length);
    for (const f of ['corpus.jsonl.gz', 'data/train.jsonl', 'data/test.jsonl', 'model.axcm']) assert.ok(existsSync(join(dir, f)), `the tour should have made ${f}`);
    assert.ok(ran >= 12, `only ${ran} blocks ran`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
