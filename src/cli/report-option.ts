import { writeFileAtomic } from '../base/atomic-file.js';
import { extname } from 'node:path';
import { UsageError, UserError } from '../base/errors.js';

/** Formats a `--report` file can be written in. */
export const REPORT_FORMATS = ['html', 'md', 'json', 'csv'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

const BY_EXTENSION: Record<string, ReportFormat> = { '.html': 'html', '.htm': 'html', '.md': 'md', '.markdown': 'md', '.json': 'json', '.csv': 'csv' };

/**
 * `--report-format` when given, else the report file's extension. `--format` already names the
 * input format in every command that reads a corpus (and `csv` is both), so the report gets its own.
 */
export function reportFormat(path: string, explicit: string | undefined, allowed: readonly ReportFormat[] = REPORT_FORMATS): ReportFormat {
  if (explicit !== undefined) {
    if (!(allowed as readonly string[]).includes(explicit)) throw new UsageError(`--report-format must be one of ${allowed.join(', ')}, got "${explicit}"`);
    return explicit as ReportFormat;
  }
  const byExt = BY_EXTENSION[extname(path).toLowerCase()];
  if (byExt === undefined || !allowed.includes(byExt)) {
    throw new UsageError(`cannot tell the report format from "${path}": use a ${allowed.map((f) => '.' + f).join(', ')} file name or --report-format`);
  }
  return byExt;
}

/** Written atomically: a report being replaced is never seen half-written, or lost to a failed write. */
export async function writeReport(path: string, content: string): Promise<void> {
  try {
    await writeFileAtomic(path, content);
  } catch (e) {
    throw new UserError(`cannot write report ${path}: ${(e as Error).message}`);
  }
}
