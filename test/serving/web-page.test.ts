/**
 * The web page in headless Chromium (Debian's /usr/bin/chromium driven by playwright-core; no
 * browser is ever downloaded). Screenshots go to test-artifacts/web/ (git-ignored).
 */
import assert from 'node:assert/strict';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { defaultModelPath } from '../../src/models/load-model.js';
import { DEFAULT_LIMITS } from '../../src/serving/app-state.js';
import { startServer, type RunningServer } from '../../src/serving/server.js';
import { serveStatic } from '../../src/serving/static-files.js';
import { bundleBrowser } from '../../scripts/build-web.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ARTIFACTS = join(ROOT, 'test-artifacts', 'web');
const skip = existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`;
if (skip) process.stdout.write(`# skipping browser tests: ${skip}\n`);

const dir = mkdtempSync(join(tmpdir(), 'axc-web-'));
let srv: RunningServer;
let browser: Browser;

before(async () => {
  if (skip) return;
  mkdirSync(ARTIFACTS, { recursive: true });
  srv = await startServer(
    { modelPath: defaultModelPath()!, feedbackPath: join(dir, 'fb.sqlite'), corsOrigins: [], webDir: join(ROOT, 'src', 'serving', 'web'), ...DEFAULT_LIMITS },
    { port: 0, host: '127.0.0.1' },
    () => {},
  );
  const { chromium } = await import('playwright-core');
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'], headless: true });
});

after(async () => {
  await browser?.close();
  await srv?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function open(width = 1100, height = 900, url = srv.url + '/', ready = 'Server'): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width, height }, acceptDownloads: true });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    // The optional in-browser bundle is absent here: its 404 is expected.
    if (m.type() === 'error' && !/arxiv-classifier\.browser\.js|404/.test(m.text() + (m.location().url ?? ''))) errors.push(m.text());
  });
  await page.goto(url);
  await page.getByText(ready, { exact: true }).waitFor();
  return { page, errors };
}

/**
 * Polls a page-side expression until it is truthy. page.waitForFunction would evaluate it inside
 * the page, which the page's Content-Security-Policy (no unsafe-eval) forbids.
 */
async function until(page: Page, expression: string, timeoutMs = 10_000): Promise<void> {
  for (const end = Date.now() + timeoutMs; !(await page.evaluate<boolean>(expression)); ) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${expression}`);
    await page.waitForTimeout(50);
  }
}

test('type an abstract: the expected category appears as bars, with group, archive and highlighted words', { skip, timeout: 60_000 }, async () => {
  const { page, errors } = await open();
  await page.getByLabel('Title', { exact: true }).fill('Free electron trajectories in graphene');
  await page.getByLabel(/^Abstract/).pressSequentially('We observe ballistic transport of Dirac electrons in monolayer graphene', { delay: 5 });
  const first = page.locator('ol.bars > li').first();
  await first.waitFor();
  await page.locator('ol.bars > li:first-child[data-code="cond-mat.mes-hall"]').waitFor();
  assert.equal(await first.getAttribute('data-code'), 'cond-mat.mes-hall');
  assert.match(await first.innerText(), /Mesoscale and Nanoscale Physics/);
  assert.equal(await page.locator('ol.bars > li').count(), 5);
  assert.match(await page.getByTestId('group').innerText(), /^Physics/);
  assert.match(await page.getByTestId('archive').innerText(), /Condensed Matter/);
  const marks = await page.locator('#explain-text mark').allInnerTexts();
  // Alone or inside a highlighted pair ("in graphene"): which one ranks higher varies with the text typed so far.
  assert.ok(marks.some((m) => /\bgraphene\b/i.test(m)), `highlighted: ${marks.join(', ')}`);
  // Bars are coloured by group.
  assert.match((await first.locator('.fill').getAttribute('class'))!, /g-physics/);
  // Offline toggle stays hidden without the in-browser bundle.
  assert.equal(await page.locator('#offline-toggle').isVisible(), false);
  await page.screenshot({ path: join(ARTIFACTS, 'classify.png'), fullPage: true });

  // Change the text: the answer follows.
  await page.getByLabel('Title', { exact: true }).fill('Convolutional neural networks for image segmentation');
  await page.getByLabel(/^Abstract/).fill('');
  await page.locator('ol.bars > li:first-child[data-code^="cs."]').waitFor();
  // Clearing empties the results.
  await page.getByRole('button', { name: 'Clear' }).click();
  await page.getByText('Type a title or paste an abstract').waitFor();
  assert.deepEqual(errors, []);
});

test('a correction sent from the page lands in the feedback store', { skip, timeout: 60_000 }, async () => {
  const { page, errors } = await open();
  const before = srv.state.feedback!.count();
  await page.getByLabel('Title', { exact: true }).fill('On the zeros of L-functions');
  await page.locator('ol.bars > li').first().waitFor();
  await page.getByText('Wrong? Tell us the right categories').click();
  await page.getByLabel(/^Correct categories/).fill('math.NT, math.CV');
  await page.getByRole('button', { name: 'Send correction' }).click();
  await page.getByText('Thank you: stored as math.NT, math.CV.').waitFor();
  assert.equal(srv.state.feedback!.count(), before + 1);
  const last = [...srv.state.feedback!.all()].at(-1)!;
  assert.equal(last.title, 'On the zeros of L-functions');
  assert.deepEqual(last.categories, ['math.NT', 'math.CV']);
  assert.ok(last.predicted);
  assert.deepEqual(errors, []);
});

test('a correction is stored for the text on screen, never for a paper that was cleared away', { skip, timeout: 60_000 }, async () => {
  const { page, errors } = await open();
  const before = srv.state.feedback!.count();
  await page.getByLabel('Title', { exact: true }).fill('On the zeros of L-functions');
  await page.locator('ol.bars > li').first().waitFor();
  await page.getByText('Wrong? Tell us the right categories').click();
  await page.getByRole('button', { name: 'Clear' }).click();
  await page.getByLabel(/^Correct categories/).fill('cond-mat.mes-hall');
  // Nothing on screen: nothing to correct.
  await page.getByRole('button', { name: 'Send correction' }).click();
  await page.getByText(/^Not sent: type the title or abstract/).waitFor();
  assert.equal(srv.state.feedback!.count(), before);
  // New text, sent before any answer for it arrives (held here): stored with that text, no prediction.
  await page.route('**/v1/classify', () => {});
  await page.getByLabel('Title', { exact: true }).fill('Ballistic electrons in graphene');
  await page.getByRole('button', { name: 'Send correction' }).click();
  await page.getByText('Thank you: stored as cond-mat.mes-hall.').waitFor();
  assert.equal(srv.state.feedback!.count(), before + 1);
  const last = [...srv.state.feedback!.all()].at(-1)!;
  assert.equal(last.title, 'Ballistic electrons in graphene');
  assert.equal(last.predicted, undefined);
  assert.deepEqual(errors, []);
});

test('a failed classification hides the highlighted words of the answer before it', { skip, timeout: 60_000 }, async () => {
  const { page } = await open();
  await page.getByLabel('Title', { exact: true }).fill('Free electron trajectories in graphene');
  await page.locator('#explain mark').first().waitFor();
  await page.route('**/v1/classify', (route) => route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ error: { message: 'the model is reloading' } }) }));
  await page.getByLabel('Title', { exact: true }).fill('Lattice QCD at finite density');
  await page.getByRole('alert').filter({ hasText: 'Could not classify: the model is reloading' }).waitFor();
  assert.equal(await page.locator('#explain').isVisible(), false);
});

test('the skip link moves focus to the content and leaves the open tab open', { skip, timeout: 60_000 }, async () => {
  const { page } = await open(1100, 900, srv.url + '/#batch');
  await page.getByRole('link', { name: 'Skip to content' }).focus();
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate<string>(`document.activeElement?.id ?? ''`), 'main');
  assert.equal(await page.locator('#batch').isVisible(), true);
  assert.equal(await page.getByRole('tab', { name: 'Batch' }).getAttribute('aria-selected'), 'true');
  // A fragment that names no tab (typed, or an old link) leaves the panels alone too.
  await page.evaluate(`location.hash = '#main'`);
  await page.evaluate(`new Promise((r) => setTimeout(r, 50))`);
  assert.equal(await page.locator('#batch').isVisible(), true);
});

test('keyboard: every control is labelled and reachable with Tab', { skip, timeout: 60_000 }, async () => {
  const { page } = await open();
  // Page-side code is a string: this project's type checking has no DOM library.
  const unlabelled = await page.evaluate<string[]>(`[...document.querySelectorAll('input, textarea, select')]
      .filter((e) => e.type !== 'hidden')
      .filter((e) => !e.labels?.length && !e.getAttribute('aria-label'))
      .map((e) => e.id)`);
  assert.deepEqual(unlabelled, []);
  const seen: string[] = [];
  // The example buttons come before the form: seven of them.
  for (let i = 0; i < 20; i++) {
    await page.keyboard.press('Tab');
    seen.push(await page.evaluate<string>(`document.activeElement?.id || document.activeElement?.textContent?.trim() || ''`));
  }
  for (const id of ['title', 'abstract', 'k']) assert.ok(seen.includes(id), `Tab never reached #${id}: ${seen.join(' → ')}`);
  // Tabs work from the keyboard too.
  await page.getByRole('tab', { name: 'Model' }).focus();
  await page.keyboard.press('Enter');
  await page.getByText('Training papers', { exact: true }).waitFor();
  await page.screenshot({ path: join(ARTIFACTS, 'model.png'), fullPage: true });
});

test('batch: upload a CSV, watch progress, download predictions as CSV and JSONL', { skip, timeout: 60_000 }, async () => {
  const { page, errors } = await open();
  await page.getByRole('tab', { name: 'Batch' }).click();
  const csv = ['id,title,abstract', '2101.1,Graphene nanoribbons,Electron transport in graphene', '2101.2,"Lattice QCD, at finite density",Quarks and gluons on the lattice', '2101.3,,', '2101.4,Deep learning for image classification,Convolutional networks'].join('\n');
  await page.setInputFiles('#file', { name: 'papers.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.getByText(/^Done: 3 papers classified, 1 row skipped/).waitFor();
  assert.equal(await page.locator('#progress').getAttribute('max'), '3');
  assert.equal(await page.evaluate<number>(`document.getElementById('progress').value`), 3);
  assert.equal(await page.locator('#batch-table tbody tr').count(), 3);
  await page.screenshot({ path: join(ARTIFACTS, 'batch.png'), fullPage: true });

  const [csvDownload] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
  assert.equal(csvDownload.suggestedFilename(), 'papers.predictions.csv');
  const csvOut = readFileSync((await csvDownload.path())!, 'utf8').trim().split(/\r\n/);
  // The columns `classify --out x.csv` writes.
  assert.equal(csvOut[0], 'id,row,label,name,probability,group,group_name,group_probability,archive,labels,uncertain,unparsed');
  assert.equal(csvOut.length, 4);
  assert.match(csvOut[1]!, /^2101\.1,,cond-mat\./);
  assert.match(csvOut[2]!, /^2101\.2,,hep-/);
  assert.match(csvOut[3]!, /^2101\.4,,cs\./);

  const [jsonlDownload] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download JSONL' }).click()]);
  const rows = readFileSync((await jsonlDownload.path())!, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown> & { id: string; labels: { code: string }[] });
  assert.deepEqual(rows.map((r) => r.id), ['2101.1', '2101.2', '2101.4']);
  assert.equal(rows[0]!.labels.length, 5);
  // The record `classify --input` writes (src/models/prediction-json.ts): groups and archive, no page-only fields.
  assert.deepEqual(Object.keys(rows[0]!).slice(0, 4), ['id', 'labels', 'groups', 'archive']);
  assert.ok(!('title' in rows[0]!) && !('line' in rows[0]!) && !('type' in rows[0]!));
  assert.deepEqual(errors, []);
});

test('batch: a second upload replaces the first, whose rows never reach the second one\'s downloads', { skip, timeout: 90_000 }, async () => {
  const { page, errors } = await open();
  await page.getByRole('tab', { name: 'Batch' }).click();
  const big = ['id,title,abstract', ...Array.from({ length: 20_000 }, (_, i) => `big${i},Graphene nanoribbons ${i},Electron transport in graphene`)].join('\n');
  await page.setInputFiles('#file', { name: 'big.csv', mimeType: 'text/csv', buffer: Buffer.from(big) });
  await page.getByText(/^\d+ of 20000 classified/).waitFor();
  const small = ['id,title,abstract', 'small1,Lattice QCD at finite density,Quarks on the lattice', 'small2,Deep learning for image classification,Convolutional networks'].join('\n');
  await page.setInputFiles('#file', { name: 'small.csv', mimeType: 'text/csv', buffer: Buffer.from(small) });
  await page.getByText(/^Done: 2 papers classified/).waitFor();
  // The big file's answer, were it still read, sends a chunk every 200 rows: a second is plenty.
  await page.waitForTimeout(1000);
  assert.match(await page.locator('#batch-status').innerText(), /^Done: 2 papers classified/);
  assert.equal(await page.locator('#batch-table tbody tr').count(), 2);
  const [csvDownload] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
  assert.equal(csvDownload.suggestedFilename(), 'small.predictions.csv');
  const csvOut = readFileSync((await csvDownload.path())!, 'utf8').trim().split(/\r\n/);
  assert.deepEqual(csvOut.slice(1).map((l) => l.split(',')[0]), ['small1', 'small2']);
  assert.deepEqual(errors, []);
});

test('batch: skipped rows are listed with their row and the reason, the first five of them', { skip, timeout: 60_000 }, async () => {
  const { page, errors } = await open();
  await page.getByRole('tab', { name: 'Batch' }).click();
  const csv = ['id,title,abstract', 'a1,Graphene nanoribbons,Electron transport', `a2,${'x'.repeat(10_001)},`, ...Array.from({ length: 6 }, (_, i) => `e${i},,`)].join('\n');
  await page.setInputFiles('#file', { name: 'skips.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.getByText(/^Done: 1 paper classified, 7 rows skipped/).waitFor();
  assert.deepEqual(await page.locator('#batch-skips li').allInnerTexts(), [
    'Row 3: title: must be at most 10000 characters (got 10001)',
    'Row 4: no title or abstract',
    'Row 5: no title or abstract',
    'Row 6: no title or abstract',
    'Row 7: no title or abstract',
    'and 2 more',
  ]);
  assert.deepEqual(errors, []);
});

test('batch: a run the server stops part way, or whose answer is cut short, is shown as failed and offers no download', { skip, timeout: 60_000 }, async () => {
  const { page } = await open();
  await page.getByRole('tab', { name: 'Batch' }).click();
  const prediction = { type: 'prediction', line: 2, id: 'p1', title: 'Graphene', labels: [{ code: 'cond-mat.mes-hall', name: 'Mesoscale and Nanoscale Physics', probability: 0.9 }], groups: [] };
  const start = { type: 'start', file: 'papers.csv', rows: 3, total: 3 };
  const bodies = {
    stopped: [start, prediction, { type: 'error', error: { status: 503, code: 'backend_unavailable', message: 'the model backend is unavailable' } }],
    cut: [start, prediction],
  };
  for (const [name, events] of Object.entries(bodies)) {
    await page.route('**/v1/classify/file*', (route) => route.fulfill({ status: 200, contentType: 'application/x-ndjson', body: events.map((e) => JSON.stringify(e) + '\n').join('') }));
    await page.setInputFiles('#file', { name: `${name}.csv`, mimeType: 'text/csv', buffer: Buffer.from('title\nGraphene\nQuarks\nNeurons\n') });
    await page.getByText(/^Failed: /).waitFor();
    const status = await page.locator('#batch-status').innerText();
    assert.match(status, name === 'stopped' ? /the model backend is unavailable \(after 1 paper\)/ : /stopped after 1 paper/, name);
    assert.equal(await page.getByRole('button', { name: 'Download CSV' }).isDisabled(), true, name);
    assert.equal(await page.getByRole('button', { name: 'Download JSONL' }).isDisabled(), true, name);
    await page.unroute('**/v1/classify/file*');
  }
});

test('batch: a title that a spreadsheet would run as a formula is downloaded as text', { skip, timeout: 60_000 }, async () => {
  const { page, errors } = await open();
  await page.getByRole('tab', { name: 'Batch' }).click();
  const titles = ['=HYPERLINK("http://example.com/x";"click")', '+1+1 graphene', '-2+3 lattice', '@SUM(A1) networks', 'Graphene nanoribbons'];
  // The title is the id too: the download's first column, as `classify --out x.csv` writes it.
  const csv = ['id,title,abstract', ...titles.map((t) => `"${t.replace(/"/g, '""')}","${t.replace(/"/g, '""')}",`)].join('\n');
  await page.setInputFiles('#file', { name: 'formulas.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.getByText(/^Done: 5 papers classified/).waitFor();
  const [csvDownload] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
  const lines = readFileSync((await csvDownload.path())!, 'utf8').trim().split(/\r\n/).slice(1);
  const titleCells = lines.map((l) => l.match(/^("(?:[^"]|"")*"|[^,]*),/)![1]);
  assert.deepEqual(titleCells, [`"'=HYPERLINK(""http://example.com/x"";""click"")"`, `'+1+1 graphene`, `'-2+3 lattice`, `'@SUM(A1) networks`, 'Graphene nanoribbons']);
  assert.deepEqual(errors, []);
});

test('multi-label model: "Labels shown" caps the bars, the threshold picks which qualify', { skip, timeout: 60_000 }, async () => {
  const s = await startServer({ modelPath: join(ROOT, 'models', 'multilabel.axcm'), feedbackPath: null, corsOrigins: [], webDir: join(ROOT, 'src', 'serving', 'web'), ...DEFAULT_LIMITS }, { port: 0, host: '127.0.0.1' }, () => {});
  try {
    const { page, errors } = await open(1100, 900, s.url + '/');
    await page.locator('#threshold-box').waitFor();
    const setThreshold = (v: string) => page.evaluate(`(() => { const t = document.getElementById('threshold'); t.value = '${v}'; t.dispatchEvent(new Event('input')); })()`);
    const barsSettle = async (n: (count: number) => boolean) => {
      await until(page, `document.getElementById('result').getAttribute('aria-busy') === 'false'`);
      for (let i = 0; i < 50 && !n(await page.locator('ol.bars > li').count()); i++) await page.waitForTimeout(100);
      return page.locator('ol.bars > li').count();
    };
    await setThreshold('0.05');
    await page.getByLabel('Labels shown').selectOption('3');
    await page.getByLabel('Title', { exact: true }).fill('Quantum machine learning for many-body physics');
    await page.getByLabel(/^Abstract/).fill('We train neural networks on quantum states of spin chains and benchmark the learned phases against exact diagonalization and statistical mechanics.');
    assert.equal(await barsSettle((c) => c === 3), 3);
    await page.getByLabel('Labels shown').selectOption('10');
    const many = await barsSettle((c) => c > 3);
    assert.ok(many > 3 && many <= 10, `${many} bars with k = 10 at threshold 0.05`);
    await setThreshold('0.95');
    const few = await barsSettle((c) => c < many);
    assert.ok(few >= 1 && few < many, `${few} bars at threshold 0.95 (${many} at 0.05)`);
    assert.deepEqual(errors, []);
  } finally {
    await s.close();
  }
});

test('readable on a phone: no horizontal scrolling', { skip, timeout: 60_000 }, async () => {
  const { page } = await open(390, 844);
  await page.getByLabel('Title', { exact: true }).fill('Topological insulators and Majorana zero modes');
  await page.locator('ol.bars > li').first().waitFor();
  const overflow = await page.evaluate<number>(`document.documentElement.scrollWidth - document.documentElement.clientWidth`);
  assert.ok(overflow <= 0, `page is ${overflow}px wider than the screen`);
  await page.screenshot({ path: join(ARTIFACTS, 'phone.png'), fullPage: true });
});

/**
 * Offline mode's plumbing, with a stand-in for the browser bundle that honours its contract
 * (`globalThis.ArxivClassifier.loadModelFromBytes(bytes) → { predict }`) and answers from the
 * bytes it was given: the toggle appears, the model file is fetched once, answers come from the
 * browser. The real bundle's test is below.
 */
const FAKE_BUNDLE = `globalThis.ArxivClassifier = {
  async loadModelFromBytes(bytes) {
    const magic = new TextDecoder().decode(new Uint8Array(bytes, 0, 4));
    if (magic !== 'AXCM') throw new Error('not a model file: ' + magic);
    globalThis.fakeModelBytes = bytes.byteLength;
    return { predict(paper) {
      return { labels: [{ code: 'math.NT', name: 'Number Theory (in-browser)', group: 'math', groupName: 'Mathematics', probability: 0.75,
        reasons: [{ term: paper.title.split(' ')[0].toLowerCase(), weight: 1 }] }],
        groups: [{ code: 'math', name: 'Mathematics', probability: 0.75 }] };
    } };
  },
};`;

function webDirWith(bundle: string | null, model: boolean): string {
  const d = mkdtempSync(join(dir, 'web-'));
  cpSync(join(ROOT, 'src', 'serving', 'web'), d, { recursive: true });
  mkdirSync(join(d, 'assets'), { recursive: true });
  if (bundle !== null) writeFileSync(join(d, 'assets', 'arxiv-classifier.browser.js'), bundle);
  if (model) copyFileSync(defaultModelPath()!, join(d, 'model.axcm'));
  return d;
}

/** A plain static file server (no API), as when the page is hosted on GitHub Pages or S3. */
async function staticHost(root: string): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    void serveStatic(root, new URL(req.url ?? '/', 'http://x').pathname, res, undefined).then((found) => {
      if (!found) {
        res.writeHead(404);
        res.end();
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server };
}

test('offline toggle: with the bundle present, the page fetches the model once and classifies in the browser', { skip, timeout: 60_000 }, async () => {
  const web = webDirWith(FAKE_BUNDLE, false);
  const s = await startServer({ modelPath: defaultModelPath()!, feedbackPath: null, corsOrigins: [], webDir: web, ...DEFAULT_LIMITS }, { port: 0, host: '127.0.0.1' }, () => {});
  try {
    const { page, errors } = await open(1100, 900, s.url + '/');
    const toggle = page.getByLabel('Offline (in-browser)');
    await toggle.waitFor();
    await toggle.check();
    await page.getByText('Offline: running in this browser').waitFor();
    assert.equal(await page.evaluate<number>('globalThis.fakeModelBytes'), statSync(defaultModelPath()!).size);
    await page.getByLabel('Title', { exact: true }).fill('Primes in arithmetic progressions');
    await page.locator('ol.bars > li:first-child[data-code="math.NT"]').waitFor();
    assert.match(await page.locator('ol.bars > li').first().innerText(), /in-browser/);
    // And back to the server.
    await toggle.uncheck();
    await page.getByText('Server', { exact: true }).waitFor();
    await page.getByLabel('Title', { exact: true }).fill('Free electron trajectories in graphene');
    await page.locator('ol.bars > li:first-child[data-code="cond-mat.mes-hall"]').waitFor();
    assert.deepEqual(errors, []);
  } finally {
    await s.close();
  }
});

test('offline toggle: unticked while the model downloads, the page stays on the server', { skip, timeout: 60_000 }, async () => {
  const web = webDirWith(FAKE_BUNDLE, false);
  const s = await startServer({ modelPath: defaultModelPath()!, feedbackPath: null, corsOrigins: [], webDir: web, ...DEFAULT_LIMITS }, { port: 0, host: '127.0.0.1' }, () => {});
  try {
    const { page, errors } = await open(1100, 900, s.url + '/');
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    await page.route('**/v1/models/current/file', async (route) => {
      await held;
      await route.continue();
    });
    const toggle = page.getByLabel('Offline (in-browser)');
    await toggle.check();
    await page.getByText('Loading the model into the browser…').waitFor();
    await toggle.uncheck();
    await page.getByText('Server', { exact: true }).waitFor();
    release();
    await until(page, 'globalThis.fakeModelBytes > 0');
    await page.getByLabel('Title', { exact: true }).fill('Free electron trajectories in graphene');
    await page.locator('ol.bars > li').first().waitFor();
    assert.equal(await page.locator('ol.bars > li').first().getAttribute('data-code'), 'cond-mat.mes-hall');
    assert.equal(await page.locator('#status').innerText(), 'Server');
    assert.equal(await toggle.isChecked(), false);
    assert.deepEqual(errors, []);
  } finally {
    await s.close();
  }
});

test('hosted statically with no API, the page goes offline by itself and loads ./model.axcm', { skip, timeout: 60_000 }, async () => {
  const host = await staticHost(webDirWith(FAKE_BUNDLE, true));
  try {
    const { page } = await open(1100, 900, host.url, 'Offline: running in this browser');
    assert.equal(await page.evaluate<number>('globalThis.fakeModelBytes'), statSync(defaultModelPath()!).size);
    assert.equal(await page.locator('#offline-toggle').isVisible(), false);
    await page.getByLabel('Title', { exact: true }).fill('Primes in arithmetic progressions');
    await page.locator('ol.bars > li:first-child[data-code="math.NT"]').waitFor();
  } finally {
    host.server.close();
  }
});

test('offline with the real bundle: same top category as the server', { skip, timeout: 120_000 }, async () => {
  // Bundled here from the sources, as `npm run build:web` does, so the page is tested with the
  // model code of this checkout whether or not dist/ was built.
  const bundleFile = join(dir, 'real-bundle.js');
  await bundleBrowser(bundleFile);
  const host = await staticHost(webDirWith(readFileSync(bundleFile, 'utf8'), true));
  try {
    const { page, errors } = await open(1100, 900, host.url, 'Offline: running in this browser');
    await page.getByLabel('Title', { exact: true }).fill('Free electron trajectories in graphene');
    await page.locator('ol.bars > li:first-child[data-code="cond-mat.mes-hall"]').waitFor();
    // The archive and the labels are named as the server names them.
    assert.match(await page.getByTestId('archive').innerText(), /^Archive: Condensed Matter \(cond-mat\)$/);
    await page.screenshot({ path: join(ARTIFACTS, 'offline.png'), fullPage: true });
    await page.getByRole('tab', { name: 'Model' }).click();
    // The label list, and the model card's row for the same category (the shipped model has a card).
    const rows = await page.locator('#model-info tr').filter({ hasText: 'cond-mat.mes-hall' }).all();
    // textContent: the full label list may sit in a folded section.
    const cells = await Promise.all(rows.map((r) => r.locator('td').allTextContents()));
    assert.ok(cells.some((c) => JSON.stringify(c) === JSON.stringify(['cond-mat.mes-hall', 'Mesoscale and Nanoscale Physics', 'Physics'])), JSON.stringify(cells));
    assert.ok(cells.some((c) => /^trained on [\d,]+ papers$/.test(c[0] ?? '')), JSON.stringify(cells));
    assert.deepEqual(errors, []);
  } finally {
    host.server.close();
  }
});
