/**
 * The import graph of src/, and what it breaks of the data's one-way flow: an import from a lower
 * layer to a higher one (sources → corpus → text → models → evaluation → report → serving → cli),
 * and import cycles between modules. `npx tsx scripts/import-graph.ts` prints both;
 * test/architecture.test.ts keeps them from growing.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SRC = join(ROOT, 'src');

/**
 * Layers in the order data flows through them; a module may import its own layer and those
 * before it. Shared plumbing (errors, files, taxonomy, wasm memory, worker threads) sits below everything; the
 * library's entry point and the browser build sit above everything.
 */
export const LAYERS: readonly (readonly string[])[] = [
  ['base', 'taxonomy', 'wasm', 'parallel'],
  ['sources'],
  ['corpus'],
  ['text'],
  ['models'],
  ['evaluation'],
  ['report'],
  ['serving'],
  ['cli'],
  ['index.ts', 'browser'],
];

function layerOf(file: string): number {
  const top = file.split('/')[0]!;
  const i = LAYERS.findIndex((names) => names.includes(top));
  if (i < 0) throw new Error(`src/${file}: in no layer (scripts/import-graph.ts, LAYERS)`);
  return i;
}

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sources(p));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s+(?:type\s+)?(?:[^'"]*?\s+from\s+)?['"](\.[^'"]+)['"]/g;

/** Module → the modules it imports (paths relative to src/, .ts), type-only imports included. */
export function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sources(SRC)) {
    const text = readFileSync(file, 'utf8');
    const deps: string[] = [];
    for (const m of text.matchAll(IMPORT)) {
      const target = relative(SRC, resolve(dirname(file), m[1]!)).replace(/\.js$/, '.ts');
      if (!target.startsWith('..')) deps.push(target);
    }
    graph.set(relative(SRC, file), [...new Set(deps)]);
  }
  return graph;
}

/** Imports that run against the flow, as "from -> to". */
export function upwardImports(graph: Map<string, string[]>): string[] {
  const out: string[] = [];
  for (const [from, deps] of graph) for (const to of deps) if (graph.has(to) && layerOf(to) > layerOf(from)) out.push(`${from} -> ${to}`);
  return out.sort();
}

/** Each cycle once, as its modules joined by " -> " starting from the smallest name (Tarjan's strongly connected components). */
export function importCycles(graph: Map<string, string[]>): string[] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1) out.push(scc.sort().join(' <-> '));
    }
  };
  for (const v of [...graph.keys()].sort()) if (!idx.has(v)) visit(v);
  return out.sort();
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const graph = importGraph();
  const up = upwardImports(graph);
  const cycles = importCycles(graph);
  console.log(`${graph.size} modules; ${up.length} imports against the flow, ${cycles.length} cycles`);
  for (const u of up) console.log(`  up:    ${u}`);
  for (const c of cycles) console.log(`  cycle: ${c}`);
}
