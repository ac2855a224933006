import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { heldOutTerms } from '../../src/models/linear/held-out.js';
import { trainLinear, type PaperSource } from '../../src/models/linear/train.js';
import { AUTO_EPOCHS, classWeightFor, epochsFor, type TrainOptions } from '../../src/models/linear/train-settings.js';
import { loadModel } from '../../src/models/load-model.js';
import { evaluate } from '../../src/evaluation/evaluate.js';
import { ModelFileError, readModelFile, writeModelFile } from '../../src/models/file/model-file.js';
import { syntheticPapers, TOPICS } from './synthetic.js';
import { seededRng } from '../../src/corpus/random.js';
import { LinearModel } from '../../src/models/linear/linear.js';
import type { PaperRecord } from '../../src/corpus/record.js';
import type { PredictOptions } from '../../src/models/model.js';

const dir = mkdtempSync(join(tmpdir(), 'axc-train-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

const train = syntheticPapers(60, 1);
const test_ = syntheticPapers(15, 2);
const fast = { epochs: 6, minDf: 1, lr: 0.5, seed: 7 };

/** Two threads on every machine: the weights depend on the thread count. */
function trainOnTwo(source: PaperSource, valid: PaperSource | null, options: Partial<TrainOptions>) {
  return trainLinear(source, valid, options, () => {}, { threads: 2 });
}

test('primary model separates topics and explains with topic words', async () => {
  const { model, report } = await trainOnTwo(train, null, { ...fast, task: 'primary' });
  assert.deepEqual(model.labels, ['cs.CV', 'hep-th', 'math.NT', 'q-bio.NC']);
  assert.ok(report.features > 20);
  const e = (await evaluate(model, test_)).summary;
  assert.equal(e.task, 'primary');
  assert.ok(e.accuracy > 0.95, `accuracy ${e.accuracy}`);
  assert.equal(e.top5, 1);
  const p = model.predict({ title: 'spiking neurons in the cortex', abstract: 'synaptic firing of brain neurons' }, { k: 2, explain: 3 });
  assert.equal(p.labels[0]!.code, 'q-bio.NC');
  assert.equal(p.labels[0]!.name, 'Neurons and Cognition');
  assert.equal(p.labels[0]!.group, 'q-bio');
  assert.ok(p.labels[0]!.probability > 0.5);
  const reasons = p.labels[0]!.reasons!.map((r) => r.term);
  assert.ok(reasons.length > 0 && reasons.length <= 3);
  assert.ok(reasons.some((t) => t.split(' ').some((w) => TOPICS['q-bio.NC']!.includes(w))), `reasons ${reasons}`);
  assert.equal(p.groups[0]!.code, 'q-bio');
  const sum = model.predictProba([{ title: 'prime zeta' }]).reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(sum - 1) < 1e-4);
});

test('character n-grams are stored with the model: a saved and loaded model predicts the same and explains with grams', async () => {
  const { model } = await trainOnTwo(train, null, { ...fast, task: 'primary', charNgrams: 4 });
  assert.equal(model.spec.termOptions.charNgrams, 4);
  const file = join(dir, 'chargrams.axcm');
  await model.save(file);
  // Format version 2, so that readers from before character n-grams refuse the file.
  assert.equal(readFileSync(file).readUInt16LE(8), 2);
  const loaded = await loadModel(file);
  const papers = test_.map((p) => ({ title: p.title, abstract: p.abstract }));
  assert.deepEqual(loaded.predictProba(papers), model.predictProba(papers));
  // A misspelt topic word has no word feature, but shares its grams with the right spelling.
  const reasons = loaded.predict({ title: 'neuronss and synapsees' }, { k: 1, explain: 10 }).labels[0]!.reasons!.map((r) => r.term);
  assert.ok(reasons.some((t) => /^[<a-z]{1}[a-z]{2}[a-z>]$/.test(t) && !t.includes(' ')), `reasons ${reasons}`);
  const plain = await trainOnTwo(train, null, { ...fast, task: 'primary' });
  assert.equal(plain.model.spec.termOptions.charNgrams, undefined);
  await plain.model.save(file);
  assert.equal(readFileSync(file).readUInt16LE(8), 1, 'models without them stay readable by every release');
  await assert.rejects(trainOnTwo(train, null, { ...fast, charNgrams: 1 }), /charNgrams must be 0/);
});

test('same seed and threads give identical weights; another seed differs', async () => {
  const a = await trainOnTwo(train, null, { ...fast, task: 'primary' });
  const b = await trainOnTwo(train, null, { ...fast, task: 'primary' });
  const c = await trainOnTwo(train, null, { ...fast, task: 'primary', seed: 8 });
  const wa = a.model.weights.kind === 'f32' ? a.model.weights.w : new Float32Array();
  const wb = b.model.weights.kind === 'f32' ? b.model.weights.w : new Float32Array();
  const wc = c.model.weights.kind === 'f32' ? c.model.weights.w : new Float32Array();
  assert.deepEqual(wa, wb);
  assert.notDeepEqual(wa, wc);
  assert.equal('threads' in a.model.info.training.options, false, 'the thread count is the run’s, not the model’s');
  await assert.rejects(trainLinear(train, null, fast, () => {}, { threads: 0 }), /threads must be an integer from 1 to 64, got 0/);
  await assert.rejects(trainLinear(train, null, fast, () => {}, { threads: 65 }), /threads must be an integer from 1 to 64, got 65/);
});

test('save, load and quantize keep predictions; corrupt files are refused', async () => {
  const { model } = await trainOnTwo(train, null, { ...fast, task: 'primary' });
  const full = join(dir, 'm.axcm');
  const q = join(dir, 'm.q.axcm');
  await model.save(full);
  await model.save(q, { quantize: true });
  const loaded = await loadModel(full);
  const quant = await loadModel(q);
  assert.ok(readFileSync(q).length < readFileSync(full).length * 0.8);
  assert.equal(quant.info.quantized, true);
  let same = 0;
  for (const p of test_) {
    const x = { title: p.title, abstract: p.abstract };
    const a = model.predict(x).labels[0]!;
    const b = loaded.predict(x).labels[0]!;
    assert.equal(a.code, b.code);
    assert.ok(Math.abs(a.probability - b.probability) < 1e-6);
    if (quant.predict(x).labels[0]!.code === a.code) same++;
  }
  assert.ok(same >= test_.length - 1, `quantized agrees on ${same}/${test_.length}`);
  const bytes = readFileSync(full);
  const broken = join(dir, 'broken.axcm');
  writeFileSync(broken, bytes.subarray(0, bytes.length - 100));
  await assert.rejects(loadModel(broken), (e: unknown) => e instanceof ModelFileError && e.message.includes(broken));
  const flipped = Buffer.from(bytes);
  flipped[flipped.length >> 1] ^= 0xff;
  writeFileSync(broken, flipped);
  await assert.rejects(loadModel(broken), ModelFileError);
});

test('multi-label early stopping breaks a tie in P@1 on validation loss, instead of keeping the first epoch', async () => {
  // Separable topics: P@1 is 1 from the first epoch on, while the loss keeps falling.
  const { report } = await trainOnTwo(train, syntheticPapers(15, 3), { ...fast, task: 'multilabel' });
  const accuracies = report.epochs.map((e) => e.validAccuracy);
  assert.ok(accuracies.every((a) => a === 1), `P@1 ${accuracies}`);
  const losses = report.epochs.map((e) => e.validLoss);
  assert.equal(report.bestEpoch, losses.indexOf(Math.min(...losses)) + 1, `kept epoch ${report.bestEpoch}, losses ${losses}`);
  assert.ok(report.bestEpoch > 1);
});

test('a paper with more features than a row holds trains (keeping its first ones, as prediction does) instead of crashing', async () => {
  const words = Array.from({ length: 9000 }, (_, i) => `w${i.toString(36)}`).join(' ');
  const huge = { ...train[0]!, id: '2101.99999', abstract: words };
  // Twice, so its 18,000 unigrams and bigrams pass min-df 2 and are features.
  const twin = { ...huge, id: '2101.99998' };
  const { model, report } = await trainOnTwo([...train, huge, twin], null, { ...fast, task: 'primary', minDf: 2 });
  assert.ok(report.features > 16_384, `features ${report.features}`);
  assert.equal(model.predict({ title: huge.title, abstract: huge.abstract }).labels[0]!.code, huge.categories[0]);
});

test('a file with a good checksum but values no trainer writes is refused, never predicts null', async () => {
  const { model } = await trainOnTwo(train, null, { ...fast, task: 'primary' });
  const { LinearModel } = await import('../../src/models/linear/linear.js');
  const good = model.toContents(false);
  assert.ok(LinearModel.fromContents(good, 'good.axcm'));
  const withMeta = (change: (m: Record<string, unknown>) => void) => {
    const meta = structuredClone(good.meta);
    change(meta);
    return { ...good, meta };
  };
  const cases: [ReturnType<typeof withMeta>, RegExp][] = [
    [withMeta((m) => (m.temperature = 0)), /temperature is 0/],
    [withMeta((m) => ((m.info as Record<string, unknown>).labels = undefined)), /info\.labels/],
    [withMeta((m) => (m.loss = 'hinge')), /loss is "hinge"/],
    [withMeta((m) => (m.termOptions = {})), /termOptions\.ngrams/],
    // A count of a title word times 1e-50 is 0 in float32, which the counters read as "not seen yet".
    [withMeta((m) => (m.termOptions = { ngrams: 2, titleWeight: 1e-50 })), /termOptions\.titleWeight is 1e-50, not 0 or in \[0\.001, 1000\]/],
    // 2^32 + 4 would be 4 to a counter that takes int32.
    [withMeta((m) => (m.termOptions = { ngrams: 2, titleWeight: 2, charNgrams: 2 ** 32 + 4 })), /termOptions\.charNgrams is 4294967300, not an integer from 0 to 8/],
  ];
  const w = Float32Array.from(good.tensors.weights!.data as Float32Array);
  w[7] = Number.NaN;
  cases.push([{ ...good, tensors: { ...good.tensors, weights: { dtype: 'f32', shape: good.tensors.weights!.shape, data: w } } }, /tensor weights holds NaN at index 7/]);
  // Finite, but two of them in one score overflow float32 and the probabilities come out NaN.
  const huge = Float32Array.from(good.tensors.weights!.data as Float32Array).fill(3e38);
  cases.push([{ ...good, tensors: { ...good.tensors, weights: { dtype: 'f32', shape: good.tensors.weights!.shape, data: huge } } }, /tensor weights holds [\d.]+e\+38 at index 0, not a finite number within ±1000000/]);
  cases.push([withMeta((m) => (m.temperature = 1e-30)), /temperature is 1e-30, not a number from 0\.01 to 100/]);
  for (const [contents, message] of cases) {
    assert.throws(() => LinearModel.fromContents(contents, 'edited.axcm'), (e: unknown) => e instanceof ModelFileError && message.test(e.message) && e.message.includes('edited.axcm'), String(message));
  }
});

test('pruning keeps the features that matter and refuses quantized weights', async () => {
  const { model, report } = await trainOnTwo(train, null, { ...fast, task: 'primary' });
  const half = Math.floor(report.features / 2);
  const pruned = model.pruned(half);
  assert.equal(pruned.vocab.size, half);
  assert.equal(model.pruned(report.features + 10), model);
  const a = (await evaluate(model, test_)).summary;
  const b = (await evaluate(pruned, test_)).summary;
  assert.ok(b.accuracy >= a.accuracy - 0.1, `pruned accuracy ${b.accuracy} vs ${a.accuracy}`);
  const kept = new Set(pruned.vocab.terms);
  // The rank is |centred weight row| × IDF × √(document frequency): computed here on its own.
  assert.equal(model.weights.kind, 'f32');
  const w = model.weights.kind === 'f32' ? model.weights.w : new Float32Array();
  const F = model.vocab.size;
  const C = model.labels.length;
  const n = model.info.training.papers;
  const score = Array.from({ length: F }, (_, f) => {
    let mean = 0;
    for (let c = 0; c < C; c++) mean += w[f * C + c]! / C;
    let ss = 0;
    for (let c = 0; c < C; c++) ss += (w[f * C + c]! - mean) ** 2;
    const idf = model.vocab.idf[f]!;
    const df = Math.max((1 + n) / Math.exp(idf - 1) - 1, 1);
    return Math.sqrt(ss) * idf * Math.sqrt(df);
  });
  const order = score.map((s, f) => [s, f] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  // Float32 rounding may swap neighbours at the cut; everything clear of it must agree.
  const margin = 1e-4 * order[half]![0];
  for (const [s, f] of order) {
    if (s > order[half]![0] + margin) assert.ok(kept.has(model.vocab.terms[f]!), `feature ${f} (score ${s}) ranks above the cut`);
    if (s < order[half - 1]![0] - margin) assert.ok(!kept.has(model.vocab.terms[f]!), `feature ${f} (score ${s}) ranks below the cut`);
  }
  const file = join(dir, 'pruned.q.axcm');
  await pruned.save(file, { quantize: true });
  const loaded = await loadModel(file);
  assert.equal(loaded.vocab.size, half);
  assert.throws(() => loaded.pruned(10), /float weights/);
});

test('a pruned model recalibrated on the held-out papers fits them at least as well and ranks the same', async () => {
  const held = train.filter((_, i) => i % 3 === 0);
  const { model, validation } = await trainOnTwo(train.filter((_, i) => i % 3 !== 0), held, { ...fast, task: 'primary' });
  const labels = held.map((p) => [model.labels.indexOf(p.primary)]);
  assert.equal(validation.ptr.length - 1, held.length, 'training hands back every held-out paper');
  assert.deepEqual(Array.from(validation.labelIdx).sort(), labels.flat().sort(), 'with its label');
  // Few features left: the scores shrink, and the old temperature no longer fits them.
  const pruned = model.pruned(6);
  const again = pruned.recalibrated(validation);
  const C = model.labels.length;
  const nll = (m: typeof model) => {
    const p = m.predictProba(held);
    let total = 0;
    labels.forEach((ls, i) => (total -= Math.log(Math.max(p[i * C + ls[0]!]!, 1e-12))));
    return total / held.length;
  };
  assert.ok(nll(again) <= nll(pruned) + 1e-9, `recalibrated NLL ${nll(again)} vs ${nll(pruned)}`);
  assert.notEqual(again.spec.temperature, pruned.spec.temperature, `temperature ${pruned.spec.temperature} refitted`);
  assert.equal(again.info.validation.temperature, Number(again.spec.temperature.toFixed(4)));
  assert.equal(again.info.validation.papers, held.length);
  // The term rows training kept give the temperature the papers' text gives.
  const fromText = pruned.recalibrated(heldOutTerms(held, labels, model.spec.termOptions));
  assert.ok(Math.abs(fromText.spec.temperature - again.spec.temperature) < 1e-6, `${fromText.spec.temperature} vs ${again.spec.temperature}`);
  const top = (m: typeof model) => held.map((paper) => m.predict(paper, { k: 1 }).labels[0]!.code);
  assert.deepEqual(top(again), top(pruned), 'temperature never changes the ranking');
  assert.equal(pruned.recalibrated(heldOutTerms([], [], model.spec.termOptions)), pruned);
});

test('empty input is refused, garbage gets low confidence', async () => {
  const { model } = await trainOnTwo(train, null, { ...fast, task: 'primary' });
  assert.throws(() => model.predict({ title: '  ', abstract: '' }), /title or an abstract/);
  const p = model.predict({ title: 'xqzv wprt', abstract: 'глокая куздра' });
  assert.ok(p.labels[0]!.probability < 0.6, `garbage confidence ${p.labels[0]!.probability}`);
});

test('multi-label model predicts cross-lists and never an empty answer', async () => {
  const { model } = await trainOnTwo(train, null, { ...fast, task: 'multilabel' });
  assert.equal(model.info.task, 'multilabel');
  const e = (await evaluate(model, test_)).summary;
  assert.equal(e.task, 'multilabel');
  if (e.task === 'multilabel') {
    assert.ok(e.microF1 > 0.7, `microF1 ${e.microF1}`);
    assert.ok(e.samplesF1 > 0.7, `samplesF1 ${e.samplesF1}`);
  }
  const p = model.predict({ title: 'xqzv', abstract: 'wprt' }, { threshold: 0.99 });
  assert.equal(p.labels.length, 1);
});

test('group task predicts top-level groups', async () => {
  const { model } = await trainOnTwo(train, null, { ...fast, task: 'group' });
  assert.deepEqual([...model.labels].sort(), ['cs', 'math', 'physics', 'q-bio']);
  const p = model.predict({ title: 'string brane holography' });
  assert.equal(p.labels[0]!.code, 'physics');
  assert.equal(p.labels[0]!.name, 'Physics');
});

test('a class with a single paper is kept and reported as thin', async () => {
  const one = [...train, { id: '2401.99999', title: 'galaxy', abstract: 'galaxy cluster survey', categories: ['astro-ph.GA'], primary: 'astro-ph.GA' }];
  const { model, report } = await trainOnTwo(one, train.slice(0, 40), { ...fast, task: 'primary' });
  assert.ok(model.labels.includes('astro-ph.GA'));
  assert.deepEqual(report.thinClasses, ['astro-ph.GA']);
});

test('the newest months’ class mix shifts probabilities toward what is common now, and survives save and load', async () => {
  // 600 old papers of four balanced topics, then 1200 papers in the last 3 months, 70% hep-th.
  const old = syntheticPapers(150, 3).map((p, i) => ({ ...p, id: `2301.${String(i).padStart(5, '0')}` }));
  const pool = syntheticPapers(900, 4);
  const hep = pool.filter((p) => p.primary === 'hep-th').slice(0, 840);
  const rest = pool.filter((p) => p.primary !== 'hep-th').slice(0, 360);
  const recent = [...hep, ...rest].map((p, i) => ({ ...p, id: `23${String(10 + (i % 3))}.${String(i).padStart(5, '0')}` }));
  const papers = [...old, ...recent];
  const options = { ...fast, epochs: 3, task: 'primary' as const, defaultBalance: 0 };
  const shifted = await trainOnTwo(papers, null, options);
  const plain = await trainOnTwo(papers, null, { ...options, recentPriorMonths: 0 });
  assert.deepEqual(plain.report.priorShift, { skipped: 'turned off' });
  const r = shifted.report.priorShift;
  assert.ok('papers' in r, JSON.stringify(r));
  assert.equal(r.from, 202310);
  assert.equal(r.to, 202312);
  assert.ok(r.papers > 1000 && r.papers <= 1200, `window ${r.papers}`);
  assert.deepEqual(shifted.model.info.training.priorShift, r);
  const shift = shifted.model.spec.priorShift!;
  const hepIndex = shifted.model.labels.indexOf('hep-th');
  assert.ok(shift[hepIndex]! > 0 && shift.every((s, c) => c === hepIndex || s < 0), `shift ${Array.from(shift)}`);
  // The weights are the same (the shift is applied after them), so the difference is the prior alone.
  assert.deepEqual(shifted.model.weights, plain.model.weights);
  // Same weights and temperature: the log-odds between two classes move by exactly the shift's difference.
  const cv = shifted.model.labels.indexOf('cs.CV');
  const mixed = { title: 'image brane', abstract: 'pixel segmentation of the string bulk' };
  const logOdds = (m: typeof shifted.model) => {
    const p = m.predictProba([mixed]);
    return Math.log(p[hepIndex]!) - Math.log(p[cv]!);
  };
  const moved = logOdds(shifted.model) - logOdds(plain.model);
  assert.ok(Math.abs(moved - (shift[hepIndex]! - shift[cv]!)) < 1e-3, `log-odds moved ${moved}, shift difference ${shift[hepIndex]! - shift[cv]!}`);
  // Recent hep-th 0.70 vs 0.55 overall, cs.CV 0.10 vs 0.15: half of ln(0.70/0.55) − ln(0.10/0.15) ≈ 0.32.
  assert.ok(moved > 0.25, `moved ${moved}`);
  const file = join(dir, 'prior.axcm');
  await shifted.model.save(file);
  const loaded = await loadModel(file);
  assert.ok(Math.abs(logOdds(loaded as typeof shifted.model) - logOdds(shifted.model)) < 1e-4);
  // Multi-label models keep their thresholds and take no shift.
  const ml = await trainOnTwo(papers, null, { ...options, task: 'multilabel' });
  assert.ok('skipped' in ml.report.priorShift);
  assert.equal(ml.model.spec.priorShift, null);
});

/**
 * Papers whose text says little: mostly filler, a topic word now and then. A model of them is
 * unsure, so its class prior shows in every answer. `mix` is each class's share; `month` dates them.
 */
function vaguePapers(n: number, mix: Record<string, number>, month: string, seed: number): PaperRecord[] {
  let state = seed;
  const rng = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const filler = ['we', 'study', 'the', 'a', 'new', 'method', 'results', 'show', 'that', 'our', 'approach', 'model'];
  const codes = Object.keys(mix);
  const out: PaperRecord[] = [];
  for (let i = 0; i < n; i++) {
    let r = rng();
    let code = codes[codes.length - 1]!;
    for (const c of codes) if ((r -= mix[c]!) < 0) {
      code = c;
      break;
    }
    const topic = TOPICS[code]!;
    const words = Array.from({ length: 20 }, () => (rng() < 0.08 ? topic[Math.floor(rng() * topic.length)]! : filler[Math.floor(rng() * filler.length)]!));
    out.push({ id: `${month}.${String(seed * 10000 + i).padStart(5, '0')}`, title: words.slice(0, 4).join(' '), abstract: words.join(' '), categories: [code], primary: code });
  }
  return out;
}

test('a trained model stores its class mixes: a caller picks corpus, recent, balanced or shares per call, and the file keeps the choice', async () => {
  const even = { 'cs.CV': 0.25, 'hep-th': 0.25, 'math.NT': 0.25, 'q-bio.NC': 0.25 };
  const papers = [...vaguePapers(1500, even, '2301', 1), ...vaguePapers(1500, { 'cs.CV': 0.1, 'hep-th': 0.7, 'math.NT': 0.1, 'q-bio.NC': 0.1 }, '2312', 2)];
  const options = { ...fast, epochs: 3, task: 'primary' as const, defaultBalance: 0 };
  const close = (a: Float32Array, b: Float32Array) => a.every((x, i) => Math.abs(x - b[i]!) < 1e-5);
  const shifted = await trainOnTwo(papers, null, options);
  const plain = await trainOnTwo(papers, null, { ...options, recentPriorMonths: 0 });
  const text = [{ title: 'we study the model', abstract: 'our approach and results' }];
  // Left at its default, the default leans a little from the recent mix toward equal classes.
  const { defaultBalance: _, ...defaults } = options;
  const leaning = await trainOnTwo(papers, null, defaults);
  assert.deepEqual(leaning.model.spec.priors!.defaultChoice, { balanced: 0.1, within: 0.1 });
  assert.ok(close(leaning.model.predictProba(text), leaning.model.predictProba(text, { prior: { balanced: 0.1, within: 0.1 } })));
  // A file from before `within` existed stored { balanced: 0.1 }, which flattened every level alike.
  const older = join(dir, 'older-default.axcm');
  await leaning.model.save(older);
  const contents = await readModelFile(older);
  const meta = contents.meta as { priors: { defaultChoice: unknown } };
  meta.priors.defaultChoice = { balanced: 0.1 };
  await writeModelFile(older, contents);
  assert.deepEqual(((await loadModel(older)) as typeof leaning.model).spec.priors!.defaultChoice, { balanced: 0.1, within: 0.1 });
  // The default is the recent mix; asking for the corpus mix gives the model trained without one.
  assert.ok(close(shifted.model.predictProba(text, { prior: 'corpus' }), plain.model.predictProba(text)));
  assert.ok(close(shifted.model.predictProba(text, { prior: 'recent' }), shifted.model.predictProba(text)));
  const hepIndex = shifted.model.labels.indexOf('hep-th');
  const corpus = shifted.model.predictProba(text, { prior: 'corpus' });
  const balanced = shifted.model.predictProba(text, { prior: { balanced: 1 } });
  assert.ok(balanced[hepIndex]! < corpus[hepIndex]! - 0.05, `balancing lowers the most common class: ${balanced[hepIndex]} vs ${corpus[hepIndex]}`);
  assert.ok(shifted.model.predictProba(text)[hepIndex]! > corpus[hepIndex]!, 'the recent mix has more hep-th');
  const onlyMath = shifted.model.predict(text[0]!, { prior: { shares: { math: 1 } } });
  assert.equal(onlyMath.labels[0]!.code, 'math.NT');
  assert.throws(() => shifted.model.predict(text[0]!, { prior: { shares: { 'q-fin.ST': 1 } } }), /"q-fin.ST" is not a category, archive or group this model predicts/);
  const file = join(dir, 'priors.axcm');
  await shifted.model.save(file, { quantize: true });
  const loaded = (await loadModel(file)) as typeof shifted.model;
  const near = (a: Float32Array, b: Float32Array) => a.every((x, i) => Math.abs(x - b[i]!) < 0.02);
  assert.ok(near(loaded.predictProba(text, { prior: { balanced: 1 } }), balanced));
  assert.ok(near(loaded.predictProba(text), shifted.model.predictProba(text)));
  // A file whose default is balanced: predictions without a prior take it.
  const byDefault = await trainOnTwo(papers, null, { ...options, defaultPrior: 'balanced', balancedPrior: 1 });
  assert.ok(close(byDefault.model.predictProba(text), byDefault.model.predictProba(text, { prior: { balanced: 1 } })));
  const ml = await trainOnTwo(papers, null, { ...options, task: 'multilabel' });
  assert.throws(() => ml.model.predict(text[0]!, { prior: 'balanced' }), /prior applies to single-label models/);
});

test('class weights change what the features learn, not the class mix the model assumes', async () => {
  // 70% hep-th: balanced weights train as if every class were equally common; the model must
  // still assume the training mix unless asked to balance.
  const papers = vaguePapers(3000, { 'cs.CV': 0.1, 'hep-th': 0.7, 'math.NT': 0.1, 'q-bio.NC': 0.1 }, '2312', 3);
  const options = { ...fast, epochs: 3, task: 'primary' as const, recentPriorMonths: 0 };
  const weighted = await trainOnTwo(papers, null, { ...options, classWeight: 'balanced' });
  const hepIndex = weighted.model.labels.indexOf('hep-th');
  const filler = [{ title: 'we study the model', abstract: 'our approach and results show that' }];
  const hep = (prior: PredictOptions['prior']) => weighted.model.predictProba(filler, { prior })[hepIndex]!;
  // A text that says nothing gets the prior itself: the training mix (70%), not equal classes.
  assert.ok(hep('corpus') > 0.5, `hep-th on filler: ${hep('corpus')}`);
  assert.ok(hep({ balanced: 1 }) < 0.4, `hep-th on filler, balanced: ${hep({ balanced: 1 })}`);
});

test("class weight 'auto' is sqrt for a multi-label model and none for a single-label one", async () => {
  assert.equal(classWeightFor({ classWeight: 'auto', task: 'multilabel' }), 'sqrt');
  assert.equal(classWeightFor({ classWeight: 'auto', task: 'primary' }), 'none');
  assert.equal(classWeightFor({ classWeight: 'auto', task: 'group' }), 'none');
  assert.equal(classWeightFor({ classWeight: 'balanced', task: 'multilabel' }), 'balanced');
  assert.equal(classWeightFor({ classWeight: 'none', task: 'multilabel' }), 'none');
  // What training does with it: the default multi-label weights are sqrt's, not unweighted ones.
  const weightsOf = async (classWeight?: TrainOptions['classWeight']) => {
    const { model } = await trainOnTwo(train, null, { ...fast, epochs: 2, task: 'multilabel', ...(classWeight && { classWeight }) });
    return model.weights.kind === 'f32' ? model.weights.w : model.weights.q;
  };
  const byDefault = await weightsOf();
  assert.deepEqual(byDefault, await weightsOf('sqrt'));
  assert.notDeepEqual(byDefault, await weightsOf('none'));
});

test('early stopping keeps the epoch with the lowest validation loss, not the first to reach the best accuracy', async () => {
  const { report, model } = await trainOnTwo(train, null, { ...fast, task: 'primary' });
  const losses = report.epochs.map((e) => e.validLoss);
  const lowest = losses.indexOf(Math.min(...losses)) + 1;
  assert.equal(report.bestEpoch, lowest, `losses ${losses}`);
  assert.equal(model.info.validation.bestEpoch, lowest);
  // These topics are easy: accuracy is already at its best after the first epoch while the loss
  // keeps falling, so keeping the first best-accuracy epoch would keep a worse model.
  const accuracies = report.epochs.map((e) => e.validAccuracy);
  assert.ok(accuracies[0] === Math.max(...accuracies) && lowest > 1, `accuracies ${accuracies}, losses ${losses}`);
});

test('a multi-label model keeps the epoch with the best validation P@1, the lowest loss among ties', async () => {
  const { report } = await trainOnTwo(train, null, { ...fast, task: 'multilabel', patience: 10 });
  const p1 = report.epochs.map((e) => e.validAccuracy);
  const top = Math.max(...p1);
  const tied = report.epochs.filter((e) => e.validAccuracy === top);
  const want = tied.reduce((a, b) => (b.validLoss < a.validLoss ? b : a));
  assert.equal(report.bestEpoch, want.epoch, `P@1 ${p1}, losses ${report.epochs.map((e) => e.validLoss)}`);
});

test('the library train() on a file says in report.ingest what reading skipped', async () => {
  const { train: trainFromFiles } = await import('../../src/index.js');
  const path = join(dir, 'with-junk.jsonl');
  const lines = train.map((p) => JSON.stringify(p));
  lines.splice(3, 0, '{not json', JSON.stringify({ id: '2401.99999', title: 'x', abstract: 'y', categories: ['foo.BAR'] }));
  writeFileSync(path, lines.join('\n') + '\n');
  const model = await trainFromFiles(path, { ...fast, threads: 2, task: 'primary' });
  const ingest = model.report.ingest?.data;
  assert.ok(ingest, 'report.ingest.data is there');
  assert.equal(ingest.kept, train.length);
  assert.equal(Object.values(ingest.skipped).reduce((a, b) => a + (b ?? 0), 0), 2, JSON.stringify(ingest.skipped));
  assert.equal(model.report.ingest?.valid, undefined);
  const inMemory = await trainFromFiles(train, { ...fast, threads: 2, task: 'primary' });
  assert.equal(inMemory.report.ingest, undefined);
});

test('the cross-list loss teaches a category from the papers that carry it as a cross-list, not only as primary', async () => {
  // eess.IV is the primary of 4 papers but a cross-list of 120 cs.CV papers about scanners.
  const rng = seededRng(11);
  const pick = (xs: string[]) => xs[Math.floor(rng() * xs.length)]!;
  const scanner = ['mri', 'ultrasound', 'scanner', 'tomography', 'radiology'];
  const paper = (i: number, primary: string, words: string[][], categories: string[]): PaperRecord => ({
    id: `2401.${String(i).padStart(5, '0')}`,
    title: words.map(pick).join(' '),
    abstract: Array.from({ length: 24 }, (_, w) => pick(words[w % words.length]!)).join(' '),
    categories,
    primary,
  });
  const papers = [
    ...syntheticPapers(60, 12),
    ...Array.from({ length: 120 }, (_, i) => paper(9000 + i, 'cs.CV', [TOPICS['cs.CV']!, scanner], ['cs.CV', 'eess.IV'])),
    ...Array.from({ length: 4 }, (_, i) => paper(9500 + i, 'eess.IV', [scanner, ['signal', 'reconstruction']], ['eess.IV'])),
  ];
  const options = { ...fast, task: 'primary' as const, archiveShare: 0, recentPriorMonths: 0 };
  const on = await trainOnTwo(papers, null, options);
  const off = await trainOnTwo(papers, null, { ...options, crossListLoss: 0 });
  assert.equal(on.model.info.training.options.crossListLoss, 0.25);
  const query = { title: 'mri scanner', abstract: 'ultrasound tomography radiology of the scanner' };
  // Ranks, and log-odds at temperature 1: these topics are separable, so the fitted temperature
  // is tiny and the calibrated probabilities of the runners-up underflow.
  const rank = (m: LinearModel) => m.predict(query, { k: 10 }).labels.findIndex((l) => l.code === 'eess.IV');
  assert.equal(rank(on.model), 1, 'second, after cs.CV');
  assert.equal(rank(off.model), off.model.labels.length - 1, 'last');
  const iv = on.model.labels.indexOf('eess.IV');
  const cv = on.model.labels.indexOf('cs.CV');
  const gap = (m: LinearModel) => logOdds(m, query, iv, cv);
  assert.ok(gap(on.model) > gap(off.model) + 2, `log-odds of eess.IV over cs.CV: ${gap(on.model)} with the loss, ${gap(off.model)} without`);
  // The primary stays the primary: cs.CV papers are still called cs.CV.
  assert.ok((await evaluate(on.model, test_)).summary.accuracy > 0.95);
});

test('archive sharing lifts a thin category when its archive fits, and leaves other archives alone', async () => {
  // math.AG and cs.DS have 3 papers each, on words of their own; a math.NT paper says nothing of either.
  const thin = (i: number, code: string, words: string[]): PaperRecord => ({ id: `2401.${String(9000 + i).padStart(5, '0')}`, title: words.join(' '), abstract: `${words.join(' ')} ${words.join(' ')}`, categories: [code], primary: code });
  const papers = [...train, ...[0, 1, 2].map((i) => thin(i, 'math.AG', ['sheaf', 'scheme', 'variety'])), ...[3, 4, 5].map((i) => thin(i, 'cs.DS', ['heap', 'queue', 'amortized']))];
  const options = { ...fast, task: 'primary' as const, crossListLoss: 0, recentPriorMonths: 0 };
  const shared = await trainOnTwo(papers, null, options);
  const plain = await trainOnTwo(papers, null, { ...options, archiveShare: 0 });
  const query = { title: 'prime zeta', abstract: 'modular congruence of the arithmetic zeta function' };
  const gap = (m: LinearModel) => logOdds(m, query, m.labels.indexOf('math.AG'), m.labels.indexOf('cs.DS'));
  // Without sharing the two thin categories are alike to this paper; with it math.AG has learnt math.NT's words.
  assert.ok(Math.abs(gap(plain.model)) < 0.1, `log-odds of math.AG over cs.DS without sharing ${gap(plain.model)}`);
  assert.ok(gap(shared.model) > 0.4, `with sharing ${gap(shared.model)}`);
  assert.ok((await evaluate(shared.model, test_)).summary.accuracy > 0.95);
});

test('the cross-list loss and archive sharing refuse values outside their range; a multi-label model records them off', async () => {
  await assert.rejects(trainOnTwo(train, null, { ...fast, crossListLoss: -1 }), /crossListLoss must be in \[0, 10\]/);
  await assert.rejects(trainOnTwo(train, null, { ...fast, crossListLoss: 1e6 }), /crossListLoss must be in \[0, 10\]/);
  await assert.rejects(trainOnTwo(train, null, { ...fast, archiveShare: Number.NaN }), /archiveShare must be in \[0, 2\]/);
  const ml = await trainOnTwo(train.slice(0, 120), null, { ...fast, epochs: 1, task: 'multilabel' });
  assert.equal(ml.model.info.training.options.crossListLoss, 0);
  assert.equal(ml.model.info.training.options.archiveShare, 0);
});

test('the data hash covers the cross-lists a primary model learns from', async () => {
  const options = { ...fast, epochs: 1, task: 'primary' as const };
  // Every paper that is not math.NT gains a math.NT cross-list; the primaries stay as they were.
  const moved = train.map((p) => (p.primary === 'math.NT' ? p : { ...p, categories: [...new Set([...p.categories, 'math.NT'])] }));
  const a = await trainOnTwo(train, null, options);
  const b = await trainOnTwo(moved, null, options);
  assert.notEqual(a.model.info.training.dataHash, b.model.info.training.dataHash);
  const c = await trainOnTwo(train, null, { ...options, crossListLoss: 0 });
  const d = await trainOnTwo(moved, null, { ...options, crossListLoss: 0 });
  assert.equal(c.model.info.training.dataHash, d.model.info.training.dataHash, 'without the loss cross-lists play no part');
});

/** log P(a) − log P(b) for one paper at temperature 1 and no prior shift: the raw score difference. */
function logOdds(m: LinearModel, paper: { title: string; abstract: string }, a: number, b: number): number {
  const raw = new LinearModel({ ...m.spec, temperature: 1, priorShift: null }, m.vocab, m.weights, m.bias);
  const p = raw.predictProba([paper]);
  return Math.log(p[a]!) - Math.log(p[b]!);
}

test("epochs 'auto' makes 5 passes up to 1M training papers, then fewer (never under 3); a number is kept as given", async () => {
  assert.equal(epochsFor('auto', 200), AUTO_EPOCHS.passes);
  assert.equal(epochsFor('auto', 1_000_000), 5);
  assert.equal(epochsFor('auto', 1_250_000), 4);
  assert.equal(epochsFor('auto', 2_700_000), 3);
  assert.equal(epochsFor('auto', 50_000_000), AUTO_EPOCHS.fewest);
  assert.equal(epochsFor(7, 50_000_000), 7);
  const papers = syntheticPapers(40, 3);
  const auto = await trainOnTwo(papers, null, { ...fast, epochs: 'auto', patience: 99 });
  assert.equal(auto.report.passes, 5);
  assert.equal(auto.report.epochs.length, 5);
  const two = await trainOnTwo(papers, null, { ...fast, epochs: 2 });
  assert.equal(two.report.passes, 2);
  assert.equal(two.report.epochs.length, 2);
  await assert.rejects(trainOnTwo(papers, null, { ...fast, epochs: 0 }), /epochs must be 'auto' or an integer >= 1, got 0/);
});
