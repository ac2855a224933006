/**
 * `npm run docs:card`: writes the shipped primary model's card (ModelInfo.card, made by
 * `npm run build:model`) into models/README.md, between the card markers, so the README's
 * per-field numbers are the ones `/v1/models` and the page show.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { loadModel } from '../src/models/load-model.js';
import type { ModelCard } from '../src/models/model.js';

const README = 'models/README.md';
const START = '<!-- card:start (npm run docs:card) -->';
const END = '<!-- card:end -->';

const model = await loadModel('models/primary.axcm');
const card = model.info.card;
if (!card) {
  console.error('models/primary.axcm has no model card: rebuild it with npm run build:model');
  process.exit(1);
}
const text = readFileSync(README, 'utf8');
const a = text.indexOf(START);
const z = text.indexOf(END);
if (a < 0 || z < a) {
  console.error(`${README}: the markers ${START} … ${END} are missing`);
  process.exit(1);
}
writeFileSync(README, text.slice(0, a + START.length) + '\n' + render(card) + '\n' + text.slice(z));
console.error(`${README}: card written (${card.categories.length} categories)`);

function render(c: ModelCard): string {
  const pct = (x: number | undefined) => (x === undefined ? '–' : `${(100 * x).toFixed(1)}%`);
  const out: string[] = [];
  out.push(c.evaluation, '');
  out.push(`Overall: top-1 ${pct(c.overall.top1)}, top-5 ${pct(c.overall.top5)}, macro-F1 ${pct(c.overall.macroF1)}, group ${pct(c.overall.groupAccuracy)} (${c.testPapers.toLocaleString('en')} test papers).`, '');
  out.push('### By field', '', 'Training share is the field\'s share of the primaries the twin learnt from; top-1 the share of the field\'s test papers whose category is right; field right the share put in the right field.', '');
  out.push('| field | training share | test papers | top-1 | field right |', '|---|---:|---:|---:|---:|');
  for (const g of c.groups) out.push(`| ${g.name} | ${pct(g.trainShare)} | ${g.testPapers} | ${g.testPapers ? pct(g.top1) : '–'} | ${g.testPapers ? pct(g.groupAccuracy) : '–'} |`);
  out.push('', '### Class priors', '', 'Each row is the same model assuming another class mix (`--prior`; "never" counts categories with at least 20 test papers it never answers with). `balanced:X:Y` moves the newest months\' mix X of the way toward equal groups and Y toward equal categories within each group; `balanced:X` is `balanced:X:X/2`.', '');
  const groups = [...new Set(c.priors.flatMap((p) => Object.keys(p.groups)))].sort();
  out.push(`| prior | top-1 | macro-F1 | never | ${groups.join(' | ')} |`, `|---|---:|---:|---:|${groups.map(() => '---:').join('|')}|`);
  for (const p of c.priors) out.push(`| ${p.prior} | ${pct(p.top1)} | ${pct(p.macroF1)} | ${p.neverPredicted} | ${groups.map((g) => pct(p.groups[g])).join(' | ')} |`);
  out.push('', '### Limitations', '', ...c.limitations.map((l) => `- ${l}`));
  out.push('', '### By category', '', 'Training papers are the twin\'s primaries; precision, recall and F1 on its test months (a category with no test papers has none).', '');
  out.push('| category | name | training papers | test papers | precision | recall | F1 |', '|---|---|---:|---:|---:|---:|---:|');
  for (const k of c.categories) out.push(`| ${k.code} | ${k.name} | ${k.trainPapers} | ${k.testPapers} | ${k.testPapers ? pct(k.precision) : '–'} | ${k.testPapers ? pct(k.recall) : '–'} | ${k.testPapers ? pct(k.f1) : '–'} |`);
  return out.join('\n');
}
