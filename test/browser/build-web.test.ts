import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildWeb, BUNDLE_PATH } from '../../scripts/build-web.js';

const MODEL = fileURLToPath(new URL('../../models/primary.axcm', import.meta.url));

test('build:web ships the page directory as it is (TypeScript left out), the bundle and the model', async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'axc-web-'));
  try {
    const page = join(tmp, 'page');
    mkdirSync(join(page, 'img'), { recursive: true });
    writeFileSync(join(page, 'index.html'), '<!doctype html><title>t</title>');
    writeFileSync(join(page, 'style.css'), 'body{}');
    writeFileSync(join(page, 'img', 'logo.svg'), '<svg/>');
    writeFileSync(join(page, 'app.ts'), 'export {};');
    const out = join(tmp, 'out');
    mkdirSync(out);
    writeFileSync(join(out, 'stale.txt'), 'from an earlier build');
    const built = await buildWeb(out, MODEL, page);
    for (const f of ['index.html', 'style.css', 'img/logo.svg', BUNDLE_PATH, 'model.axcm']) assert.ok(existsSync(join(out, f)), `missing ${f}`);
    assert.ok(!existsSync(join(out, 'app.ts')), 'TypeScript sources are not served');
    assert.ok(!existsSync(join(out, 'stale.txt')), 'the output directory starts empty');
    assert.deepEqual(readFileSync(join(out, 'model.axcm')), readFileSync(MODEL));
    const bundle = readFileSync(join(out, BUNDLE_PATH), 'utf8');
    assert.ok(!/\brequire\(|from\s*["']node:|import\(["']node:/.test(bundle), 'the bundle must not reach for Node modules');
    assert.match(bundle, /ArxivClassifier/);
    assert.equal(built.bundleBytes, Buffer.byteLength(bundle));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
