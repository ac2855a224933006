/**
 * `npx tsx scripts/f1-shift-check.ts MODEL TEST`: how much macro-F1 a per-category shift of the
 * logits can buy when it is fitted for macro-F1 itself rather than set from a class mix.
 *
 * A prior of shares is the accuracy-optimal shift; macro-F1 rewards another one (thin categories
 * answered more or less often than their share says, categories absent from the test never
 * answered). This fits one shift per category by coordinate ascent on macro-F1 (top-1 kept at
 * 0.70 or above), starting from the model's default prior, on one month of TEST, and scores it on
 * that month (what it could be at best) and on the other month (what fitting on papers already
 * seen would give a user). models/README.md, "Class priors", quotes it.
 */
import { loadPapers } from '../src/corpus/load.js';
import { labelsOf, schemeFromJSON } from '../src/corpus/labels.js';
import type { PaperRecord } from '../src/corpus/record.js';
import { precisionRecallF1 } from '../src/evaluation/metrics.js';
import { LinearModel } from '../src/models/linear/linear.js';
import { loadModel } from '../src/models/load-model.js';

const STEPS = [-2, -1, -0.5, -0.25, 0.25, 0.5, 1, 2];
const ROUNDS = 2;
const MIN_TOP1 = 0.7;

const [modelPath, testPath] = process.argv.slice(2);
if (!modelPath || !testPath) {
  console.error('usage: npx tsx scripts/f1-shift-check.ts MODEL TEST (a linear primary model; TEST spans two or more months)');
  process.exit(2);
}
const model = await loadModel(modelPath);
if (!(model instanceof LinearModel) || model.info.task !== 'primary') throw new Error(`${modelPath}: not a linear primary model`);
const scheme = schemeFromJSON(model.scheme);
const C = scheme.labels.length;
const { papers } = await loadPapers(testPath);
const byMonth = new Map<string, PaperRecord[]>();
for (const p of papers) {
  const month = p.id.slice(0, 4);
  const list = byMonth.get(month);
  if (list) list.push(p);
  else byMonth.set(month, [p]);
}
const months = [...byMonth.keys()].sort();
if (months.length < 2) throw new Error(`${testPath}: one month only (${months.join('')}); the check fits on one month and scores another`);

interface Scored {
  logp: Float32Array;
  truth: Int32Array;
}

/**
 * Log-probabilities under the default prior, and each paper's category: C when the model never
 * saw it, an error whatever the shift (evaluate counts it the same way).
 */
function score(ps: readonly PaperRecord[]): Scored {
  const proba = model.predictProba(ps);
  const logp = new Float32Array(proba.length);
  for (let i = 0; i < proba.length; i++) logp[i] = Math.log(Math.max(proba[i]!, 1e-30));
  const truth = Int32Array.from(ps, (p) => labelsOf(p, scheme)[0] ?? C);
  return { logp, truth };
}

function measure(s: Scored, shift: Float32Array): { top1: number; macroF1: number } {
  const n = s.truth.length;
  const pred = new Int32Array(n);
  let hits = 0;
  for (let i = 0; i < n; i++) {
    const off = i * C;
    let best = 0;
    let top = -Infinity;
    for (let c = 0; c < C; c++) {
      const v = s.logp[off + c]! + shift[c]!;
      if (v > top) {
        top = v;
        best = c;
      }
    }
    pred[i] = best;
    if (best === s.truth[i]) hits++;
  }
  return { top1: hits / n, macroF1: precisionRecallF1(s.truth, pred, C + 1).macro.f1 };
}

function fit(s: Scored): Float32Array {
  const shift = new Float32Array(C);
  let best = measure(s, shift).macroF1;
  for (let round = 0; round < ROUNDS; round++) {
    for (let c = 0; c < C; c++) {
      const start = shift[c]!;
      let keep = start;
      for (const step of STEPS) {
        shift[c] = start + step;
        const m = measure(s, shift);
        if (m.macroF1 > best + 1e-9 && m.top1 >= MIN_TOP1) {
          best = m.macroF1;
          keep = shift[c]!;
        }
      }
      shift[c] = keep;
    }
  }
  return shift;
}

const scored = new Map(months.map((m) => [m, score(byMonth.get(m)!)]));
const none = new Float32Array(C);
const f = (x: number) => x.toFixed(4);
// The same figures as `evaluate --json` on the whole file, which anchors the rows below.
const whole = measure(score(papers), none);
console.log(`Default prior on all of ${testPath} (${papers.length} papers): top-1 ${f(whole.top1)}, macro-F1 ${f(whole.macroF1)}.\n`);
console.log('| fitted on | scored on | papers | top-1, default | macro-F1, default | top-1, fitted | macro-F1, fitted |');
console.log('|---|---|---:|---:|---:|---:|---:|');
for (const fitMonth of months) {
  const shift = fit(scored.get(fitMonth)!);
  for (const scoreMonth of months) {
    const s = scored.get(scoreMonth)!;
    const d = measure(s, none);
    const t = measure(s, shift);
    console.log(`| ${fitMonth} | ${scoreMonth}${scoreMonth === fitMonth ? ' (itself)' : ''} | ${s.truth.length} | ${f(d.top1)} | ${f(d.macroF1)} | ${f(t.top1)} | ${f(t.macroF1)} |`);
  }
}
