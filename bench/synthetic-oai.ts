/**
 * Synthetic arXiv OAI metadata shaped like the Kaggle snapshot (arxiv-metadata-oai-snapshot.json):
 * one JSON object per line with id, submitter, authors, title, comments, journal-ref, doi,
 * report-no, categories (a space-separated string), license, abstract, versions, update_date and
 * authors_parsed. Deterministic for a seed. Text is built from a pseudo-word vocabulary, with a
 * little non-ASCII and TeX, hard-wrapped like arXiv abstracts.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

/** xorshift32: tiny, deterministic, good enough to pick words. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 0x9e3779b9;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 2 ** 32;
  };
}

const SYLLABLES = ['ka', 'lo', 'ri', 'ten', 'sor', 'qua', 'ntum', 'ma', 'tri', 'x', 'gra', 'ph', 'net', 'work', 'fi', 'eld', 'spec', 'tral', 'lin', 'ear', 'op', 'ti', 'mal', 'den', 'si', 'ty', 'flu', 'id', 'sta', 'ble', 'mo', 'del', 'ran', 'dom', 'ge', 'om', 'et', 'ry'];
const CATEGORY_SETS = [
  'cs.LG stat.ML', 'cs.CV', 'cs.CL cs.AI', 'hep-th', 'hep-ph', 'quant-ph', 'astro-ph.GA', 'astro-ph.CO astro-ph.HE', 'cond-mat.mes-hall',
  'cond-mat.str-el cond-mat.supr-con', 'math.AP', 'math.CO', 'math.PR math.ST stat.TH', 'math.IT cs.IT', 'gr-qc', 'nucl-th', 'physics.optics',
  'q-bio.NC', 'econ.EM', 'eess.SP cs.IT math.IT', 'cs.DS cs.CC', 'math.AG math.NT', 'cs.SY eess.SY', 'cs.LG cs.AI 68T05', 'solv-int nlin.SI',
];
const NAMES = ['Smith', 'Müller', 'García', 'Chen', 'Nakamura', 'Ivanov', 'Rossi', 'Dubois', 'Kowalski', 'Singh', 'Øster', 'Ngô'];
const INITIALS = ['A.', 'B.', 'C. D.', 'E.', 'J.', 'K.', 'L. M.', 'P.', 'R.', 'S.'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** Build one snapshot-shaped line; `n` makes the id unique. */
function makeLine(n: number, r: () => number, words: string[]): string {
  const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)]!;
  const year = 7 + (n % 17);
  const month = 1 + Math.floor(r() * 12);
  const id = `${String(year).padStart(2, '0')}${String(month).padStart(2, '0')}.${String(n % 100000).padStart(5, '0')}${n >= 100000 ? String(Math.floor(n / 100000)) : ''}`;
  const sentence = (len: number) => {
    const w: string[] = [];
    for (let i = 0; i < len; i++) w.push(r() < 0.03 ? `$\\${pick(words)}_{${pick(words)}}$` : pick(words));
    const s = w.join(' ');
    return s[0]!.toUpperCase() + s.slice(1) + '.';
  };
  const abstractWords: string[] = [];
  const sentences = 5 + Math.floor(r() * 7);
  for (let i = 0; i < sentences; i++) abstractWords.push(sentence(12 + Math.floor(r() * 14)));
  // arXiv abstracts come hard-wrapped at ~80 columns with a leading two spaces.
  let abstract = '  ';
  let col = 2;
  for (const w of abstractWords.join(' ').split(' ')) {
    if (col + w.length > 78) {
      abstract += '\n';
      col = 0;
    }
    abstract += (col > 0 ? ' ' : '') + w;
    col += w.length + 1;
  }
  abstract += '\n';
  const authorCount = 1 + Math.floor(r() * 5);
  const authorsParsed: [string, string, string][] = [];
  for (let i = 0; i < authorCount; i++) authorsParsed.push([pick(NAMES), pick(INITIALS), '']);
  const versionCount = 1 + Math.floor(r() * 3);
  const versions = [];
  for (let v = 1; v <= versionCount; v++) {
    versions.push({ version: `v${v}`, created: `${pick(DAYS)}, ${1 + Math.floor(r() * 28)} ${pick(MONTHS)} 20${String(year).padStart(2, '0')} ${String(Math.floor(r() * 24)).padStart(2, '0')}:12:34 GMT` });
  }
  return JSON.stringify({
    id,
    submitter: `${authorsParsed[0]![1]} ${authorsParsed[0]![0]}`,
    authors: authorsParsed.map(([l, f]) => `${f} ${l}`).join(', '),
    title: sentence(6 + Math.floor(r() * 10)).slice(0, -1),
    comments: r() < 0.6 ? `${5 + Math.floor(r() * 40)} pages, ${Math.floor(r() * 12)} figures` : null,
    'journal-ref': r() < 0.3 ? `Phys. Rev. D ${Math.floor(r() * 100)} (20${year}) ${Math.floor(r() * 9999)}` : null,
    doi: r() < 0.4 ? `10.1103/PhysRevD.${Math.floor(r() * 100)}.${Math.floor(r() * 999999)}` : null,
    'report-no': r() < 0.1 ? `CERN-TH-${Math.floor(r() * 9999)}` : null,
    categories: pick(CATEGORY_SETS),
    license: r() < 0.5 ? 'http://arxiv.org/licenses/nonexclusive-distrib/1.0/' : null,
    abstract,
    versions,
    update_date: `20${String(year).padStart(2, '0')}-${String(month).padStart(2, '0')}-${String(1 + Math.floor(r() * 28)).padStart(2, '0')}`,
    authors_parsed: authorsParsed,
  });
}

/**
 * Write at least `targetBytes` of synthetic snapshot lines to `path` (uncompressed). Returns the
 * bytes and records written.
 */
export async function writeSyntheticOai(path: string, targetBytes: number, seed = 1): Promise<{ bytes: number; records: number }> {
  const r = rng(seed);
  const words: string[] = [];
  for (let i = 0; i < 4000; i++) {
    const n = 1 + Math.floor(r() * 4);
    let w = '';
    for (let k = 0; k < n; k++) w += SYLLABLES[Math.floor(r() * SYLLABLES.length)];
    words.push(i % 97 === 0 ? w + 'é' : w);
  }
  const out = createWriteStream(path);
  let bytes = 0;
  let records = 0;
  while (bytes < targetBytes) {
    const batch: string[] = [];
    let batchChars = 0;
    while (batchChars < 4 << 20) {
      const line = makeLine(records++, r, words);
      batch.push(line);
      batchChars += line.length + 1;
    }
    const buf = Buffer.from(batch.join('\n') + '\n');
    bytes += buf.length;
    if (!out.write(buf)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'close');
  return { bytes, records };
}
