import { readPapers, type ReadOptions } from '../../corpus/load.js';
import { idPrefixes } from '../../corpus/synthetic-id.js';
import { seededRng } from '../../corpus/random.js';
import type { PaperRecord } from '../../corpus/record.js';

/**
 * A uniform random sample of `limit` papers (reservoir sampling, seeded), in corpus order.
 * Works on a stream, so a sample of a large corpus never holds the whole corpus in memory, and
 * gives the same papers whether the corpus is streamed from a file or already in memory.
 * Duplicate ids keep their first occurrence.
 */
export class PaperSampler {
  private readonly kept: { paper: PaperRecord; at: number }[] = [];
  private readonly seen = new Set<string>();
  private readonly rng: () => number;
  private count = 0;

  constructor(
    private readonly limit: number,
    seed: number,
  ) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be an integer >= 1, got ${limit}`);
    this.rng = seededRng(seed);
  }

  add(paper: PaperRecord): void {
    if (this.seen.has(paper.id)) return;
    this.seen.add(paper.id);
    const at = this.count++;
    if (at < this.limit) {
      this.kept.push({ paper, at });
      return;
    }
    const j = Math.floor(this.rng() * (at + 1));
    if (j < this.limit) this.kept[j] = { paper, at };
  }

  /** Papers offered so far (distinct ids). */
  get offered(): number {
    return this.count;
  }

  papers(): PaperRecord[] {
    return [...this.kept].sort((a, b) => a.at - b.at).map((k) => k.paper);
  }
}

export function samplePapers(papers: Iterable<PaperRecord>, limit: number, seed: number): PaperRecord[] {
  const s = new PaperSampler(limit, seed);
  for (const p of papers) s.add(p);
  return s.papers();
}

/** Stream files and keep a sample; `offered` counts the distinct papers read. */
export async function loadPaperSample(paths: readonly string[], limit: number, seed: number, options: ReadOptions = {}): Promise<{ papers: PaperRecord[]; offered: number }> {
  const s = new PaperSampler(limit, seed);
  // Distinct prefixes, so id-less records of two files with the same name do not replace each other.
  const prefixes = idPrefixes(paths);
  for (const [i, path] of paths.entries()) for await (const p of readPapers(path, { ...options, idPrefix: prefixes[i]! })) s.add(p);
  return { papers: s.papers(), offered: s.offered };
}
