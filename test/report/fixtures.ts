import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { syntheticPapers } from '../models/synthetic.js';

/** The model committed with the repository: reports are made from a real model, not a stub. */
export const COMMITTED_MODEL = fileURLToPath(new URL('../../models/primary.axcm', import.meta.url));

/**
 * A small labelled test set in `dir`: synthetic papers of cs.CV, hep-th, math.NT and q-bio.NC
 * (a third cross-listed) plus one mislabelled paper with a hostile title.
 * Returns its path and the number of papers.
 */
export function writeTestSet(dir: string, perClass = 15): { path: string; n: number } {
  const papers = syntheticPapers(perClass, 11).map((p) => ({ id: p.id, title: p.title, abstract: p.abstract, categories: p.categories }));
  // A neuroscience paper filed under hep-th: the model gets it wrong, so it shows up as a
  // confusion example, and its title has markup and a pipe that every report must escape.
  papers.push({ id: '2401.99999', title: 'Spiking <b>neurons</b> & "cortex" | dynamics', abstract: 'neurons cortex spiking synaptic brain firing cognition', categories: ['hep-th'] });
  const path = join(dir, 'test.jsonl');
  writeFileSync(path, papers.map((p) => JSON.stringify(p)).join('\n') + '\n');
  return { path, n: papers.length };
}
