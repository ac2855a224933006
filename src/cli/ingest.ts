import { parseCommandArgs, requireOption, threadsOption } from './args.js';
import { type Command } from './command.js';
import { UsageError } from '../base/errors.js';
import { Progress } from './progress.js';
import { ingest, type IngestResult } from '../corpus/ingest.js';
import { FORMAT_NAMES } from '../sources/source.js';
import { parseFormat } from './stats.js';
import { columnChoice, columnOptions } from './column-options.js';

const MAX_LISTED_CODES = 20;

export const command: Command = {
  name: 'ingest',
  usage: `Usage: arxiv-classifier ingest FILE... --out CORPUS.jsonl[.gz] [--format F] [--title-col C ...] [--json]

Read arXiv metadata (OAI/Kaggle snapshot JSON lines, Kaggle JSON arrays, Keras CSV, TSV, parquet,
xlsx; gzipped or not) into one canonical JSON-lines corpus: canonical category codes (aliases and
retired archives remapped, ACM/MSC codes dropped), one record per paper id (the highest version,
the later record on ties). The output is written to a temp file and renamed into place at the end.
Memory grows with the corpus: ~20-40 bytes a paper (its id hash and version, for dedupe).
CSV quoted fields may span lines; a quote that never closes costs only its own line. In TSV a
field opening with " is quoted only when the file's first such field reads as a quoted one.

Options:
  --out PATH      corpus to write (gzipped when it ends in .gz)                    (required)
  --format F      read every FILE as F: auto (default: detect each file by content),
                  ${FORMAT_NAMES.join(', ')}
  --workers N     worker threads for JSON lines (default: up to 2 for large inputs; 0: none)
  --title-col C, --abstract-col C, --id-col C, --categories-col C, --primary-col C
                  the inputs' fields holding the title, the abstract, the id, the categories
                  (a list, or codes separated by spaces, commas or semicolons) and the primary
                  category, in any letter case; each replaces the usual names (title/titles,
                  abstract/summary, id/aid, categories/terms/tag, primary_category/main_category,
                  …). A record without a named field is skipped, and the summary says which
  --json          print the summary as JSON on stdout (it always goes to stderr as text)
  -h, --help      this help

Exit codes: 0 written (skipped records are normal and reported), 1 an input could not be read or
nothing was kept, 2 bad usage.`,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(
      argv,
      { out: { type: 'string', short: 'o' }, format: { type: 'string' }, workers: { type: 'string' }, json: { type: 'boolean' }, ...columnOptions() },
      true,
    );
    const out = requireOption(values.out, 'out');
    // The corpus is JSON lines whatever the name says: a name that promises another format would mislead.
    if (/\.(csv|tsv|json|parquet|xlsx)(\.gz)?$/i.test(out)) throw new UsageError(`--out ${out}: ingest writes JSON lines; name the file .jsonl (or .jsonl.gz to compress it)`);
    if (positionals.length === 0) throw new UsageError('give at least one input FILE');
    const format = parseFormat(values.format);
    const workers = values.workers === undefined ? undefined : threadsOption(values.workers, 'workers', 0);
    const columns = columnChoice(values);

    const bar = new Progress('ingest', undefined, { unit: 'records' });
    let result;
    try {
      result = await ingest(positionals, out, {
        ...(format ? { format } : {}),
        ...(workers !== undefined ? { workers } : {}),
        ...(columns ? { columns } : {}),
        onProgress: (done, total, records) => bar.update(records, '', total > 0 ? done / total : undefined),
      });
    } finally {
      bar.done();
    }
    process.stderr.write(formatSummary(result));
    if (values.json) {
      // Whole-process figures (worker threads included), for benchmarks and capacity planning.
      const maxRssMB = Math.round(process.resourceUsage().maxRSS / 1024);
      const cpu = process.cpuUsage();
      const cpuSeconds = Math.round((cpu.user + cpu.system) / 1e4) / 100;
      process.stdout.write(JSON.stringify({ ...result, maxRssMB, cpuSeconds }, null, 2) + '\n');
    }
    if (!result.written) {
      process.stderr.write(`arxiv-classifier ingest: no record was kept, so ${out} was not written\n`);
      return 1;
    }
    return 0;
  },
};

function counts(entries: [string, number][], limit: number): string {
  const sorted = entries.sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const shown = sorted.slice(0, limit).map(([k, v]) => `${k} ×${v}`);
  if (sorted.length > limit) shown.push(`… ${sorted.length - limit} more`);
  return shown.join(', ');
}

/** The human summary: what was read, kept, dropped and why, and how fast. */
export function formatSummary(r: IngestResult): string {
  const lines: string[] = [];
  const fileWord = r.files.length === 1 ? 'file' : 'files';
  lines.push(`ingest: ${r.read} records read from ${r.files.length} ${fileWord}, ${r.kept} kept${r.written ? ` → ${r.out}` : ''}`);
  for (const f of r.files) lines.push(`  ${f.path} (${f.format}): ${f.read} records`);
  lines.push(`  duplicates dropped: ${r.duplicates}`);
  const skipped = Object.entries(r.skipped).filter(([k]) => k !== 'duplicate') as [string, number][];
  if (skipped.length > 0) lines.push(`  skipped: ${skipped.map(([k, v]) => `${k} ${v}`).join(', ')}`);
  for (const [reason, examples] of Object.entries(r.examples)) {
    for (const e of examples ?? []) lines.push(`    ${reason}: ${e.file}:${e.line}: ${e.detail}`);
  }
  if (r.foreignCodes.acm + r.foreignCodes.msc > 0) lines.push(`  foreign codes dropped: ACM ${r.foreignCodes.acm}, MSC ${r.foreignCodes.msc}`);
  const unknown = Object.entries(r.unknownCodes);
  if (unknown.length > 0) lines.push(`  unknown codes dropped: ${counts(unknown, MAX_LISTED_CODES)}`);
  const remapped = Object.entries(r.remapped);
  if (remapped.length > 0) lines.push(`  remapped: ${counts(remapped, MAX_LISTED_CODES)}`);
  const workers = r.workers > 0 ? `, ${r.workers} workers` : '';
  lines.push(`  ${(r.bytes / 1e6).toFixed(1)} MB in ${r.seconds.toFixed(2)} s (${r.mbPerSecond.toFixed(1)} MB/s${workers})`);
  return lines.join('\n') + '\n';
}
