import { hashId, IdTable } from '../../corpus/id-table.js';
import { forEachPaperChunk, type ReadOptions } from '../../corpus/load.js';
import { seededRng } from '../../corpus/random.js';
import type { PaperRecord } from '../../corpus/record.js';

/**
 * A uniform random sample of `limit` papers (reservoir sampling, seeded), in corpus order.
 * Works on a stream, so a sample of a large corpus never holds the whole corpus in memory, and
 * gives the same papers whether the corpus is streamed from a file or already in memory.
 * Duplicate ids keep their first occurrence. Holds the sample and 16 bytes per distinct id read
 * (a hash of it, to know a duplicate), whatever the corpus's size.
 */
export class PaperSampler {
  private readonly kept: { paper: PaperRecord; at: number }[] = [];
  private readonly seen = new IdTable();
  private readonly hash = new Uint32Array(2);
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
    hashId(paper.id, this.hash);
    if (this.seen.offer(this.hash[0]!, this.hash[1]!, this.count, 0) >= 0) return;
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

/**
 * Most papers `tune`, `experiment` and `train --time-budget` hold by default: they train many
 * models on the same papers, so they keep them in memory (about 2 KB a paper), and a seeded
 * sample of this size keeps the whole shared corpus while a 2.7M-paper snapshot stays in bounds.
 */
export const DEFAULT_SAMPLE_LIMIT = 400_000;

/** Stream files and keep a sample; `offered` counts the distinct papers read. */
export async function loadPaperSample(paths: readonly string[], limit: number, seed: number, options: ReadOptions = {}): Promise<{ papers: PaperRecord[]; offered: number }> {
  const s = new PaperSampler(limit, seed);
  await forEachPaperChunk(paths, options, (chunk) => {
    for (const p of chunk.papers) s.add(p);
  });
  return { papers: s.papers(), offered: s.offered };
}
