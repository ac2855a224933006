import { seededRng } from '../src/corpus/random.js';
import type { PaperText } from '../src/models/model.js';

/**
 * Made-up papers from real scientific vocabulary, drawn from several fields so the model's
 * answers spread over many categories; deterministic for a seed. Some have no abstract, to
 * cover title-only input.
 */
/** Word lists, one per field; FIELD_CATEGORIES[i] is where field i's papers belong. */
export const FIELDS: string[][] = [
  ['graphene', 'electron', 'trajectories', 'quantum', 'Hall', 'effect', 'topological', 'insulator', 'superconductivity', 'phonon', 'lattice', 'spin', 'magnetization', 'band', 'structure', 'nanowire', 'transport'],
  ['neural', 'network', 'transformer', 'attention', 'training', 'dataset', 'benchmark', 'classification', 'reinforcement', 'learning', 'gradient', 'optimization', 'language', 'model', 'image', 'segmentation', 'convolutional'],
  ['galaxy', 'cluster', 'dark', 'matter', 'redshift', 'supernova', 'stellar', 'exoplanet', 'telescope', 'cosmic', 'microwave', 'background', 'black', 'hole', 'accretion', 'disk', 'gravitational', 'waves'],
  ['theorem', 'proof', 'manifold', 'algebra', 'group', 'cohomology', 'prime', 'conjecture', 'polynomial', 'graph', 'coloring', 'Hilbert', 'space', 'operator', 'eigenvalue', 'bounded', 'finite'],
  ['gauge', 'theory', 'string', 'supersymmetry', 'holography', 'conformal', 'field', 'boson', 'collider', 'neutrino', 'oscillation', 'quark', 'gluon', 'lattice', 'QCD', 'scattering', 'amplitude'],
  ['protein', 'folding', 'gene', 'expression', 'cell', 'population', 'dynamics', 'epidemic', 'evolution', 'neuron', 'brain', 'signal', 'molecular', 'sequence', 'genome'],
  ['portfolio', 'market', 'volatility', 'pricing', 'option', 'risk', 'stochastic', 'estimator', 'regression', 'Bayesian', 'inference', 'posterior', 'sampling', 'variance', 'econometric'],
  ['laser', 'photon', 'optical', 'cavity', 'entanglement', 'qubit', 'circuit', 'fluid', 'turbulence', 'plasma', 'soliton', 'chaos', 'nonlinear', 'oscillator', 'wave'],
];
export const FIELD_CATEGORIES = ['cond-mat.mes-hall', 'cs.LG', 'astro-ph.GA', 'math.CO', 'hep-th', 'q-bio.NC', 'q-fin.PR', 'physics.optics'];

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

const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * A small file in the format of the Kaggle arXiv snapshot (arxiv-metadata-oai-snapshot.json:
 * JSON lines with id, title, abstract, space-separated categories, versions, update_date, …),
 * `n` papers spread over FIELD_CATEGORIES and over the months 2025-10 to 2026-07.
 */
export function madeUpOaiSnapshot(n: number, seed = 7): string {
  const papers = madeUpPapers(n, seed);
  return papers
    .map((p, i) => {
      const month = 10 + (Math.floor(i / FIELDS.length) % 10); // 10..19 → 2510..2607
      const yy = month > 12 ? 26 : 25;
      const mm = month > 12 ? month - 12 : month;
      const id = `${yy}${String(mm).padStart(2, '0')}.${String(10000 + i).padStart(5, '0')}`;
      const day = 1 + (i % 28);
      const created = `${DAYS[i % 7]}, ${day} ${MONTHS[mm - 1]} 20${yy} 12:00:00 GMT`;
      return JSON.stringify({
        id,
        submitter: 'A. Author',
        authors: 'A. Author and B. Author',
        title: p.title,
        comments: '10 pages',
        'journal-ref': null,
        doi: null,
        'report-no': null,
        categories: FIELD_CATEGORIES[i % FIELDS.length],
        license: null,
        abstract: `  ${p.abstract ?? p.title}\n`,
        versions: [{ version: 'v1', created }],
        update_date: `20${yy}-${String(mm).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
        authors_parsed: [['Author', 'A.', ''], ['Author', 'B.', '']],
      });
    })
    .join('\n') + '\n';
}
