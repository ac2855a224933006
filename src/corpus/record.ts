/** A paper as every stage after ingestion sees it: canonical category codes, primary first. */
export interface PaperRecord {
  id: string;
  title: string;
  abstract: string;
  /** Canonical arXiv codes (see taxonomy), primary first, no duplicates. */
  categories: string[];
  primary: string;
  /** ISO date (YYYY-MM-DD) when the source gives one. */
  date?: string;
  /** Which format the record came from, e.g. "oai". */
  source?: string;
}

/**
 * Papers a library caller hands in (the readers make them right): checked at the edge, so that a
 * number where a title should be is a RangeError naming the paper and the field, not a TypeError
 * from deep in a worker thread.
 */
export function checkPaperRecords(papers: unknown, name = 'papers'): asserts papers is readonly PaperRecord[] {
  if (!Array.isArray(papers)) throw new RangeError(`${name} must be an array of papers or a file path, got ${papers === null ? 'null' : typeof papers}`);
  for (let i = 0; i < papers.length; i++) {
    const p = papers[i] as Record<string, unknown> | null;
    const at = `${name}[${i}]`;
    if (p === null || typeof p !== 'object' || Array.isArray(p)) throw new RangeError(`${at} must be a paper object, got ${p === null ? 'null' : Array.isArray(p) ? 'an array' : typeof p}`);
    for (const field of ['id', 'title', 'abstract', 'primary'] as const) {
      if (typeof p[field] !== 'string') throw new RangeError(`${at}.${field} must be a string, got ${p[field] === undefined ? 'nothing' : typeof p[field]}`);
    }
    const cats = p.categories;
    if (!Array.isArray(cats) || cats.length === 0 || !cats.every((c) => typeof c === 'string')) throw new RangeError(`${at}.categories must be a non-empty array of category codes, primary first`);
  }
}
