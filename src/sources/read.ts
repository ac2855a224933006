import { readDelimitedRows } from './csv.js';
import { detectFormat } from './detect.js';
import { readJsonArrayRows } from './json-array.js';
import { readJsonlRows } from './jsonl.js';
import type { FormatName, RowItem } from './source.js';

/**
 * Rows of a metadata file in the given format, or the one its content shows. Parquet and xlsx
 * readers load only when such a file is read, so text ingestion does not pay for their parsers.
 */
export async function* readRows(path: string, format?: FormatName): AsyncGenerator<RowItem> {
  const fmt = format ?? (await detectFormat(path));
  switch (fmt) {
    case 'jsonl':
      yield* readJsonlRows(path);
      return;
    case 'json-array':
      yield* readJsonArrayRows(path);
      return;
    case 'csv':
      yield* readDelimitedRows(path, ',');
      return;
    case 'tsv':
      yield* readDelimitedRows(path, '\t');
      return;
    case 'parquet': {
      const { readParquetRows } = await import('./parquet.js');
      yield* readParquetRows(path);
      return;
    }
    case 'xlsx': {
      const { readXlsxRows } = await import('./xlsx.js');
      yield* readXlsxRows(path);
      return;
    }
  }
}
