/**
 * Ids for records whose source has none (the Keras CSV, most spreadsheets): `name:line`, where
 * `name` says which input file the record came from. Dedupe and splits need every record to have a
 * stable key; the key must differ between files, or id-less records of two inputs at the same
 * line would replace one another as duplicates.
 */
import { basename, resolve } from 'node:path';

/** The id of the record at `line` (or row) of the input that idPrefixes named `prefix`. */
export function syntheticId(prefix: string, line: number): string {
  return `${prefix}:${line}`;
}

/** The prefix of a file read on its own: its base name. */
export function defaultIdPrefix(file: string): string {
  return basename(file);
}

/**
 * Prefixes for inputs read together: each file's base name, or as many of its last path
 * components as set it apart from the other inputs (a/arxiv_data.csv, b/arxiv_data.csv). Only
 * what the paths say counts, not where the files lie or the order they were given in, so the same
 * files give the same ids wherever they are read from; a single input keeps its base name. The
 * same file named twice gets one prefix: its records are duplicates, which they are.
 */
export function idPrefixes(paths: readonly string[]): string[] {
  const parts = paths.map((p) => resolve(p).split(/[\\/]+/).filter((s) => s.length > 0));
  const full = parts.map((p) => p.join('/'));
  return parts.map((mine, i) => {
    let k = 1;
    for (const [j, other] of parts.entries()) {
      if (full[j] === full[i]) continue;
      // Grow k until the last k components differ from this other path's.
      while (k < mine.length && suffix(mine, k) === suffix(other, k)) k++;
    }
    return suffix(mine, k);
  });
}

function suffix(components: readonly string[], k: number): string {
  return components.slice(Math.max(0, components.length - k)).join('/');
}
