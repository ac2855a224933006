// Compile the WebAssembly sources in tools/ into TypeScript modules of base64 constants:
//   tools/kernels.wat            → src/models/linear/kernels-wasm.ts (the linear classifier's kernels)
//   tools/json-text.wat          → src/sources/json-text-wasm.ts    (the ingest fast path's string copy)
//   tools/feature-counter.as.ts  → src/text/feature-counter-wasm.ts (tokenising and feature lookup)
//
//   node scripts/build-kernels.mjs          write them
//   node scripts/build-kernels.mjs --check  exit 1 if one is out of date
//
// The classifier's kernels come out twice: one binary importing an ordinary memory and one importing
// a shared memory (a WebAssembly module must declare which kind it imports). wabt and assemblyscript
// are devDependencies used only here; the runtime loads the base64 constants and never needs them.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import asc from 'assemblyscript/asc';
import initWabt from 'wabt';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const PLAIN_IMPORT = '(import "env" "memory" (memory 1))';
const SHARED_IMPORT = '(import "env" "memory" (memory 1 65536 shared))';
const FEATURES = { simd: true, threads: true };
const wabt = await initWabt();

function compile(text, name) {
  const mod = wabt.parseWat(name, text, FEATURES);
  try {
    mod.resolveNames();
    mod.validate(FEATURES);
    const bytes = mod.toBinary({ canonicalize_lebs: true, write_debug_names: false }).buffer;
    if (!WebAssembly.validate(bytes)) {
      console.error(`${name} does not validate in this Node (${process.version})`);
      process.exit(1);
    }
    return bytes;
  } finally {
    mod.destroy();
  }
}

const b64 = (bytes) => Buffer.from(bytes).toString('base64');
// Wrap long base64 strings so diffs and editors stay sane.
const wrap = (s) => s.match(/.{1,100}/g).map((line) => `  '${line}'`).join(' +\n');
const sha256 = (text) => createHash('sha256').update(text).digest('hex');

function kernelsModule() {
  const source = readFileSync(join(root, 'tools', 'kernels.wat'), 'utf8');
  if (source.split(PLAIN_IMPORT).length !== 2) {
    console.error(`tools/kernels.wat: expected exactly one line ${PLAIN_IMPORT}`);
    process.exit(1);
  }
  const plain = compile(source, 'kernels.wat');
  const shared = compile(source.replace(PLAIN_IMPORT, SHARED_IMPORT), 'kernels-shared.wat');
  return `// GENERATED FILE - do not edit. Source: tools/kernels.wat.
// Regenerate with \`node scripts/build-kernels.mjs\` (needs the wabt devDependency); the runtime
// (src/models/linear/kernels.ts) only decodes these constants and never needs wabt.

/** sha256 of the tools/kernels.wat these binaries were built from (a test checks it is current). */
export const KERNELS_WAT_SHA256 = '${sha256(source)}';

/** The kernels module importing an ordinary (non-shared) memory as env.memory; base64. */
export const KERNELS_WASM_PLAIN =
${wrap(b64(plain))};

/** The kernels module importing a shared memory (maximum <= 65536 pages) as env.memory; base64. */
export const KERNELS_WASM_SHARED =
${wrap(b64(shared))};
`;
}

function jsonTextModule() {
  const source = readFileSync(join(root, 'tools', 'json-text.wat'), 'utf8');
  return `// GENERATED FILE - do not edit. Source: tools/json-text.wat.
// Regenerate with \`node scripts/build-kernels.mjs\` (needs the wabt devDependency); the runtime
// (src/sources/json-text-kernel.ts) only decodes this constant and never needs wabt.

/** sha256 of the tools/json-text.wat this binary was built from (a test checks it is current). */
export const JSON_TEXT_WAT_SHA256 = '${sha256(source)}';

/** The module (it exports its own memory); base64. */
export const JSON_TEXT_WASM =
${wrap(b64(compile(source, 'json-text.wat')))};
`;
}

async function featureCounterModule() {
  const source = readFileSync(join(root, 'tools', 'feature-counter.as.ts'), 'utf8');
  const { binary, error, stderr } = await asc.compileString(source, {
    optimizeLevel: 3,
    shrinkLevel: 0,
    runtime: 'stub',
    noAssert: true,
    importMemory: true,
    noExportMemory: true,
    initialMemory: 1,
  });
  if (error || !binary) {
    console.error(`tools/feature-counter.as.ts: ${error?.message ?? 'no output'}\n${stderr.toString()}`);
    process.exit(1);
  }
  return `// GENERATED FILE - do not edit. Source: tools/feature-counter.as.ts.
// Regenerate with \`node scripts/build-kernels.mjs\` (needs the assemblyscript devDependency); the
// runtime (src/text/feature-counter.ts) only decodes this constant and never needs assemblyscript.

/** sha256 of the tools/feature-counter.as.ts this binary was built from (a test checks it is current). */
export const FEATURE_COUNTER_SOURCE_SHA256 = '${sha256(source)}';

/** The module (it imports its memory as env.memory); base64. */
export const FEATURE_COUNTER_WASM =
${wrap(b64(binary))};
`;
}

const outputs = [
  [join(root, 'src', 'models', 'linear', 'kernels-wasm.ts'), kernelsModule()],
  [join(root, 'src', 'sources', 'json-text-wasm.ts'), jsonTextModule()],
  [join(root, 'src', 'text', 'feature-counter-wasm.ts'), await featureCounterModule()],
];
let stale = 0;
for (const [outPath, text] of outputs) {
  if (process.argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(outPath, 'utf8');
    } catch {
      // missing counts as out of date
    }
    if (current !== text) {
      console.error(`${outPath} is out of date: run node scripts/build-kernels.mjs`);
      stale++;
    } else console.log(`${outPath} is up to date`);
  } else {
    writeFileSync(outPath, text);
    console.log(`wrote ${outPath} (${text.length} characters)`);
  }
}
if (stale > 0) process.exit(1);
