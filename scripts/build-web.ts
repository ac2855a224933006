/**
 * `npm run build:web`: a static site in dist/web that classifies in the browser, for any static
 * host. It holds
 *   assets/arxiv-classifier.browser.js  the model code bundled for browsers (src/browser/index.ts)
 *   model.axcm                          the default model (models/primary.axcm)
 *   model.axcm.gz                       the same, gzipped: the page fetches this one first and
 *                                       decompresses it itself (DecompressionStream), so the
 *                                       download is a third of the size on any static host
 *   the page                            src/serving/web/ when that directory exists, else the
 *                                       minimal page in src/browser/page/
 * Node-only modules the model code imports (file I/O, hashing) are swapped for stand-ins that
 * throw (src/browser/node-only.ts); any other Node import fails the build.
 */
import { build, type Plugin } from 'esbuild';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const BUNDLE_PATH = join('assets', 'arxiv-classifier.browser.js');
const ENTRY = join(ROOT, 'src', 'browser', 'index.ts');
const NODE_ONLY_STANDIN = join(ROOT, 'src', 'browser', 'node-only.ts');
const SOURCES_STANDIN = join(ROOT, 'src', 'browser', 'node-only-sources.ts');
/** Modules under src/models that use Node APIs; nothing between bytes and predictions calls them. */
const NODE_ONLY = /^\.{1,2}\/(?:[\w-]+\/)*(model-file|data-hash)\.js$/;

const nodeOnlyStandIns: Plugin = {
  name: 'node-only-stand-ins',
  setup(b) {
    b.onResolve({ filter: NODE_ONLY }, (args) =>
      args.importer.startsWith(join(ROOT, 'src', 'models')) ? { path: NODE_ONLY_STANDIN } : undefined,
    );
    // The file parsers the static site's batch mode uses take text; only open.ts touches files.
    b.onResolve({ filter: /^\.\/open\.js$/ }, (args) => (args.importer.startsWith(join(ROOT, 'src', 'sources')) ? { path: SOURCES_STANDIN } : undefined));
  },
};

/** Bundles the browser entry into one classic script (an IIFE) at `outFile`; returns its size in bytes. */
export async function bundleBrowser(outFile: string): Promise<number> {
  await build({
    entryPoints: [ENTRY],
    outfile: outFile,
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: ['es2022'],
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
    plugins: [nodeOnlyStandIns],
  });
  return statSync(outFile).size;
}

export interface WebBuild {
  outDir: string;
  /** Where the page came from. */
  page: string;
  bundleBytes: number;
  modelBytes: number;
  /** model.axcm.gz's size (0 without a model). */
  modelGzBytes: number;
}

/** The page to ship: the served one (src/serving/web) where it exists, else the minimal one. */
export function defaultPageDir(): string {
  const served = join(ROOT, 'src', 'serving', 'web');
  return existsSync(served) ? served : join(ROOT, 'src', 'browser', 'page');
}

/**
 * Writes the site to `outDir` (emptied first). With `modelPath` null the model is left out: that
 * is the page `serve` serves (`npm run build`), which fetches the model from the API instead.
 */
export async function buildWeb(outDir: string, modelPath: string | null = join(ROOT, 'models', 'primary.axcm'), pageDir = defaultPageDir()): Promise<WebBuild> {
  if (modelPath !== null && !existsSync(modelPath)) throw new Error(`${modelPath}: no such model file (run npm run build:model, or pass another model)`);
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(join(outDir, 'assets'), { recursive: true });
  // Static files are copied as they are; TypeScript sources (if the page has any) are not served.
  cpSync(pageDir, outDir, { recursive: true, filter: (src) => !/\.[cm]?ts$/.test(src) });
  const bundleBytes = await bundleBrowser(join(outDir, BUNDLE_PATH));
  let gzBytes = 0;
  if (modelPath !== null) {
    copyFileSync(modelPath, join(outDir, 'model.axcm'));
    const gz = gzipSync(readFileSync(modelPath), { level: 9 });
    writeFileSync(join(outDir, 'model.axcm.gz'), gz);
    gzBytes = gz.length;
  }
  return { outDir, page: relative(ROOT, pageDir) || pageDir, bundleBytes, modelBytes: modelPath === null ? 0 : statSync(modelPath).size, modelGzBytes: gzBytes };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outDir = join(ROOT, 'dist', 'web');
  buildWeb(outDir, process.argv.includes('--no-model') ? null : undefined).then(
    (r) => {
      const mb = (n: number) => (n / 1e6).toFixed(2);
      process.stderr.write(`build:web: ${outDir} (page from ${r.page}; bundle ${mb(r.bundleBytes)} MB, model ${mb(r.modelBytes)} MB, ${mb(r.modelGzBytes)} MB gzipped)\n`);
    },
    (e: unknown) => {
      process.stderr.write(`build:web: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
