/** A multi-label model behind the API and the page: thresholds through the API, the slider on the page. */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { train } from '../../src/index.js';
import { DEFAULT_LIMITS } from '../../src/serving/app-state.js';
import { startServer, type RunningServer } from '../../src/serving/server.js';
import { syntheticPapers } from '../models/synthetic.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'axc-ml-'));
let srv: RunningServer;

before(async () => {
  // A gentle learning rate: on 60 papers the default one makes both labels of the test paper
  // near-certain, and the slider test needs a paper whose second label falls below 0.95.
  const model = await train(syntheticPapers(60, 11), { task: 'multilabel', epochs: 5, lr: 0.5, minDf: 1, threads: 1 });
  const path = join(dir, 'ml.axcm');
  await model.save(path);
  srv = await startServer({ modelPath: path, feedbackPath: null, corsOrigins: [], webDir: join(ROOT, 'src', 'serving', 'web'), ...DEFAULT_LIMITS }, { port: 0, host: '127.0.0.1' }, () => {});
});

after(async () => {
  await srv?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function labels(body: Record<string, unknown>): Promise<string[]> {
  const r = await fetch(`${srv.url}/v1/classify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  assert.equal(r.status, 200);
  return ((await r.json()) as { labels: { code: string }[] }).labels.map((l) => l.code);
}

test('multi-label: /v1/models says so; a lower threshold returns more labels, never none', async () => {
  const m = (await (await fetch(`${srv.url}/v1/models`)).json()) as { current: { task: string; multiLabel: boolean } };
  assert.equal(m.current.task, 'multilabel');
  assert.equal(m.current.multiLabel, true);
  const paper = { title: 'prime zeta spiking', abstract: 'modular congruence prime neurons cortex spiking synaptic', k: 10 };
  const low = await labels({ ...paper, threshold: 0.001 });
  const high = await labels({ ...paper, threshold: 0.999 });
  assert.ok(low.length >= 2, `low threshold: ${low.join(' ')}`);
  assert.equal(high.length, 1);
  assert.ok(low.includes('math.NT') && low.includes('q-bio.NC'), low.join(' '));
});

test('the page shows the threshold slider for a multi-label model and follows it', { skip: existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM}`, timeout: 60_000 }, async () => {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'], headless: true });
  try {
    const page = await browser.newPage();
    await page.goto(srv.url + '/');
    const slider = page.getByLabel(/^Threshold/);
    await slider.waitFor();
    await page.getByLabel('Title', { exact: true }).fill('prime zeta spiking');
    await page.getByLabel(/^Abstract/).fill('modular congruence prime neurons cortex spiking synaptic');
    await slider.fill('0.05');
    await page.locator('ol.bars > li:nth-child(2)').waitFor();
    const many = await page.locator('ol.bars > li').count();
    await slider.fill('0.95');
    await page.locator('#threshold-value').getByText('0.95').waitFor();
    await page.locator('ol.bars > li:nth-child(2)').waitFor({ state: 'detached' });
    assert.ok(many >= 2);
    assert.equal(await page.locator('ol.bars > li').count(), 1);
  } finally {
    await browser.close();
  }
});
