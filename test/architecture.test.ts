import { test } from 'node:test';
import assert from 'node:assert/strict';
import { importCycles, importGraph, upwardImports } from '../scripts/import-graph.js';

const graph = importGraph();

test('imports flow one way: sources → corpus → text → models → evaluation → report → serving → cli', () => {
  assert.deepEqual(upwardImports(graph), []);
});

test('no module imports itself back through others', () => {
  assert.deepEqual(importCycles(graph), []);
});

test('the checks see what they are to catch', () => {
  const bad = new Map(graph);
  bad.set('sources/csv.ts', [...(graph.get('sources/csv.ts') ?? []), 'cli/main.ts']);
  bad.set('models/linear/loss.ts', [...(graph.get('models/linear/loss.ts') ?? []), 'models/linear/sgd.ts']);
  assert.ok(graph.get('models/linear/sgd.ts')!.includes('models/linear/loss.ts'), 'sgd.ts imports loss.ts, so the extra edge closes a loop');
  assert.deepEqual(upwardImports(bad), ['sources/csv.ts -> cli/main.ts']);
  assert.ok(importCycles(bad).some((c) => c.includes('models/linear/loss.ts') && c.includes('models/linear/sgd.ts')), importCycles(bad).join('\n'));
  assert.ok(graph.size > 100, `${graph.size} modules found`);
});
