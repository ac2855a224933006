import { UsageError } from '../base/errors.js';
import type { RecordColumns } from '../sources/fields.js';

/** The flags naming an input's fields, each for the field of RecordColumns it names. */
const FLAGS = [
  ['title-col', 'title'],
  ['abstract-col', 'abstract'],
  ['id-col', 'id'],
  ['categories-col', 'categories'],
  ['primary-col', 'primary'],
] as const;

type Flag = (typeof FLAGS)[number][0];

/** Help for the flags, for commands that read labelled papers (ingest describes them at length). */
export function columnUsage(input: string, indent = 18): string {
  const pad = ' '.repeat(indent);
  return `  --title-col C, --abstract-col C, --id-col C, --categories-col C, --primary-col C
${pad}the fields of ${input} under other names, as in 'ingest' (any
${pad}letter case; each replaces the usual names)`;
}

/** parseArgs options for the given flags (all of them by default: inputs that carry labels). */
export function columnOptions(flags: readonly Flag[] = FLAGS.map(([f]) => f)): Record<Flag, { type: 'string' }> {
  return Object.fromEntries(flags.map((f) => [f, { type: 'string' as const }])) as Record<Flag, { type: 'string' }>;
}

/** The fields named by the flags, or undefined when none is. */
export function columnChoice(values: Partial<Record<Flag, string>>): RecordColumns | undefined {
  const columns: RecordColumns = {};
  for (const [flag, key] of FLAGS) {
    const v = values[flag];
    if (v === undefined) continue;
    if (!v.trim()) throw new UsageError(`--${flag} needs a field name`);
    columns[key] = v;
  }
  return Object.keys(columns).length > 0 ? columns : undefined;
}
