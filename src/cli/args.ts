import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../base/errors.js';
import { MAX_THREADS } from '../parallel/threads.js';

type Options = NonNullable<ParseArgsConfig['options']>;
type HelpOption = { help: { type: 'boolean'; short: 'h' } };

/** What parseCommandArgs returns: typed option values plus positionals. */
export type ParsedCommandArgs<O extends Options> = ReturnType<typeof parseArgs<{ args: string[]; options: O & HelpOption; allowPositionals: boolean; strict: true }>>;

/**
 * `util.parseArgs` with `--help` always known and its errors in our words: an unknown option
 * names the nearest known one, and a negative number after an option is taken as its value
 * (`--k -1`), so the option's own check can say what is wrong with it.
 */
export function parseCommandArgs<O extends Options>(argv: string[], options: O, allowPositionals = false): ParsedCommandArgs<O> {
  const all: Options = { ...options, help: { type: 'boolean', short: 'h' } };
  for (const arg of argv) {
    if (arg === '--') break;
    const name = /^--([^=]+)/.exec(arg)?.[1];
    if (name !== undefined && !Object.hasOwn(all, name)) throw new UsageError(`unknown option --${name}${didYouMean(name, Object.keys(all))}`);
  }
  try {
    return parseArgs({ args: negativeValuesJoined(argv, all), options: all as O & HelpOption, allowPositionals, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** `--k -1` as `--k=-1`: util.parseArgs takes a value starting with '-' for the next option. */
function negativeValuesJoined(argv: string[], options: Options): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const name = /^--([^=]+)$/.exec(arg)?.[1];
    const next = argv[i + 1];
    if (name !== undefined && options[name]?.type === 'string' && next !== undefined && /^-\d|^-\.\d/.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}

/** ` (did you mean --NAME?)` for the known option (or, with prefix '', command) nearest to a misspelt one, or nothing. */
export function didYouMean(name: string, known: readonly string[], prefix = '--'): string {
  let best = '';
  let bestDistance = Infinity;
  for (const k of known) {
    const d = editDistance(name, k);
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  return bestDistance <= Math.max(1, Math.floor(name.length / 3)) ? ` (did you mean ${prefix}${best}?)` : '';
}

/** Levenshtein distance, with a swap of two neighbours counting once (`--titel`). */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

export function intOption(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n)) throw new UsageError(`--${name} must be an integer, got "${value}"`);
  return n;
}

/** --threads or --workers: an integer from `min` to MAX_THREADS. */
export function threadsOption(value: string, name: string, min: number): number {
  const n = intOption(value, name, min);
  if (n < min || n > MAX_THREADS) throw new UsageError(`--${name} must be from ${min} to ${MAX_THREADS}, got ${n}`);
  return n;
}

export function numberOption(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new UsageError(`--${name} must be a number, got "${value}"`);
  return n;
}

export function requireOption(value: string | undefined, name: string): string {
  if (value === undefined || value === '') throw new UsageError(`--${name} is required`);
  return value;
}

/** `90s`, `10m`, `1.5h` or plain seconds. */
export function parseDuration(value: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(s|m|h)?$/.exec(value.trim());
  if (!m) throw new UsageError(`--time-budget must be a duration such as 90s, 10m or 1h, got "${value}"`);
  const n = Number(m[1]);
  const seconds = n * (m[2] === 'h' ? 3600 : m[2] === 'm' ? 60 : 1);
  if (!(seconds > 0)) throw new UsageError(`--time-budget must be positive, got "${value}"`);
  return seconds;
}
