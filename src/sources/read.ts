import { readDelimitedRows } from './csv.js';
import type { DecompressionLimit } from './decompression-limit.js';
import { detectFormat } from './detect.js';
import { readJsonArrayRows } from './json-array.js';
import { readJsonlRows } from './jsonl.js';
import { readSeekable } from './seekable.js';
import type { FormatName, RowItem } from './source.js';

/**
 * Rows of a metadata file in the given format, or the one its content shows. Parquet and xlsx
 * readers load only when such a file is read, so text ingestion does not pay for their parsers;
 * gzipped ones are read from a gunzipped temp copy (see seekable.ts). Every decompression on the
 * way counts against `limit`, when given.
 */
export async function* readRows(path: string, format?: FormatName, limit?: DecompressionLimit): AsyncGenerator<RowItem> {
  const fmt = format ?? (await detectFormat(path));
  switch (fmt) {
    case 'jsonl':
      yield* readJsonlRows(path, undefined, limit);
      return;
    case 'json-array':
      yield* readJsonArrayRows(path, limit);
      return;
    case 'csv':
      // Comma or semicolon (or tab, for a file called CSV that is not), by its header line.
      yield* readDelimitedRows(path, 'sniff', limit);
      return;
    case 'tsv':
      yield* readDelimitedRows(path, '\t', limit);
      return;
    case 'parquet': {
      const { readParquetRows } = await import('./parquet.js');
      yield* readSeekable(path, (file, name) => readParquetRows(file, { name, limit }), { limit });
      return;
    }
    case 'xlsx': {
      const { readXlsxRows } = await import('./xlsx.js');
      yield* readSeekable(path, (file, name) => readXlsxRows(file, { name, limit }), { limit });
      return;
    }
  }
}
