import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { buildWeb, BUNDLE_PATH } from '../../scripts/build-web.js';
import { loadModel } from '../../src/models/load-model.js';
import type { PaperText, Prediction, PredictOptions } from '../../src/models/model.js';
import { madeUpPapers } from '../made-up-papers.js';
import { serveStatic } from './static-server.js';

const CHROMIUM = process.env.AXC_CHROMIUM ?? '/usr/bin/chromium';
const MODEL = fileURLToPath(new URL('../../models/primary.axcm', import.meta.url));
const skip = existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM} (install it, or set AXC_CHROMIUM to its path)`;
if (skip) console.log(`# skipping browser tests: ${skip}`);

type Api = typeof globalThis.ArxivClassifier;

async function withSite(fn: (site: { url: string; requests: Map<string, number>; page: string; browser: Browser }) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'axc-web-'));
  const built = await buildWeb(dir, MODEL);
  const server = await serveStatic(dir);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  try {
    await fn({ url: server.url, requests: server.requests, page: built.page, browser });
  } finally {
    await browser.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

test('the browser bundle predicts what Node predicts on 100 papers, with wasm SIMD and with the JS kernels', { skip, timeout: 180_000 }, async () => {
  const papers = madeUpPapers(100);
  // Reasons on every tenth paper: explanations come from the same weights and must agree too.
  const options: PredictOptions[] = papers.map((_, i) => ({ k: 5, explain: i % 10 === 0 ? 5 : false }));
  const node = await loadModel(MODEL);
  const expected = papers.map((p, i) => node.predict(p, options[i]));
  assert.ok(new Set(expected.map((p) => p.labels[0]!.code)).size >= 5, 'the made-up papers should reach several categories');

  await withSite(async ({ url, browser }) => {
    for (const backend of ['wasm-simd', 'js'] as const) {
      const page = await browser.newPage();
      // Without WebAssembly the kernels fall back to plain JS, as in a browser that lacks wasm SIMD.
      if (backend === 'js') await page.addInitScript(() => Reflect.deleteProperty(globalThis, 'WebAssembly'));
      await page.goto(`${url}blank`);
      await page.addScriptTag({ url: `${url}${BUNDLE_PATH}` });
      const got = await page.evaluate(
        async ({ papers, options }: { papers: PaperText[]; options: PredictOptions[] }) => {
          const api = (globalThis as unknown as { ArxivClassifier: Api }).ArxivClassifier;
          const model = await api.loadModelFromUrl('/model.axcm');
          let badFile = '';
          await api.loadModelFromBytes(new TextEncoder().encode('{"id": "not a model"}\n'), 'bad.axcm').catch((e: Error) => (badFile = e.message));
          return { backend: api.kernelBackend, predictions: papers.map((p, i) => model.predict(p, options[i])), badFile };
        },
        { papers, options },
      );
      await page.close();
      assert.equal(got.backend, backend);
      assert.match(got.badFile, /bad\.axcm: not an arxiv-classifier model file.*JSON/);
      assert.equal(got.predictions.length, papers.length);
      got.predictions.forEach((b: Prediction, i: number) => {
        const n = expected[i]!;
        const where = `${backend}, paper ${i} (${papers[i]!.title})`;
        assert.deepEqual(b.labels.map((l) => l.code), n.labels.map((l) => l.code), `top-5 codes differ: ${where}`);
        b.labels.forEach((l, j) => {
          const diff = Math.abs(l.probability - n.labels[j]!.probability);
          assert.ok(diff <= 1e-5, `${where}: ${l.code} probability ${l.probability} vs ${n.labels[j]!.probability} in Node`);
          if (n.labels[j]!.reasons) assert.deepEqual(l.reasons?.map((r) => r.term), n.labels[j]!.reasons!.map((r) => r.term), `reasons differ: ${where}`);
        });
        assert.deepEqual(b.groups.map((g) => g.code).slice(0, 3), n.groups.map((g) => g.code).slice(0, 3), `groups differ: ${where}`);
      });
    }
  });
});

test('the static page fetches the model once and then classifies with no server round-trip', { skip, timeout: 120_000 }, async (t) => {
  const title = 'Free electron trajectories in graphene';
  const node = await loadModel(MODEL);
  const want = node.predict({ title, abstract: '' }, { k: 5 }).labels[0]!.code;
  await withSite(async ({ url, requests, page: source, browser }) => {
    if (source !== 'src/browser/page') {
      t.skip(`the page comes from ${source}, which has its own tests`);
      return;
    }
    const page = await browser.newPage();
    await page.goto(url);
    await page.waitForSelector('button[type=submit]:not([disabled])', { timeout: 60_000 });
    const before = [...requests.values()].reduce((a, b) => a + b, 0);
    await page.fill('#title', title);
    await page.click('button[type=submit]');
    const first = await page.waitForSelector('#labels li');
    assert.equal(await first.getAttribute('data-code'), want);
    assert.equal([...requests.values()].reduce((a, b) => a + b, 0), before, 'classifying made requests to the server');
    assert.equal(requests.get('/model.axcm'), 1);
    assert.match((await page.textContent('#status')) ?? '', /offline/);
  });
});
