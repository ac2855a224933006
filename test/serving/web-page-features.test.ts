/**
 * The page's newer parts in headless Chromium (Debian's /usr/bin/chromium through playwright-core):
 * example papers, shareable links, a category's words, an unsure model, corrections only where
 * the server keeps them, the model card, the static site's batch mode in a Web Worker, and
 * carrying on in the browser when the server goes away. Screenshots go to test-artifacts/web/.
 */
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { train } from '../../src/index.js';
import type { ModelCard, MultiLabelModelCard } from '../../src/models/model.js';
import { defaultModelPath } from '../../src/models/load-model.js';
import { DEFAULT_LIMITS, type ServeConfig } from '../../src/serving/app-state.js';
import { startServer, type RunningServer } from '../../src/serving/server.js';
import { serveStatic } from '../../src/serving/static-files.js';
import { buildWeb } from '../../scripts/build-web.js';
import { syntheticPapers } from '../models/synthetic.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ARTIFACTS = join(ROOT, 'test-artifacts', 'web');
const WEB = join(ROOT, 'src', 'serving', 'web');
const skip = existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`;
if (skip) process.stdout.write(`# skipping browser tests: ${skip}\n`);
else process.stdout.write(`# screenshots: ${ARTIFACTS}\n`);

const dir = mkdtempSync(join(tmpdir(), 'axc-webf-'));
let browser: Browser;
let site: string;
let cardModel: string;

/** A model card as the shipped models carry one, for a model over the synthetic topics. */
const CARD: ModelCard = {
  evaluation: 'Measured on 400 papers from the two months after the training data, with a twin of this model trained on the months before them.',
  testPapers: 400,
  overall: { top1: 0.81, top5: 0.97, macroF1: 0.74, groupAccuracy: 0.93 },
  groups: [
    { code: 'cs', name: 'Computer Science', trainShare: 0.4, testPapers: 160, top1: 0.85, groupAccuracy: 0.95 },
    { code: 'physics', name: 'Physics', trainShare: 0.3, testPapers: 120, top1: 0.8, groupAccuracy: 0.94 },
    { code: 'math', name: 'Mathematics', trainShare: 0.2, testPapers: 80, top1: 0.78, groupAccuracy: 0.9 },
    { code: 'q-bio', name: 'Quantitative Biology', trainShare: 0.1, testPapers: 40, top1: 0.7, groupAccuracy: 0.88 },
  ],
  categories: [
    { code: 'cs.CV', name: 'Computer Vision and Pattern Recognition', group: 'cs', trainPapers: 1200, testPapers: 160, precision: 0.9, recall: 0.85, f1: 0.87 },
    { code: 'hep-th', name: 'High Energy Physics - Theory', group: 'physics', trainPapers: 900, testPapers: 120, precision: 0.82, recall: 0.8, f1: 0.81 },
    { code: 'math.NT', name: 'Number Theory', group: 'math', trainPapers: 600, testPapers: 80, precision: 0.8, recall: 0.78, f1: 0.79 },
    { code: 'q-bio.NC', name: 'Neurons and Cognition', group: 'q-bio', trainPapers: 300, testPapers: 40, precision: 0.75, recall: 0.7, f1: 0.72 },
  ],
  priors: [
    { prior: 'corpus', top1: 0.81, macroF1: 0.74, neverPredicted: 0, groups: { cs: 0.41 } },
    { prior: 'balanced', top1: 0.78, macroF1: 0.77, neverPredicted: 0, groups: { cs: 0.35 } },
  ],
  limitations: ['It has seen only four categories.', 'Titles alone are classified less accurately than titles with abstracts.'],
};

/** A multi-label model's card: answers scored against every category a paper carries. */
const ML_CARD: MultiLabelModelCard = {
  task: 'multilabel',
  evaluation: 'Measured on 400 papers from the two months after the training data.',
  testPapers: 400,
  overall: { microF1: 0.66, samplesF1: 0.67, precisionAt1: 0.83, macroF1: 0.41 },
  groups: [
    { code: 'cs', name: 'Computer Science', trainShare: 0.5, testLabels: 220, precision: 0.7, recall: 0.72, f1: 0.71 },
    { code: 'physics', name: 'Physics', trainShare: 0.5, testLabels: 180, precision: 0.64, recall: 0.6, f1: 0.62 },
  ],
  categories: [
    { code: 'cs.CV', name: 'Computer Vision and Pattern Recognition', group: 'cs', trainPapers: 1500, testPapers: 220, precision: 0.7, recall: 0.72, f1: 0.71 },
    { code: 'hep-th', name: 'High Energy Physics - Theory', group: 'physics', trainPapers: 1400, testPapers: 180, precision: 0.64, recall: 0.6, f1: 0.62 },
  ],
  limitations: ['It answers 1.8 categories a paper.'],
};
let multiLabelCardModel: string;

before(async () => {
  if (skip) return;
  mkdirSync(ARTIFACTS, { recursive: true });
  const model = await train(syntheticPapers(40, 3), { epochs: 4, minDf: 1, threads: 1 });
  model.info.card = CARD;
  cardModel = join(dir, 'card.axcm');
  await model.save(cardModel);
  const multi = await train(syntheticPapers(40, 3), { task: 'multilabel', epochs: 4, minDf: 1, threads: 1 });
  multi.info.card = ML_CARD;
  multiLabelCardModel = join(dir, 'multilabel-card.axcm');
  await multi.save(multiLabelCardModel);
  // The static site as `npm run build:web` makes it, with the shipped model.
  site = join(dir, 'site');
  await buildWeb(site, defaultModelPath()!);
  const { chromium } = await import('playwright-core');
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'], headless: true });
});

after(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function server(overrides: Partial<ServeConfig> = {}): Promise<RunningServer> {
  return startServer({ modelPath: defaultModelPath()!, feedbackPath: join(mkdtempSync(join(dir, 'fb-')), 'fb.sqlite'), corsOrigins: [], webDir: WEB, ...DEFAULT_LIMITS, ...overrides }, { port: 0, host: '127.0.0.1' }, () => {});
}

/** A plain static file server (no API), as when the page is hosted on GitHub Pages or S3; counts requests per path. */
async function staticHost(root: string): Promise<{ url: string; server: Server; requests: Map<string, number> }> {
  const requests = new Map<string, number>();
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    requests.set(path, (requests.get(path) ?? 0) + 1);
    void serveStatic(root, path, res, undefined).then((found) => {
      if (!found) {
        res.writeHead(404);
        res.end();
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server, requests };
}

async function open(url: string, ready: string | RegExp = 'Server', width = 1100, height = 900): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width, height }, acceptDownloads: true });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/arxiv-classifier\.browser\.js|404|Failed to load resource/.test(m.text() + (m.location().url ?? ''))) errors.push(m.text());
  });
  await page.goto(url);
  await page.locator('#status').filter({ hasText: ready }).waitFor({ timeout: 60_000 });
  return { page, errors };
}

test('an example is one click away, and the address bar then shares it: opening that link classifies the same paper', { skip, timeout: 60_000 }, async () => {
  const s = await server();
  try {
    const { page, errors } = await open(s.url + '/');
    await page.getByRole('button', { name: 'Prime numbers' }).click();
    await page.locator('ol.bars > li:first-child[data-code^="math."]').waitFor();
    assert.match(await page.getByLabel('Title', { exact: true }).inputValue(), /primes in arithmetic progressions/);
    const shared = new URL(page.url());
    assert.match(shared.searchParams.get('title') ?? '', /^Small gaps between primes/);
    assert.match(shared.searchParams.get('abstract') ?? '', /Maynard sieve/);
    const top = await page.locator('ol.bars > li').first().getAttribute('data-code');
    await page.screenshot({ path: join(ARTIFACTS, 'example.png'), fullPage: true });
    // Every example lands in its own field's categories.
    for (const [name, prefix] of [['Graphene', 'cond-mat.'], ['Language models', 'cs.'], ['Causal inference', 'stat.']] as const) {
      await page.getByRole('button', { name }).click();
      await page.locator(`ol.bars > li:first-child[data-code^="${prefix}"]`).waitFor();
    }

    const { page: other } = await open(shared.href);
    await other.locator(`ol.bars > li:first-child[data-code="${top}"]`).waitFor();
    assert.equal(await other.getByLabel(/^Abstract/).inputValue(), shared.searchParams.get('abstract'));
    // Clearing the text takes it out of the address too.
    await other.getByRole('button', { name: 'Clear' }).click();
    assert.equal(new URL(other.url()).search, '');
    assert.deepEqual(errors, []);
  } finally {
    await s.close();
  }
});

test('click any category to see its words; highlighted words show their weight on hover', { skip, timeout: 60_000 }, async () => {
  const s = await server();
  try {
    const { page, errors } = await open(s.url + '/');
    await page.getByLabel('Title', { exact: true }).fill('Quantum error correction with superconducting qubits for machine learning');
    await page.getByLabel(/^Abstract/).fill('We train neural networks to decode surface codes on superconducting quantum processors, and compare the learned decoders with minimum-weight matching.');
    const bars = page.locator('ol.bars > li');
    await bars.nth(1).waitFor();
    const second = (await bars.nth(1).getAttribute('data-code'))!;
    assert.match(await page.locator('#explain-label').innerText(), new RegExp(`^${(await bars.first().getAttribute('data-code'))!.replace('.', '\\.')}`));
    await bars.nth(1).getByRole('button').click();
    await page.locator('#explain-label').filter({ hasText: second }).waitFor();
    assert.equal(await bars.nth(1).getByRole('button').getAttribute('aria-pressed'), 'true');
    assert.equal(await bars.first().getByRole('button').getAttribute('aria-pressed'), 'false');
    const tips = await page.locator('#explain-text mark').evaluateAll((ms) => ms.map((m) => m.getAttribute('title')));
    assert.ok(tips.length > 0, 'no highlighted words');
    for (const t of tips) assert.match(t ?? '', new RegExp(`pushes ${second.replace('.', '\\.')} by \\d+\\.\\d{3}$`));
    assert.ok((await page.locator('#explain-terms li').count()) > 0);
    await page.screenshot({ path: join(ARTIFACTS, 'label-words.png'), fullPage: true });
    assert.deepEqual(errors, []);
  } finally {
    await s.close();
  }
});

test('an unsure prediction says so and keeps its bars out of sight', { skip, timeout: 60_000 }, async () => {
  const s = await server();
  try {
    const { page, errors } = await open(s.url + '/');
    // The model flags text it knows too few words of; the page must show what the API says.
    await page.route('**/v1/classify', async (route) => {
      const res = await route.fetch();
      const body = (await res.json()) as Record<string, unknown>;
      await route.fulfill({ response: res, json: { ...body, uncertain: { reason: 'it knows too few of these words to judge', knownWords: 0.12 } } });
    });
    await page.getByLabel('Title', { exact: true }).fill('Zorblat quixotic flimflam');
    const banner = page.getByRole('alert').filter({ hasText: 'The model is unsure' });
    await banner.waitFor();
    assert.match(await banner.innerText(), /it knows too few of these words to judge \(it knows 12% of the words\)/);
    assert.equal(await page.locator('ol.bars').isVisible(), false, 'confident bars are drawn for an unsure answer');
    // Nor its top group, its archive or the words behind its first guess.
    assert.equal(await page.locator('[data-testid="group"]').isVisible(), false, 'the group chip of an unsure answer is shown');
    assert.equal(await page.locator('#explain').isVisible(), false, 'the words behind an unsure guess are shown');
    await page.getByText('Show its guesses anyway').click();
    assert.equal(await page.locator('[data-testid="group"]').isVisible(), true);
    assert.equal(await page.locator('ol.bars').isVisible(), true);
    assert.match((await page.locator('ol.bars > li .fill').first().getAttribute('class'))!, /g-other/);
    await page.screenshot({ path: join(ARTIFACTS, 'unsure.png'), fullPage: true });
    // A confident answer after it clears the warning.
    await page.unroute('**/v1/classify');
    await page.getByLabel('Title', { exact: true }).fill('Free electron trajectories in graphene');
    await page.locator('ol.bars > li:first-child[data-code="cond-mat.mes-hall"]').waitFor();
    assert.equal(await banner.isVisible(), false);
    assert.deepEqual(errors, []);
  } finally {
    await s.close();
  }
});

test('corrections: hidden without a feedback store; a token field only where the server asks; a click picks the category; the taxonomy autocompletes', { skip, timeout: 90_000 }, async () => {
  const none = await server({ feedbackPath: null });
  try {
    const { page } = await open(none.url + '/');
    await page.getByText('Facts').waitFor({ state: 'attached' });
    await page.getByLabel('Title', { exact: true }).fill('On the zeros of L-functions');
    await page.locator('ol.bars > li').first().waitFor();
    assert.equal(await page.locator('#feedback-box').isVisible(), false, 'a correction form on a server that cannot keep it');
    const models = (await (await fetch(none.url + '/v1/models')).json()) as { feedback: { enabled: boolean; token: boolean } };
    assert.deepEqual(models.feedback, { enabled: false, token: false });
  } finally {
    await none.close();
  }
  const open_ = await server();
  try {
    const { page, errors } = await open(open_.url + '/');
    await page.getByLabel('Title', { exact: true }).fill('On the zeros of L-functions');
    await page.locator('ol.bars > li').first().waitFor();
    await page.getByText('Wrong? Tell us the right categories').click();
    assert.equal(await page.locator('#fb-token').isVisible(), false, 'a token field where none is needed');
    await until(page, `document.querySelectorAll('#fb-taxonomy option').length > 100`);
    const numberTheory = await page.locator('#fb-taxonomy option[value="math.NT"]').getAttribute('label') ?? (await page.locator('#fb-taxonomy option[value="math.NT"]').textContent());
    assert.match(numberTheory ?? '', /Number Theory/);
    // Click the model's second answer: it becomes the correction.
    const second = (await page.locator('#fb-pick button').nth(1).getAttribute('data-code'))!;
    await page.locator('#fb-pick button').nth(1).click();
    assert.equal(await page.getByLabel(/^Correct categories/).inputValue(), second);
    // And another from the whole taxonomy, chosen as the autocomplete would fill it in.
    await page.getByLabel(/^Add another/).fill('math.CV');
    assert.equal(await page.getByLabel(/^Correct categories/).inputValue(), `${second} math.CV`);
    await page.screenshot({ path: join(ARTIFACTS, 'feedback.png'), fullPage: true });
    await page.getByRole('button', { name: 'Send correction' }).click();
    await page.getByText(`Thank you: stored as ${second}, math.CV.`).waitFor();
    assert.deepEqual(errors, []);
  } finally {
    await open_.close();
  }
  const guarded = await server({ token: 's3cret' });
  try {
    const { page } = await open(guarded.url + '/');
    await page.getByLabel('Title', { exact: true }).fill('On the zeros of L-functions');
    await page.locator('ol.bars > li').first().waitFor();
    await page.getByText('Wrong? Tell us the right categories').click();
    await page.getByLabel(/^Access token/).fill('s3cret');
    await page.getByLabel(/^Correct categories/).fill('math.NT');
    await page.getByRole('button', { name: 'Send correction' }).click();
    await page.getByText('Thank you: stored as math.NT.').waitFor();
  } finally {
    await guarded.close();
  }
});

/** Polls a page-side expression (the page's CSP forbids page.waitForFunction's eval). */
async function until(page: Page, expression: string, timeoutMs = 10_000): Promise<void> {
  for (const end = Date.now() + timeoutMs; !(await page.evaluate<boolean>(expression)); ) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${expression}`);
    await page.waitForTimeout(50);
  }
}

test('the Model tab is a model card in plain words: scores, fields, a searchable category table, priors, limitations', { skip, timeout: 60_000 }, async () => {
  const s = await server({ modelPath: cardModel });
  try {
    const m = (await (await fetch(s.url + '/v1/models')).json()) as { current: { card?: ModelCard } };
    assert.deepEqual(m.current.card, CARD);
    const { page, errors } = await open(s.url + '/#model');
    await page.getByText('How well it works').waitFor();
    const text = await page.locator('#model-info').innerText();
    assert.match(text, /81(\.0)?%\s*first guess right/);
    assert.match(text, /It has seen only four categories\./);
    assert.match(text, /trained on 1,200 papers/);
    assert.match(text, /right 85(\.0)?% of the time/);
    assert.doesNotMatch(text, /bestEpoch|logLoss/, 'jargon on the model card');
    assert.equal(await page.locator('.card-groups tbody tr').count(), 4);
    assert.equal(await page.locator('.card-priors tbody tr').count(), 2);
    await page.getByLabel('Find a category').fill('number');
    assert.deepEqual(await page.locator('.card-categories tbody tr:visible').evaluateAll((rs) => rs.map((r) => r.getAttribute('data-code'))), ['math.NT']);
    await page.getByLabel('Find a category').fill('');
    await page.screenshot({ path: join(ARTIFACTS, 'model-card.png'), fullPage: true });
    assert.deepEqual(errors, []);
  } finally {
    await s.close();
  }
});

test("a multi-label model's Model tab scores all its answers, by field in labels found, with no prior table", { skip, timeout: 60_000 }, async () => {
  const s = await server({ modelPath: multiLabelCardModel });
  try {
    const m = (await (await fetch(s.url + '/v1/models')).json()) as { current: { card?: ModelCard } };
    assert.deepEqual(m.current.card, ML_CARD);
    const { page, errors } = await open(s.url + '/#model');
    await page.getByText('How well it works').waitFor();
    const text = await page.locator('#model-info').innerText();
    assert.match(text, /83(\.0)?%\s*first answer is one of the paper’s categories/);
    assert.match(text, /66(\.0)?%\s*of all answers and true categories, matched/);
    assert.doesNotMatch(text, /first guess right|undefined|NaN/);
    assert.deepEqual(await page.locator('.card-groups tbody tr').evaluateAll((rs) => rs.map((r) => r.textContent)), ['Computer Science50.0%22070.0%72.0%', 'Physics50.0%18064.0%60.0%']);
    assert.equal(await page.locator('.card-priors').count(), 0);
    assert.match(text, /It answers 1\.8 categories a paper\./);
    assert.deepEqual(errors, []);
  } finally {
    await s.close();
  }
});

test('static site: the gzipped model is fetched, and a batch file is classified in a Web Worker with progress, with no API', { skip, timeout: 120_000 }, async () => {
  const host = await staticHost(site);
  try {
    const { page, errors } = await open(host.url, 'Offline: running in this browser');
    assert.equal(host.requests.get('/model.axcm.gz'), 1);
    assert.equal(host.requests.get('/model.axcm'), undefined, 'the uncompressed model was fetched too');
    assert.equal(await page.locator('#api-links').isVisible(), false, 'API links on a site with no API');
    await page.getByRole('tab', { name: 'Batch' }).click();
    const rows = Array.from({ length: 600 }, (_, i) => (i % 3 === 0 ? `p${i},Graphene nanoribbons ${i},Electron transport in graphene` : i % 3 === 1 ? `p${i},Lattice QCD at finite density ${i},Quarks and gluons on the lattice` : `p${i},,`));
    const csv = ['id,title,abstract', ...rows].join('\n');
    // Progress is reported as the worker goes: record every status the page shows.
    await page.evaluate(`(() => { globalThis.seen = []; new MutationObserver(() => globalThis.seen.push(document.getElementById('batch-status').textContent)).observe(document.getElementById('batch-status'), { childList: true, characterData: true, subtree: true }); })()`);
    await page.setInputFiles('#file', { name: 'papers.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByText(/^Done: 400 papers classified, 200 rows skipped/).waitFor({ timeout: 60_000 });
    assert.equal(host.requests.get('/batch-worker.js'), 1, 'the file was not classified in a worker');
    assert.ok([...host.requests.keys()].every((p) => !p.startsWith('/v1/')), 'the static page called an API');
    const seen = await page.evaluate<string[]>('globalThis.seen');
    assert.ok(seen.some((t) => /^\d+ of 600 classified/.test(t)), `no progress shown: ${seen.join(' | ')}`);
    assert.equal(await page.evaluate<number>(`document.getElementById('progress').value`), 600);
    assert.match(await page.locator('#batch-table tbody tr').first().innerText(), /cond-mat\./);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
    assert.equal(readFileSync((await download.path())!, 'utf8').trim().split(/\r\n/).length, 401);
    await page.screenshot({ path: join(ARTIFACTS, 'static-batch.png'), fullPage: true });
    // A gzipped file too, and a format the browser cannot read says where to go.
    await page.setInputFiles('#file', { name: 'papers.jsonl', mimeType: 'application/x-ndjson', buffer: Buffer.from('{"title":"Primes in arithmetic progressions"}\n{"abstract":"Spiking neurons in the cortex"}\n') });
    await page.getByText(/^Done: 2 papers classified\.$/).waitFor();
    await page.setInputFiles('#file', { name: 'papers.xlsx', mimeType: 'application/octet-stream', buffer: Buffer.from('PK') });
    await page.getByText(/^Failed: \.xlsx files are read by the server/).waitFor();
    assert.deepEqual(errors, []);
  } finally {
    host.server.close();
  }
});

test('the server going away mid-session: the page says so and carries on in the browser', { skip, timeout: 120_000 }, async () => {
  const web = join(dir, 'served-web');
  cpSync(site, web, { recursive: true });
  // As `npm run build` ships it for serve: no model beside the page (it comes from the API).
  rmSync(join(web, 'model.axcm'));
  rmSync(join(web, 'model.axcm.gz'));
  const s = await server({ webDir: web });
  try {
    const { page, errors } = await open(s.url + '/');
    await page.getByLabel('Title', { exact: true }).fill('Free electron trajectories in graphene');
    await page.locator('ol.bars > li:first-child[data-code="cond-mat.mes-hall"]').waitFor();
    // The API stops answering (the model file is still reachable, as from a cache or a proxy).
    await page.route('**/v1/classify', (route) => route.abort('connectionrefused'));
    await page.getByLabel('Title', { exact: true }).fill('Primes in arithmetic progressions');
    await page.getByText('The server stopped answering.').waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'server-gone.png'), fullPage: true });
    await page.getByRole('button', { name: 'Continue in this browser' }).click();
    await page.locator('#status').filter({ hasText: 'Offline: running in this browser' }).waitFor({ timeout: 60_000 });
    await page.locator('ol.bars > li:first-child[data-code^="math."]').waitFor();
    assert.equal(await page.getByText('The server stopped answering.').isVisible(), false);
    assert.deepEqual(errors, []);
  } finally {
    await s.close();
  }
});

test('the server coming back: the next answer clears the banner, and a long abstract keeps the link loadable', { skip, timeout: 120_000 }, async () => {
  const s = await server();
  try {
    const { page, errors } = await open(s.url + '/');
    await page.route('**/v1/classify', (route) => route.abort('connectionrefused'));
    await page.getByLabel('Title', { exact: true }).fill('Primes in arithmetic progressions');
    await page.getByText('The server stopped answering.').waitFor();
    await page.unroute('**/v1/classify');
    await page.getByLabel('Title', { exact: true }).fill('Free electron trajectories in graphene');
    await page.locator('ol.bars > li:first-child[data-code="cond-mat.mes-hall"]').waitFor();
    assert.equal(await page.getByText('The server stopped answering.').isVisible(), false);
    assert.equal((await page.locator('#status').innerText()).trim(), 'Server');
    // An abstract too long for a request line: the link keeps the title, and loads.
    await page.locator('#abstract').fill('Electron transport in graphene nanoribbons. '.repeat(400));
    await until(page, `location.href.includes('graphene') && !location.href.includes('abstract=')`);
    const link = await page.evaluate<string>('location.href');
    assert.ok(link.length < 8000, `a link of ${link.length} characters`);
    assert.equal((await fetch(link)).status, 200);
    assert.deepEqual(errors, []);
  } finally {
    await s.close();
  }
});

test('the model file is gzipped for clients that accept it, with its decoded size; others get it as it is', async () => {
  const s = await startServer({ modelPath: defaultModelPath()!, feedbackPath: null, corsOrigins: [], webDir: null, ...DEFAULT_LIMITS }, { port: 0, host: '127.0.0.1' }, () => {});
  try {
    const raw = readFileSync(defaultModelPath()!);
    const fetchRaw = (encoding: string | null) =>
      new Promise<{ headers: Record<string, string | string[] | undefined>; body: Buffer }>((ok, fail) => {
        get(`${s.url}/v1/models/current/file`, { headers: encoding ? { 'accept-encoding': encoding } : {} }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => ok({ headers: res.headers, body: Buffer.concat(chunks) }));
        }).on('error', fail);
      });
    const gz = await fetchRaw('gzip, deflate, br');
    assert.equal(gz.headers['content-encoding'], 'gzip');
    assert.equal(Number(gz.headers['x-decoded-length']), raw.length);
    assert.equal(Number(gz.headers['content-length']), gz.body.length);
    assert.ok(gz.body.length < raw.length * 0.9, `gzipped ${gz.body.length} of ${raw.length} bytes`);
    assert.deepEqual(gunzipSync(gz.body), raw);
    for (const enc of [null, 'identity', 'gzip;q=0']) {
      const plain = await fetchRaw(enc);
      assert.equal(plain.headers['content-encoding'], undefined, `${enc}`);
      assert.deepEqual(plain.body, raw);
    }
  } finally {
    await s.close();
  }
});

test('build:web writes model.axcm.gz beside model.axcm', { skip: skip ? 'the static site is built in the Chromium tests\' set-up' : false }, () => {
  assert.deepEqual(gunzipSync(readFileSync(join(site, 'model.axcm.gz'))), readFileSync(join(site, 'model.axcm')));
  assert.ok(statSync(join(site, 'model.axcm.gz')).size < statSync(join(site, 'model.axcm')).size);
  assert.ok(existsSync(join(site, 'batch-worker.js')));
});
