// The arxiv-classifier page. Plain ES2022 module, no build step: it runs the same from the sources
// (tsx dev CLI) and from dist/web. Two backends answer the same calls: the HTTP API, or the model
// running in this browser (assets/arxiv-classifier.browser.js, when present).

/** @typedef {{code: string, name: string, group: string, groupName: string, probability: number, reasons?: {term: string, weight: number}[]}} Label */
/** @typedef {{labels: Label[], groups: {code: string, name: string, probability: number}[], archive?: {code: string, name: string}, uncertain?: {reason: string, knownWords: number}}} Prediction */
/** @typedef {{k?: number, explain?: boolean | number, threshold?: number}} Options */
/** @typedef {{name: string, classify(paper: {title: string, abstract: string}, options: Options, signal: AbortSignal): Promise<Prediction>, info(): Promise<any>, modelBytes?: ArrayBuffer}} Backend */

const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
const BUNDLE = 'assets/arxiv-classifier.browser.js';
const DEBOUNCE_MS = 250;
/** Words shown for a category: enough to see why, few enough to read. */
const EXPLAIN_TERMS = 12;

// ---- Backends ---------------------------------------------------------------------------------

/** Throws with the server's own message (it names the field) when the answer is not 2xx. */
async function jsonOrThrow(res) {
  const body = await res.json().catch(() => null);
  if (!res.ok) throw new Error(body?.error?.message ?? `HTTP ${res.status}`);
  return body;
}

/** A fetch that failed to reach the server at all (not an HTTP error, not a cancelled request). */
class ServerGone extends Error {}

/** @type {Backend} */
const serverBackend = {
  name: 'server',
  async classify(paper, options, signal) {
    let res;
    try {
      res = await fetch('v1/classify', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...paper, ...options }),
        signal,
      });
    } catch (e) {
      if (e.name === 'AbortError') throw e;
      throw new ServerGone('the server does not answer');
    }
    if (res.status === 502 || res.status === 504) throw new ServerGone(`the server does not answer (HTTP ${res.status})`);
    return jsonOrThrow(res);
  },
  async info() {
    const body = await jsonOrThrow(await fetch('v1/models'));
    return { ...body.current, feedback: body.feedback };
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

const mb = (n) => `${(n / 1e6).toFixed(1)} MB`;

/**
 * Fetches a model file, showing progress in bytes. A `.gz` copy is decompressed here (a static
 * host serves it as it is); one the server sent with Content-Encoding arrives decoded, and the
 * server says the decoded size in X-Decoded-Length.
 */
async function downloadModel(url) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`could not fetch the model (${url}: HTTP ${res.status})`);
  const decoded = Number(res.headers.get('x-decoded-length')) || 0;
  const encoded = res.headers.get('content-encoding') ? 0 : Number(res.headers.get('content-length')) || 0;
  const total = decoded || encoded;
  const bar = /** @type {HTMLProgressElement} */ ($('download-progress'));
  $('download').hidden = false;
  if (total) bar.max = total;
  else bar.removeAttribute('value');
  const chunks = [];
  let got = 0;
  try {
    const reader = res.body.getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      chunks.push(value);
      got += value.length;
      if (total) bar.value = Math.min(got, total);
      $('download-status').textContent = total ? `${mb(got)} of ${mb(total)}` : mb(got);
    }
  } finally {
    $('download').hidden = true;
  }
  let bytes = new Uint8Array(got);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.length;
  }
  // gzip's magic number: a .gz the host sent as it is.
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    bytes = new Uint8Array(await new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'))).arrayBuffer());
  }
  return bytes.buffer;
}

/** The static site's model: the gzipped copy where the host has it and the browser can decompress it. */
async function downloadStaticModel() {
  if (typeof DecompressionStream === 'function') {
    try {
      return { bytes: await downloadModel('./model.axcm.gz'), url: './model.axcm' };
    } catch {
      // No .gz beside the page: the plain file.
    }
  }
  return { bytes: await downloadModel('./model.axcm'), url: './model.axcm' };
}

/** The model in this browser, from its file's bytes. */
async function browserBackend(bytes, modelUrl) {
  const api = await loadBundle();
  if (!api) throw new Error('the in-browser bundle is not available');
  const model = await api.loadModelFromBytes(bytes);
  /** @type {Backend} */
  return {
    name: 'browser',
    modelBytes: bytes,
    async classify(paper, options) {
      return withArchive(api, model.predict(paper, options));
    },
    async info() {
      const info = model.info;
      if (!info) return { file: modelUrl, task: 'unknown', labels: [], validation: {}, training: {} };
      // The file holds bare codes; /v1/models describes each (name, group): the bundle can do the same.
      const describe = api.describeLabel ? (l) => api.describeLabel(l, info.task) : (l) => l;
      return { ...info, file: modelUrl.replace(/^.*\//, ''), multiLabel: info.task === 'multilabel', labels: info.labels.map(describe) };
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
/** The in-browser model once loaded: switching back to it needs no second download. */
/** @type {Backend | null} */
let loadedBrowserBackend = null;
let serverUp = false;
let multiLabel = false;
let seq = 0;
let inflight = null;
/** Bumped by every switch of backend: a slow info() must not describe a model no longer in use. */
let backendSeq = 0;
let lastPaper = null;
let lastPrediction = null;
/** The category whose words are shown (null: the top one). */
let explained = null;

/** "1 row", "2 rows". */
function plural(n, noun) {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function setStatus(text) {
  $('status').textContent = text;
  $('status').dataset.state = /unreachable|failed|nothing|loading/i.test(text) ? 'bad' : 'ok';
}

async function useBackend(b) {
  const mine = ++backendSeq;
  backend = b;
  setStatus(b.name === 'server' ? 'Server' : 'Offline: running in this browser');
  $('api-links').hidden = b.name !== 'server';
  $('batch-where').textContent = b.name === 'server' ? 'The server reads the file.' : 'The file is read and classified in this browser: nothing is uploaded.';
  // Feedback needs a server that keeps it: hidden until /v1/models says it does.
  $('feedback-box').hidden = true;
  try {
    const info = await b.info();
    if (mine !== backendSeq) return;
    multiLabel = info.task === 'multilabel';
    $('threshold-box').hidden = !multiLabel;
    renderModel(info);
    const fb = b.name === 'server' ? info.feedback : null;
    // A server older than the `feedback` field takes corrections unless it says otherwise.
    $('feedback-box').hidden = fb ? !fb.enabled : b.name !== 'server';
    $('fb-token-box').hidden = !fb?.token;
    if (!$('feedback-box').hidden) void loadTaxonomy();
  } catch (e) {
    if (mine !== backendSeq) return;
    $('model-info').textContent = `Could not load the model description: ${e.message}`;
  }
  scheduleClassify(0);
}

async function start() {
  applyUrl();
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
    const { bytes, url } = await downloadStaticModel();
    loadedBrowserBackend = await browserBackend(bytes, url);
    await useBackend(loadedBrowserBackend);
  } catch (e) {
    setStatus(`Offline mode failed: ${e.message}`);
  }
}

/** The model from the server (or a static copy beside the page), loaded once. */
async function serverModelInBrowser() {
  if (loadedBrowserBackend) return loadedBrowserBackend;
  let bytes;
  let url = 'v1/models/current/file';
  try {
    bytes = await downloadModel(url);
  } catch (e) {
    // The server is gone: a copy hosted beside the page (build:web) still serves.
    try {
      ({ bytes, url } = await downloadStaticModel());
    } catch {
      throw e;
    }
  }
  loadedBrowserBackend = await browserBackend(bytes, url);
  return loadedBrowserBackend;
}

/** Bumped by every click on the offline box: a model download answers only the click that asked for it. */
let offlineSeq = 0;
$('offline').addEventListener('change', async (ev) => {
  const box = /** @type {HTMLInputElement} */ (ev.target);
  const mine = ++offlineSeq;
  if (!box.checked) return useBackend(serverBackend);
  setStatus('Loading the model into the browser…');
  try {
    const b = await serverModelInBrowser();
    // Unticked (and maybe ticked again) while the model downloaded: that later choice stands.
    if (mine !== offlineSeq) return;
    await useBackend(b);
  } catch (e) {
    if (mine !== offlineSeq) return;
    box.checked = false;
    setStatus(`Offline mode failed: ${e.message}`);
  }
});

/** The server went away mid-session: say so, and offer the model in this browser when the bundle is here. */
async function serverGone() {
  serverUp = false;
  setStatus('Server unreachable');
  const bundle = await loadBundle();
  $('server-gone-detail').textContent = bundle
    ? loadedBrowserBackend
      ? 'The model is already in this browser: carry on here.'
      : 'The model can run in this browser instead (it is downloaded once, if the server or this site still has it).'
    : 'Reload the page once it is back.';
  $('continue-offline').hidden = !bundle;
  $('server-gone').hidden = false;
}

/** The server answers again: the banner goes, and what needs the server (batch files) works again. */
function serverBack() {
  serverUp = true;
  $('server-gone').hidden = true;
  setStatus('Server');
}

$('continue-offline').addEventListener('click', async () => {
  const btn = /** @type {HTMLButtonElement} */ ($('continue-offline'));
  btn.disabled = true;
  setStatus('Loading the model into the browser…');
  try {
    const b = await serverModelInBrowser();
    $('server-gone').hidden = true;
    /** @type {HTMLInputElement} */ ($('offline')).checked = true;
    await useBackend(b);
  } catch (e) {
    $('server-gone-detail').textContent = `The model could not be loaded here either (${e.message}): reload the page once the server is back.`;
    setStatus('Server unreachable');
  } finally {
    btn.disabled = false;
  }
});

// ---- Examples and shareable links --------------------------------------------------------------

/** Short made-up papers across arXiv's groups, written to read like the real thing. */
const EXAMPLES = [
  {
    label: 'Graphene',
    title: 'Ballistic transport and Klein tunnelling in suspended bilayer graphene',
    abstract: 'We report low-temperature magnetotransport in suspended bilayer graphene devices with mobilities above 10^6 cm^2/Vs. Fabry-Perot oscillations in p-n-p junctions reveal ballistic transport over several microns, and their phase shift in a weak magnetic field is consistent with Klein tunnelling of chiral quasiparticles.',
  },
  {
    label: 'Dark matter',
    title: 'Constraints on sub-GeV dark matter from the cosmic microwave background',
    abstract: 'Dark matter annihilating into electrons after recombination injects energy that delays the last scattering of photons. Using Planck temperature and polarisation spectra, we derive upper limits on the annihilation cross-section for masses between 10 MeV and 1 GeV and compare them with direct detection bounds.',
  },
  {
    label: 'Prime numbers',
    title: 'Small gaps between primes in arithmetic progressions to large moduli',
    abstract: 'We show that for almost all moduli q up to x^{1/2-\u03b5} there are infinitely many pairs of primes congruent to a modulo q whose difference is bounded by a constant independent of q. The proof combines the Maynard sieve with a Bombieri-Vinogradov type estimate for smooth moduli.',
  },
  {
    label: 'Language models',
    title: 'Sparse mixture-of-experts transformers for efficient language modelling',
    abstract: 'We train decoder-only transformer language models in which each feed-forward layer is replaced by a mixture of experts with learned top-2 routing. At equal compute, the sparse models reach lower perplexity than dense baselines and transfer better to downstream question answering, while inference latency grows only slightly.',
  },
  {
    label: 'Protein folding',
    title: 'Coevolution signals predict intermediate states in protein folding',
    abstract: 'Residue pairs that coevolve across homologous sequences are known to be in contact in the native structure. We show that contacts inferred from multiple sequence alignments also include non-native interactions that stabilise folding intermediates, and validate the predictions with molecular dynamics simulations of three small proteins.',
  },
  {
    label: 'Causal inference',
    title: 'Inference in difference-in-differences with staggered treatment adoption',
    abstract: 'We study two-way fixed effects estimators when treatment timing varies across units and effects are heterogeneous. We propose a robust estimator of the average treatment effect on the treated, derive its asymptotic distribution, and apply it to the effect of minimum wages on teen employment.',
  },
  {
    label: 'Trade policy',
    title: 'Trade wars and firm-level exports: evidence from tariff shocks',
    abstract: 'We use customs data on firm exports to estimate the effect of retaliatory tariffs on trade flows, prices and employment. Exporters facing higher tariffs cut shipments and lower prices, with welfare losses concentrated in agricultural counties; we discuss the implications for trade policy.',
  },
];

function setPaper(title, abstract) {
  /** @type {HTMLInputElement} */ ($('title')).value = title;
  /** @type {HTMLTextAreaElement} */ ($('abstract')).value = abstract;
}

for (const ex of EXAMPLES) {
  const b = el('button', { type: 'button', class: 'example', 'data-example': ex.label, title: ex.title }, ex.label);
  b.addEventListener('click', () => {
    setPaper(ex.title, ex.abstract);
    explained = null;
    scheduleClassify(0);
  });
  $('examples').append(b);
}

/** A shared link (`?title=…&abstract=…`) fills the form; classification starts once a backend is ready. */
function applyUrl() {
  const q = new URLSearchParams(location.search);
  const title = q.get('title');
  const abstract = q.get('abstract');
  if (title !== null || abstract !== null) setPaper(title ?? '', abstract ?? '');
}

const MAX_URL = 6000;

/** The address bar names the text on screen, so copying it (or "Copy link") shares this paper. */
function updateUrl(paper) {
  const url = new URL(location.href);
  url.searchParams.delete('title');
  url.searchParams.delete('abstract');
  if (paper.title.trim()) url.searchParams.set('title', paper.title);
  if (paper.abstract.trim()) url.searchParams.set('abstract', paper.abstract);
  // Servers refuse request lines much past 8 kB (ours answers 431): a link to a long abstract
  // keeps its title only, so that reloading or opening it still loads the page.
  if (url.href.length > MAX_URL) url.searchParams.delete('abstract');
  if (url.href.length > MAX_URL) url.searchParams.delete('title');
  if (url.href !== location.href) history.replaceState(null, '', url);
  /** @type {HTMLButtonElement} */ ($('share')).disabled = !paper.title.trim() && !paper.abstract.trim();
}

$('share').addEventListener('click', async () => {
  updateUrl(currentPaper());
  try {
    await navigator.clipboard.writeText(location.href);
    $('share-status').textContent = 'Link copied';
  } catch {
    // No clipboard (plain http, or refused): the address bar holds the link.
    $('share-status').textContent = 'Copy the address bar: it holds this paper';
  }
  setTimeout(() => ($('share-status').textContent = ''), 4000);
});

// ---- Single paper -----------------------------------------------------------------------------

let timer = 0;
function scheduleClassify(delay = DEBOUNCE_MS) {
  clearTimeout(timer);
  timer = setTimeout(classifyNow, delay);
}

function currentOptions() {
  /** @type {Options} */
  const o = { k: Number(/** @type {HTMLSelectElement} */ ($('k')).value), explain: EXPLAIN_TERMS };
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
  updateUrl(paper);
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
    if (backend.name === 'server' && !serverUp) serverBack();
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
    $('unsure').hidden = true;
    if (e instanceof ServerGone) void serverGone();
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
  explained = null;
  $('result').replaceChildren(el('p', { class: 'empty' }, 'Type a title or paste an abstract: the categories appear as you type.'));
  $('explain').hidden = true;
  $('unsure').hidden = true;
  $('fb-pick').replaceChildren();
}

/** @param {Prediction} p */
function renderPrediction(p, paper) {
  const unsure = p.uncertain;
  $('unsure').hidden = !unsure;
  if (unsure) {
    // A reason that already gives the share of known words is not told it twice.
    const known = typeof unsure.knownWords === 'number' && !/%/.test(unsure.reason) ? ` (it knows ${Math.round(unsure.knownWords * 100)}% of the words)` : '';
    $('unsure-reason').textContent = `${unsure.reason}${known}. Treat the categories below as guesses.`;
  }
  const summary = el('div', { class: 'summary' });
  const g = p.groups[0];
  if (g) summary.append(el('span', { class: `chip ${unsure ? 'g-other' : groupClass(g.code)}`, 'data-testid': 'group' }, `${g.name} · ${pct(g.probability)}`));
  if (p.archive) summary.append(el('span', { class: 'chip g-other', 'data-testid': 'archive' }, `Archive: ${p.archive.name} (${p.archive.code})`));
  const list = el('ol', { class: `bars${unsure ? ' unsure' : ''}`, 'aria-label': 'Categories, most likely first' });
  if (!p.labels.some((l) => l.code === explained)) explained = null;
  for (const l of p.labels) {
    const fill = el('div', { class: `fill ${unsure ? 'g-other' : groupClass(l.group)}` });
    fill.style.width = `${Math.max(1, l.probability * 100)}%`;
    const shown = l.code === (explained ?? p.labels[0]?.code);
    const li = el(
      'li',
      { class: 'bar', 'data-code': l.code },
      el(
        'button',
        { type: 'button', class: 'label', 'aria-pressed': String(shown), title: `Show the words behind ${l.code}` },
        el('span', { class: 'code' }, l.code),
        el('span', { class: 'name' }, `${l.name} · ${l.groupName}`),
      ),
      el('div', { class: 'track', role: 'img', 'aria-label': `${l.code} ${pct(l.probability)}${unsure ? ' (unsure)' : ''}` }, fill),
      el('span', { class: 'pct' }, pct(l.probability)),
    );
    li.querySelector('button').addEventListener('click', () => {
      explained = l.code;
      for (const b of list.querySelectorAll('button.label')) b.setAttribute('aria-pressed', String(b === li.querySelector('button')));
      renderExplain(l, paper);
    });
    list.append(li);
  }
  // Unsure: the guesses (group, archive, bars) stay out of sight until asked for, so nobody reads
  // them as an answer; so do the words behind one, until a category is picked.
  if (unsure) {
    const guesses = el('details', { class: 'guesses' }, el('summary', {}, 'Show its guesses anyway'), summary, list);
    $('result').replaceChildren(guesses);
    if (explained) renderExplain(p.labels.find((l) => l.code === explained), paper);
    else $('explain').hidden = true;
  } else {
    $('result').replaceChildren(summary, list);
    renderExplain(p.labels.find((l) => l.code === explained) ?? p.labels[0], paper);
  }
  renderPick(p);
}

/** Mark a label's reasons in the pasted text (terms are case-folded n-grams), weights on hover. */
function renderExplain(label, paper) {
  const reasons = label?.reasons ?? [];
  $('explain-label').textContent = label ? `${label.code} (${label.name})` : '';
  if (reasons.length === 0) {
    $('explain').hidden = !label;
    $('explain-terms').replaceChildren();
    $('explain-text').replaceChildren(el('p', { class: 'hint' }, label ? `None of the words here push ${label.code}: it comes from the model's prior and the other categories' weakness.` : ''));
    return;
  }
  const max = Math.max(...reasons.map((r) => r.weight));
  const terms = reasons
    .map((r) => ({ term: r.term, raw: r.weight, words: r.term.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)), weight: r.weight / max }))
    .filter((t) => t.words.length > 0)
    .sort((a, b) => b.words.join(' ').length - a.words.join(' ').length);
  const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = terms.length ? new RegExp(`(?<![\\p{L}\\p{N}])(${terms.map((t) => t.words.map(esc).join('[^\\p{L}\\p{N}]+')).join('|')})(?![\\p{L}\\p{N}])`, 'giu') : null;
  const termOf = (match) => {
    const norm = match.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean).join(' ');
    return terms.find((t) => t.words.join(' ') === norm);
  };
  const tip = (t) => `“${t.term}” pushes ${label.code} by ${t.raw.toFixed(3)}`;
  const highlight = (text) => {
    const out = [];
    if (!pattern) return [text];
    let last = 0;
    for (const m of text.matchAll(pattern)) {
      out.push(text.slice(last, m.index));
      const t = termOf(m[0]);
      const mark = el('mark', t ? { title: tip(t) } : {}, m[0]);
      mark.style.setProperty('--w', String(0.25 + 0.6 * (t?.weight ?? 0.5)));
      out.push(mark);
      last = m.index + m[0].length;
    }
    out.push(text.slice(last));
    return out;
  };
  const chips = [...terms].sort((a, b) => b.raw - a.raw).map((t) => {
    const chip = el('li', { title: tip(t) }, el('span', {}, t.term), el('span', { class: 'w' }, t.raw.toFixed(2)));
    chip.style.setProperty('--w', String(0.25 + 0.6 * t.weight));
    return chip;
  });
  $('explain-terms').replaceChildren(...chips);
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
  setPaper('', '');
  renderEmpty();
  updateUrl(currentPaper());
  $('title').focus();
});

// ---- Corrections --------------------------------------------------------------------------------

/** The model's answers as buttons: one click puts the right one first in the correction. */
function renderPick(p) {
  const buttons = p.labels.map((l) => {
    const b = el('button', { type: 'button', class: 'pick-one', 'data-code': l.code }, el('span', { class: 'code' }, l.code), ` ${l.name}`);
    b.addEventListener('click', () => {
      const input = /** @type {HTMLInputElement} */ ($('fb-categories'));
      const rest = input.value.split(/[\s,;]+/).filter((c) => c && c !== l.code);
      input.value = [l.code, ...rest].join(' ');
      input.focus();
    });
    return b;
  });
  $('fb-pick').replaceChildren(...buttons);
}

/** Every arXiv category with its name, for the correction field's suggestions (fetched once). */
let taxonomyLoaded = false;
async function loadTaxonomy() {
  if (taxonomyLoaded) return;
  taxonomyLoaded = true;
  try {
    const t = await jsonOrThrow(await fetch('v1/taxonomy'));
    $('fb-taxonomy').replaceChildren(...t.categories.map((c) => el('option', { value: c.code }, `${c.name} (${c.groupName})`)));
  } catch {
    taxonomyLoaded = false;
  }
}

/** Adds a category to the correction, after those already there. */
function addCorrection(code) {
  const input = /** @type {HTMLInputElement} */ ($('fb-categories'));
  const have = input.value.split(/[\s,;]+/).filter(Boolean);
  if (!have.includes(code)) input.value = [...have, code].join(' ');
}

$('fb-search').addEventListener('input', (ev) => {
  const box = /** @type {HTMLInputElement} */ (ev.target);
  const v = box.value.trim();
  // A suggestion picked (or a code typed out in full): it joins the correction.
  const option = [...$('fb-taxonomy').querySelectorAll('option')].find((o) => o.getAttribute('value') === v);
  if (option) {
    addCorrection(v);
    box.value = '';
  }
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

/** @type {Worker | null} */
let batchWorker = null;

async function classifyFile(file) {
  const mine = ++batchSeq;
  // The server stops classifying the old file once its answer is cancelled (see routes.ts write()).
  batchAbort?.abort();
  const abort = new AbortController();
  batchAbort = abort;
  batchWorker?.terminate();
  batchWorker = null;
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
  let total = 0;
  let skipped = 0;
  const addRow = (ev) => {
    // The prediction as the API and the CLI write it (id or row, labels, groups, archive, …), for the JSON download.
    const { type: _type, line: _line, title: _title, ...rest } = ev;
    rows.push({ line: ev.line, id: ev.id, title: ev.title, labels: ev.labels, groups: ev.groups, record: ev.record ?? rest });
    if (rows.length <= 20) {
      const top = ev.labels[0];
      tbody.append(el('tr', {}, el('td', {}, String(ev.line)), el('td', {}, ev.title), el('td', {}, `${top.code} (${top.name})`), el('td', {}, pct(top.probability))));
      $('batch-table').hidden = false;
    }
  };
  const addSkip = (ev) => {
    skipped++;
    if (skipped <= SKIPS_LISTED) {
      skipList.append(el('li', {}, `Row ${ev.line}: ${ev.error ?? 'skipped'}`));
      skipList.hidden = false;
    }
  };
  const showProgress = (done) => {
    progress.value = done;
    $('batch-status').textContent = `${rows.length} of ${total} classified${skipped ? `, ${plural(skipped, 'row')} skipped` : ''}`;
  };
  const finish = () => {
    if (skipped > SKIPS_LISTED) skipList.append(el('li', {}, `and ${skipped - SKIPS_LISTED} more`));
    $('batch-status').textContent = `Done: ${plural(rows.length, 'paper')} classified${skipped ? `, ${plural(skipped, 'row')} skipped (reasons below)` : ''}.`;
    for (const id of ['download-csv', 'download-jsonl']) /** @type {HTMLButtonElement} */ ($(id)).disabled = rows.length === 0;
  };
  const fail = (message) => {
    progress.value = 0;
    $('batch-status').textContent = `Failed: ${message}`;
  };

  if (backend?.name === 'browser' && backend.modelBytes) {
    // In this browser: a worker reads and classifies the file, so the page stays responsive.
    $('batch-status').textContent = `Reading ${file.name}…`;
    const worker = new Worker('batch-worker.js');
    batchWorker = worker;
    worker.onmessage = (m) => {
      if (mine !== batchSeq) return;
      const ev = m.data;
      if (ev.type === 'start') {
        total = ev.total;
        progress.max = Math.max(1, total);
        showProgress(0);
      } else if (ev.type === 'rows') {
        ev.rows.forEach(addRow);
        ev.skips.forEach(addSkip);
        showProgress(ev.done);
      } else if (ev.type === 'end') {
        worker.terminate();
        finish();
      } else if (ev.type === 'error') {
        worker.terminate();
        fail(ev.message);
      }
    };
    worker.onerror = (e) => {
      if (mine === batchSeq) fail(e.message || 'the in-browser worker failed');
    };
    worker.postMessage({ bundle: new URL(BUNDLE, location.href).href, model: backend.modelBytes.slice(0), file, k: 5 });
    return;
  }
  if (!serverUp || backend?.name !== 'server') {
    $('batch-status').textContent = backend?.name === 'server' ? 'The server does not answer: try again once it is back.' : 'Batch files are read by the server; switch off offline mode.';
    progress.value = 0;
    return;
  }
  $('batch-status').textContent = `Uploading ${file.name}…`;
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
    // Only the closing 'end' line says every row was answered: a stream that stops without it, or
    // with an 'error' line, is a failed run, never a finished one with fewer rows.
    let ended = false;
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
        } else if (ev.type === 'prediction') addRow(ev);
        else if (ev.type === 'skip') addSkip(ev);
        else if (ev.type === 'end') ended = true;
        else if (ev.type === 'error') throw new Error(`${ev.error?.message ?? 'the server stopped'} (after ${plural(rows.length, 'paper')})`);
      }
      showProgress(rows.length);
      if (done) break;
    }
    if (!ended) throw new Error(`the server's answer stopped after ${plural(rows.length, 'paper')}`);
    finish();
  } catch (e) {
    if (mine !== batchSeq) return;
    fail(e.message);
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

/** The columns `classify --out x.csv` writes (src/models/prediction-table.ts); test/base/csv-field.test.ts checks they agree. */
const CSV_COLUMNS = ['id', 'row', 'label', 'name', 'probability', 'group', 'group_name', 'group_probability', 'archive', 'labels', 'uncertain', 'unparsed'];

/** One CSV row of a prediction record, as predictionCells makes it for the CLI. */
function recordCells(rec) {
  const top = rec.labels[0];
  const group = top ? (rec.groups.find((g) => g.code === top.group) ?? null) : (rec.groups[0] ?? null);
  const finite = (x) => (typeof x === 'number' && Number.isFinite(x) ? x : '');
  return [
    rec.id ?? '',
    rec.id === undefined ? (rec.row ?? '') : '',
    top?.code ?? '',
    top?.name ?? '',
    finite(top?.probability),
    top?.group ?? group?.code ?? '',
    top?.groupName ?? group?.name ?? '',
    finite(group?.probability),
    rec.archive?.code ?? '',
    rec.labels.map((l) => `${l.code}:${Number.isFinite(l.probability) ? l.probability.toFixed(4) : 'NaN'}`).join(' '),
    rec.uncertain?.reason ?? '',
    rec.unparsed ?? '',
  ];
}

$('download-csv').addEventListener('click', () => {
  const rows = batchRows.map((r) => recordCells(r.record));
  download(`${batchName}.predictions.csv`, 'text/csv', [CSV_COLUMNS, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n');
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

/** Validation numbers in plain words: [label, how to show the value]. Unknown keys keep their name. */
const VALIDATION_WORDS = {
  accuracy: ['First guess right, on held-out papers', (v) => pct(v)],
  microF1: ['Labels right overall (micro-F1), on held-out papers', (v) => pct(v)],
  macroF1: ['Average over categories (macro-F1), on held-out papers', (v) => pct(v)],
  logLoss: ['Surprise at the right answer (log loss; lower is better)', (v) => v.toFixed(3)],
  bestEpoch: ['Passes over the training papers kept', (v) => String(v)],
  papers: ['Held-out papers it was checked on', (v) => Number(v).toLocaleString('en')],
  temperature: ['Confidence scaling fitted on them', (v) => v.toFixed(2)],
};

const TASK_WORDS = {
  primary: 'one category per paper: its primary',
  multilabel: 'every category a paper is listed in (several per paper)',
  archive: 'one archive per paper',
  group: 'one field per paper',
};

function table(caption, head, rows, attrs = {}) {
  return el(
    'div',
    { class: 'table-wrap' },
    el(
      'table',
      attrs,
      el('caption', {}, caption),
      el('thead', {}, el('tr', {}, ...head.map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, ...rows.map((r) => el('tr', {}, ...r.map((c, i) => (i === 0 ? el('th', { scope: 'row' }, c) : el('td', {}, c)))))),
    ),
  );
}

function stat(value, label) {
  return el('div', { class: 'stat' }, el('span', { class: 'value' }, value), el('span', { class: 'label' }, label));
}

/** The model card: scores on papers the model never saw, by field and category, its priors and limits. */
function renderCard(card) {
  const num = (n) => Number(n).toLocaleString('en');
  // A multi-label model answers every category a paper fits: it is scored on all of them.
  const multi = card.task === 'multilabel';
  const parts = [
    el('h3', {}, 'How well it works'),
    el('p', { class: 'evaluation' }, card.evaluation),
    el(
      'div',
      { class: 'stats' },
      ...(multi
        ? [
            [card.overall.precisionAt1, 'first answer is one of the paper’s categories'],
            [card.overall.microF1, 'of all answers and true categories, matched (micro-F1)'],
            [card.overall.samplesF1, 'per paper, answers matched (samples-F1)'],
          ]
        : [
            [card.overall.top1, 'first guess right'],
            [card.overall.top5, 'right answer in its top five'],
            [card.overall.groupAccuracy, 'right field (physics, maths, …)'],
          ]
      ).map(([x, label]) => stat(pct(x), label)),
      stat(pct(card.overall.macroF1), 'average over categories (macro-F1)'),
      stat(num(card.testPapers), 'test papers'),
    ),
  ];
  if (multi && card.groups?.length) {
    parts.push(
      table(
        'By field',
        ['Field', 'Share of training labels', 'Test labels', 'Its answers here right', 'Of the field’s labels, found'],
        card.groups.map((g) => [g.name, pct(g.trainShare), num(g.testLabels), pct(g.precision), pct(g.recall)]),
        { class: 'card-groups' },
      ),
    );
  } else if (card.groups?.length) {
    parts.push(
      table(
        'By field',
        ['Field', 'Share of training papers', 'Test papers', 'First guess right', 'Right field'],
        // A field with no test papers has no score, not a score of 0.
        card.groups.map((g) => [g.name, pct(g.trainShare), num(g.testPapers), g.testPapers > 0 ? pct(g.top1) : '—', g.testPapers > 0 ? pct(g.groupAccuracy) : '—']),
        { class: 'card-groups' },
      ),
    );
  }
  if (card.categories?.length) {
    const search = el('input', { id: 'card-search', type: 'search', placeholder: 'e.g. hep-th or number theory', autocomplete: 'off' });
    const rowOf = (c) => {
      const tr = el(
        'tr',
        { 'data-code': c.code, 'data-search': `${c.code} ${c.name}`.toLowerCase() },
        el('th', { scope: 'row' }, el('span', { class: `chip ${groupClass(c.group)}` }, c.code), ' ', c.name),
        el('td', {}, `trained on ${num(c.trainPapers)} papers`),
        el('td', {}, num(c.testPapers)),
        el('td', {}, c.testPapers ? `right ${pct(c.recall)} of the time` : '—'),
        el('td', {}, `${pct(c.precision)} of its answers right`),
      );
      return tr;
    };
    const tbody = el('tbody', {}, ...card.categories.map(rowOf));
    const count = el('span', { class: 'hint', role: 'status', 'aria-live': 'polite' }, `${card.categories.length} categories`);
    search.addEventListener('input', () => {
      const q = search.value.trim().toLowerCase();
      let n = 0;
      for (const tr of tbody.children) {
        const hit = !q || tr.getAttribute('data-search').includes(q);
        tr.hidden = !hit;
        if (hit) n++;
      }
      count.textContent = `${n} of ${card.categories.length} categories`;
    });
    parts.push(
      el('h3', {}, 'By category'),
      el('div', { class: 'search-row' }, el('label', { for: 'card-search' }, 'Find a category'), search, count),
      el(
        'div',
        { class: 'table-wrap tall' },
        el(
          'table',
          { class: 'card-categories' },
          el('caption', { class: 'visually-hidden' }, 'Per category: training papers, test papers, how often the model finds its papers, how often its answer is right'),
          el('thead', {}, el('tr', {}, ...['Category', 'Training', 'Test papers', 'Finds its papers', 'When it answers this'].map((h) => el('th', { scope: 'col' }, h)))),
          tbody,
        ),
      ),
    );
  }
  if (card.priors?.length) {
    parts.push(
      el('h3', {}, 'Which mix of fields it assumes'),
      el('p', { class: 'hint' }, 'The model can assume the mix of fields it was trained on (corpus), the newest months’ mix (recent), or a mix moved toward equal fields (balanced: “balanced:0.7:0.35” moves 0.7 of the way toward equal fields and 0.35 toward equal categories within each field; “balanced:1:1” makes every category equally likely). Each choice trades overall accuracy against fairness to small fields and categories:'),
      table(
        'The trade-off of each assumption, on the same test papers',
        ['Assumes', 'First guess right', 'Average over categories', 'Categories never answered'],
        card.priors.map((p) => [p.prior, pct(p.top1), pct(p.macroF1), String(p.neverPredicted)]),
        { class: 'card-priors' },
      ),
    );
  }
  if (card.limitations?.length) {
    parts.push(el('h3', {}, 'Limitations'), el('ul', { class: 'limitations' }, ...card.limitations.map((l) => el('li', {}, l))));
  }
  return el('section', { class: 'model-card', 'aria-label': 'Model card' }, ...parts);
}

function renderModel(info) {
  const dl = el('dl', { class: 'metrics' });
  const row = (k, v) => dl.append(el('dt', {}, k), el('dd', {}, v));
  row('Predicts', TASK_WORDS[info.task] ?? info.task);
  if (info.file) row('File', info.file);
  if (info.labels) row('Categories it knows', String(info.labels.length));
  if (info.training?.papers !== undefined) row('Training papers', Number(info.training.papers).toLocaleString('en'));
  if (info.createdAt) row('Trained', info.createdAt.slice(0, 10));
  if (info.quantized !== undefined) row('Weights', info.quantized ? 'compressed to 8 bits (int8)' : 'full precision (float32)');
  for (const [k, v] of Object.entries(info.validation ?? {})) {
    if (typeof v !== 'number') continue;
    const words = VALIDATION_WORDS[k];
    row(words ? words[0] : k, words ? words[1](v) : Number.isInteger(v) ? String(v) : v.toFixed(4));
  }
  const parts = [];
  if (info.card) parts.push(renderCard(info.card));
  parts.push(el('h3', {}, 'Facts'), dl);
  if (info.report) parts.push(el('p', {}, el('a', { href: info.report.replace(/^\//, '') }, 'Evaluation report (plots, per-category metrics)')));
  const labels = (info.labels ?? []).map((l) => (typeof l === 'string' ? { code: l, name: l, group: 'other', groupName: '' } : l));
  if (labels.length) {
    const tbody = el('tbody');
    for (const l of labels) tbody.append(el('tr', {}, el('td', {}, el('span', { class: `chip ${groupClass(l.group)}` }, l.code)), el('td', {}, l.name), el('td', {}, l.groupName)));
    parts.push(
      el('details', info.card ? { class: 'labels' } : { class: 'labels', open: '' }, el('summary', {}, `All ${labels.length} categories`),
        el('div', { class: 'table-wrap' }, el('table', {}, el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Code'), el('th', { scope: 'col' }, 'Name'), el('th', { scope: 'col' }, 'Group'))), tbody))),
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
