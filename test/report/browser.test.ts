import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { run } from '../cli/run-cli.js';
import { COMMITTED_MODEL, writeTestSet } from './fixtures.js';

/**
 * Reports must look right in a real browser: opened from disk in Debian's Chromium (never a
 * downloaded one), screenshotted into test-artifacts/, their charts measured and their table
 * sorted by clicking. Skips, saying why, where Chromium is not installed
 * (CI: apt-get install -y chromium).
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const skip = existsSync(CHROMIUM) ? false : `Chromium not found at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`;
if (skip) console.log(`# skipping browser tests: ${skip}`);

const ARTIFACTS = join(process.cwd(), 'test-artifacts');
const dir = mkdtempSync(join(tmpdir(), 'axc-'));
let browser: Browser | undefined;

before(async () => {
  if (skip) return;
  const { chromium } = await import('playwright-core');
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
  mkdirSync(ARTIFACTS, { recursive: true });
});

after(async () => {
  await browser?.close();
});

/** Open a report file, failing on any request that leaves the file itself and on page errors. */
async function open(path: string): Promise<{ page: Page; problems: string[] }> {
  const page = await browser!.newPage({ viewport: { width: 1200, height: 900 } });
  const problems: string[] = [];
  const self = pathToFileURL(path).href;
  page.on('request', (r) => {
    if (r.url() !== self && !r.url().startsWith('data:')) problems.push(`request ${r.url()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console ${m.text()}`);
  });
  await page.goto(self);
  return { page, problems };
}

/** Every chart has a size, labelled axes with visible text, and marks (bars or cells) drawn. */
async function checkCharts(page: Page, expected: number): Promise<void> {
  const charts = page.locator('svg.chart');
  assert.equal(await charts.count(), expected);
  for (let i = 0; i < expected; i++) {
    const chart = charts.nth(i);
    const name = await chart.getAttribute('class');
    const box = await chart.boundingBox();
    assert.ok(box && box.width > 100 && box.height > 100, `${name} has size ${JSON.stringify(box)}`);
    const labels = chart.locator('text.axis-label');
    assert.ok((await labels.count()) >= 2, `${name} has two axis labels`);
    for (let j = 0; j < (await labels.count()); j++) {
      const label = labels.nth(j);
      assert.ok(((await label.textContent()) ?? '').trim().length > 0, `${name} axis label ${j} is empty`);
      const lb = await label.boundingBox();
      assert.ok(lb && lb.width > 0 && lb.height > 0, `${name} axis label ${j} is not rendered`);
    }
    assert.ok((await chart.locator('text.tick-label').count()) >= 2, `${name} has ticks`);
    const marks = chart.locator('rect.bar, rect.cell');
    assert.ok((await marks.count()) > 0, `${name} draws something`);
    let drawn = 0;
    for (let j = 0; j < Math.min(await marks.count(), 20); j++) {
      const mb = await marks.nth(j).boundingBox();
      if (mb && mb.width > 0 && mb.height > 0) drawn++;
    }
    assert.ok(drawn > 0, `${name}: no mark has a visible size`);
  }
}

async function screenshot(page: Page, name: string): Promise<void> {
  const file = join(ARTIFACTS, name);
  const png = await page.screenshot({ path: file, fullPage: true });
  // A PNG signature and more than a blank page's worth of bytes.
  assert.deepEqual([...png.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
  assert.ok(statSync(file).size > 20_000, `${name} is ${statSync(file).size} bytes`);
}

test('evaluation report renders in Chromium: charts, axes, sortable table, no network', { skip }, async () => {
  const { path: data } = writeTestSet(dir);
  const report = join(dir, 'report.html');
  const r = await run(['evaluate', '--model', COMMITTED_MODEL, '--data', data, '--report', report]);
  assert.equal(r.code, 0, r.err);
  const { page, problems } = await open(report);
  await checkCharts(page, 3);
  await screenshot(page, 'evaluation-report.png');

  // Sort by F1: first click descending, second ascending; the data-value of each row follows.
  const table = page.locator('table#classes');
  const f1Header = table.locator('th', { hasText: /^F1$/ });
  const f1Column = async () => table.locator('tbody tr').evaluateAll((rows) => rows.map((tr) => Number((tr as unknown as { cells: { dataset: { value?: string } }[] }).cells[7]!.dataset.value)));
  const initial = await f1Column();
  assert.ok(initial.length >= 4);
  await f1Header.click();
  const desc = await f1Column();
  assert.deepEqual(desc, [...initial].sort((a, b) => b - a));
  assert.equal(await f1Header.getAttribute('aria-sort'), 'descending');
  await f1Header.click();
  assert.deepEqual(await f1Column(), [...initial].sort((a, b) => a - b));
  // Text columns sort too.
  await table.locator('th', { hasText: /^class$/ }).click();
  const codes = await table.locator('tbody tr td:first-child').allTextContents();
  assert.deepEqual(codes, [...codes].sort((a, b) => b.localeCompare(a)));
  assert.deepEqual(problems, []);
  await page.close();
});

test('corpus report renders in Chromium', { skip }, async () => {
  const { path: data } = writeTestSet(dir);
  const report = join(dir, 'stats.html');
  const r = await run(['stats', data, '--report', report]);
  assert.equal(r.code, 0, r.err);
  const { page, problems } = await open(report);
  // groups, categories, categories per paper, title and abstract lengths, months (one month only: no chart).
  await checkCharts(page, 5);
  await screenshot(page, 'stats-report.png');
  assert.deepEqual(problems, []);
  await page.close();
});
