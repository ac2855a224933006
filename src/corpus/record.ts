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
