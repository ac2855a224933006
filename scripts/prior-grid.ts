/**
 * `npx tsx scripts/prior-grid.ts MODEL TEST PRIOR...`: one model under several class priors on
 * one test file: top-1, macro-F1, categories with 20+ test papers never predicted, and top-1 per
 * group (src/evaluation/model-card.ts), a Markdown row each. models/README.md, "Class priors",
 * was made with it.
 */
import { loadPapers } from '../src/corpus/load.js';
import { evaluate } from '../src/evaluation/evaluate.js';
import { priorRow } from '../src/evaluation/model-card.js';
import { loadModel } from '../src/models/load-model.js';
import { parsePriorWord } from '../src/models/prior.js';

const GROUPS = ['q-bio', 'q-fin', 'math', 'cs'];
const [modelPath, testPath, ...priors] = process.argv.slice(2);
if (!modelPath || !testPath || priors.length === 0) {
  console.error('usage: npx tsx scripts/prior-grid.ts MODEL TEST PRIOR... (PRIOR: corpus, recent, balanced or balanced:X)');
  process.exit(2);
}
const model = await loadModel(modelPath);
const { papers } = await loadPapers(testPath);
console.log(`| prior | top-1 | macro-F1 | never | ${GROUPS.join(' | ')} |`);
for (const p of priors) {
  const choice = parsePriorWord(p);
  if (choice === undefined) throw new Error(`not a prior: ${p}`);
  const r = priorRow(p, await evaluate(model, papers, { prior: choice, latencySamples: 0 }));
  console.log(`| ${p} | ${r.top1.toFixed(4)} | ${r.macroF1.toFixed(4)} | ${r.neverPredicted} | ${GROUPS.map((g) => r.groups[g]?.toFixed(3) ?? '–').join(' | ')} |`);
}
