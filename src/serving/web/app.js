// The arxiv-classifier page. Plain ES2022 module, no build step: it runs the same from the sources
// (tsx dev CLI) and from dist/web. Two backends answer the same calls: the HTTP API, or the model
// running in this browser (assets/arxiv-classifier.browser.js, when present).

/** @typedef {{code: string, name: string, group: string, groupName: string, probability: number, reasons?: {term: string, weight: number}[]}} Label */
/** @typedef {{labels: Label[], groups: {code: string, name: string, probability: number}[], archive?: {code: string, name: string}}} Prediction */
/** @typedef {{k?: number, explain?: boolean, threshold?: number}} Options */
/** @typedef {{name: string, classify(paper: {title: string, abstract: string}, options: Options, signal: AbortSignal): Promise<Prediction>, info(): Promise<any>}} Backend */

const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
const BUNDLE = 'assets/arxiv-classifier.browser.js';
const DEBOUNCE_MS = 250;

// ---- Backends ---------------------------------------------------------------------------------

/** Throws with the server's own message (it names the field) when the answer is not 2xx. */
async function jsonOrThrow(res) {
  const body = await res.json().catch(() => null);
  if (!res.ok) throw new Error(body?.error?.message ?? `HTTP ${res.status}`);
  return body;
}

/** @type {Backend} */
const serverBackend = {
  name: 'server',
  async classify(paper, options, signal) {
    const res = await fetch('v1/classify', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...paper, ...options }),
      signal,
    });
    return jsonOrThrow(res);
  },
  async info() {
    return (await jsonOrThrow(await fetch('v1/models'))).current;
  },
};

/** Load the browser bundle once; resolves to its API or null when it is not there. */
let bundlePromise = null;
function loadBundle() {
  bundlePromise ??= new Promise((resolve) => {
    if (globalThis.ArxivClassifier) return resolve(globalThis.ArxivClassifier);
    const s = document.createElement('script');
    s.src = BUNDLE;
    s.onload = () => resolve(globalThis.ArxivClassifier ?? null);
    s.onerror = () => resolve(null);
    document.head.append(s);
  });
  return bundlePromise;
}

/** The model in this browser: fetched once from the server (or ./model.axcm when hosted statically). */
async function browserBackend(modelUrl) {
  const api = await loadBundle();
  if (!api) throw new Error('the in-browser bundle is not available');
  const res = await fetch(modelUrl);
  if (!res.ok) throw new Error(`could not fetch the model (${modelUrl}: HTTP ${res.status})`);
  const bytes = await res.arrayBuffer();
  const model = await api.loadModelFromBytes(bytes);
  /** @type {Backend} */
  return {
    name: 'browser',
    async classify(paper, options) {
      return withArchive(api, model.predict(paper, options));
    },
    async info() {
      const info = model.info;
      if (!info) return { file: modelUrl, task: 'unknown', labels: [], validation: {}, training: {} };
      // The file holds bare codes; /v1/models describes each (name, group): the bundle can do the same.
      const describe = api.describeLabel ? (l) => api.describeLabel(l, info.task) : (l) => l;
      return { ...info, multiLabel: info.task === 'multilabel', labels: info.labels.map(describe) };
    },
  };
}

/** The server adds the top label's archive with its official name; the bundle carries the same taxonomy. */
function withArchive(api, p) {
  if (p.archive || !p.labels[0]) return p;
  const code = p.labels[0].code;
  // A bundle older than archiveOf: the archive's code is all we can give.
  const archive = api.archiveOf ? api.archiveOf(code) : { code: code.split('.')[0], name: code.split('.')[0] };
  return archive ? { ...p, archive } : p;
}

// ---- State ------------------------------------------------------------------------------------

/** @type {Backend | null} */
let backend = null;
let serverUp = false;
let multiLabel = false;
let seq = 0;
let inflight = null;
/** Bumped by every switch of backend: a slow info() must not describe a model no longer in use. */
let backendSeq = 0;
let lastPaper = null;
let lastPrediction = null;

/** "1 row", "2 rows". */
function plural(n, noun) {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function setStatus(text) {
  $('status').textContent = text;
}

async function useBackend(b) {
  const mine = ++backendSeq;
  backend = b;
  setStatus(b.name === 'server' ? 'Server' : 'Offline: running in this browser');
  try {
    const info = await b.info();
    if (mine !== backendSeq) return;
    multiLabel = info.task === 'multilabel';
    $('threshold-box').hidden = !multiLabel;
    renderModel(info);
  } catch (e) {
    if (mine !== backendSeq) return;
    $('model-info').textContent = `Could not load the model description: ${e.message}`;
  }
  $('feedback-box').hidden = b.name !== 'server';
  scheduleClassify(0);
}

async function start() {
  serverUp = await fetch('healthz', { cache: 'no-store' }).then((r) => r.ok).catch(() => false);
  const bundle = await loadBundle();
  $('offline-toggle').hidden = !(bundle && serverUp);
  if (serverUp) return useBackend(serverBackend);
  // Hosted as static files with no API: the model must run here.
  if (!bundle) {
    setStatus('No server and no in-browser model: nothing can classify');
    return;
  }
  setStatus('Offline: loading the model…');
  try {
    await useBackend(await browserBackend('./model.axcm'));
  } catch (e) {
    setStatus(`Offline mode failed: ${e.message}`);
  }
}

/** Bumped by every click on the offline box: a model download answers only the click that asked for it. */
let offlineSeq = 0;
$('offline').addEventListener('change', async (ev) => {
  const box = /** @type {HTMLInputElement} */ (ev.target);
  const mine = ++offlineSeq;
  if (!box.checked) return useBackend(serverBackend);
  setStatus('Loading the model into the browser…');
  try {
    const b = await browserBackend('v1/models/current/file');
    // Unticked (and maybe ticked again) while the model downloaded: that later choice stands.
    if (mine !== offlineSeq) return;
    await useBackend(b);
  } catch (e) {
    if (mine !== offlineSeq) return;
    box.checked = false;
    setStatus(`Offline mode failed: ${e.message}`);
  }
});

// ---- Single paper -----------------------------------------------------------------------------

let timer = 0;
function scheduleClassify(delay = DEBOUNCE_MS) {
  clearTimeout(timer);
  timer = setTimeout(classifyNow, delay);
}

function currentOptions() {
  /** @type {Options} */
  const o = { k: Number(/** @type {HTMLSelectElement} */ ($('k')).value), explain: true };
  if (multiLabel) {
    const t = Number(/** @type {HTMLInputElement} */ ($('threshold')).value);
    // The threshold decides which labels qualify; k still caps how many bars are drawn.
    if (t > 0) o.threshold = t;
  }
  return o;
}

function currentPaper() {
  return { title: /** @type {HTMLInputElement} */ ($('title')).value, abstract: /** @type {HTMLTextAreaElement} */ ($('abstract')).value };
}

async function classifyNow() {
  const paper = currentPaper();
  if (!paper.title.trim() && !paper.abstract.trim()) {
    renderEmpty();
    return;
  }
  if (!backend) return;
  const mine = ++seq;
  inflight?.abort();
  inflight = new AbortController();
  $('result').setAttribute('aria-busy', 'true');
  try {
    const p = await backend.classify(paper, currentOptions(), inflight.signal);
    if (mine !== seq) return; // a newer keystroke already asked
    lastPaper = paper;
    lastPrediction = p;
    renderPrediction(p, paper);
  } catch (e) {
    if (e.name === 'AbortError' || mine !== seq) return;
    lastPaper = null;
    lastPrediction = null;
    $('result').replaceChildren(el('p', { class: 'error', role: 'alert' }, `Could not classify: ${e.message}`));
    // The words behind an earlier answer would read as the reason for this text.
    $('explain').hidden = true;
  } finally {
    if (mine === seq) $('result').setAttribute('aria-busy', 'false');
  }
}

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  e.append(...children);
  return e;
}

const pct = (p) => (p < 0.001 ? '<0.1%' : `${(p * 100).toFixed(p >= 0.995 ? 0 : 1)}%`);
const groupClass = (g) => `g-${['physics', 'math', 'cs', 'q-bio', 'q-fin', 'stat', 'eess', 'econ'].includes(g) ? g : 'other'}`;

function renderEmpty() {
  seq++;
  lastPaper = null;
  lastPrediction = null;
  $('result').replaceChildren(el('p', { class: 'empty' }, 'Type a title or paste an abstract: the categories appear as you type.'));
  $('explain').hidden = true;
}

/** @param {Prediction} p */
function renderPrediction(p, paper) {
  const summary = el('div', { class: 'summary' });
  const g = p.groups[0];
  if (g) summary.append(el('span', { class: `chip ${groupClass(g.code)}`, 'data-testid': 'group' }, `${g.name} · ${pct(g.probability)}`));
  if (p.archive) summary.append(el('span', { class: 'chip g-other', 'data-testid': 'archive' }, `Archive: ${p.archive.name} (${p.archive.code})`));
  const list = el('ol', { class: 'bars', 'aria-label': 'Categories, most likely first' });
  for (const l of p.labels) {
    const fill = el('div', { class: `fill ${groupClass(l.group)}` });
    fill.style.width = `${Math.max(1, l.probability * 100)}%`;
    const li = el(
      'li',
      { class: 'bar', 'data-code': l.code },
      el('span', { class: 'code' }, l.code, el('span', { class: 'name' }, `${l.name} · ${l.groupName}`)),
      el('div', { class: 'track', role: 'img', 'aria-label': `${l.code} ${pct(l.probability)}` }, fill),
      el('span', { class: 'pct' }, pct(l.probability)),
    );
    list.append(li);
  }
  $('result').replaceChildren(summary, list);
  renderExplain(p.labels[0], paper);
}

/** Mark the words of the top label's reasons in the pasted text (terms are case-folded n-grams). */
function renderExplain(top, paper) {
  const reasons = top?.reasons ?? [];
  if (reasons.length === 0) {
    $('explain').hidden = true;
    return;
  }
  const max = Math.max(...reasons.map((r) => r.weight));
  const terms = reasons
    .map((r) => ({ words: r.term.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)), weight: r.weight / max }))
    .filter((t) => t.words.length > 0)
    .sort((a, b) => b.words.join(' ').length - a.words.join(' ').length);
  const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = terms.length ? new RegExp(`(?<![\\p{L}\\p{N}])(${terms.map((t) => t.words.map(esc).join('[^\\p{L}\\p{N}]+')).join('|')})(?![\\p{L}\\p{N}])`, 'giu') : null;
  const weightOf = (match) => {
    const norm = match.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean).join(' ');
    return terms.find((t) => t.words.join(' ') === norm)?.weight ?? 0.5;
  };
  const highlight = (text) => {
    const out = [];
    if (!pattern) return [text];
    let last = 0;
    for (const m of text.matchAll(pattern)) {
      out.push(text.slice(last, m.index));
      const mark = el('mark', {}, m[0]);
      mark.style.setProperty('--w', String(0.25 + 0.6 * weightOf(m[0])));
      out.push(mark);
      last = m.index + m[0].length;
    }
    out.push(text.slice(last));
    return out;
  };
  $('explain-label').textContent = top.code;
  $('explain-text').replaceChildren(el('span', { class: 't' }, ...highlight(paper.title)), ...highlight(paper.abstract));
  $('explain').hidden = false;
}

for (const id of ['title', 'abstract']) $(id).addEventListener('input', () => scheduleClassify());
$('k').addEventListener('change', () => scheduleClassify(0));
$('threshold').addEventListener('input', (ev) => {
  const v = Number(/** @type {HTMLInputElement} */ (ev.target).value);
  $('threshold-value').textContent = v > 0 ? v.toFixed(2) : 'tuned';
  scheduleClassify(100);
});
$('clear').addEventListener('click', () => {
  /** @type {HTMLInputElement} */ ($('title')).value = '';
  /** @type {HTMLTextAreaElement} */ ($('abstract')).value = '';
  renderEmpty();
  $('title').focus();
});

$('feedback-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  // The correction is for the text on screen, which may be newer than the last classified one
  // (typed within the debounce, or after Clear).
  const paper = currentPaper();
  if (!paper.title.trim() && !paper.abstract.trim()) {
    $('fb-status').textContent = 'Not sent: type the title or abstract the correction is for.';
    return;
  }
  const categories = /** @type {HTMLInputElement} */ ($('fb-categories')).value.split(/[\s,;]+/).filter(Boolean);
  $('fb-status').textContent = 'Sending…';
  try {
    /** @type {{title: string, abstract: string, categories: string[], predicted?: string}} */
    const body = { ...paper, categories };
    const shown = lastPaper && lastPaper.title === paper.title && lastPaper.abstract === paper.abstract;
    if (shown && lastPrediction?.labels[0]) body.predicted = lastPrediction.labels[0].code;
    const token = /** @type {HTMLInputElement} */ ($('fb-token')).value.trim();
    /** @type {Record<string, string>} */
    const headers = { 'content-type': 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    const r = await jsonOrThrow(await fetch('v1/feedback', { method: 'POST', headers, body: JSON.stringify(body) }));
    $('fb-status').textContent = `Thank you: stored as ${r.categories.join(', ')}.`;
  } catch (e) {
    $('fb-status').textContent = `Not stored: ${e.message}`;
  }
});

// ---- Batch ------------------------------------------------------------------------------------

/** @type {{line: number, id?: string, title: string, labels: Label[], groups: any[], record: object}[]} */
let batchRows = [];
let batchName = 'predictions';
/** Each upload's number; an older upload's read loop that sees a newer one stops touching the page. */
let batchSeq = 0;
/** @type {AbortController | null} */
let batchAbort = null;
/** How many skipped rows are listed with their reasons; the rest are counted. */
const SKIPS_LISTED = 5;

async function classifyFile(file) {
  const mine = ++batchSeq;
  // The server stops classifying the old file once its answer is cancelled (see routes.ts write()).
  batchAbort?.abort();
  const abort = new AbortController();
  batchAbort = abort;
  /** @type {typeof batchRows} */
  const rows = [];
  batchRows = rows;
  batchName = file.name.replace(/\.(gz)$/i, '').replace(/\.[^.]+$/, '') || 'predictions';
  const progress = /** @type {HTMLProgressElement} */ ($('progress'));
  progress.value = 0;
  progress.removeAttribute('value'); // indeterminate while uploading and parsing
  for (const id of ['download-csv', 'download-jsonl']) /** @type {HTMLButtonElement} */ ($(id)).disabled = true;
  const tbody = $('batch-table').querySelector('tbody');
  tbody.replaceChildren();
  $('batch-table').hidden = true;
  const skipList = $('batch-skips');
  skipList.replaceChildren();
  skipList.hidden = true;
  if (!serverUp || backend?.name !== 'server') {
    $('batch-status').textContent = 'Batch files are read by the server; switch off offline mode.';
    progress.value = 0;
    return;
  }
  $('batch-status').textContent = `Uploading ${file.name}…`;
  let total = 0;
  let skipped = 0;
  try {
    const res = await fetch(`v1/classify/file?filename=${encodeURIComponent(file.name)}&k=5`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: file,
      signal: abort.signal,
    });
    if (mine !== batchSeq) return;
    if (!res.ok) await jsonOrThrow(res);
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let pending = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (mine !== batchSeq) return;
      if (value) pending += value;
      const lines = pending.split('\n');
      pending = done ? '' : lines.pop();
      for (const line of lines) {
        if (!line.trim()) continue;
        const ev = JSON.parse(line);
        if (ev.type === 'start') {
          total = ev.total;
          progress.max = Math.max(1, total);
          progress.value = 0;
        } else if (ev.type === 'prediction') {
          // The prediction as the API and the CLI write it (id or row, labels, groups, archive, …), for the JSON download.
          const { type: _type, line: _line, title: _title, ...record } = ev;
          rows.push({ line: ev.line, id: ev.id, title: ev.title, labels: ev.labels, groups: ev.groups, record });
          if (rows.length <= 20) {
            const top = ev.labels[0];
            tbody.append(el('tr', {}, el('td', {}, String(ev.line)), el('td', {}, ev.title), el('td', {}, `${top.code} (${top.name})`), el('td', {}, pct(top.probability))));
            $('batch-table').hidden = false;
          }
        } else if (ev.type === 'skip') {
          skipped++;
          if (skipped <= SKIPS_LISTED) {
            skipList.append(el('li', {}, `Row ${ev.line}: ${ev.error ?? 'skipped'}`));
            skipList.hidden = false;
          }
        }
      }
      progress.value = rows.length;
      $('batch-status').textContent = `${rows.length} of ${total} classified${skipped ? `, ${plural(skipped, 'row')} skipped` : ''}`;
      if (done) break;
    }
    if (skipped > SKIPS_LISTED) skipList.append(el('li', {}, `and ${skipped - SKIPS_LISTED} more`));
    $('batch-status').textContent = `Done: ${plural(rows.length, 'paper')} classified${skipped ? `, ${plural(skipped, 'row')} skipped (reasons below)` : ''}.`;
    for (const id of ['download-csv', 'download-jsonl']) /** @type {HTMLButtonElement} */ ($(id)).disabled = rows.length === 0;
  } catch (e) {
    if (mine !== batchSeq) return;
    progress.value = 0;
    $('batch-status').textContent = `Failed: ${e.message}`;
  }
}

/**
 * One CSV field. A cell that starts with = + - @ tab or CR is a formula to Excel and LibreOffice
 * (a title can carry one): a leading single quote makes it text (OWASP, "CSV Injection"). The same
 * rule as `classify --out x.csv` (src/base/csv-field.ts); test/base/csv-field.test.ts checks they agree.
 */
function csvCell(v) {
  let s = String(v ?? '');
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function download(name, type, text) {
  const a = el('a', { href: URL.createObjectURL(new Blob([text], { type })), download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

$('download-csv').addEventListener('click', () => {
  const head = ['row', 'id', 'title', 'category', 'name', 'probability', 'group', 'labels'];
  const rows = batchRows.map((r) => {
    const t = r.labels[0];
    return [r.line, r.id ?? '', r.title, t.code, t.name, t.probability.toFixed(4), r.groups[0]?.code ?? t.group, r.labels.map((l) => `${l.code}:${l.probability.toFixed(4)}`).join(' ')];
  });
  download(`${batchName}.predictions.csv`, 'text/csv', [head, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n');
});
$('download-jsonl').addEventListener('click', () => {
  // Each line is the record `classify --input` writes for the same row (src/models/prediction-json.ts).
  const lines = batchRows.map((r) => JSON.stringify(r.record));
  download(`${batchName}.predictions.jsonl`, 'application/x-ndjson', lines.join('\n') + '\n');
});

const drop = $('drop');
const fileInput = /** @type {HTMLInputElement} */ ($('file'));
drop.addEventListener('click', (ev) => {
  if (ev.target !== fileInput) fileInput.click();
});
drop.addEventListener('keydown', (ev) => {
  if (ev.key === 'Enter' || ev.key === ' ') {
    ev.preventDefault();
    fileInput.click();
  }
});
drop.addEventListener('dragover', (ev) => {
  ev.preventDefault();
  drop.classList.add('over');
});
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (ev) => {
  ev.preventDefault();
  drop.classList.remove('over');
  const f = ev.dataTransfer?.files[0];
  if (f) void classifyFile(f);
});
fileInput.addEventListener('change', () => {
  const f = fileInput.files?.[0];
  if (f) void classifyFile(f);
});

// ---- Model page ---------------------------------------------------------------------------------

function renderModel(info) {
  const dl = el('dl', { class: 'metrics' });
  const row = (k, v) => dl.append(el('dt', {}, k), el('dd', {}, v));
  row('Task', `${info.task}${info.multiLabel ? ' (several labels per paper)' : ''}`);
  if (info.file) row('File', info.file);
  if (info.labels) row('Labels', String(info.labels.length));
  if (info.training?.papers !== undefined) row('Training papers', Number(info.training.papers).toLocaleString('en'));
  if (info.createdAt) row('Trained', info.createdAt.slice(0, 10));
  if (info.quantized !== undefined) row('Weights', info.quantized ? 'int8' : 'float32');
  for (const [k, v] of Object.entries(info.validation ?? {})) if (typeof v === 'number') row(`Validation ${k}`, Number.isInteger(v) ? String(v) : v.toFixed(4));
  const parts = [el('h3', {}, 'Facts and validation metrics'), dl];
  if (info.report) parts.push(el('p', {}, el('a', { href: info.report.replace(/^\//, '') }, 'Evaluation report (plots, per-category metrics)')));
  const labels = (info.labels ?? []).map((l) => (typeof l === 'string' ? { code: l, name: l, group: 'other', groupName: '' } : l));
  if (labels.length) {
    const tbody = el('tbody');
    for (const l of labels) tbody.append(el('tr', {}, el('td', {}, el('span', { class: `chip ${groupClass(l.group)}` }, l.code)), el('td', {}, l.name), el('td', {}, l.groupName)));
    parts.push(
      el('h3', {}, 'Labels'),
      el('div', { class: 'table-wrap' }, el('table', {}, el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Code'), el('th', { scope: 'col' }, 'Name'), el('th', { scope: 'col' }, 'Group'))), tbody)),
    );
  }
  $('model-info').replaceChildren(...parts);
}

// ---- Tabs ---------------------------------------------------------------------------------------

function showTab(name) {
  for (const t of document.querySelectorAll('[role=tab]')) {
    const on = t.getAttribute('aria-controls') === name;
    t.setAttribute('aria-selected', String(on));
    $(/** @type {string} */ (t.getAttribute('aria-controls'))).hidden = !on;
  }
}
const TABS = ['classify', 'batch', 'model'];
// Only tab names switch panels: any other fragment (#main, a hand-typed one) would hide them all.
window.addEventListener('hashchange', () => {
  const name = location.hash.slice(1) || 'classify';
  if (TABS.includes(name)) showTab(name);
});
showTab(TABS.includes(location.hash.slice(1)) ? location.hash.slice(1) : 'classify');
// Following #main only scrolls; keyboard users need focus there, and the URL keeps naming the tab.
document.querySelector('a.skip')?.addEventListener('click', (ev) => {
  ev.preventDefault();
  $('main').focus();
});

void start();
