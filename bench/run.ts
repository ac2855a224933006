/**
 * Benchmark harness: `npm run bench [-- section...]` (tsx bench/run.ts).
 *
 * Each section is a module `bench/sections/<name>.ts` exporting
 * `run(): Promise<SectionResult>`. The named sections (or all of them) run one after another;
 * their blocks in docs/benchmarks.md (between `<!-- bench:<name> -->` and `<!-- /bench:<name> -->`)
 * are rewritten and every other block is kept as it was, so sections can be rerun on their own.
 * docs/benchmarks.json gets the same treatment, keyed by section name.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem, type as osType } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface SectionResult {
  title: string;
  /** The exact command(s) that produced the numbers, as someone would type them. */
  command: string;
  /** Body of the section (tables, notes); the harness adds title, command, machine and date. */
  markdown: string;
  /** Machine-readable numbers for docs/benchmarks.json. */
  json: unknown;
}

interface Section {
  run(): Promise<SectionResult>;
}

export interface Machine {
  cpu: string;
  cores: number;
  ramGiB: number;
  os: string;
  node: string;
  /** 1-minute load average when the section started: other work on the machine skews timings. */
  loadAvg: number;
}

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SECTIONS_DIR = join(ROOT, 'bench', 'sections');
const MD_PATH = join(ROOT, 'docs', 'benchmarks.md');
const JSON_PATH = join(ROOT, 'docs', 'benchmarks.json');

const HEADER = `# Benchmarks

Written by \`npm run bench\` (bench/run.ts), one block per section in bench/sections/. Rerun one
section with \`npm run bench -- <section>\`; the other blocks keep their earlier results. Each block
names the machine, the date, the load average when it started (other work on a shared machine
slows everything down) and the exact command.
`;

export function machine(): Machine {
  const c = cpus();
  return {
    cpu: c[0]?.model.trim() ?? 'unknown',
    cores: c.length,
    ramGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: `${osType()} ${release()}`,
    node: process.version,
    loadAvg: Math.round(loadavg()[0]! * 100) / 100,
  };
}

function describeMachine(m: Machine): string {
  return `${m.cpu} × ${m.cores} cores, ${m.ramGiB} GiB RAM, ${m.os}, Node ${m.node}`;
}

function sectionNames(): string[] {
  return readdirSync(SECTIONS_DIR)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => f.slice(0, -3))
    .sort();
}

const BLOCK = /<!-- bench:([\w-]+) -->\n[\s\S]*?<!-- \/bench:\1 -->\n?/g;

/** The blocks of an existing benchmarks.md, in file order. */
function readBlocks(text: string): Map<string, string> {
  const blocks = new Map<string, string>();
  for (const m of text.matchAll(BLOCK)) blocks.set(m[1]!, m[0].endsWith('\n') ? m[0] : m[0] + '\n');
  return blocks;
}

function renderBlock(name: string, r: SectionResult, m: Machine, date: string, seconds: number): string {
  return `<!-- bench:${name} -->
## ${r.title}

- Command: \`${r.command}\`
- Machine: ${describeMachine(m)}
- Date: ${date}; load average at start ${m.loadAvg}; section took ${seconds.toFixed(0)} s

${r.markdown.trim()}

<!-- /bench:${name} -->
`;
}

async function main(argv: string[]): Promise<number> {
  const known = sectionNames();
  const wanted = argv.length > 0 ? argv : known;
  const unknown = wanted.filter((n) => !known.includes(n));
  if (unknown.length > 0) {
    process.stderr.write(`bench: unknown section(s) ${unknown.join(', ')}; known: ${known.join(', ')}\n`);
    return 2;
  }
  let failed = 0;
  for (const name of wanted) {
    process.stderr.write(`bench: ${name}…\n`);
    const m = machine();
    const date = new Date().toISOString();
    const started = performance.now();
    let result: SectionResult;
    try {
      const mod = (await import(pathToFileURL(join(SECTIONS_DIR, `${name}.ts`)).href)) as Section;
      result = await mod.run();
    } catch (err) {
      failed++;
      process.stderr.write(`bench: ${name} failed: ${err instanceof Error ? err.stack : String(err)}\n`);
      continue;
    }
    const seconds = (performance.now() - started) / 1000;
    // Read the files again now: a section can run for an hour, and other sections' results
    // written meanwhile (another run, a merge) must survive.
    const blocks = existsSync(MD_PATH) ? readBlocks(readFileSync(MD_PATH, 'utf8')) : new Map<string, string>();
    const json = existsSync(JSON_PATH) ? (JSON.parse(readFileSync(JSON_PATH, 'utf8')) as { sections?: Record<string, unknown> }) : {};
    const jsonSections: Record<string, unknown> = json.sections ?? {};
    blocks.set(name, renderBlock(name, result, m, date, seconds));
    jsonSections[name] = { title: result.title, command: result.command, date, machine: m, seconds, result: result.json };
    // Write after every section so a later failure keeps what was measured.
    writeFileSync(MD_PATH, `${HEADER}\n${[...blocks.values()].join('\n')}`);
    writeFileSync(JSON_PATH, JSON.stringify({ sections: jsonSections }, null, 2) + '\n');
    process.stderr.write(`bench: ${name} done in ${seconds.toFixed(0)} s\n`);
  }
  return failed > 0 ? 1 : 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`bench: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
