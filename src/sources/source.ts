/**
 * Every reader turns its format into plain rows (field name → value) with a 1-based position;
 * `fields.ts` maps the many spellings of arXiv metadata onto one RawRecord. Keeping readers
 * ignorant of field meaning is what lets a new format be a small file.
 */
export const FORMAT_NAMES = ['jsonl', 'json-array', 'csv', 'tsv', 'parquet', 'xlsx'] as const;

export type FormatName = (typeof FORMAT_NAMES)[number];

export type Row = Record<string, unknown>;

/** `line` is the 1-based line (text formats), element index (JSON array) or row number (tables). */
export type RowItem = { row: Row; line: number } | { error: string; line: number };

/** Metadata as found in a source, before taxonomy canonicalisation. */
export interface RawRecord {
  id?: string;
  title: string;
  abstract: string;
  /** Raw category codes as written, primary first when the source says which is primary. */
  categories: string[];
  /** Explicit primary when the source has a separate field for it (arXiver, xlsx main_category). */
  primary?: string;
  date?: string;
  /** Version number when known (OAI `versions`, `aid` URLs ending in vN); later wins on duplicate ids. */
  version?: number;
}

export type SkipReason = 'bad-json' | 'bad-row' | 'no-text' | 'no-category' | 'no-valid-category' | 'duplicate';
