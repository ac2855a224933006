import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkPriorChoice, classMixes, parsePriorWord, priorShift, type ClassPriors } from '../../src/models/prior.js';

/** The old contract, in terms of the new functions: the recent prior's shift, or why there is none. */
function recentPriorShift(months: (number | undefined)[], labels: number[], C: number, o: { months: number; strength: number }): { skipped: string; shift?: undefined } | { skipped?: undefined; shift: Float32Array; papers: number; from: number; to: number } {
  const mixes = classMixes(months, labels, C, { months: o.strength > 0 ? o.months : 0 });
  if ('skipped' in mixes.recentWindow) return { skipped: mixes.recentWindow.skipped };
  const shift = priorShift('recent', { ...mixes, recentStrength: o.strength, balancedStrength: 0.5, defaultChoice: 'recent' }, Array.from({ length: C }, (_, c) => `c${c}`))!;
  return { shift, ...mixes.recentWindow };
}

/** `n` papers of month `m` with class `c`. */
function papers(spec: [month: number | undefined, cls: number, n: number][]): { months: (number | undefined)[]; labels: number[] } {
  const months: (number | undefined)[] = [];
  const labels: number[] = [];
  for (const [m, c, n] of spec) {
    for (let i = 0; i < n; i++) {
      months.push(m);
      labels.push(c);
    }
  }
  return { months, labels };
}

test('the shift moves each class logit by strength × the log ratio of recent to overall prior', () => {
  // Old months: classes 0 and 1 equally common; the last 3 months: class 1 three times as common.
  const { months, labels } = papers([
    [202301, 0, 1000],
    [202301, 1, 1000],
    [202310, 0, 300],
    [202312, 1, 900],
  ]);
  const r = recentPriorShift(months, labels, 2, { months: 3, strength: 0.5 });
  assert.ok(r.shift, JSON.stringify(r));
  assert.equal(r.papers, 1200);
  assert.equal(r.from, 202310);
  assert.equal(r.to, 202312);
  const recent = [(300 + 1) / (1200 + 2), (900 + 1) / (1200 + 2)];
  const all = [(1300 + 1) / (3200 + 2), (1900 + 1) / (3200 + 2)];
  for (let c = 0; c < 2; c++) assert.ok(Math.abs(r.shift[c]! - 0.5 * Math.log(recent[c]! / all[c]!)) < 1e-6, `class ${c}: ${r.shift[c]}`);
  assert.ok(r.shift[1]! > 0 && r.shift[0]! < 0);
  const full = recentPriorShift(months, labels, 2, { months: 3, strength: 1 });
  assert.ok(full.shift);
  assert.ok(Math.abs(full.shift[1]! - 2 * r.shift[1]!) < 1e-6);
});

test('the window counts calendar months back across a year boundary; undated papers stay out of it', () => {
  const { months, labels } = papers([
    [202311, 0, 500],
    [202312, 0, 600],
    [202401, 1, 300],
    [202402, 1, 300],
    [undefined, 1, 5000],
  ]);
  const r = recentPriorShift(months, labels, 2, { months: 3, strength: 0.5 });
  assert.ok(r.shift, JSON.stringify(r));
  assert.equal(r.from, 202312);
  assert.equal(r.to, 202402);
  assert.equal(r.papers, 1200);
  // Undated papers count in the overall prior (mostly class 1), so class 0 gains in the window.
  assert.ok(r.shift[0]! > 0);
});

test('no shift when turned off, when nothing is dated, or when the window is too small to trust', () => {
  const dated = papers([
    [202301, 0, 2000],
    [202312, 1, 1500],
  ]);
  assert.equal(recentPriorShift(dated.months, dated.labels, 2, { months: 0, strength: 0.5 }).skipped, 'turned off');
  assert.equal(recentPriorShift(dated.months, dated.labels, 2, { months: 3, strength: 0 }).skipped, 'turned off');
  const undated = papers([[undefined, 0, 3000]]);
  const u = recentPriorShift(undated.months, undated.labels, 2, { months: 3, strength: 0.5 });
  assert.match(u.skipped ?? '', /no training paper has a date/);
  const thin = papers([
    [202301, 0, 5000],
    [202312, 1, 999],
  ]);
  const t = recentPriorShift(thin.months, thin.labels, 2, { months: 3, strength: 0.5 });
  assert.match(t.skipped ?? '', /only 999 papers in the last 3 months \(needs 1000\)/);
  // Ten papers a class at least: 200 classes need 2000.
  const many = recentPriorShift(dated.months, dated.labels, 200, { months: 3, strength: 0.5 });
  assert.match(many.skipped ?? '', /needs 2000/);
});

test('a window covering every paper shifts nothing', () => {
  const { months, labels } = papers([
    [202312, 0, 700],
    [202312, 1, 500],
  ]);
  const r = recentPriorShift(months, labels, 2, { months: 3, strength: 1 });
  assert.ok(r.shift);
  for (const x of r.shift) assert.ok(Math.abs(x) < 1e-7, String(x));
});

/** Priors over four classes: hep-th 60%, hep-ph 20%, math.AG 15%, cs.LG 5% in training. */
function fourClasses(): { priors: ClassPriors; labels: string[] } {
  const labels = ['hep-th', 'hep-ph', 'math.AG', 'cs.LG'];
  const counts = [6000, 2000, 1500, 500];
  const cls = counts.flatMap((n, c) => Array<number>(n).fill(c));
  const mixes = classMixes(cls.map(() => 202401), cls, 4, { months: 0 });
  return { priors: { ...mixes, recentStrength: 0.5, balancedStrength: 0.5, defaultChoice: 'recent' }, labels };
}

const softmax = (z: number[]) => {
  const m = Math.max(...z);
  const e = z.map((x) => Math.exp(x - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / s);
};

test('balanced moves logits by −β ln π: at β = 1 a text that says nothing gets equal classes', () => {
  const { priors, labels } = fourClasses();
  assert.equal(priorShift('corpus', priors, labels), null);
  // Recent with no recent window: nothing to move to.
  assert.equal(priorShift('recent', priors, labels), null);
  // The logits of an empty text are the training prior's logs; full balancing flattens them.
  const flat = softmax(Array.from(priors.train, (t, c) => t + priorShift({ balanced: 1, within: 1 }, priors, labels)![c]!));
  for (const p of flat) assert.ok(Math.abs(p - 0.25) < 1e-6, String(flat));
  const half = priorShift('balanced', priors, labels)!;
  const halfP = softmax(Array.from(priors.train, (t, c) => t + half[c]!));
  // At the model's own strength (0.5) cs.LG rises from 5% but stays below hep-th.
  assert.ok(halfP[3]! > 0.1 && halfP[3]! < halfP[0]!, String(halfP));
  assert.equal(priorShift({ balanced: 0 }, priors, labels), null);
});

test('balanced builds on the recent mix where there is one: a little of it is the recent mix flattened, all of it equal classes', () => {
  const { priors, labels } = fourClasses();
  // Recently cs.LG is as common as hep-th.
  const withRecent: ClassPriors = { ...priors, recent: Float32Array.from([0.4, 0.1, 0.1, 0.4], Math.log), recentStrength: 1 };
  const assumed = (choice: Parameters<typeof priorShift>[0]) => {
    const shift = priorShift(choice, withRecent, labels);
    return softmax(Array.from(withRecent.train, (t, c) => t + (shift?.[c] ?? 0)));
  };
  const recent = assumed('recent');
  assert.ok(Math.abs(recent[3]! - 0.4) < 1e-4, String(recent));
  for (const p of assumed({ balanced: 1, within: 1 })) assert.ok(Math.abs(p - 0.25) < 1e-5);
  const slightly = assumed({ balanced: 0.2, within: 0.2 });
  // Flattened from the recent mix, not from the training one: cs.LG stays level with hep-th.
  assert.ok(Math.abs(slightly[3]! - slightly[0]!) < 1e-5 && slightly[1]! > recent[1]!, String(slightly));
});

test('balanced flattens groups and, half as hard unless told, the categories within each group', () => {
  const { priors, labels } = fourClasses();
  const assumed = (choice: Parameters<typeof priorShift>[0]) => {
    const shift = priorShift(choice, priors, labels);
    return softmax(Array.from(priors.train, (t, c) => t + (shift?.[c] ?? 0)));
  };
  // Equal groups, the mix inside physics untouched: physics, math and cs a third each, hep-th still 3 × hep-ph.
  const groups = assumed({ balanced: 1, within: 0 });
  assert.ok(Math.abs(groups[0]! + groups[1]! - 1 / 3) < 1e-5 && Math.abs(groups[2]! - 1 / 3) < 1e-5 && Math.abs(groups[3]! - 1 / 3) < 1e-5, String(groups));
  assert.ok(Math.abs(groups[0]! / groups[1]! - 3) < 1e-3, String(groups));
  // Within groups only: hep-th and hep-ph level, each as common as all of physics was next to math.AG (80:15).
  const within = assumed({ balanced: 0, within: 1 });
  assert.ok(Math.abs(within[0]! - within[1]!) < 1e-5 && Math.abs(within[0]! / within[2]! - 0.8 / 0.15) < 0.01, String(within));
  // Left out, `within` is half of `balanced`; the model's own strength works the same way.
  const close = (a: number[], b: number[]) => a.every((x, i) => Math.abs(x - b[i]!) < 1e-6);
  assert.ok(close(assumed({ balanced: 0.6 }), assumed({ balanced: 0.6, within: 0.3 })));
  assert.ok(close(assumed('balanced'), assumed({ balanced: 0.5, within: 0.25 })));
  assert.ok(!close(assumed({ balanced: 0.6 }), assumed({ balanced: 0.6, within: 0.6 })));
  assert.equal(priorShift({ balanced: 0, within: 0 }, priors, labels), null);
});

test('shares name categories, archives or groups; a category listed itself is not given its group share too; unlisted ones keep a trace', () => {
  const { priors, labels } = fourClasses();
  const assumed = (shares: Record<string, number>) => {
    const shift = priorShift({ shares }, priors, labels)!;
    return softmax(Array.from(priors.train, (t, c) => t + shift[c]!));
  };
  // Counts work as well as shares: only their ratio matters.
  const a = assumed({ 'math.AG': 3, 'cs.LG': 1 });
  assert.ok(Math.abs(a[2]! / a[3]! - 3) < 1e-4, String(a));
  // Even counts whose sum passes the largest float64.
  const huge = assumed({ 'math.AG': 1.5e308, 'cs.LG': 0.5e308 });
  assert.ok(huge.every(Number.isFinite) && Math.abs(huge[2]! / huge[3]! - 3) < 1e-4, String(huge));
  assert.ok(a[0]! < 0.01 && a[0]! > 0, `hep-th unlisted keeps a trace: ${a[0]}`);
  // 'physics' covers hep-th and hep-ph, split 3:1 as in training.
  const b = assumed({ physics: 0.5, math: 0.5 });
  assert.ok(Math.abs(b[0]! - 0.375) < 1e-3 && Math.abs(b[1]! - 0.125) < 1e-3 && Math.abs(b[2]! - 0.5) < 1e-3, String(b));
  // A category listed by name keeps its own share, whichever order the keys come in.
  for (const shares of [{ physics: 0.6, 'hep-ph': 0.3, 'math.AG': 0.1 }, { 'hep-ph': 0.3, physics: 0.6, 'math.AG': 0.1 }]) {
    const c = assumed(shares);
    assert.ok(Math.abs(c[1]! - 0.3) < 1e-3, `hep-ph ${c[1]} from ${JSON.stringify(shares)}`);
  }
  assert.throws(() => priorShift({ shares: { 'q-bio.GN': 1 } }, priors, labels), /"q-bio.GN" is not a category, archive or group this model predicts/);
  // Codes as the taxonomy reads them anywhere else: a retired code names its category, letter case aside, and one
  // category named twice adds up.
  const close = (x: number[], y: number[]) => x.every((v, i) => Math.abs(v - y[i]!) < 1e-6);
  assert.ok(close(assumed({ 'alg-geom': 3, 'CS.lg': 1 }), a));
  assert.ok(close(assumed({ 'math.AG': 2, 'alg-geom': 1, 'cs.LG': 1 }), a));
  assert.ok(close(assumed({ PHYSICS: 0.5, Math: 0.5 }), b));
  assert.throws(() => priorShift({ shares: { 'hep-th': 1, 'stat.TH': 1 } }, priors, labels), /"stat.TH" \(math.ST\) is not a category/);
  for (const key of ['__proto__', 'constructor', 'toString']) {
    assert.throws(() => priorShift({ shares: JSON.parse(`{"${key}": 1}`) as Record<string, number> }, priors, labels), new RegExp(`"${key}" is not a category`), key);
  }
});

test('a prior from a caller is checked in one place, with messages that say what is accepted', () => {
  assert.deepEqual(checkPriorChoice({ balanced: 0.3 }), { balanced: 0.3 });
  assert.deepEqual(checkPriorChoice({ balanced: 0.3, within: 0.1 }), { balanced: 0.3, within: 0.1 });
  assert.throws(() => checkPriorChoice({ balanced: 0.3, within: -1 }), /within strength must be a number from 0 to 2, got -1/);
  assert.throws(() => checkPriorChoice({ balanced: 0.3, other: 1 }), /got another object/);
  assert.throws(() => checkPriorChoice('uniform'), /prior must be "corpus", "recent", "balanced", \{ "balanced": strength, "within"\?: strength \} or \{ "shares": \{ code: share \} \}, got "uniform"/);
  assert.throws(() => checkPriorChoice({ balanced: 3 }), /balanced strength must be a number from 0 to 2, got 3/);
  assert.throws(() => checkPriorChoice({ shares: {} }), /at least one/);
  assert.throws(() => checkPriorChoice({ shares: { 'hep-th': -1 } }), /share of "hep-th" must be a number >= 0, got -1/);
  assert.throws(() => checkPriorChoice({ shares: { 'hep-th': 0 } }), /at least one share must be above 0/);
  // A value nested past JSON.stringify's stack is named by its kind, not echoed.
  let deep: unknown = 1;
  for (let i = 0; i < 20_000; i++) deep = { a: deep };
  assert.throws(() => checkPriorChoice({ shares: { 'hep-th': deep } }), /share of "hep-th" must be a number >= 0, got an object$/);
  assert.throws(() => checkPriorChoice({ balanced: [0.5] }), /balanced strength must be a number from 0 to 2, got an array$/);
  assert.throws(() => checkPriorChoice(null), /got null/);
  assert.equal(parsePriorWord('balanced'), 'balanced');
  assert.deepEqual(parsePriorWord('balanced:0.25'), { balanced: 0.25 });
  assert.deepEqual(parsePriorWord('balanced:0.25:0'), { balanced: 0.25, within: 0 });
  assert.throws(() => parsePriorWord('balanced:0.25:'), /within strength must be a number from 0 to 2, got ""/);
  assert.throws(() => parsePriorWord('balanced:x'), /got "x"/);
  assert.equal(parsePriorWord('my-shares.json'), undefined);
});
