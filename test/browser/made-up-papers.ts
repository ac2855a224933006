import { seededRng } from '../../src/corpus/random.js';
import type { PaperText } from '../../src/models/model.js';

/**
 * Made-up papers from real scientific vocabulary, drawn from several fields so the model's
 * answers spread over many categories; deterministic for a seed. Some have no abstract, to
 * cover title-only input.
 */
const FIELDS: string[][] = [
  ['graphene', 'electron', 'trajectories', 'quantum', 'Hall', 'effect', 'topological', 'insulator', 'superconductivity', 'phonon', 'lattice', 'spin', 'magnetization', 'band', 'structure', 'nanowire', 'transport'],
  ['neural', 'network', 'transformer', 'attention', 'training', 'dataset', 'benchmark', 'classification', 'reinforcement', 'learning', 'gradient', 'optimization', 'language', 'model', 'image', 'segmentation', 'convolutional'],
  ['galaxy', 'cluster', 'dark', 'matter', 'redshift', 'supernova', 'stellar', 'exoplanet', 'telescope', 'cosmic', 'microwave', 'background', 'black', 'hole', 'accretion', 'disk', 'gravitational', 'waves'],
  ['theorem', 'proof', 'manifold', 'algebra', 'group', 'cohomology', 'prime', 'conjecture', 'polynomial', 'graph', 'coloring', 'Hilbert', 'space', 'operator', 'eigenvalue', 'bounded', 'finite'],
  ['gauge', 'theory', 'string', 'supersymmetry', 'holography', 'conformal', 'field', 'boson', 'collider', 'neutrino', 'oscillation', 'quark', 'gluon', 'lattice', 'QCD', 'scattering', 'amplitude'],
  ['protein', 'folding', 'gene', 'expression', 'cell', 'population', 'dynamics', 'epidemic', 'evolution', 'neuron', 'brain', 'signal', 'molecular', 'sequence', 'genome'],
  ['portfolio', 'market', 'volatility', 'pricing', 'option', 'risk', 'stochastic', 'estimator', 'regression', 'Bayesian', 'inference', 'posterior', 'sampling', 'variance', 'econometric'],
  ['laser', 'photon', 'optical', 'cavity', 'entanglement', 'qubit', 'circuit', 'fluid', 'turbulence', 'plasma', 'soliton', 'chaos', 'nonlinear', 'oscillator', 'wave'],
];
const GLUE = ['of', 'in', 'for', 'with', 'and', 'the', 'a', 'on', 'via', 'from', 'using', 'we', 'show', 'that', 'study', 'novel', 'new', 'efficient', 'approach', 'analysis', 'results'];

export function madeUpPapers(n: number, seed = 42): PaperText[] {
  const rng = seededRng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;
  const words = (field: string[], count: number, glueRate: number): string => {
    const out: string[] = [];
    // Mostly one field, sometimes a neighbour's words: interdisciplinary papers happen.
    const other = pick(FIELDS);
    for (let i = 0; i < count; i++) out.push(rng() < glueRate ? pick(GLUE) : pick(rng() < 0.8 ? field : other));
    return out.join(' ');
  };
  const papers: PaperText[] = [];
  for (let i = 0; i < n; i++) {
    const field = FIELDS[i % FIELDS.length]!;
    const title = words(field, 4 + Math.floor(rng() * 8), 0.25);
    const titled = title.charAt(0).toUpperCase() + title.slice(1);
    if (i % 5 === 4) papers.push({ title: titled });
    else papers.push({ title: titled, abstract: `${words(field, 30 + Math.floor(rng() * 60), 0.4)}.` });
  }
  return papers;
}
