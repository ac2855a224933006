import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const ENV = { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };

function sh(cmd: string, args: string[], cwd: string): string {
  const r = spawnSync(cmd, args, { cwd, env: ENV, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) assert.fail(`${cmd} ${args.join(' ')} (in ${cwd}) exited with ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

interface PackResult {
  filename: string;
  files: { path: string }[];
}

// A consumer's view of the library: real types, so the misuse below must be a type error.
const CONSUMER_TS = `import { loadModel, defaultModelPath, modelFromBytes, resolveCode, type Prediction } from 'arxiv-classifier';
import { readFile } from 'node:fs/promises';

const path: string | undefined = defaultModelPath();
if (!path) throw new Error('no default model');
const model = await loadModel(path);
const p: Prediction = model.predict({ title: 'Free electron trajectories in graphene' }, { k: 3, explain: true });
const best: string = p.labels[0]!.code;
const again = modelFromBytes(await readFile(path)).predict({ title: 'x', abstract: 'y' });
const n: number = again.labels.length + best.length;
const canonical: string = resolveCode('math.IT').kind;
// @ts-expect-error a paper has a title, not a "titel"
model.predict({ titel: 'misspelt' });
export { n, canonical };
`;

const CONSUMER_MJS = `import { loadModel, defaultModelPath, modelFromBytes } from 'arxiv-classifier';
import { readFile } from 'node:fs/promises';
const model = await loadModel(defaultModelPath());
const fromBytes = modelFromBytes(await readFile(defaultModelPath()));
const paper = { title: 'Free electron trajectories in graphene' };
console.log(JSON.stringify({ a: model.predict(paper).labels[0], b: fromBytes.predict(paper).labels[0], task: model.info.task }));
`;

/**
 * The README's "Installing from a tarball" commands, which this test runs: `npm pack`, then
 * `npm install PATH/arxiv-classifier-VERSION.tgz` and an `npx arxiv-classifier …` line in another project.
 */
function readmeTarballSteps(): { pack: string; install: string; npx: string } {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const block = [...readme.matchAll(/^```sh\n([\s\S]*?)^```/gm)].map((m) => m[1]!).find((b) => /^npm pack\b/m.test(b));
  assert.ok(block, 'README.md should show how to install from a tarball (an sh block with `npm pack`)');
  const lines = block.split('\n').map((l) => l.replace(/\s+#.*$/, '').trim());
  const find = (re: RegExp, what: string) => {
    const line = lines.find((l) => re.test(l));
    assert.ok(line, `README.md's tarball block should have ${what}:\n${block}`);
    return line;
  };
  return { pack: find(/^npm pack/, 'an `npm pack` line'), install: find(/^npm install \S+\.tgz$/, 'an `npm install …tgz` line'), npx: find(/^npx arxiv-classifier /, 'an `npx arxiv-classifier …` line') };
}

test('npm pack gives a package that installs in an empty directory, with a working CLI, ESM exports, types and model', { timeout: 600_000 }, () => {
  const tmp = mkdtempSync(join(tmpdir(), 'axc-pack-'));
  const steps = readmeTarballSteps();
  try {
    // The README's `npm pack`, written to the temp dir. prepack builds dist/, so this also checks
    // that a clean checkout can be packed.
    assert.equal(steps.pack, 'npm pack', 'the README packs with plain `npm pack`');
    const [packed] = JSON.parse(sh(NPM, ['pack', '--json', '--pack-destination', tmp], ROOT)) as PackResult[];
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    assert.equal(packed!.filename, `arxiv-classifier-${pkg.version}.tgz`);
    assert.equal(steps.install.split(/\s+/)[2]!.split('/').pop(), packed!.filename, 'the README installs the tarball npm pack writes');
    const files = packed!.files.map((f) => f.path);
    for (const need of ['package.json', 'README.md', 'dist/cli/bin.js', 'dist/index.js', 'dist/index.d.ts', 'models/primary.axcm', 'models/multilabel.axcm', 'models/README.md', 'dist/web/index.html', 'dist/web/assets/arxiv-classifier.browser.js']) {
      assert.ok(files.includes(need), `the package lacks ${need}`);
    }
    // The page `serve` serves ships; the static site's copy of the model (build:web) does not.
    const stray = files.filter((f) => /^(test|bench|scripts|tools|src|\.scratch|docs)\//.test(f) || f === 'dist/web/model.axcm' || f.includes('.test.'));
    assert.deepEqual(stray, [], 'the package ships files it should not');

    const app = join(tmp, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    // Tarballs come from the npm cache that `npm ci` filled. Not `--offline`: `npm ci` installs from
    // the lockfile and caches no registry metadata, which resolving the package's own dependency
    // ranges needs, so on a fresh machine an offline install fails before it starts.
    // The README's install line, with the path to where the tarball is here.
    sh(NPM, ['install', '--prefer-offline', '--no-audit', '--no-fund', join(tmp, packed!.filename)], app);
    // The ONNX backend's packages are optional peers: installed only when asked for.
    for (const optional of ['onnxruntime-node', '@huggingface/tokenizers']) {
      assert.ok(!existsSync(join(app, 'node_modules', optional)), `${optional} should be installed only on request`);
    }
    assert.ok(existsSync(join(app, 'node_modules', 'better-sqlite3')), 'dependencies are installed');

    const installed = join(app, 'node_modules', 'arxiv-classifier');
    const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as { exports: Record<string, { types?: string; import?: string }> };
    const main = manifest.exports['.']!;
    assert.ok(main.types && existsSync(join(installed, main.types)), 'exports["."].types must name a shipped .d.ts');
    assert.ok(main.import && existsSync(join(installed, main.import)), 'exports["."].import must name a shipped module');

    // The README's npx line, as written; npm_config_yes=false is `npx --no`: never from a registry.
    const npx = spawnSync('bash', ['-c', steps.npx], { cwd: app, env: { ...ENV, npm_config_yes: 'false' }, encoding: 'utf8' });
    assert.equal(npx.status, 0, `${steps.npx} (in ${app}) exited with ${npx.status}:\n${npx.stdout}\n${npx.stderr}`);
    const out = npx.stdout;
    assert.match(out, /^\s*[\d.]+%\s+cond-mat\.mes-hall\s/m, `unexpected CLI output:\n${out}`);
    const first = out.split('\n').find((l) => /%\s+\S+\.\S+/.test(l));
    assert.match(first ?? '', /cond-mat\.mes-hall/, 'cond-mat.mes-hall should be the top answer');

    writeFileSync(join(app, 'check.mjs'), CONSUMER_MJS);
    const lib = JSON.parse(sh(process.execPath, ['check.mjs'], app)) as { a: { code: string; probability: number }; b: { code: string; probability: number }; task: string };
    assert.equal(lib.a.code, 'cond-mat.mes-hall');
    assert.deepEqual(lib.b, lib.a);
    assert.equal(lib.task, 'primary');

    writeFileSync(join(app, 'check.ts'), CONSUMER_TS);
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, types: ['node'], typeRoots: [join(ROOT, 'node_modules', '@types')] },
        files: ['check.ts'],
      }),
    );
    sh(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], app);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
