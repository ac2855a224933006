/**
 * `npm run docs:card`: writes each shipped model's card (ModelInfo.card, made by
 * `npm run build:model`) into models/README.md, between that model's markers, so the README's
 * per-field numbers are the ones `/v1/models` and the page show.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { loadModel } from '../src/models/load-model.js';
import type { ModelCard, MultiLabelModelCard, PrimaryModelCard } from '../src/models/model.js';

const README = 'models/README.md';
/** Each shipped model's card goes between its own markers. */
const BLOCKS = [
  { file: 'models/primary.axcm', start: '<!-- card:start (npm run docs:card) -->', end: '<!-- card:end -->' },
  { file: 'models/multilabel.axcm', start: '<!-- multilabel-card:start (npm run docs:card) -->', end: '<!-- multilabel-card:end -->' },
];

const pct = (x: number | undefined) => (x === undefined ? '–' : `${(100 * x).toFixed(1)}%`);

let text = readFileSync(README, 'utf8');
for (const { file, start, end } of BLOCKS) {
  const card = (await loadModel(file)).info.card;
  if (!card) {
    console.error(`${file} has no model card: rebuild it with npm run build:model`);
    process.exit(1);
  }
  const a = text.indexOf(start);
  const z = text.indexOf(end);
  if (a < 0 || z < a) {
    console.error(`${README}: the markers ${start} … ${end} are missing`);
    process.exit(1);
  }
  text = text.slice(0, a + start.length) + '\n' + (card.task === 'multilabel' ? renderMultiLabel(card) : renderPrimary(card)) + '\n' + text.slice(z);
  console.error(`${README}: ${file}'s card written (${card.categories.length} categories)`);
}
writeFileSync(README, text);

function renderPrimary(c: PrimaryModelCard): string {
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
  return [...out, ...categoryTable(c)].join('\n');
}

function renderMultiLabel(c: MultiLabelModelCard): string {
  const out: string[] = [];
  out.push(c.evaluation, '');
  out.push(`Overall: micro-F1 ${pct(c.overall.microF1)}, samples-F1 ${pct(c.overall.samplesF1)}, first answer among the paper's categories ${pct(c.overall.precisionAt1)}, macro-F1 ${pct(c.overall.macroF1)} (${c.testPapers.toLocaleString('en')} test papers).`, '');
  out.push('#### By field', '', "Training share is the field's share of the categories the twin's training papers carry (cross-lists included); test labels the field's categories carried by test papers; precision the share of its answers in the field that are right, recall the share of the field's test labels it found.", '');
  out.push('| field | training share | test labels | precision | recall | F1 |', '|---|---:|---:|---:|---:|---:|');
  for (const g of c.groups) out.push(`| ${g.name} | ${pct(g.trainShare)} | ${g.testLabels} | ${g.testLabels ? pct(g.precision) : '–'} | ${g.testLabels ? pct(g.recall) : '–'} | ${g.testLabels ? pct(g.f1) : '–'} |`);
  out.push('', '#### Limitations', '', ...c.limitations.map((l) => `- ${l}`));
  out.push('', '#### By category', '', "Training and test papers are those carrying the category, cross-lists included; precision, recall and F1 of its answers on the test months (a category with no test papers has none).", '');
  return [...out, ...categoryTable(c)].join('\n');
}

function categoryTable(c: ModelCard): string[] {
  const out = ['| category | name | training papers | test papers | precision | recall | F1 |', '|---|---|---:|---:|---:|---:|---:|'];
  for (const k of c.categories) out.push(`| ${k.code} | ${k.name} | ${k.trainPapers} | ${k.testPapers} | ${k.testPapers ? pct(k.precision) : '–'} | ${k.testPapers ? pct(k.recall) : '–'} | ${k.testPapers ? pct(k.f1) : '–'} |`);
  return out;
}
