/** Shared fixture helpers for the text-format reader tests: each test writes its own files. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { RowItem } from '../../src/sources/source.js';

const created: string[] = [];

/** A fresh temp dir, removed when the test process exits (some fixtures are several MB). */
export function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'axc-'));
  if (created.length === 0) {
    process.on('exit', () => {
      for (const d of created) fs.rmSync(d, { recursive: true, force: true });
    });
  }
  created.push(dir);
  return dir;
}

export function writeFixture(dir: string, name: string, content: string | Buffer): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, content);
  return p;
}

export function writeGzFixture(dir: string, name: string, content: string | Buffer): string {
  return writeFixture(dir, name, gzipSync(typeof content === 'string' ? Buffer.from(content, 'utf8') : content));
}

export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

export function errorsOf(items: RowItem[]): { error: string; line: number }[] {
  return items.filter((i): i is { error: string; line: number } => 'error' in i);
}

export function rowsOf(items: RowItem[]): { row: Record<string, unknown>; line: number }[] {
  return items.filter((i): i is { row: Record<string, unknown>; line: number } => 'row' in i);
}

/** One line of the Cornell/Kaggle OAI metadata snapshot, as published. */
export const OAI_LINE_1 = JSON.stringify({
  id: '0704.0001',
  submitter: 'Pavel Nadolsky',
  authors: "C. Bal\\'azs, E. L. Berger, P. M. Nadolsky, C.-P. Yuan",
  title: 'Calculation of prompt diphoton production cross sections at Tevatron and\n  LHC energies',
  comments: '37 pages, 15 figures; published version',
  'journal-ref': 'Phys.Rev.D76:013009,2007',
  doi: '10.1103/PhysRevD.76.013009',
  'report-no': 'ANL-HEP-PR-07-12',
  categories: 'hep-ph',
  license: null,
  abstract:
    '  A fully differential calculation in perturbative quantum chromodynamics is\npresented for the production of massive photon pairs at hadron colliders. All\nnext-to-leading order perturbative contributions from quark-antiquark,\ngluon-(anti)quark, and gluon-gluon subprocesses are included.\n',
  versions: [
    { version: 'v1', created: 'Mon, 2 Apr 2007 19:18:42 GMT' },
    { version: 'v2', created: 'Tue, 24 Jul 2007 20:10:27 GMT' },
  ],
  update_date: '2008-11-13',
  authors_parsed: [
    ['Balázs', 'C.', ''],
    ['Berger', 'E. L.', ''],
    ['Nadolsky', 'P. M.', ''],
    ['Yuan', 'C. -P.', ''],
  ],
});

export const OAI_LINE_2 = JSON.stringify({
  id: 'hep-th/9901001',
  submitter: 'Someone',
  authors: 'A. Author',
  title: 'Sparsity-certifying Graph Decompositions',
  comments: null,
  'journal-ref': null,
  doi: null,
  'report-no': null,
  categories: 'hep-th math.CO cs.CG',
  license: 'http://arxiv.org/licenses/nonexclusive-distrib/1.0/',
  abstract: '  We describe a new algorithm, the $(k,\\ell)$-pebble game with colors, and use\nit to obtain a characterization of the family of $(k,\\ell)$-sparse graphs.\n',
  versions: [
    { version: 'v1', created: 'Sat, 31 Mar 2007 02:26:18 GMT' },
    { version: 'v3', created: 'Sat, 13 Dec 2008 17:26:00 GMT' },
    { version: 'v2', created: 'Sat, 14 Jun 2008 17:26:00 GMT' },
  ],
  update_date: '2008-12-13',
  authors_parsed: [['Author', 'A.', '']],
});

/** Elements of the Kaggle "arxivData.json" array: Python literals inside JSON strings. */
export const KAGGLE_ELEMENTS = [
  {
    author: "[{'name': 'Ahmed Osman'}, {'name': 'Wojciech Samek'}]",
    day: 1,
    id: '1802.00209v1',
    link: "[{'rel': 'alternate', 'href': 'http://arxiv.org/abs/1802.00209v1', 'type': 'text/html'}, {'rel': 'related', 'href': 'http://arxiv.org/pdf/1802.00209v1', 'type': 'application/pdf', 'title': 'pdf'}]",
    month: 2,
    summary: 'We propose an architecture for VQA which utilizes recurrent layers to\ngenerate visual and textual attention. The memory characteristic of the\nproposed recurrent attention units offers a rich joint embedding of visual and\ntextual features.',
    tag: "[{'term': 'cs.AI', 'scheme': 'http://arxiv.org/schemas/atom', 'label': None}, {'term': 'cs.CL', 'scheme': 'http://arxiv.org/schemas/atom', 'label': None}, {'term': 'cs.CV', 'scheme': 'http://arxiv.org/schemas/atom', 'label': None}]",
    title: 'Dual Recurrent Attention Units for Visual Question Answering',
    year: 2018,
  },
  {
    author: "[{'name': 'Ji Young Lee'}, {'name': 'Franck Dernoncourt'}]",
    day: 12,
    id: '1603.03827v1',
    link: "[{'rel': 'alternate', 'href': 'http://arxiv.org/abs/1603.03827v1', 'type': 'text/html'}]",
    month: 3,
    summary: 'Recent approaches based on artificial neural networks (ANNs) have shown "promising" results for short-text classification {a, b} [c]; \\escaped.',
    tag: "[{'term': 'cs.CL', 'scheme': 'http://arxiv.org/schemas/atom', 'label': None}, {'term': 'cs.AI', 'scheme': 'http://arxiv.org/schemas/atom', 'label': None}, {'term': 'stat.ML', 'scheme': 'http://arxiv.org/schemas/atom', 'label': None}]",
    title: 'Sequential Short-Text Classification with Recurrent and Convolutional\n  Neural Networks',
    year: 2016,
  },
];
